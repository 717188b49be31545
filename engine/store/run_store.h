// The results store: an SQLite file that keeps every run of `wijksim run` and `wijksim compare` (README,
// "Results store", documents the schema). Each completed parameter draw is written in one transaction with
// everything it produced, so a run stopped at any moment (Ctrl-C, kill -9, a full disk) keeps exactly the
// draws it completed, and `--resume` continues it to the result an uninterrupted run gives.
//
// Values are always bound to prepared statements, never formatted into SQL.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wijksim/analysis/summary.h"
#include "wijksim/simulation/run_result.h"
#include "wijksim/store/run_lock.h"
#include "wijksim/store/week_rows.h"

struct sqlite3;

namespace wijksim {

// Bumped whenever a table or column changes; a store of another version is refused, never rewritten.
inline constexpr int kStoreSchemaVersion = 7;

struct RunInfo {
  std::int64_t id = 0;
  std::string started_at, finished_at;  // UTC, ISO 8601
  std::string version;                  // of wijksim
  std::uint64_t seed = 0;
  std::string command;       // "run" or "compare"
  std::string command_line;  // as typed, to reproduce the run
  std::string status;        // "running", "complete", "interrupted", "failed"
  int replications = 0, first_replication = 0, years = 0, draws = 0;
  int draws_done = 0;         // parameter draws (or the base case) with at least one run kept
  int replications_done = 0;  // base case: replications kept (each is written whole, every scenario)
  int candidates_done = 0;    // calibrate: candidates evaluated and kept
  // RunStore::runs only: what is wrong with the stored row ("has policy years 2000000000"), or empty. A run
  // whose row is damaged is still listed (the others are readable); RunStore::run refuses it.
  std::string damage;
};

// How far a run got, in words: "3 of 5 draws done", "2 of 6 replications done (the base case)", "146
// candidates evaluated". The base case is kept replication by replication, a PSA draw by draw, a
// calibration candidate by candidate.
std::string progress_of(const RunInfo& r);

// What a calibrate run calibrates against (the `calibrations` table).
struct StoredCalibration {
  std::string targets_file;
  std::string targets_hash;  // content_hash of the targets file's text
  int households = 0;        // simulated per candidate
};

// One evaluated candidate of a calibrate run (the `candidates` table): by name, so a changed targets file
// cannot be misread.
struct StoredCandidate {
  std::uint32_t candidate = 0;
  int round = 0;
  std::vector<std::pair<std::string, double>> parameters;  // key path -> value
  std::vector<std::string> targets;                        // target keys ...
  std::vector<double> model, model_se;                     // ... and the model's mean and its standard error
  double log_likelihood = 0;                               // -infinity: a figure the model could not show
  bool rejected = false;                                   // the scenario cannot take the values (no figures)
};

// The `settings` rows of scenario kRunSettings are the run's own: the analyses its command line asked for
// (RecordOptions::analyses), which a resumed run must ask for too.
inline constexpr int kRunSettings = -1;

struct StoredScenario {
  int index = 0;
  std::string name, file, role;  // role: "intervention", "comparator" or "scenario"
  int comparator = -1;           // index of its comparator, -1 for none
  int households = 0;
  double coach_fte = 0;
  double caseload_norm_per_fte = 0, caseload_cap_per_fte = 0;
  std::string resolved_yaml, hash;
  // What `hash` covers beside the resolved text: the parameter sets' values and the calibration targets as
  // read ("" without), so a resume refused for them says which changed.
  std::string sets_hash, targets_hash;
  std::string description;
  double willingness_to_pay = 0;  // euros per problem-free household-year, as the base case evaluates it
  // Every setting of the resolved scenario, "key.path" -> value in YAML flow style, in file order (written
  // with the run; read back with RunStore::settings).
  std::vector<std::pair<std::string, std::string>> settings;
};

// A payer or an agency: its key (as in the scenario files) and its label for people.
struct StoredLabel {
  std::string key, label;
};

// One run of one scenario in one draw, as the store receives it.
struct StoredRun {
  int scenario = 0;
  std::uint32_t replication = 0;
  const RunResult* result = nullptr;
  const RunMeasures* measures = nullptr;
  double coach_fte = 0;  // to turn caseloads into caseload per FTE
  // Per domain of the scenario, in order: the event its escalation is (Domain::escalation_event; "" for
  // none), for the yearly table's escalations by event and its households by number of problems.
  std::vector<std::string> escalation_events;
};

// Per option of a decision, draw and replication: discounted cost and effect per household, the points of
// the cost-effectiveness plane. Replication kMeanOfDraw holds the mean over the draw's replications.
inline constexpr int kMeanOfDraw = -1;
struct StoredEvaluation {
  int comparator = 0;  // scenario index of the decision's comparator
  int option = 0;      // scenario index of the option (the comparator itself included)
  std::uint32_t draw = 0;
  int replication = kMeanOfDraw;
  double cost = 0, effect = 0;
};

// The sensitivity analyses of a comparison (study/sensitivity_study.h), as rows of their tables. Scenario
// indices as in `scenarios`; NaN is stored as NULL.
struct StoredOneWay {  // one parameter's range, one outcome, one intervention
  int comparator = 0, option = 0;
  std::string parameter, outcome;
  int rank = 0;  // in the tornado (0: the largest swing of the net benefit)
  double low_value = 0, high_value = 0, at_low = 0, base = 0, at_high = 0;
};
struct StoredTwoWay {  // one cell of a two-way grid, one option
  int comparator = 0;
  std::string x_parameter, y_parameter;
  double x = 0, y = 0;
  int option = 0;
  double inmb = 0, delta_cost = 0;
  int preferred = 0;  // scenario index of the preferred option in the cell
};
struct StoredThreshold {
  int comparator = 0, option = 0;
  std::string parameter, outcome;
  double target = 0, from = 0, to = 0, value = 0, lo = 0, hi = 0;
  int crossings = 0, crossed = 0, replications = 0;
  std::string status;  // "found", "not crossed", "undefined"
};
struct StoredEvppi {
  int comparator = 0;
  std::string name, kind, parameters;  // kind: parameter, section, group, all; parameters comma-separated
  double willingness_to_pay = 0, per_household = 0, se = 0, r_squared = 0;
};
struct StoredVirtualEvaluation {
  int comparator = 0, option = 0;
  std::string measure;
  int sample = 0, studies = 0;
  double true_effect = 0, mean_estimate = 0, lo = 0, hi = 0, power = 0, power_right_sign = 0,
         analytic_power = 0;
};
struct StoredSensitivity {
  std::vector<StoredOneWay> one_way;
  std::vector<StoredTwoWay> two_way;
  std::vector<StoredThreshold> thresholds;
  std::vector<StoredEvppi> evppi;
  std::vector<StoredVirtualEvaluation> virtual_evaluation;
};

class RunStore {
 public:
  // ReadWriteExisting: to write a run the store holds already (a resume), so never created.
  enum class Mode { ReadWrite, ReadOnly, ReadWriteExisting };

  // Opens the store, creating it (ReadWrite) when the file does not exist. Throws Error naming the file
  // when it is missing (ReadOnly, ReadWriteExisting), not an SQLite file, not writable, or of another schema
  // version.
  static RunStore open(const std::string& path, Mode mode = Mode::ReadWrite);
  RunStore(RunStore&&) noexcept;
  RunStore& operator=(RunStore&&) noexcept;
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;
  ~RunStore();

  const std::string& path() const { return path_; }
  // `check` runs inside every transaction that writes rows of a run already begun (a unit, the run's
  // completion, its analyses, a resume's discards), once SQLite's write lock is held: the writer's check
  // that the run is still its own (RunWriter::keep_lock), which throws to write nothing. Inside the
  // transaction, so that no other process writes the run between the check and the rows (outside attack
  // 59: a writer paused between its check and its write let a second one complete the run meanwhile).
  void check_writes_with(std::function<void()> check) { writer_check_ = std::move(check); }
  // Whether `path()` no longer names the file this store opened (removed, or another file put in its place
  // while it was written): what was written since is not where the path leads.
  bool replaced() const;
  // Folds the write-ahead log into the store file now (what closing it does too, silently), and returns
  // SQLite's reason when a write fails (a full disk, a file-size limit): then the store file alone is not
  // whole, and only the two files together hold the runs. Another process reading or writing the store is no
  // failure: the log is folded when the last one closes it.
  std::optional<std::string> fold_log() const;

  // A new run with its scenarios, payers and agencies (labels are shared by every scenario of a run). With
  // `lock`, the new run's lock (run_lock.h) is taken before the run becomes visible to other processes.
  std::int64_t begin_run(const RunInfo& info, const std::vector<StoredScenario>& scenarios,
                         const std::vector<StoredLabel>& payers, const std::vector<StoredLabel>& agencies,
                         std::optional<RunLock>* lock = nullptr,
                         const StoredCalibration* calibration = nullptr,
                         const std::vector<std::pair<std::string, std::string>>& run_settings = {});
  RunInfo run(std::int64_t id) const;  // throws Error for an unknown run
  // Every run, a damaged one with RunInfo::damage set: counts wijksim never writes, and a run or comparison
  // that holds the tables of its completion but is not marked complete (as `show` and `report` refuse it).
  std::vector<RunInfo> runs() const;
  // Throws the error of a run damaged as runs() lists it (RunInfo::damage, or its completion's tables
  // without its status), as reading it would; nothing otherwise. A resume calls it too: it took such a run
  // up again where every other command refused it (outside attack 55).
  void refuse_damaged(const RunInfo& info) const;
  // Throws InputError unless a complete run's rows that `show` reads first (its own rows and its tables)
  // match their seals: what `runs` lists and a resume says is complete are what `show` would print (a
  // run whose tables were deleted was listed as complete and resumed as "complete already, `show` prints
  // it" while show refused it; outside attack 55).
  void check_shown(std::int64_t run) const;
  // Why run `info` (not complete) has no tables, report or export yet, and what to do: another process is
  // writing it right now (wait), or it stopped (the command that resumes it). `what` ends the first part:
  // "has no report yet".
  std::string why_unfinished(const RunInfo& info, std::string_view what) const;
  // A complete run of `run` or `compare` holds rows for each of its scenarios: throws InputError (the store
  // is damaged) when scenarios, payers or agencies are gone, or a scenario lacks its weekly, agency, cost or
  // figure rows, or has other counts of them than the others (rows deleted by hand were shown as a run that
  // compares nothing, its charts empty, exit 0: outside attack 11). What report, show and export rely on.
  void check_whole(const RunInfo& info) const;
  std::vector<StoredScenario> scenarios(std::int64_t run) const;
  std::vector<StoredLabel> payers(std::int64_t run) const;
  std::vector<StoredLabel> agencies(std::int64_t run) const;

  // One completed draw, in one transaction: the sampled parameters ([scenario] -> (key, value)), and for
  // every run the cost per year, payer and category, the weekly measures, the agencies' weeks and the
  // run's summary figures.
  void write_draw(std::int64_t run, std::uint32_t draw,
                  const std::vector<std::vector<std::pair<std::string, double>>>& parameters,
                  const std::vector<StoredRun>& runs);

  // calibrate: what the run calibrates against (Error when it is not a calibrate run), one candidate in
  // its own transaction, and every candidate kept, by index.
  StoredCalibration calibration(std::int64_t run) const;
  void write_candidate(std::int64_t run, const StoredCandidate& candidate);
  std::vector<StoredCandidate> candidates(std::int64_t run) const;

  // The summary figures of every completed run: draw -> [scenario] -> runs in replication order.
  std::map<std::uint32_t, std::vector<std::vector<RunMeasures>>> completed(
      std::int64_t run, const std::vector<ScenarioShape>& shapes) const;

  // A resume's first check: an interrupted run's own rows (runs, scenarios, settings, payers, agencies,
  // calibrations) against the seal begin_run made of them; InputError where they differ or the seal is gone
  // (every store of this schema version was written by a wijksim that seals a run as it begins, in the same
  // transaction: a run without it had it removed, and was trusted as an earlier version's; outside attack).
  void check_identity(std::int64_t run);
  // An interrupted calibration's candidates checked against the seal each got as it was stored: one whose
  // rows differ is refused (InputError), one without a seal (removed by hand: nothing is lost, as it is
  // simulated from the run's sealed own rows) deleted, to be evaluated again; returns how many. A complete
  // run is sealed whole (check_sealed).
  std::size_t discard_unsealed_candidates(std::int64_t run);

  // A resume keeps only whole units (draw, replication): rows of every scenario in each table a draw writes
  // (figures, weekly, agency_weekly, costs; of a table the run has rows in). It deletes the rows of every
  // other unit, and the parameters (draws) of a draw with no unit kept, so that the unit is written again
  // whole, and returns the units it deleted. A unit is written in one transaction: only a store changed by
  // hand has parts of one (outside attack 13: after `DELETE FROM figures WHERE draw = 2`, each resume
  // failed on draw 2's parameters, which were still there). Each unit is sealed as it is written: one without
  // its seal is deleted too, to be written again; one whose rows differ from it is refused (InputError:
  // changed by hand). Deleted as well: the seal of a unit without rows (its rows deleted by hand, or a seal
  // put in; the unit is simulated again), and every row and seal of a unit that is not one of the run's
  // (beyond its draws or replications; returned apart, as `foreign`).
  struct DiscardedUnits {
    std::set<std::pair<std::uint32_t, std::uint32_t>> partial;  // the run's own: simulated again
    std::set<std::pair<std::uint32_t, std::uint32_t>> foreign;  // not the run's: deleted, nothing more
  };
  DiscardedUnits discard_partial_units(std::int64_t run, int scenarios,
                                       const std::set<std::pair<std::uint32_t, std::uint32_t>>& whole);

  // The end of a run: the cost-effectiveness points, the rendered report in each format ("table", "csv",
  // "json", so `show` prints it without simulating) and status "complete", in one transaction.
  void complete_run(std::int64_t run, const std::vector<StoredEvaluation>& evaluation,
                    const std::vector<std::pair<std::string, std::string>>& reports);
  // The sensitivity analyses of a run, in one transaction (replacing any written before: a resumed run
  // recomputes them).
  void write_sensitivity(std::int64_t run, const StoredSensitivity& s);
  StoredSensitivity sensitivity(std::int64_t run) const;
  // Status "interrupted" or "failed"; with only_if_running, only a run whose status is "running". Returns the
  // run's status after it (a run that completed meanwhile stays "complete"; "" for no such run).
  std::string set_status(std::int64_t run, const std::string& status, bool only_if_running = false);
  std::string report(std::int64_t run, const std::string& format) const;

  // Tidy CSV files of one run into `dir` (created if needed): one per table, plus tables.csv, the run's
  // report. Returns the file names written.
  std::vector<std::string> export_csv(std::int64_t run, const std::string& dir) const;

  // Typed readers for the report (it reads the store only through these).
  std::vector<std::pair<std::string, std::string>> settings(std::int64_t run, int scenario) const;
  // The weeks of every run of a scenario, ordered by week, draw, replication.
  void for_each_week(std::int64_t run, int scenario,
                     const std::function<void(const StoredWeek&)>& visit) const;
  // The policy weeks (1, 2, ...) of one agency in every run of a scenario, ordered by week, draw,
  // replication.
  void for_each_agency_week(std::int64_t run, int scenario, const std::string& agency,
                            const std::function<void(const StoredAgencyWeek&)>& visit) const;
  // The cost-effectiveness points of a decision: the means of each draw (means_of_draws), or every
  // replication; ordered by draw, replication, option.
  std::vector<StoredEvaluation> evaluation(std::int64_t run, int comparator, bool means_of_draws) const;
  // The value each uncertain parameter took in each draw, by parameter (ordered by name, then draw).
  std::vector<std::pair<std::string, std::vector<double>>> drawn_parameters(std::int64_t run,
                                                                            int scenario) const;

 private:
  RunStore() = default;
  void exec(const char* sql, const char* doing) const;
  // A complete run's rows in each table were sealed with a digest when it completed (complete_run), and no
  // wijksim command writes them again: throws InputError unless run `run`'s rows in each of `tables` still
  // match their seal (values changed by hand were shown as figures no run gave, exit 0: outside attack 13).
  // A run not complete is not checked. Each table of a run is read once per store opened.
  void check_sealed(std::int64_t run, const std::vector<std::string_view>& tables) const;
  // Why run `info` is damaged though its row's counts are not: "" or "holds its tables but is marked
  // running, not complete" (a run or comparison writes its tables and its status 'complete' in one
  // transaction, so only a hand edit parts them).
  std::string completion_damage(const RunInfo& info) const;
  std::string path_;
  sqlite3* db_ = nullptr;
  std::uint64_t device_ = 0, inode_ = 0;  // of the file opened (replaced)
  bool counted_ = false;                  // in the process's open stores (RunStore::open)
  mutable std::set<std::pair<std::int64_t, std::string>> sealed_ok_;  // (run, table) checked by check_sealed
  std::function<void()> writer_check_;                                // check_writes_with
  void check_writer() const {
    if (writer_check_) writer_check_();
  }
};

// A run's summary figures as one flat vector and back (for storing, and for resuming a run).
std::vector<double> flatten(const Measures<double>& m);
Measures<double> unflatten(const ScenarioShape& shape, const std::vector<double>& flat);

}  // namespace wijksim
