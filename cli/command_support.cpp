#include "command_support.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string_view>
#include <system_error>

#include "console.h"
#include "options.h"
#include "wijksim/core/command_line.h"
#include "wijksim/core/dutch_numbers.h"
#include "wijksim/scenario/scenario_source.h"
#include "wijksim/scenario/targets_file.h"
#include "wijksim/study/calibration_run.h"

namespace wijksim::cli {

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
    case SourceFile::Role::UnreadParameterSets:
      return fmt::format("the parameter sets the scenario '{}' names (which --parameter-sets replaces here)",
                         name);
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

void print_input_error(const InputError& e, bool simulates) {
  for (const Diagnostic& d : e.diagnostics()) cli::err("{}\n", d.to_string());
  if (simulates)
    cli::err("{} error{} found; nothing was simulated.\n", e.diagnostics().size(),
             e.diagnostics().size() == 1 ? "" : "s");
}

// The command that continues run `run`: the command line with --resume (already in it when this process
// resumes), and in a job of several MPI ranks the launcher's words in front (any number of ranks, or srun,
// gives the same result; without it the run would continue in one process, which is also the same, only
// slower).
std::string resume_command(const std::string& command_line, std::int64_t run, bool resuming,
                           const std::string& launcher) {
  const std::string c = resuming ? command_line : with_resume(command_line, run);
  return launcher.empty() ? c : launcher + " " + c;
}

// Under mpirun with more than one rank: what the farm did, in one line on stderr (benchmarks/README.md).
// `unit`: what the farm handed out (a study's units; calibrate's candidates).
void print_farm_stats(const cluster::FarmStats& f, const std::string& unit) {
  double wall = 0, in_calls = 0;
  std::uint64_t bytes = 0;
  for (const cluster::RankStats& r : f.ranks) {
    wall += r.wall_seconds;
    in_calls += r.transport.seconds_in_calls;
    bytes += r.transport.bytes_sent;
  }
  // None left to simulate (a resume of a run whose units were all done): no figure per unit, which divided by
  // 1 (an outside attack).
  if (f.units == 0)
    cli::err("spread over {} MPI ranks: no {}s were left to simulate\n", f.ranks.size(), unit);
  else {
    const auto units = static_cast<double>(f.units);
    cli::err(
        "spread over {} MPI ranks: {} {}{}, {:.1f} kB sent per {}; MPI calls took {:.2f} ms of processor "
        "time per {} ({:.2f}% of the ranks' time); rank 0 coordinating {:.2f} ms per {}\n",
        f.ranks.size(), f.units, unit, f.units == 1 ? "" : "s", bytes / 1e3 / units, unit,
        1e3 * in_calls / units, unit, wall > 0 ? 100 * in_calls / wall : 0.0,
        1e3 * f.coordinator_busy_seconds / units, unit);
  }
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
  if (recorder.store_replaced()) {
    // The log SQLite kept under the name stays there when no store does, and a new store is refused beside
    // it (RunStore::open): said here, so that running again is not met by a refusal unexplained.
    std::error_code ec;
    const bool log_left = !std::filesystem::exists(store, ec) && std::filesystem::exists(store + "-wal", ec);
    throw Error(fmt::format(
        "the results store '{}' was removed or replaced while the run wrote it: run {} was written into the "
        "file that was there, not into what '{}' is now (a store moved away holds it, complete, under its "
        "new "
        "name; one deleted lost it); run the command again to keep it in '{}'{}",
        shown_name(store), recorder.run_id(), shown_name(store), shown_name(store),
        log_left ? fmt::format(", once its log left beside the name, '{}-wal' and '{}-shm', is removed",
                               shown_name(store), shown_name(store))
                 : ""));
  }
  // Outside attack 9: a file-size limit cut the store file where its log was folded in, and this said
  // "stored" with exit 0; whoever then copied the store alone had a damaged file.
  if (const auto failure = recorder.fold_log())
    throw Error(fmt::format(
        "run {} is stored in {}, but folding the store's log into it failed ({}): until a later wijksim "
        "command on the store completes that (with room on the disk), '{}' alone is not whole; keep '{}-wal' "
        "with it (do not copy or move the store without it)",
        recorder.run_id(), shown_name(store), *failure, shown_name(store), shown_name(store)));
  cli::err("stored as run {} in {}\n", recorder.run_id(), shown_name(store));
}

// An output refused after the simulation (a file put in its place meanwhile, a link): the problems, then what
// was simulated and where it is kept, instead of "nothing was simulated".
// `also`: what became of the other outputs (the report), said after.
int output_refused(const InputError& e, std::optional<std::int64_t> run, const std::string& store,
                   const std::string& also) {
  print_input_error(e, false);
  if (run)
    cli::err(
        "the simulation itself completed: run {} is complete in {} (`wijksim show {} --store {}` prints "
        "it)\n",
        *run, shown_name(store), *run, shell_word(store));
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
                  "as it needs, or has no memory left for their stacks; use fewer (--threads N), or raise "
                  "the limit (ulimit -u for threads, ulimit -v for memory)",
                  e.what()));
}

// A study or calibration stopped by an error that is not the input's (a full disk, a store that went away):
// what was kept before stays kept; the run is marked failed and the message says how to continue.
int stopped_by_error(RunWriter& recorder, const Error& e, const std::string& kept, const std::string& store,
                     const std::string& resume) {
  cli::err("error: {}\n", e.what());
  // A run this process lost to another (its lock file removed) is not its own to mark or to resume: the
  // message says where to look (outside attack 59: it said "To continue" beside a run the other completed).
  if (recorder.lost_run()) return kFailed;
  try {
    recorder.failed();
  } catch (const Error&) {
    // The store may not take even this (a full disk); the run then stays 'running', which --resume accepts.
  }
  // Whether anything was kept, from the store itself: a failure at the first unit's write kept none, and
  // "kept" was said all the same (outside attack 21). A store that cannot even be read now keeps the words.
  bool none_kept = false;
  try {
    const RunInfo i = RunStore::open(store, RunStore::Mode::ReadOnly).run(recorder.run_id());
    none_kept = i.draws_done == 0 && i.replications_done == 0 && i.candidates_done == 0;
  } catch (const std::exception&) {
  }
  if (none_kept)
    cli::err(
        "nothing was completed before: run {} of {} holds no results yet. To start it once the cause is "
        "fixed:\n  {}\n",
        recorder.run_id(), shown_name(store), resume);
  else
    cli::err("the {} before are kept in {} as run {}. To continue once the cause is fixed:\n  {}\n", kept,
             shown_name(store), recorder.run_id(), resume);
  return kFailed;
}

int stopped_by_interrupt(const Interrupted& i, RunWriter* recorder, const std::string& kept,
                         const std::string& store, const std::string& resume) {
  if (!recorder) {
    cli::err("{}; nothing was kept (--no-store)\n", i.what());
    return kInterrupted;
  }
  recorder->interrupted();
  if (recorder->lost_run()) {
    cli::err("{}; {}\n", i.what(), RunLock::left_as_it_is(store, recorder->run_id()));
    return kInterrupted;
  }
  cli::err("{}; {} are kept in {} as run {}. To continue:\n  {}\n", i.what(), kept, shown_name(store),
           recorder->run_id(), resume);
  return kInterrupted;
}

int stopped_by(std::exception_ptr stopped, RunWriter* recorder, const std::string& kept,
               const std::string& store, const std::string& resume) {
  try {
    std::rethrow_exception(stopped);
  } catch (const InputError&) {
    if (recorder) recorder->failed();
    throw;
  } catch (const Error& e) {
    if (!recorder) throw;
    return stopped_by_error(*recorder, e, kept, store, resume);
  } catch (const std::exception& e) {
    const std::optional<Error> refused = refused_by_system(e);
    if (!refused) throw;
    if (!recorder) throw *refused;
    return stopped_by_error(*recorder, *refused, kept, store, resume);
  }
}

// Settings of the scenarios that the command does not use, said before it simulates (Study::unused_settings).
void say_unused_settings(const Study& study) {
  for (const std::string& note : study.unused_settings) cli::err("note: {}\n", printable(note, false));
}

void check_free_parameters(const std::string& scenario) {
  // The free parameters' priors against the scenario's keys: its parameter sets play no part (their
  // problems, if any, are the study's to say).
  const ScenarioSource source = ScenarioSource::load(scenario, true, OwnSets::LeftOut);
  const Scenario s = source.base();
  if (s.targets_file.empty()) return;
  const TargetsFile file = read_targets_file(s.targets_file);
  if (!file.free.empty()) check_free_parameters(source, file);
}

namespace {
// The format a file's name says by its ending, in any case: "csv", "json", "html" or "" (a name that is the
// ending alone, .json, says it too: std::filesystem takes it for a hidden file without one; outside attack
// 33).
std::string format_named_by(const std::string& file) {
  std::string name = std::filesystem::path(file).filename().string();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const auto& [ending, format] : {std::pair{".csv", "csv"}, std::pair{".json", "json"},
                                       std::pair{".html", "html"}, std::pair{".htm", "html"}})
    if (name.ends_with(ending)) return format;
  return "";
}

// How a format is named in a message: "CSV", "JSON", "a text table".
std::string format_in_words(const std::string& format) {
  return format == "csv" ? "CSV" : format == "json" ? "JSON" : "a text table";
}
}  // namespace

void refuse_report_as_store(const std::string& path, std::string_view option) {
  // A name that says the tables' formats: the report written there was an HTML page under .json (outside
  // attack 33), as -o t.html for the tables is refused (output_format).
  if (const std::string named = format_named_by(path); named == "csv" || named == "json")
    throw UsageError(
        fmt::format("{} {}: the report is an HTML page, and a name ending in .{} says {}: name another file, "
                    "for instance report.html",
                    option, printable(path), named, format_in_words(named)));
  if (is_store_name(path))
    throw UsageError(fmt::format(
        "{} {}: the report is an HTML page, and a name ending in {} is a results store's: name another file, "
        "for instance report.html",
        option, printable(path), printable(std::filesystem::path(path).extension().string())));
}

void refuse_sets_under_other_format(const std::string& path, const std::string& example) {
  const std::string named = format_named_by(path);
  const std::string name = std::filesystem::path(path).filename().string();
  if (named == "json" || named == "html")
    throw UsageError(fmt::format(
        "--output {}: calibrate writes its parameter sets as CSV, and a name ending in {} says {}: name "
        "another file, for instance {}",
        printable(path), printable(name.substr(name.rfind('.'))), named == "json" ? "JSON" : "an HTML page",
        printable(example)));
}

std::string output_format(const Options& o, const std::string& file, std::string_view command) {
  const std::string named = format_named_by(file);
  if (named == "html")
    throw UsageError(
        command == "sweep"
            ? fmt::format("--output {}: the tables are text, CSV or JSON, not an HTML page (a sweep has no "
                          "report): name another file, for instance sweep.txt",
                          printable(file))
            : fmt::format("--output {}: the tables are text, CSV or JSON, not an HTML page; the report is "
                          "written by `wijksim compare ... --report {}` or `wijksim report RUN -o {}`",
                          printable(file), shell_word(file), shell_word(file)));
  if (named.empty() || named == o.format) return o.format;
  if (!o.format_given) {
    if (o.sections != "all")
      throw UsageError(fmt::format(
          "--sections chooses the sections of the table format; --output {} is written as {}, which holds "
          "them all: drop --sections, or name a file that does not end in .csv or .json",
          printable(file), format_in_words(named)));
    return named;
  }
  throw UsageError(fmt::format(
      "--output {} with --format {}: the name says {} and the format {}: give the one you want (without "
      "--format, a FILE.csv or FILE.json is written in that format)",
      printable(file), o.format, format_in_words(named), format_in_words(o.format)));
}

}  // namespace wijksim::cli
