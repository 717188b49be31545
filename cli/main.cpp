// The `wijksim` command: parses the command line, calls the engine, prints. Nothing here simulates or
// computes a figure; see engine/study/study.h.
//
// Exit codes: 0 ok, 1 bad input (a scenario or a value), 2 usage (the command line itself), 3 a run
// failed or a result could not be written, 4 an internal error (a bug), 130 interrupted.
#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "console.h"
#include "help_format.h"
#include "interrupts.h"
#include "progress_bar.h"
#include "shell_words.h"
#include "terminal.h"
#include "wijksim/analysis/calibration.h"
#include "wijksim/cluster/distributed_calibration.h"
#include "wijksim/cluster/distributed_study.h"
#include "wijksim/cluster/world.h"
#include "wijksim/core/atomic_file.h"
#include "wijksim/core/dutch_numbers.h"
#include "wijksim/core/error.h"
#include "wijksim/core/output_path.h"
#include "wijksim/model/model.h"
#include "wijksim/report/calibration_markdown.h"
#include "wijksim/report/calibration_report.h"
#include "wijksim/report/html_report.h"
#include "wijksim/report/render.h"
#include "wijksim/report/report_tables.h"
#include "wijksim/report/sensitivity_tables.h"
#include "wijksim/report/study_report.h"
#include "wijksim/report/trace_text.h"
#include "wijksim/scenario/parameter_reader.h"
#include "wijksim/simulation/simulation.h"
#include "wijksim/store/calibration_recorder.h"
#include "wijksim/store/run_store.h"
#include "wijksim/store/study_recorder.h"
#include "wijksim/study/calibration_run.h"
#include "wijksim/study/sensitivity_study.h"
#include "wijksim/study/study.h"

namespace {

using namespace wijksim;

// An internal invariant failed: a bug in wijksim, not the user's input or the machine.
constexpr const char* kBugReport =
    "This is a bug in wijksim, not a problem with your input: please report it with the command above.\n";

enum Exit { kOk = 0, kBadInput = 1, kUsage = 2, kFailed = 3, kInternal = 4, kInterrupted = 130 };

struct Options {
  std::vector<std::string> scenarios;
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  std::optional<int> years;
  std::optional<std::uint32_t> first_replication;
  std::optional<int> draws;
  std::optional<std::string> parameter_sets;  // --parameter-sets FILE
  int threads = 0;                            // 0: all cores
  std::string format = "table";
  std::optional<std::string> output;
  std::optional<std::uint32_t> household;
  std::string pick;     // trace --pick EVENT
  bool warmup = false;  // trace --warmup
  std::string sections = "all";
  std::uint32_t replication = 0;
  std::string store = "results.db";
  bool no_store = false;
  std::optional<std::int64_t> resume;
  std::int64_t run_id = 0;
  std::string csv_dir;
  std::optional<std::string> report;  // compare --report FILE: the HTML report of the run just stored
  bool store_given = false;           // --store on the command line (not the default)
  // compare: sensitivity analysis (study/sensitivity_study.h)
  bool sensitivity = false;
  std::vector<std::string> parameters;
  std::string two_way;
  int grid = 5;
  std::vector<std::string> thresholds;
  std::optional<int> sensitivity_replications;
  std::vector<std::string> evppi_groups;
  int survey_households = 168;
  int survey_studies = 2000;
  // sweep
  std::string parameter;
  double from = 0, to = 0;
  int steps = 5;
};

// The command line contradicts itself (options that exclude each other, an empty name): exit 2, like any
// other mistake on the command line.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What an option's value says, parsed by `parse`: a value that does not parse is a mistake on the command
// line (exit 2), as a number out of range is, not bad input.
template <class Parse>
auto option_syntax(Parse&& parse) {
  try {
    return parse();
  } catch (const InputError& e) {
    const Diagnostic& d = e.diagnostics().front();
    throw UsageError(fmt::format("{}: {}", d.key, d.message));
  }
}

// The sensitivity options of `compare`, checked. Any of --parameters, --two-way or --threshold asks for the
// simulated analyses as --sensitivity does.
SensitivityOptions sensitivity_options(const Options& o) {
  SensitivityOptions s;
  s.simulate = o.sensitivity || !o.parameters.empty() || !o.two_way.empty() || !o.thresholds.empty();
  s.parameters = o.parameters;
  for (const std::string& p : o.parameters)  // what the parameters are is the study's to check
    option_syntax([&] { return parse_parameter_range(p, "--parameters"); });
  if (!o.two_way.empty()) {
    std::string rest = o.two_way;
    for (std::size_t comma; (comma = rest.find(',')) != std::string::npos; rest = rest.substr(comma + 1))
      s.two_way.push_back(
          option_syntax([&] { return parse_parameter_range(rest.substr(0, comma), "--two-way"); }));
    s.two_way.push_back(option_syntax([&] { return parse_parameter_range(rest, "--two-way"); }));
  }
  s.grid = o.grid;
  for (const std::string& t : o.thresholds)
    s.thresholds.push_back(option_syntax([&] { return parse_threshold(t); }));
  s.replications = o.sensitivity_replications;
  for (const std::string& g : o.evppi_groups) {
    const std::size_t eq = g.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == g.size())
      throw UsageError(fmt::format("--evppi-group: expected NAME=KEY,KEY,..., got '{}'", g));
    std::vector<std::string> keys;
    std::string rest = g.substr(eq + 1);
    for (std::size_t comma; (comma = rest.find(',')) != std::string::npos; rest = rest.substr(comma + 1))
      keys.push_back(rest.substr(0, comma));
    keys.push_back(rest);
    if (std::find(keys.begin(), keys.end(), std::string()) != keys.end())
      throw UsageError(
          fmt::format("--evppi-group: expected NAME=KEY,KEY,... without an empty KEY, got '{}'", g));
    s.groups.emplace_back(g.substr(0, eq), keys);
  }
  s.survey.sample = o.survey_households;
  s.survey.studies = o.survey_studies;
  // A key given twice, two axes alike, a grid out of range: the command line's own mistakes (exit 2); what
  // the keys name is checked against the scenarios later (exit 1).
  if (const auto problem = sensitivity_options_problem(s))
    throw UsageError(fmt::format("{}: {}", problem->option, problem->message));
  return s;
}

// The analyses the command line asks for beyond the study's runs, as the store keeps them with the run
// (RecordOptions::analyses): `--resume` refuses a command that asks for others, as it refuses another seed
// (resumed with --sensitivity, a run stored tornados its command line never asked for).
std::vector<std::pair<std::string, std::string>> analysis_record(const Options& o,
                                                                 const SensitivityOptions& s) {
  auto words = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& x : v) out += (out.empty() ? "" : " ") + x;
    return out.empty() ? std::string("none") : out;
  };
  // The one-way parameters as read, in key order (their order and a range's spelling, 2 or 2.0, change
  // nothing the run stores).
  std::vector<std::string> parameters;
  for (const std::string& p : o.parameters) {
    const ParameterRange r = parse_parameter_range(p, "--parameters");
    parameters.push_back(r.from ? fmt::format("{}={}:{}", r.key, *r.from, *r.to) : r.key);
  }
  std::sort(parameters.begin(), parameters.end());
  return {{"--sensitivity", s.simulate ? "yes" : "no"},
          {"--parameters", words(parameters)},
          {"--two-way", o.two_way.empty() ? "none" : o.two_way},
          {"--grid", std::to_string(o.grid)},
          {"--threshold", words(o.thresholds)},
          {"--sensitivity-replications",
           o.sensitivity_replications ? std::to_string(*o.sensitivity_replications) : "default"},
          {"--evppi-group", words(o.evppi_groups)},
          {"--survey-households", std::to_string(o.survey_households)},
          {"--survey-studies", std::to_string(o.survey_studies)}};
}

// What a file a scenario reads is to it, in words for the message that refuses it as an output.
std::string what_it_is(SourceFile::Role role, const std::string& name) {
  switch (role) {
    case SourceFile::Role::Scenario:
      return fmt::format("the scenario '{}'", name);
    case SourceFile::Role::Extends:
      return fmt::format("a file the scenario '{}' extends", name);
    case SourceFile::Role::Comparator:
      return fmt::format("the comparator of the scenario '{}'", name);
    case SourceFile::Role::ComparatorExtends:
      return fmt::format("a file the comparator of the scenario '{}' extends", name);
    case SourceFile::Role::Targets:
      return fmt::format("a targets file the scenario '{}' reads", name);
    case SourceFile::Role::ParameterSets:
      return fmt::format("the parameter sets the scenario '{}' draws from", name);
  }
  return fmt::format("a file the scenario '{}' reads", name);
}

// The files a study reads, which no output may replace (core/output_path.h).
std::vector<KeptFile> inputs_of(const Study& study) {
  std::vector<KeptFile> kept;
  for (const StudyScenario& s : study.scenarios)
    for (const SourceFile& f : s.source.files())
      kept.push_back({f.path, what_it_is(f.role, s.scenario.name)});
  return kept;
}

template <class... Lists>
std::vector<KeptFile> joined(const std::vector<KeptFile>& first, const Lists&... rest) {
  std::vector<KeptFile> all = first;
  (all.insert(all.end(), rest.begin(), rest.end()), ...);
  return all;
}

void print_input_error(const InputError& e, bool simulates) {
  for (const Diagnostic& d : e.diagnostics()) cli::err("{}\n", d.to_string());
  if (simulates)
    cli::err("{} error{} found; nothing was simulated.\n", e.diagnostics().size(),
             e.diagnostics().size() == 1 ? "" : "s");
}

// The command that continues run `run`: the command line with --resume (already in it when this process
// resumes), and in a job of several MPI ranks `mpirun -n N` in front (any number of ranks, or srun, gives the
// same result; without it the run would continue in one process, which is also the same, only slower).
std::string resume_command(const std::string& command_line, std::int64_t run, bool resuming, int ranks) {
  const std::string c = resuming ? command_line : fmt::format("{} --resume {}", command_line, run);
  return ranks > 1 ? fmt::format("mpirun -n {} {}", ranks, c) : c;
}

// Under mpirun with more than one rank: what the farm did, in one line on stderr (benchmarks/README.md).
// `unit`: what the farm handed out (a study's units; calibrate's candidates).
void print_farm_stats(const cluster::FarmStats& f, const std::string& unit = "unit") {
  double wall = 0, in_calls = 0;
  std::uint64_t bytes = 0;
  for (const cluster::RankStats& r : f.ranks) {
    wall += r.wall_seconds;
    in_calls += r.transport.seconds_in_calls;
    bytes += r.transport.bytes_sent;
  }
  const double units = f.units ? static_cast<double>(f.units) : 1.0;
  cli::err(
      "spread over {} MPI ranks: {} {}s, {:.1f} kB sent per {}; MPI calls took {:.2f} ms of processor "
      "time per {} ({:.2f}% of the ranks' time); rank 0 coordinating {:.2f} ms per {}\n",
      f.ranks.size(), f.units, unit, bytes / 1e3 / units, unit, 1e3 * in_calls / units, unit,
      wall > 0 ? 100 * in_calls / wall : 0.0, 1e3 * f.coordinator_busy_seconds / units, unit);
  if (std::getenv("WIJKSIM_MPI_STATS"))
    for (std::size_t r = 0; r < f.ranks.size(); ++r)
      cli::err(
          "rank {}: {} {}s, {:.3f} s computing them, {:.3f} s preparing, {:.3f} s wall, {:.4f} s of "
          "processor time in {} MPI sends and the other calls, {} bytes sent\n",
          r, f.ranks[r].units, unit, f.ranks[r].compute_seconds, f.ranks[r].prepare_seconds,
          f.ranks[r].wall_seconds, f.ranks[r].transport.seconds_in_calls, f.ranks[r].transport.messages_sent,
          f.ranks[r].transport.bytes_sent);
}

// "stored as run N in STORE", unless the store's name no longer leads to the file the run was written into
// (removed, or another file put in its place while the run wrote it): then the run is lost with that file,
// and saying it is stored, or writing a report from whatever STORE is now, would mislead.
void say_stored(const RunWriter& recorder, const std::string& store) {
  if (recorder.store_replaced())
    throw Error(
        fmt::format("the results store '{}' was removed or replaced while the run wrote it: run {} was "
                    "written into the file that was there, not into what '{}' is now (a store moved away "
                    "holds it, complete, under its new name; one deleted lost it); run the command again to "
                    "keep it in '{}'",
                    store, recorder.run_id(), store, store));
  // Outside attack 9: a file-size limit cut the store file where its log was folded in, and this said
  // "stored" with exit 0; whoever then copied the store alone had a damaged file.
  if (const auto failure = recorder.fold_log())
    throw Error(fmt::format(
        "run {} is stored in {}, but folding the store's log into it failed ({}): until a later wijksim "
        "command on the store completes that (with room on the disk), '{}' alone is not whole; keep '{}-wal' "
        "with it (do not copy or move the store without it)",
        recorder.run_id(), store, *failure, store, store));
  cli::err("stored as run {} in {}\n", recorder.run_id(), store);
}

// --sections chooses what the table format prints; CSV and JSON hold every section (it was ignored there).
void check_sections_format(const Options& o) {
  if (o.sections != "all" && o.format != "table")
    throw UsageError(
        fmt::format("--sections chooses the sections of the table format; --format {} holds them "
                    "all: drop one of the two",
                    o.format));
}

// An output refused after the simulation (a file put in its place meanwhile, a link): the problems, then what
// was simulated and where it is kept, instead of "nothing was simulated".
// `also`: what became of the other outputs (the report), said after.
int output_refused(const InputError& e, std::optional<std::int64_t> run, const std::string& store,
                   const std::string& also = "") {
  print_input_error(e, false);
  if (run)
    cli::err(
        "the simulation itself completed: run {} is complete in {} (`wijksim show {} --store {}` prints "
        "it)\n",
        *run, store, *run, store);
  else
    cli::err("the simulation itself completed (--no-store: no run was kept in a store)\n");
  if (!also.empty()) cli::err("{}\n", also);
  return kBadInput;
}

// The machine refused memory or a thread (ulimit -v; ulimit -u, a container's pid limit, too little address
// space for a stack: std::thread says so with std::system_error, oneTBB with its own message). Not a bug in
// wijksim, but the process's limits: said as such (exit 3), with the run resumable.
std::optional<Error> refused_by_system(const std::exception& e) {
  // Out of memory in the middle of a stored run: what was completed is kept and resumable, as the message
  // after this says (outside attack 9: the general message only said to use fewer households).
  if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr)
    return Error(
        "out of memory: the run needs more memory than this process may have (ulimit -v, a container's "
        "limit); use fewer households, draws or replications, or give it more memory");
  const auto* system = dynamic_cast<const std::system_error*>(&e);
  const bool refused = (system != nullptr && (system->code() == std::errc::resource_unavailable_try_again ||
                                              system->code() == std::errc::not_enough_memory)) ||
                       std::string_view(e.what()).starts_with("pthread_create has failed");
  if (!refused) return std::nullopt;
  return Error(
      fmt::format("the system refused another thread ({}): this process may not start as many threads "
                  "as it needs; use fewer (--threads N), or raise the limit (ulimit -u, ulimit -v)",
                  e.what()));
}

// A study or calibration stopped by an error that is not the input's (a full disk, a store that went away):
// what was kept before stays kept; the run is marked failed and the message says how to continue.
template <class Recorder>
int stopped_by_error(Recorder& recorder, const Error& e, const std::string& kept, const std::string& store,
                     const std::string& resume) {
  cli::err("error: {}\n", e.what());
  try {
    recorder.failed();
  } catch (const Error&) {
    // The store may not take even this (a full disk); the run then stays 'running', which --resume accepts.
  }
  cli::err("the {} before are kept in {} as run {}. To continue once the cause is fixed:\n  {}\n", kept,
           store, recorder.run_id(), resume);
  return kFailed;
}

// Settings of the scenarios that the command does not use, said before it simulates (Study::unused_settings).
void say_unused_settings(const Study& study) {
  for (const std::string& note : study.unused_settings) cli::err("note: {}\n", printable(note, false));
}

int run_or_compare(const std::string& command, Options o, bool with_comparators,
                   const std::string& command_line, cluster::World& world) {
  StudyOverrides overrides{o.seed, o.replications, o.years, o.first_replication, o.draws, o.parameter_sets};
  if (!world.coordinator()) {  // a worker rank of an MPI job: simulates what rank 0 hands out, silently
    // mpirun sends every rank SIGTERM on Ctrl-C: rank 0 acts on it (stops, says so, tells this rank to
    // stop); a second signal ends this rank at once.
    cli::Interrupts::worker();
    cluster::serve_study(world, [&] { return plan_study(o.scenarios, overrides, with_comparators); });
    return kOk;
  }
  // Rank 0, or the only process. The coordinator is made before anything can fail: should this rank fail
  // before the study starts, it tells the other ranks to end. The study outlives it: when a run stops early
  // (Ctrl-C, a failure), the coordinator waits for the ranks' units in flight as it ends.
  std::optional<Study> planned;
  cluster::StudyJobOptions job;
  job.coordinator_computes = std::getenv("WIJKSIM_MPI_COORDINATOR_ONLY") == nullptr;
  cluster::StudyCoordinator coordinator(world, job);
  const auto format = parse_format(o.format);
  TextOptions text{0, option_syntax([&] { return parse_sections(o.sections); })};
  // --output FILE.db names the results store; any other FILE receives the printed tables.
  std::string text_output = o.output.value_or("");
  if (o.output && is_store_name(*o.output)) {
    if (o.no_store)
      throw UsageError(fmt::format(
          "--output {} names a results store and --no-store keeps none: drop one of them", *o.output));
    if (o.store_given && !same_file(o.store, *o.output))
      throw UsageError(
          fmt::format("--output {} and --store {} name two results stores: give one", *o.output, o.store));
    o.store = *o.output;
    text_output.clear();
  }
  if (o.parameter_sets && o.draws.value_or(0) == 0 && !o.resume)
    throw UsageError(fmt::format("--parameter-sets {} gives values to parameter draws, and this command has "
                                 "none: add --draws N (the base case keeps the scenarios' own values)",
                                 *o.parameter_sets));
  if (!o.evppi_groups.empty() && o.draws.value_or(0) == 0 && !o.resume)
    throw UsageError(
        fmt::format("--evppi-group {} groups parameters for the value of information, which needs "
                    "parameter draws: add --draws N (at least 30)",
                    o.evppi_groups.front()));
  check_sections_format(o);
  if (o.no_store && o.resume)
    throw UsageError("--resume continues a run of a results store; drop --no-store");
  if (o.no_store && o.report)
    throw UsageError("--report reads the run back from the results store; drop --no-store");
  if (o.no_store && o.store_given)
    throw UsageError(
        fmt::format("--store {} names a results store and --no-store keeps none: drop one of them", o.store));
  if (!text_output.empty() && o.report && same_file(text_output, *o.report))
    throw UsageError(
        fmt::format("--output {} and --report {} name the same file: the report would replace "
                    "the tables; name two files",
                    text_output, *o.report));
  cli::Interrupts::at_once("interrupted before the simulation started; nothing was simulated or kept");
  const Study& study = planned.emplace(plan_study(o.scenarios, overrides, with_comparators));
  say_unused_settings(study);
  coordinator.agree(study);
  const SensitivityOptions sensitivity = sensitivity_options(o);
  check_sensitivity_options(study, sensitivity);

  // Outputs are checked before anything is simulated (and again when they are written): never a file the
  // command reads, never the store, never a device, a FIFO, a directory or a link (core/output_path.h).
  const std::vector<KeptFile> inputs = inputs_of(study);
  const std::vector<KeptFile> store = o.no_store ? std::vector<KeptFile>{} : store_files(o.store);
  if (!o.no_store)
    check_store_path(o.store, o.output && o.store == *o.output ? "--output" : "--store", inputs);
  const std::vector<KeptFile> kept_by_tables = joined(inputs, store);
  if (!text_output.empty()) check_output(text_output, "--output", kept_by_tables);
  std::vector<KeptFile> kept_by_report = kept_by_tables;
  if (!text_output.empty()) kept_by_report.push_back({text_output, "the file the tables go to (--output)"});
  if (o.report) check_output(*o.report, "--report", kept_by_report, OutputKind::Report);

  // What is kept as it completes: a parameter draw, or in the base case a replication (study.h, DrawSink).
  const std::string units = study.draws > 0 ? "draws" : "replications";
  const std::size_t unit_count =
      study.draws > 0 ? static_cast<std::size_t>(study.draws) : static_cast<std::size_t>(study.replications);
  std::optional<StudyRecorder> recorder;
  if (!o.no_store) {
    recorder.emplace(
        study, RecordOptions{o.store, command, command_line, o.resume, analysis_record(o, sensitivity)});
    if (o.resume)
      cli::err("resuming run {} of {}: {} of {} {} done before\n", recorder->run_id(), o.store,
               recorder->completed().size() / (study.draws > 0 ? study.replications : 1), unit_count, units);
  }
  const std::string resume =
      recorder ? resume_command(command_line, recorder->run_id(), o.resume.has_value(), world.size())
               : command_line;
  cli::Interrupts::study(o.store, recorder ? recorder->run_id() : 0, resume, units);

  cli::ProgressBar bar(command);
  StudyResult result;
  std::optional<SensitivityResult> analyses;
  try {
    result = coordinator.run(
        study, [&bar](std::size_t done, std::size_t total) { bar.update(done, total); },
        recorder ? recorder->sink() : DrawSink{}, recorder ? &recorder->completed() : nullptr,
        cli::Interrupts::stop_flag());
    if (command == "compare") {
      bar.finish();
      cli::ProgressBar sensitivity_bar("sensitivity");
      analyses = analyse_sensitivity(
          study, result, sensitivity,
          [&sensitivity_bar](std::size_t done, std::size_t total) { sensitivity_bar.update(done, total); },
          cli::Interrupts::stop_flag());
    }
  } catch (const Interrupted& i) {
    bar.finish();
    if (!recorder) {
      cli::err("{}; nothing was kept (--no-store)\n", i.what());
      return kInterrupted;
    }
    recorder->interrupted();
    cli::err("{}; they are kept in {} as run {}. To continue:\n  {}\n", i.what(), o.store, recorder->run_id(),
             resume);
    return kInterrupted;
  } catch (const RunFailure& f) {
    bar.finish();
    if (recorder) recorder->failed();
    const StudyScenario& s = study.scenarios[f.job()];
    cli::err("error: {}\n", f.what());
    cli::err(
        "to replay that run alone:\n  wijksim run {} --seed {} --first-replication {} --replications 1 "
        "--years {} --threads 1 --no-store\n",
        s.scenario.file, f.request().seed, f.request().replication, study.years);
    if (f.internal()) {
      cli::err("{}", kBugReport);
      return kInternal;
    }
    return kFailed;
  } catch (const InputError&) {
    bar.finish();
    if (recorder) recorder->failed();
    throw;
  } catch (const Error& e) {
    // A full disk, a store that went away: what was completed before is kept; say how to continue.
    bar.finish();
    if (!recorder) throw;
    return stopped_by_error(*recorder, e, study.draws > 0 ? "draws completed" : "replications completed",
                            o.store, resume);
  } catch (const std::exception& e) {
    const std::optional<Error> refused = refused_by_system(e);
    if (!refused) throw;
    bar.finish();
    if (!recorder) throw *refused;
    return stopped_by_error(*recorder, *refused,
                            study.draws > 0 ? "draws completed" : "replications completed", o.store, resume);
  }
  bar.finish();
  const Report report = study_report(command, study, result, analyses ? &*analyses : nullptr);
  if (recorder) recorder->complete(result, render_all(report), analyses ? &*analyses : nullptr);
  cli::Interrupts::at_once(
      recorder ? fmt::format("interrupted while writing the outputs; run {} is complete in {} "
                             "(`wijksim show {} --store {}` prints it)",
                             recorder->run_id(), o.store, recorder->run_id(), o.store)
               : std::string("interrupted while writing the outputs"));
  const std::optional<std::int64_t> kept_as =
      recorder ? std::optional<std::int64_t>(recorder->run_id()) : std::nullopt;
  // The report is read from the store: tables that cannot be written (a closed pipe, a file put at --output
  // meanwhile) do not keep it from being written, and a report refused says how to write it elsewhere.
  bool writing_report = false, report_written = false;
  std::string printed;  // the tables as rendered
  auto report_anyway = [&]() -> std::string {
    if (!o.report || !recorder || report_written) return "";
    try {
      write_html_report(o.store, recorder->run_id(), *o.report, "--report", kept_by_report);
      report_written = true;
      return fmt::format("the report was written to {}", *o.report);
    } catch (const std::exception& e) {
      return fmt::format(
          "the report was not written either: {} (`wijksim report {} --store {} -o FILE` writes it)",
          printable(e.what(), false), recorder->run_id(), o.store);
    }
  };
  try {
    // The width of where the tables go: the terminal, or (a file) COLUMNS or 100.
    text.width = cli::output_width(text_output.empty() ? stdout : nullptr);
    printed = render(report, *format, text);
    if (text_output.empty()) {
      try {
        cli::write_out(printed);
        // Everything after this goes to stderr: on a pipe shared with stdout (2>&1) it must not land among
        // table rows that are still in stdout's buffer.
        cli::flush_out();
      } catch (const Error& e) {
        if (!recorder) throw;
        const std::string also = report_anyway();
        throw Error(fmt::format("{}; run {} is complete in {} (`wijksim show {} --store {}` prints it){}{}",
                                e.what(), recorder->run_id(), o.store, recorder->run_id(), o.store,
                                also.empty() ? "" : "; ", also));
      }
    } else {
      write_file_atomically(text_output, printed, "--output", kept_by_tables);
      cli::err("wrote {}\n", text_output);
    }
    if (recorder) say_stored(*recorder, o.store);
    if (world.size() > 1) print_farm_stats(coordinator.stats());
    if (o.report) {
      writing_report = true;
      write_html_report(o.store, recorder->run_id(), *o.report, "--report", kept_by_report);
      cli::err("wrote the report {}\n", *o.report);
    }
  } catch (const InputError& e) {
    if (!recorder && !writing_report && !printed.empty()) {
      // --no-store: the tables are all there is of the simulation; they go to standard output instead.
      try {
        cli::write_out(printed);
        cli::flush_out();
        return output_refused(e, kept_as, o.store, "the tables went to standard output instead");
      } catch (const Error&) {
        return output_refused(e, kept_as, o.store);
      }
    }
    return output_refused(
        e, kept_as, o.store,
        writing_report
            ? fmt::format("`wijksim report {} --store {} -o FILE` writes the report to another file",
                          recorder->run_id(), o.store)
            : report_anyway());
  }
  return kOk;
}

// A planning curve: the scenario against its comparator at each value of one parameter. Prints; keeps
// nothing.
int sweep_command(const Options& o) {
  StudyOverrides overrides{o.seed, o.replications, o.years, std::nullopt, 0, std::nullopt};
  cli::Interrupts::at_once("interrupted before the sweep started; nothing was simulated or kept");
  const Study study = plan_study(o.scenarios, overrides, true);
  say_unused_settings(study);
  const std::vector<KeptFile> inputs = inputs_of(study);
  if (o.output) check_output(*o.output, "--output", inputs);
  cli::Interrupts::study("", 0, "", "steps of the sweep");
  cli::ProgressBar bar("sweep");
  SweepResult r;
  try {
    r = run_sweep(
        study, o.parameter, o.from, o.to, o.steps,
        [&bar](std::size_t done, std::size_t total) { bar.update(done, total); },
        cli::Interrupts::stop_flag());
  } catch (const Interrupted&) {
    bar.finish();
    cli::err("interrupted; nothing was kept (sweep keeps no run)\n");
    return kInterrupted;
  }
  bar.finish();
  cli::Interrupts::at_once("interrupted while writing the outputs");
  Report report;
  report.command = "sweep";
  report.version = WIJKSIM_VERSION;
  report.scenarios = scenario_refs(study);  // its Scenarios section was an empty header
  report.tables = sweep_tables(r);
  // Laid out for the terminal it goes to, or 100 columns for a file.
  const std::string text = render(report, *parse_format(o.format),
                                  TextOptions{cli::output_width(o.output ? nullptr : stdout), {}});
  if (!o.output) {
    cli::write_out(text);
  } else {
    write_file_atomically(*o.output, text, "--output", inputs);
    cli::err("wrote {}\n", *o.output);
  }
  return kOk;
}

// wijksim calibrate: the scenario's free parameters fitted to its targets; the sets to --output. Under
// mpirun rank 0 does all of this and the candidates are simulated on every rank
// (cluster/distributed_calibration.h).
int calibrate(const Options& o, const std::string& command_line, cluster::World& world) {
  if (!world.coordinator()) {
    // A worker rank of an MPI job: simulates the candidates rank 0 hands out, silently. As for run and
    // compare, the first signal (mpirun sends every rank SIGTERM on Ctrl-C) is rank 0's to act on.
    cli::Interrupts::worker();
    cluster::serve_calibration(world, [&] { return plan_calibration(o.scenarios.front(), o.seed); });
    return kOk;
  }
  // The plan outlives the coordinator, which is made before anything can fail: should this rank fail
  // before the calibration starts, it tells the other ranks to end; after Ctrl-C it waits, as it ends, for
  // the candidates the ranks are still simulating.
  std::optional<CalibrationPlan> planned;
  cluster::CalibrationJobOptions job;
  job.coordinator_computes = std::getenv("WIJKSIM_MPI_COORDINATOR_ONLY") == nullptr;
  cluster::CalibrationCoordinator coordinator(world, job);
  if (o.parameter_sets && o.draws.value_or(0) == 0 && !o.resume)
    throw UsageError(fmt::format("--parameter-sets {} gives values to parameter draws, and this command has "
                                 "none: add --draws N (the base case keeps the scenarios' own values)",
                                 *o.parameter_sets));
  if (o.no_store && o.resume)
    throw UsageError("--resume continues a run of a results store; drop --no-store");
  if (o.no_store && o.store_given)
    throw UsageError(
        fmt::format("--store {} names a results store and --no-store keeps none: drop one of them", o.store));
  cli::Interrupts::at_once("interrupted before the calibration started; nothing was simulated or kept");
  const CalibrationPlan& plan = planned.emplace(plan_calibration(o.scenarios.front(), o.seed));
  coordinator.agree(plan);
  const std::string output =
      o.output ? *o.output : std::filesystem::path(o.scenarios.front()).stem().string() + "-sets.csv";
  // The sets file is checked before anything is simulated (and again when it is written): never a file the
  // command reads (the scenario, its extends chain, its targets file), never the store, never a device.
  std::vector<KeptFile> kept;
  for (const SourceFile& f : plan.source.files())
    kept.push_back({f.path, what_it_is(f.role, plan.source.base().name)});
  if (!o.no_store) {
    check_store_path(o.store, "--store", kept);
    const std::vector<KeptFile> store = store_files(o.store);
    kept.insert(kept.end(), store.begin(), store.end());
  }
  check_output(output, "--output", kept, OutputKind::ParameterSets);
  check_previous_version_name(output, "--output");
  // Another scenario's sets (its `# scenario:` line names another file): a calibration replaces its own
  // scenario's sets only (calibrating the neighbourhood with -o sets/enschede.csv replaced the city's).
  // Its own sets are the same file name and, where the header records it, the same scenario name: a/base.yaml
  // and b/base.yaml differ by name, a variant that extends the scenario (and inherits its name) by file name.
  // Checked again just before the sets are written: another calibration may have written its sets there
  // in the meantime (outside attack 8).
  auto refuse_other_scenarios_sets = [&] {
    const auto named = calibrated_scenario_of(output);
    if (!named) return;
    const std::string file = std::filesystem::path(o.scenarios.front()).filename().string();
    const std::string& name = plan.source.base().name;
    if (std::filesystem::path(named->path).filename() != file ||
        (!named->name.empty() && named->name != name))
      throw InputError(
          {{Location{output, 0, 0}, "--output",
            fmt::format(
                "this file holds the parameter sets of another scenario ({}{}; this is {}, named '{}'): it "
                "is left as it is; name another file",
                named->path, named->name.empty() ? "" : ", named '" + named->name + "'", file, name)}});
  };
  refuse_other_scenarios_sets();
  std::optional<CalibrationRecorder> recorder;
  if (!o.no_store) {
    recorder.emplace(plan, o.store, command_line, o.resume);
    if (o.resume)
      cli::err("resuming run {} of {}: {} candidates evaluated before\n", recorder->run_id(), o.store,
               recorder->completed().size());
  }
  const std::string resume =
      recorder ? resume_command(command_line, recorder->run_id(), o.resume.has_value(), world.size())
               : command_line;
  cli::Interrupts::study(o.store, recorder ? recorder->run_id() : 0, resume, "candidates");
  cli::ProgressBar bar("calibrate", "candidates");
  CalibrationResult result;
  try {
    result = run_calibration(
        plan, [&bar](std::size_t done, std::size_t total) { bar.update(done, total); },
        recorder ? recorder->sink() : CandidateSink{}, recorder ? &recorder->completed() : nullptr,
        cli::Interrupts::stop_flag(), coordinator.simulator());
  } catch (const Interrupted& i) {
    bar.finish();
    if (!recorder) {
      cli::err("{}; nothing was kept (--no-store)\n", i.what());
      return kInterrupted;
    }
    recorder->interrupted();
    cli::err("{}; the evaluated candidates are kept in {} as run {}. To continue:\n  {}\n", i.what(), o.store,
             recorder->run_id(), resume);
    return kInterrupted;
  } catch (const RunFailure& f) {
    bar.finish();
    if (recorder) recorder->failed();
    cli::err("error: a candidate's {}\n", f.what());
    if (f.internal()) {
      cli::err("(command: {})\n{}", command_line, kBugReport);
      return kInternal;
    }
    return kFailed;
  } catch (const InputError&) {
    bar.finish();
    if (recorder) recorder->failed();
    throw;
  } catch (const Error& e) {
    bar.finish();
    if (!recorder) throw;
    return stopped_by_error(*recorder, e, "candidates evaluated", o.store, resume);
  } catch (const std::exception& e) {
    const std::optional<Error> refused = refused_by_system(e);
    if (!refused) throw;
    bar.finish();
    if (!recorder) throw *refused;
    return stopped_by_error(*recorder, *refused, "candidates evaluated", o.store, resume);
  }
  bar.finish();
  const Report report = calibration_report(plan, result);
  if (recorder) recorder->complete(render_all(report));
  cli::Interrupts::at_once(recorder ? fmt::format("interrupted while writing the parameter sets; run {} is "
                                                  "complete in {}",
                                                  recorder->run_id(), o.store)
                                    : std::string("interrupted while writing the parameter sets"));
  std::optional<std::string> previous;
  try {
    refuse_other_scenarios_sets();
    // An earlier calibration's sets cost hours to make: kept beside the new ones, never replaced unseen
    // (outside attack 9).
    previous = keep_previous_version(output);
    write_file_atomically(output, calibration_sets_text(plan, result), "--output", kept,
                          OutputKind::ParameterSets);
  } catch (const InputError& e) {
    return output_refused(
        e, recorder ? std::optional<std::int64_t>(recorder->run_id()) : std::nullopt, o.store,
        recorder
            ? fmt::format("its parameter sets were not written; this writes them again, simulating nothing "
                          "(with another -o FILE):\n  {}",
                          resume)
            : std::string("its parameter sets were not written"));
  }
  cli::write_out(render_table(report, TextOptions{cli::output_width(stdout), {}}));
  cli::err("wrote {} parameter sets to {}{}\n", result.sets.size(), output,
           previous ? fmt::format(" (the sets it held before are kept as {})", *previous) : "");
  if (recorder) say_stored(*recorder, o.store);
  if (world.size() > 1) print_farm_stats(coordinator.stats(), "candidate");
  return kOk;
}

// `head` followed by `text`, broken at its spaces where the next word would pass `width` columns (display
// columns: a name may hold UTF-8); each later line starts with `indent` spaces. A word longer than a line
// stays whole.
std::string head_and_words(const std::string& head, const std::string& text, std::size_t indent,
                           std::size_t width) {
  std::string out = head;
  std::size_t column = display_width(head);
  bool first = true;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    const std::size_t gap = first ? 0 : 1;
    if (column + gap + display_width(word) > width && column > indent) {
      while (out.back() == ' ') out.pop_back();  // the head's own trailing space ("compare: ")
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (gap > 0) {
      out += ' ';
      ++column;
    }
    out += word;
    column += display_width(word);
    first = false;
  }
  return out;
}

int list_runs(const Options& o) {
  const RunStore store = RunStore::open(o.store, RunStore::Mode::ReadOnly);
  const auto runs = store.runs();
  if (runs.empty()) cli::out("{} holds no runs\n", o.store);
  // The stored command line, indented by 10 and broken at its words to the output's width (at most 120
  // columns, as the tables) so that a shell still reads it back whole.
  const std::size_t width = std::min<std::size_t>(cli::output_width(stdout), 120);
  // A damaged run is listed as such and the others as they are; the command then fails with the first
  // damage (exit 1), as reading that run would.
  std::exception_ptr first_damage;
  for (const RunInfo& r : runs) {
    std::string names;
    try {
      if (!r.damage.empty()) store.run(r.id);  // throws: the row is damaged
      for (const StoredScenario& s : store.scenarios(r.id))
        if (s.role != "comparator") names += (names.empty() ? "" : ", ") + s.name;
    } catch (const InputError& e) {
      if (!first_damage) first_damage = std::current_exception();
      cli::out("{}\n", head_and_words(fmt::format("run {:>4}  {}  damaged: ", r.id, r.started_at),
                                      r.damage.empty()
                                          ? std::string("its stored scenarios hold what wijksim never writes")
                                          : r.damage,
                                      10, width));
      continue;
    }
    const std::string command_line = cli::wrap_shell_line(printable(r.command_line), 10, width);
    // The header and the progress, broken to the width at their words as the command line is.
    const std::string header =
        head_and_words(fmt::format("run {:>4}  {}  {:<11}  {}: ", r.id, r.started_at, r.status, r.command),
                       names, 10, width);
    const std::string done = r.command == "calibrate"
                                 ? fmt::format("{}, {} replication{}", progress_of(r), r.replications,
                                               r.replications == 1 ? "" : "s")
                             : r.draws == 0 ? progress_of(r)
                                            : fmt::format("{}, {} replication{} each", progress_of(r),
                                                          r.replications, r.replications == 1 ? "" : "s");
    const std::string progress = head_and_words(
        std::string(10, ' '),
        fmt::format("{}, {} year{}, seed {}", done, r.years, r.years == 1 ? "" : "s", r.seed), 10, width);
    cli::out("{}\n{}\n          {}\n", header, progress, command_line);
    // "running" is what the store says; whether a process still writes it is the run's lock (run_lock.h).
    if (r.status == "running" && !RunLock::held(o.store, r.id))
      cli::out("          no process is writing it any more (it was killed); `--resume {}` continues it\n",
               r.id);
  }
  if (first_damage) std::rethrow_exception(first_damage);
  return kOk;
}

int show(const Options& o) {
  check_sections_format(o);
  const TextOptions text{cli::output_width(stdout),
                         option_syntax([&] { return parse_sections(o.sections); })};
  const RunStore store = RunStore::open(o.store, RunStore::Mode::ReadOnly);
  // The table format is drawn again from the stored JSON, for this terminal's width and sections.
  if (o.format == "table")
    cli::write_out(render_table(report_from_json(store.report(o.run_id, "json")), text));
  else
    cli::write_out(store.report(o.run_id, o.format));
  return kOk;
}

int export_run(const Options& o) {
  const RunStore store = RunStore::open(o.store, RunStore::Mode::ReadOnly);
  const std::vector<std::string> files = store.export_csv(o.run_id, o.csv_dir);
  std::string list;
  for (const std::string& f : files) list += (list.empty() ? "" : ", ") + f;
  cli::err("wrote {} to {}\n", list, o.csv_dir);
  return kOk;
}

// The files the stored run's scenarios read, as far as they still load from the names the run was given
// (the files they extend, their targets and parameter sets): a report never replaces them either.
std::vector<KeptFile> inputs_of_stored_run(const std::string& store_path, std::int64_t run) {
  std::vector<KeptFile> kept;
  try {
    const RunStore store = RunStore::open(store_path, RunStore::Mode::ReadOnly);
    for (const StoredScenario& sc : store.scenarios(run)) {
      try {
        const ScenarioSource source = ScenarioSource::load(sc.file);
        for (const SourceFile& f : source.files())
          kept.push_back({f.path, fmt::format("{} (run {})", what_it_is(f.role, sc.name), run)});
      } catch (const Error&) {
        // A scenario that no longer loads: write_html_report keeps its own file.
      }
    }
  } catch (const Error&) {
    // No such store or run: write_html_report says so.
  }
  return kept;
}

int write_report(const Options& o) {
  const std::string path = o.output.value_or(fmt::format("report-{}.html", o.run_id));
  try {
    write_html_report(o.store, o.run_id, path, o.output ? "--output" : "report",
                      inputs_of_stored_run(o.store, o.run_id));
  } catch (const InputError& e) {
    // A store or run that cannot be reported (print_input_error would say nothing was simulated).
    for (const Diagnostic& d : e.diagnostics()) cli::err("{}\n", d.to_string());
    return kBadInput;
  }
  cli::err("wrote {}\n", path);
  return kOk;
}

int validate(const Options& o) {
  int bad = 0;
  for (const std::string& path : o.scenarios) {
    try {
      const ScenarioSource src = ScenarioSource::load(path);
      const Scenario s = src.base();
      src.check_parameter_sets();  // every set of its parameter sets, as a PSA would read it
      // The targets file's free parameters as calibrate would take them (key paths that name numbers which
      // may vary, priors within what each can take): checked without simulating anything.
      if (!s.targets_file.empty() && !read_targets_file(s.targets_file).free.empty())
        plan_calibration(path, std::nullopt);
      // With its comparator, as `compare` plans it: the base case and, where anything varies, a parameter
      // draw (the two must start from one warm-up; a comparator with other parameter sets was found only by
      // compare).
      if (!s.comparator.empty()) {
        const bool varies = !src.uncertain().empty() || src.parameter_sets();
        (void)plan_study(
            {path}, StudyOverrides{std::nullopt, 1, 1, std::nullopt, varies ? 1 : 0, std::nullopt}, true);
      }
      const auto count = [](double n, const char* one, const char* many) {
        return fmt::format("{} {}", format_dutch(n, 0), n == 1 ? one : many);
      };
      cli::out("{}: ok\n  {}, {}, {}, {}{}{}{}\n", printable(path),
               count(s.population.households, "household", "households"),
               count(static_cast<double>(s.domains.size()), "domain", "domains"),
               count(static_cast<double>(s.agencies.size()), "agency", "agencies"),
               count(static_cast<double>(s.payers.size()), "payer", "payers"),
               s.coaches.enabled ? fmt::format(", {} coach FTE", format_dutch_short(s.coaches.fte, 3)) : "",
               src.uncertain().empty() ? ""
                                       : ", " + count(static_cast<double>(src.uncertain().size()),
                                                      "uncertain parameter", "uncertain parameters"),
               src.parameter_sets() ? ", " + count(static_cast<double>(src.parameter_sets()->size()),
                                                   "parameter set", "parameter sets")
                                    : "");
    } catch (const InputError& e) {
      ++bad;
      for (const Diagnostic& d : e.diagnostics()) cli::err("{}\n", d.to_string());
      cli::err("{}: {} error{}\n", printable(path), e.diagnostics().size(),
               e.diagnostics().size() == 1 ? "" : "s");
    }
  }
  return bad ? kBadInput : kOk;
}

// The calibration table (README "Calibration"): the scenario's base case (its own replications and policy
// years unless told otherwise), each target of its targets file next to the model.
int calibration(const Options& o) {
  cli::Interrupts::at_once("interrupted; nothing was simulated or kept");
  StudyOverrides overrides{o.seed, o.replications, o.years, std::nullopt, 0, std::nullopt};
  const Study study = plan_study(o.scenarios, overrides, false);
  say_unused_settings(study);
  // A scenario without targets has no table to print (it printed a header with no rows, exit 0).
  if (const Scenario& s = study.scenarios.front().scenario; s.targets.empty())
    throw InputError(
        {{study.scenarios.front().source.key_location("targets"), "targets",
          fmt::format("the scenario '{}' names no calibration targets (`targets: FILE`): there is "
                      "nothing to set its model figures beside",
                      s.name)}});
  cli::ProgressBar bar("calibration");
  const StudyResult result =
      run_study(study, [&bar](std::size_t done, std::size_t total) { bar.update(done, total); });
  bar.finish();
  const ScenarioSummary& s = result.summaries.front();
  if (o.format == "markdown") {
    cli::write_out(calibration_markdown(calibrate(s), s.shape.name, study.replications, study.years));
  } else {
    Report r;
    r.command = "calibration";
    r.version = WIJKSIM_VERSION;
    r.tables = {calibration_table(s)};
    cli::write_out(render(r, *parse_format(o.format), TextOptions{cli::output_width(stdout), {}}));
  }
  return kOk;
}

int trace(const Options& o) {
  StudyOverrides overrides{o.seed, 1, o.years, o.replication, 0, std::nullopt};
  const Study study = plan_study(o.scenarios, overrides, false);
  const Scenario& s = study.scenarios.front().scenario;
  const Model model(s);
  TraceOptions text;
  text.seed = study.seed;
  text.replication = o.replication;
  text.warmup = o.warmup;
  text.width = cli::output_width(stdout);
  if (!o.pick.empty()) {
    // A first run marks what happened to every household; the trace then follows the first one. Both runs
    // draw the same numbers, so the trace shows what the first run found.
    const auto mask = happened_mask(s, o.pick);
    if (!mask) {
      std::string names;
      for (const std::string& n : happened_names(s)) names += (names.empty() ? "" : ", ") + n;
      throw InputError({{Location{s.file, 0, 0}, "--pick",
                         fmt::format("'{}' is not an event to pick a household by: {}", o.pick, names)}});
    }
    const auto h = first_household_with(model, {study.seed, 0, o.replication}, *mask);
    // What the picked households went through, in words ("evicted", "with an escalation: crisis").
    const std::string went = o.pick == "coached" || o.pick == "bounced" || o.pick == "evicted" ? o.pick
                             : o.pick == "benefit" ? "that came to live on a benefit"
                                                   : "with an escalation: " + o.pick;
    if (!h && o.pick == "coached" && !s.coaches.enabled) {
      // Another replication or horizon would not help (outside attack 9: the hint said it might).
      cli::err(
          "{}: no household is coached: this scenario has no coaches (its `coaches` section is absent or "
          "switched off)\n",
          printable(s.file));
      return kBadInput;
    }
    if (!h) {
      // Simulated, and found nobody: said as such (exit 1), not "nothing was simulated".
      cli::err(
          "{}: no household of replication {} {} in the {} policy year{} (the replication was simulated "
          "to look); another --replication or --years may have one\n",
          printable(s.file), o.replication, went == o.pick ? "was " + went : went, s.simulation.years,
          s.simulation.years == 1 ? "" : "s");
      return kBadInput;
    }
    text.household = *h;
    text.picked = fmt::format("the first household {} in the policy period", went);
  } else {
    text.household = *o.household;
  }
  if (text.household >= static_cast<std::uint32_t>(s.population.households))
    throw InputError({{Location{s.file, 0, 0}, "--household",
                       fmt::format("household {} does not exist: the scenario has households 0 to {}",
                                   text.household, s.population.households - 1)}});
  const RunResult r = simulate(model, {study.seed, 0, o.replication, text.household});
  cli::write_out(trace_text(s, r, text));
  return kOk;
}

}  // namespace

namespace {

// A whole number from lo to hi, read as the scenario reader reads one (std::from_chars: no sign, no
// exponent, nothing after it) and refused in the same words, before CLI11 converts it (which clamped -1 and
// 2^64 to 2^64-1 for a seed).
CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        std::uint64_t v = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi)
          return fmt::format("expected a whole number from {} to {}, found '{}'", lo, hi, s);
        return "";
      },
      fmt::format("INT in {}..{}", lo, hi));
}

// A number as the scenario reader reads one (decimal, finite: not CLI11's hexadecimal 0x5 or binary 0b101),
// refused in its words, with its hint for a decimal comma (outside attack 9: sweep --from took 0x1p3 as 8,
// and refused 1,5 in CLI11's words).
CLI::Validator decimal_number() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        double v = 0;
        if (loader::parse_double(s, v) && std::isfinite(v)) {
          s = fmt::format("{}", v);  // as read (blanks around it, a leading '+'), for CLI11 to convert back
          return "";
        }
        std::string point = s;
        std::replace(point.begin(), point.end(), ',', '.');
        if (point != s && loader::parse_double(point, v))
          return fmt::format("expected a number, found '{}' (use a decimal point: {})", s, point);
        return fmt::format("expected a finite decimal number, found '{}'", s);
      },
      "NUMBER");
}

constexpr std::uint64_t kLastReplication = 2147483647;  // replication numbers are stored as 32-bit integers
// A run's number in the store (SQLite's integer key, from 1): "" or 2^63 are refused, not read as 0 or clamped.
const CLI::Validator kRunNumber = whole_number(1, std::numeric_limits<std::int64_t>::max());

}  // namespace

// The command line: every subcommand and its options, filling `o`. Defined in one place so that `main`
// reads as what it does (parse, check, dispatch); long only because the commands are many.
struct Commands {
  CLI::App* run = nullptr;
  CLI::App* compare = nullptr;
  CLI::App* sweep = nullptr;
  CLI::App* calibrate_cmd = nullptr;
  CLI::App* validate_cmd = nullptr;
  CLI::App* trace_cmd = nullptr;
  CLI::App* calibration_cmd = nullptr;
  CLI::App* runs_cmd = nullptr;
  CLI::App* show_cmd = nullptr;
  CLI::App* export_cmd = nullptr;
  CLI::App* report_cmd = nullptr;
  CLI::Option* household = nullptr;  // trace --household
  CLI::Option* pick = nullptr;       // trace --pick
};

Commands define_commands(CLI::App& app, Options& o, std::vector<CLI::Option*>& store_options) {
  Commands k;
  auto simulation_options = [&o](CLI::App* c) {
    c->add_option("--replications,-r", o.replications, "Independent replications (default: the scenario's)")
        ->check(CLI::Range(1, 2000000000));
    c->add_option("--seed,-s", o.seed, "Random seed shared by every scenario (default: the first scenario's)")
        ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
    c->add_option("--years,-y", o.years, "Policy years after the warm-up (default: the scenario's)")
        ->check(CLI::Range(1, 200));
    c->add_option("--draws,-d", o.draws,
                  "Parameter draws of a probabilistic sensitivity analysis (default 0: the base case only); "
                  "each draw runs one replication unless --replications is given")
        ->check(CLI::Range(0, 2000000000));
    c->add_option(
         "--threads,-t", o.threads,
         "Worker threads (default: all cores; under mpirun, of each rank); results do not depend on it")
        ->check(CLI::Range(1, 1024));
    c->add_option("--parameter-sets", o.parameter_sets,
                  "Parameter sets (wijksim calibrate's CSV) every scenario's draws take values from, "
                  "instead of the scenarios' own parameter_sets");
  };
  // Which parts of the table format to print (render.h, section_names).
  auto sections_option = [&o](CLI::App* c) {
    c->add_option("--sections", o.sections,
                  "Table format: the sections to print, in order, from glance (every compared scenario side "
                  "by side), economics, budget, agencies, households, calibration, other, or all")
        ->capture_default_str();
  };
  auto output_options = [&o, &store_options, &sections_option](CLI::App* c) {
    c->add_option("--format,-f", o.format, "Output format")
        ->check(CLI::IsMember({"table", "csv", "json"}))
        ->capture_default_str();
    c->add_option("--output,-o", o.output,
                  "FILE.db: the results store (default results.db); any other FILE: write the tables there");
    store_options.push_back(c->add_option("--store", o.store, "Results store (SQLite) that keeps the run")
                                ->capture_default_str());
    c->add_flag("--no-store", o.no_store, "Do not keep the run in a results store");
    c->add_option("--resume", o.resume, "Continue an interrupted run of the store (same command line)")
        ->check(kRunNumber);
    sections_option(c);
  };
  auto store_option = [&o, &store_options](CLI::App* c) {
    store_options.push_back(c->add_option("--store", o.store, "Results store")->capture_default_str());
  };

  CLI::App* run = k.run = app.add_subcommand("run", "Run scenarios and print their tables");
  run->add_option("scenario", o.scenarios, "Scenario files (YAML)")->required();
  simulation_options(run);
  output_options(run);
  run->add_option("--first-replication", o.first_replication, "First replication index (to replay one run)")
      ->check(whole_number(0, kLastReplication));

  CLI::App* compare = k.compare = app.add_subcommand(
      "compare", "Run each scenario with its comparator (common random numbers) and print the differences");
  compare->add_option("scenario", o.scenarios, "Scenario files (YAML)")->required();
  simulation_options(compare);
  output_options(compare);
  compare->add_option("--report", o.report,
                      "Also write the run's HTML report (charts, self-contained) to FILE");
  compare->add_flag("--sensitivity", o.sensitivity,
                    "Also simulate the sensitivity analyses: one-way (a tornado per intervention), two-way, "
                    "thresholds (README, 'Which assumptions decide the answer')");
  compare
      ->add_option(
          "--parameters", o.parameters,
          "One-way analysis of these parameters only (key paths, comma-separated; KEY=FROM:TO for a plain "
          "number); implies --sensitivity")
      ->delimiter(',');
  compare->add_option(
      "--two-way", o.two_way,
      "Two-way grid of two parameters: KEY1[=FROM:TO],KEY2[=FROM:TO] (default: the tornado's top two); "
      "implies --sensitivity");
  compare->add_option("--grid", o.grid, "Points per parameter of the two-way grid")
      ->check(CLI::Range(2, 50))
      ->capture_default_str();
  compare->add_option(
      "--threshold", o.thresholds,
      "Solve PARAMETER[=FROM:TO],OUTCOME=TARGET, e.g. coaches.fte=20:200,coach_wait=6 (repeatable; "
      "outcomes: inmb, delta_cost, delta_effect, budget:PAYER, coach_wait, caseload); implies "
      "--sensitivity");
  compare
      ->add_option(
          "--sensitivity-replications", o.sensitivity_replications,
          "Replications of each sensitivity setting (default: the base case's, --replications or the "
          "scenarios' own)")
      ->check(CLI::Range(1, 1000));
  compare->add_option(
      "--evppi-group", o.evppi_groups,
      "A named group for EVPPI: NAME=KEY,KEY,... (repeatable); each parameter, each section and all "
      "parameters are always reported");
  compare
      ->add_option(
          "--survey-households", o.survey_households,
          "Households surveyed per neighbourhood and wave by the virtual evaluation (the seeds' 168)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  compare->add_option("--survey-studies", o.survey_studies, "Virtual studies simulated per measure")
      ->check(CLI::Range(10, 1000000))
      ->capture_default_str();

  CLI::App* sweep = k.sweep = app.add_subcommand(
      "sweep", "A planning curve: a scenario against its comparator at each value of one parameter");
  sweep->add_option("scenario", o.scenarios, "Scenario file (YAML)")->required()->expected(1);
  sweep->add_option("--parameter", o.parameter, "The parameter's key path, e.g. coaches.fte")->required();
  sweep->add_option("--from", o.from, "First value")->required()->transform(decimal_number());
  sweep->add_option("--to", o.to, "Last value")->required()->transform(decimal_number());
  sweep->add_option("--steps", o.steps, "Values from --from to --to")
      ->check(CLI::Range(2, 200))
      ->capture_default_str();
  sweep->add_option("--replications,-r", o.replications, "Replications per value (default: the scenario's)")
      ->check(CLI::Range(1, 2000000000));
  sweep->add_option("--seed,-s", o.seed, "Random seed (default: the scenario's)")
      ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  sweep->add_option("--years,-y", o.years, "Policy years (default: the scenario's)")
      ->check(CLI::Range(1, 200));
  sweep->add_option("--threads,-t", o.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  sweep->add_option("--format,-f", o.format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  sweep->add_option("--output,-o", o.output, "Write the table to FILE");

  CLI::App* calibrate_cmd = k.calibrate_cmd = app.add_subcommand(
      "calibrate",
      "Fit the free parameters of a scenario's targets file to its targets (Bayesian, incremental mixture "
      "importance sampling) and write the calibrated parameter sets");
  calibrate_cmd->add_option("scenario", o.scenarios, "Scenario file (YAML) naming its targets file")
      ->required()
      ->expected(1);
  calibrate_cmd->add_option("--output,-o", o.output,
                            "CSV file of the parameter sets (default: SCENARIO-sets.csv in this directory)");
  calibrate_cmd->add_option("--seed,-s", o.seed, "Random seed (default: the scenario's)")
      ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  calibrate_cmd
      ->add_option("--threads,-t", o.threads,
                   "Worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(1, 1024));
  calibrate_cmd->add_option("--store", o.store, "Results store (SQLite) that keeps every candidate")
      ->capture_default_str();
  calibrate_cmd->add_flag("--no-store", o.no_store, "Do not keep the candidates in a results store");
  calibrate_cmd
      ->add_option("--resume", o.resume, "Continue an interrupted calibration of the store (same command line)")
      ->check(kRunNumber);

  CLI::App* validate_cmd = k.validate_cmd =
      app.add_subcommand("validate", "Check scenario files without simulating");
  validate_cmd->add_option("scenario", o.scenarios, "Scenario files (YAML)")->required();

  CLI::App* trace_cmd = k.trace_cmd =
      app.add_subcommand("trace", "Print one household's week-by-week path: states, agencies, coach, costs");
  trace_cmd->add_option("scenario", o.scenarios, "Scenario file (YAML)")->required()->expected(1);
  CLI::Option* household = k.household =
      trace_cmd->add_option("--household", o.household, "Household number (0-based)")
          ->check(whole_number(0, std::numeric_limits<std::uint32_t>::max()));
  CLI::Option* pick = k.pick = trace_cmd->add_option(
      "--pick", o.pick,
      "Follow the first household (lowest number) that this happened to in the policy period: coached, "
      "evicted, bounced, benefit, or an escalation event of the scenario (e.g. crisis_admission)");
  pick->check(CLI::Validator(
      [](std::string& v) { return v.empty() ? std::string("expected an event, found an empty value") : ""; },
      "EVENT"));
  household->excludes(pick);
  pick->excludes(household);
  trace_cmd->add_flag("--warmup", o.warmup, "List the warm-up week by week (default: in short)");
  trace_cmd->add_flag("--no-store", o.no_store,
                      "Accepted for symmetry with run and compare: trace never stores");
  trace_cmd->add_option("--replication", o.replication, "Replication")
      ->capture_default_str()
      ->check(whole_number(0, kLastReplication));
  trace_cmd->add_option("--seed,-s", o.seed, "Random seed (default: the scenario's)")
      ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  trace_cmd->add_option("--years,-y", o.years, "Policy years (default: the scenario's)")
      ->check(CLI::Range(1, 200));

  CLI::App* calibration_cmd = k.calibration_cmd = app.add_subcommand(
      "calibration", "Print each calibration target of the scenario next to the model (README's tables)");
  calibration_cmd->add_option("scenario", o.scenarios, "Scenario file (YAML)")->required()->expected(1);
  calibration_cmd->add_option("--replications,-r", o.replications, "Replications (default: the scenario's)")
      ->check(CLI::Range(1, 100000));
  calibration_cmd->add_option("--years,-y", o.years, "Policy years (default: the scenario's)")
      ->check(CLI::Range(1, 200));
  calibration_cmd->add_option("--seed,-s", o.seed, "Random seed (default: the scenario's)")
      ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  calibration_cmd->add_option("--threads,-t", o.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  calibration_cmd
      ->add_option("--format,-f", o.format,
                   "markdown: the README's table; table, csv, json: as `run` prints it")
      ->check(CLI::IsMember({"markdown", "table", "csv", "json"}));

  CLI::App* runs_cmd = k.runs_cmd = app.add_subcommand("runs", "List the runs a results store holds");
  store_option(runs_cmd);
  CLI::App* show_cmd = k.show_cmd =
      app.add_subcommand("show", "Print a stored run's tables again, without simulating");
  show_cmd->add_option("run", o.run_id, "Run number (see `wijksim runs`)")->required()->check(kRunNumber);
  show_cmd->add_option("--format,-f", o.format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  sections_option(show_cmd);
  store_option(show_cmd);
  CLI::App* export_cmd = k.export_cmd = app.add_subcommand("export", "Write a stored run as tidy CSV files");
  export_cmd->add_option("run", o.run_id, "Run number (see `wijksim runs`)")->required()->check(kRunNumber);
  export_cmd->add_option("--csv", o.csv_dir, "Directory for the CSV files")->required();
  store_option(export_cmd);
  CLI::App* report_cmd = k.report_cmd =
      app.add_subcommand("report", "Write a stored run as one self-contained HTML report with charts");
  report_cmd->add_option("run", o.run_id, "Run number (see `wijksim runs`)")->required()->check(kRunNumber);
  report_cmd->add_option("--output,-o", o.output, "HTML file to write (default: report-RUN.html)");
  store_option(report_cmd);

  return k;
}

// The first argument (before a lone --) that looks like an option (--name, --name=value, -x...) that neither
// the command given nor wijksim itself has; empty if there is none. A negative number is a value.
static std::string unknown_option(const CLI::App& app, int argc, char** argv) {
  const CLI::App* sub = app.get_subcommands().empty() ? nullptr : app.get_subcommands().front();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") break;
    if (a.size() < 2 || a[0] != '-' || std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.')
      continue;
    if (sub != nullptr && a == sub->get_name()) continue;
    const std::string name = a.starts_with("--") ? a.substr(0, a.find('=')) : a.substr(0, 2);
    const bool known = (sub != nullptr && sub->get_option_no_throw(name) != nullptr) ||
                       app.get_option_no_throw(name) != nullptr;
    if (!known) return name;
  }
  return {};
}

// The first argument (before a lone --) that begins with '-' but names a file or a scenario: a user who
// meant a file called -pilot.yaml. Empty if there is none.
static std::string file_read_as_option(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    if (a.size() < 2 || a[0] != '-' || a == "--help" || a == "--version") continue;
    std::error_code ec;
    const bool yaml = a.ends_with(".yaml") || a.ends_with(".yml");
    if (yaml || std::filesystem::is_regular_file(std::filesystem::path(std::string(a)), ec))
      return std::string(a);
  }
  return {};
}

static int command(int argc, char** argv) {
  // A reader that went away (`wijksim runs | head -1`, a closed pipe) makes a write fail with EPIPE, and the
  // command ends as for any output it cannot write (exit 3, the store's run named; help and errors as they
  // can), instead of dying by SIGPIPE before its report is written or its exit code is set.
  std::signal(SIGPIPE, SIG_IGN);
  // Under an MPI launcher every rank initialises MPI here, whatever the command; only run, compare and
  // calibrate use the ranks, and only rank 0 prints.
  std::optional<cluster::World> world;
  try {
    world.emplace(argc, argv);
  } catch (const Error& e) {
    cli::err("error: {}\n", e.what());
    return kUsage;
  }
  const bool rank0 = world->coordinator();
  CLI::App app{
      "wijksim: households through fragmented help and neighbourhood coaches, by Monte Carlo "
      "microsimulation. See README.md."};
  app.set_version_flag("--version", std::string("wijksim ") + WIJKSIM_VERSION);
  app.require_subcommand(1);
  app.formatter(cli::help_formatter());  // before the subcommands: they take their parent's
  // CLI11 says "scenario: At Most 1 required but received 2" for a second scenario given to a command that
  // reads one; said plainly, with the count of each.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    std::string m = e.what();
    for (const auto& [from, to] : {std::pair<const char*, const char*>{": At Most ", ": at most "},
                                   std::pair<const char*, const char*>{": At least ", ": at least "}}) {
      const std::size_t at = m.find(from), received = m.find(" required but received ");
      if (at != std::string::npos && received != std::string::npos && received > at)
        m = fmt::format("{}{}{} expected, {} given", m.substr(0, at), to,
                        m.substr(at + std::strlen(from), received - at - std::strlen(from)),
                        m.substr(received + std::strlen(" required but received ")));
    }
    // The command line's own words may hold an escape or a byte that is not UTF-8.
    return printable(m, true) + "\nRun with --help for more information.\n";
  });
  Options o;
  std::vector<CLI::Option*> store_options;  // --store of every command, to tell a given one from the default

  const Commands k = define_commands(app, o, store_options);
  CLI::App* const run = k.run;
  CLI::App* const compare = k.compare;
  CLI::App* const sweep = k.sweep;
  CLI::App* const calibrate_cmd = k.calibrate_cmd;
  CLI::App* const validate_cmd = k.validate_cmd;
  CLI::App* const trace_cmd = k.trace_cmd;
  CLI::App* const calibration_cmd = k.calibration_cmd;
  CLI::App* const runs_cmd = k.runs_cmd;
  CLI::App* const show_cmd = k.show_cmd;
  CLI::App* const export_cmd = k.export_cmd;
  CLI::App* const report_cmd = k.report_cmd;
  CLI::Option* const household = k.household;
  CLI::Option* const pick = k.pick;

  try {
    app.parse(argc, argv);
    if (*trace_cmd && !*household && !*pick)
      throw CLI::RequiredError("trace needs --household ID or --pick EVENT", CLI::ExitCodes::RequiredError);
  } catch (const CLI::ParseError& e) {
    if (!rank0) return e.get_exit_code() == 0 ? kOk : kUsage;
    // CLI11 takes `run -pilot.yaml` for an option and then says only "scenario is required", that the
    // argument was not expected, or (-d being --draws) that "ash.yaml" is not a number of draws.
    if (const std::string file = file_read_as_option(argc, argv); !file.empty()) {
      cli::err(
          "error: {} is read as an option, not as a scenario: name the file {} (or put -- before "
          "it)\nRun with --help for more information.\n",
          cli::shell_word(file), cli::shell_word("./" + file));
      return kUsage;
    }
    // An option the command does not have, followed by a value, makes CLI11 count the value as a second
    // scenario ("scenario: at most 1 expected, 2 given"): the option is the mistake.
    if (const std::string unknown = unknown_option(app, argc, argv); !unknown.empty()) {
      const CLI::App* sub = app.get_subcommands().empty() ? &app : app.get_subcommands().front();
      cli::err("error: {} has no option {}\nRun with --help for more information.\n",
               sub == &app ? std::string("wijksim") : "wijksim " + sub->get_name(), cli::shell_word(unknown));
      return kUsage;
    }
    const int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  for (const CLI::Option* opt : store_options) o.store_given = o.store_given || opt->count() > 0;

  // A file-size limit (ulimit -f) then surfaces as a failed write the store reports and survives, instead
  // of a signal that kills the process mid-write.
  std::signal(SIGXFSZ, SIG_IGN);

  std::unique_ptr<tbb::global_control> threads;
  if (o.threads > 0)
    threads = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                    static_cast<std::size_t>(o.threads));
  try {
    // Empty names: an empty store would be a temporary database that keeps nothing.
    if (o.store.empty()) throw UsageError("--store needs the name of a file");
    if (o.output && o.output->empty()) throw UsageError("--output needs the name of a file");
    if (o.report && o.report->empty()) throw UsageError("--report needs the name of a file");
    if (*export_cmd && o.csv_dir.empty()) throw UsageError("--csv needs the name of a directory");
    // Many programs read '-' as standard output; wijksim would write a file (or directory) of that name.
    for (const auto& [option, name] :
         {std::pair{"--output", o.output.value_or("")}, std::pair{"--report", o.report.value_or("")},
          std::pair{"--csv", *export_cmd ? o.csv_dir : std::string()}})
      if (name == "-")
        throw UsageError(fmt::format(
            "{} -: '-' is not standard output here: name a file (./- for one named '-')", option));
    for (const std::string& scenario : o.scenarios)
      if (scenario.empty()) throw UsageError("a scenario needs the name of a file, not ''");
    if (*run) return run_or_compare("run", o, false, cli::quoted_args(argc, argv), *world);
    if (*compare) return run_or_compare("compare", o, true, cli::quoted_args(argc, argv), *world);
    if (*calibrate_cmd) return calibrate(o, cli::quoted_args(argc, argv), *world);
    if (!rank0) return kOk;  // the other commands run on rank 0 alone
    if (world->size() > 1 && *sweep)
      cli::err(
          "note: sweep does not spread its work over MPI ranks: rank 0 does all of it and the other {} "
          "rank{} ended; run it without mpirun (or with -n 1)\n",
          world->size() - 1, world->size() == 2 ? "" : "s");
    if (*runs_cmd) return list_runs(o);
    if (*show_cmd) return show(o);
    if (*export_cmd) return export_run(o);
    if (*report_cmd) return write_report(o);
    if (*validate_cmd) return validate(o);
    if (*trace_cmd) return trace(o);
    if (*sweep) return sweep_command(o);
    if (*calibration_cmd) {
      if (calibration_cmd->count("--format") == 0) o.format = "markdown";
      return calibration(o);
    }
  } catch (const UsageError& e) {
    cli::err("error: {}\nRun with --help for more information.\n", e.what());
    return kUsage;
  } catch (const InputError& e) {
    print_input_error(e, *run || *compare || *trace_cmd || *calibration_cmd || *sweep || *calibrate_cmd);
    return kBadInput;
  } catch (const InternalError& e) {
    cli::err("error: {}\n(command: {})\n{}", e.what(), cli::quoted_args(argc, argv), kBugReport);
    return kInternal;
  } catch (const Error& e) {
    cli::err("error: {}\n(command: {})\n", e.what(), cli::quoted_args(argc, argv));
    return kFailed;
  } catch (const std::bad_alloc&) {
    // The machine, not a bug: a run larger than the memory the process may have (ulimit -v, a container).
    cli::err(
        "error: out of memory: the run needs more memory than this process may have; use fewer households, "
        "draws or replications, or more memory\n(command: {})\n",
        cli::quoted_args(argc, argv));
    return kFailed;
  } catch (const std::exception& e) {
    if (const std::optional<Error> refused = refused_by_system(e)) {
      cli::err("error: {}\n(command: {})\n", refused->what(), cli::quoted_args(argc, argv));
      return kFailed;
    }
    cli::err("internal error: {}\n(command: {})\n{}", e.what(), cli::quoted_args(argc, argv), kBugReport);
    return kInternal;
  }
  return kUsage;
}

int main(int argc, char** argv) {
  cli::open_standard_streams();  // before anything opens a file (cli/console.h)
  cli::Interrupts::install();    // before any thread starts (cli/interrupts.h)
  const int code = command(argc, argv);
  if (!cli::stdout_complete()) return code == kOk ? kFailed : code;
  return code;
}
