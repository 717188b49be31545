// A study kept in a results store while it runs: the run and its scenarios are registered before the
// first simulation, every completed draw is written in its own transaction as it finishes, and the end of
// the run adds the cost-effectiveness points and the report. A resumed run is checked against what the
// store holds (same scenario contents, seed, replications, years, draws) and skips the draws already there,
// so it ends with the figures of a run never interrupted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "wijksim/store/run_store.h"
#include "wijksim/store/run_writer.h"
#include "wijksim/study/sensitivity_study.h"
#include "wijksim/study/study.h"

namespace wijksim {

struct RecordOptions {
  std::string store = "results.db";
  std::string command;                 // "run" or "compare"
  std::string command_line;            // as typed
  std::optional<std::int64_t> resume;  // continue this run of the store
  // The analyses the command asks for beyond the study's runs (option -> value, e.g. "--grid" -> "5"): kept
  // with the run, and a resumed run must ask for the same (its stored figures are its command line's).
  std::vector<std::pair<std::string, std::string>> analyses;
};

// The study's scenarios as the store keeps them (index, role, comparator, coaches, hashes).
std::vector<StoredScenario> stored_scenarios(const Study& study);

class StudyRecorder : public RunWriter {
 public:
  // Opens the store and begins the run, or checks the run to resume and loads its completed draws; either
  // way it holds the run's lock (run_lock.h) until it is destroyed. Throws InputError when a resumed run
  // does not match the study or another process is writing it, Error when the store cannot be used.
  StudyRecorder(const Study& study, const RecordOptions& options);

  const std::string& store_path() const { return store_.path(); }
  // The runs a resumed run already holds, by (draw, replication): whole units only (see DrawSink).
  const CompletedRuns& completed() const { return completed_; }
  // A resumed run's scenario files as it began with them, in the study's order (none for a new run): the
  // same files, perhaps under another spelling (report's name_files_as).
  const std::vector<std::string>& stored_files() const { return stored_files_; }
  // What a resume found of units not whole and deleted, to be simulated again ("" when nothing): "draw 2"
  // or "replications 3 and 4" (RunStore::discard_partial_units).
  const std::string& discarded() const { return discarded_; }
  // A resumed run's rows or seals of units that are not its own (beyond its draws or replications: put in by
  // hand), deleted, as "draw 99 replication 0, ..."; empty when none.
  const std::string& not_the_runs() const { return not_the_runs_; }

  // The sink for run_study: writes each completed draw in one transaction.
  DrawSink sink();
  // The end of the run: cost-effectiveness points, the report rendered in every format ("table", "csv",
  // "json": the report layer renders it), status "complete".
  // `sensitivity`, when given, goes to its own tables first (sensitivity_study.h).
  void complete(const StudyResult& result, const std::vector<std::pair<std::string, std::string>>& reports,
                const SensitivityResult* sensitivity = nullptr);
  // interrupted(), failed(), run_id(), and a run that ends without a final status marked failed: RunWriter.

 private:
  void write_draw(std::uint32_t draw, const std::vector<std::vector<RunResult>>& results,
                  const std::vector<std::vector<RunMeasures>>& measures);

  const Study& study_;
  CompletedRuns completed_;
  std::string discarded_;
  std::string not_the_runs_;
  std::vector<std::string> stored_files_;
};

}  // namespace wijksim
