#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "command_support.h"
#include "commands.h"
#include "console.h"
#include "interrupts.h"
#include "progress_bar.h"
#include "terminal.h"
#include "wijksim/analysis/calibration.h"
#include "wijksim/cluster/distributed_calibration.h"
#include "wijksim/core/atomic_file.h"
#include "wijksim/core/command_line.h"
#include "wijksim/core/output_path.h"
#include "wijksim/core/test_hooks.h"
#include "wijksim/report/calibration_report.h"
#include "wijksim/report/render.h"
#include "wijksim/report/text_layout.h"
#include "wijksim/store/calibration_recorder.h"
#include "wijksim/study/calibration_run.h"

namespace wijksim::cli {

// wijksim calibrate: the scenario's free parameters fitted to its targets; the sets to --output. Under
// mpirun rank 0 does all of this and the candidates are simulated on every rank
// (cluster/distributed_calibration.h).
int calibrate_command(const Options& o, const std::string& command_line, cluster::World& world) {
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
    throw UsageError(
        fmt::format("--parameter-sets {} gives values to parameter draws, and this command has "
                    "none: add --draws N (the base case keeps the scenarios' own values)",
                    *o.parameter_sets));
  if (o.no_store && o.resume)
    throw UsageError("--resume continues a run of a results store; drop --no-store");
  if (o.no_store && o.store_given)
    throw UsageError(
        fmt::format("--store {} names a results store and --no-store keeps none: drop one of them", o.store));
  // run and compare take -o FILE.db as the store; calibrate's --output is the sets' CSV: a CSV under a
  // store's name would be neither (outside attack 12: `calibrate -o cal.db` wrote a CSV named cal.db).
  if (o.output && is_store_name(*o.output))
    throw UsageError(cli::message(
        "--output {}: calibrate writes its parameter sets to --output as CSV (for instance {}-sets.csv); "
        "the results store that keeps its candidates is --store {}",
        *o.output, std::filesystem::path(o.scenarios.front()).stem().string(), *o.output));
  if (o.output)
    refuse_sets_under_other_format(*o.output,
                                   std::filesystem::path(o.scenarios.front()).stem().string() + "-sets.csv");
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
    if (o.resume && recorder->already_complete())
      cli::err(
          "run {} of {} is complete ({} candidates): nothing is simulated, and its parameter sets are "
          "written again\n",
          recorder->run_id(), shown_name(o.store), recorder->completed().size());
    else if (o.resume) {
      cli::err("resuming run {} of {}: {} candidates evaluated before\n", recorder->run_id(),
               shown_name(o.store), recorder->completed().size());
      if (const std::size_t n = recorder->reevaluated(); n > 0)
        cli::err(
            "note: the store held {} without {} seal (changed by hand, or damaged); {} rows were deleted, "
            "and {} evaluated again\n",
            n == 1 ? std::string("1 candidate") : fmt::format("{} candidates", n), n == 1 ? "its" : "their",
            n == 1 ? "its" : "their", n == 1 ? "it is" : "they are");
    }
  }
  const std::string resume =
      recorder ? resume_command(command_line, recorder->run_id(), o.resume.has_value(), o.launcher)
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
    return stopped_by_interrupt(i, recorder ? &*recorder : nullptr, "the evaluated candidates", o.store,
                                resume);
  } catch (const InputError& e) {
    // The input's problem found by simulating (no candidate shows the targets): said at the files, with what
    // was simulated; no resume, which would read the mended file and be refused, or fail the same way.
    bar.finish();
    if (recorder) recorder->failed();
    print_input_error(e, false);
    if (recorder)
      cli::err("the candidates evaluated are in {} as run {} (failed); once mended, calibrate again\n",
               shown_name(o.store), recorder->run_id());
    return kBadInput;
  } catch (const RunFailure& f) {
    bar.finish();
    if (recorder) recorder->failed();
    cli::err("error: a candidate's {}\n", f.what());
    if (f.internal()) {
      cli::err("(command: {})\n{}", command_line, kBugReport);
      return kInternal;
    }
    return kFailed;
  } catch (...) {
    bar.finish();
    return stopped_by(std::current_exception(), recorder ? &*recorder : nullptr, "candidates evaluated",
                      o.store, resume);
  }
  bar.finish();
  // A resumed run names its files as it began with them (the same files, perhaps spelt otherwise).
  const std::optional<CalibrationFiles> files = recorder ? recorder->stored_files() : std::nullopt;
  const Report report = calibration_report(plan, result, files);
  // As a study's end (run_command.cpp): a failure here keeps every candidate, and the resume ends the run.
  if (recorder) {
    try {
      recorder->complete(render_all(report));
    } catch (...) {
      return stopped_by(std::current_exception(), &*recorder, "candidates evaluated", o.store, resume);
    }
  }
  // The sets are what the calibration is for: how to write them again is said too (outside attack 12).
  const bool asked = cli::Interrupts::at_once(
      recorder ? fmt::format("interrupted while writing the parameter sets; run {} is "
                             "complete in {}, and resuming it writes its sets again, "
                             "without simulating:\n  {}",
                             recorder->run_id(), o.store, resume)
               : std::string("interrupted while writing the parameter sets"));
  // Asked to stop when every candidate had begun, or once the last had ended: as a study's (run_command.cpp).
  if (asked)
    cli::err(
        "every candidate had begun when interrupted: all are evaluated, and the calibration is complete\n");
  std::optional<std::string> previous;
  try {
    // An earlier calibration's sets cost hours to make: kept beside the new ones, never replaced unseen
    // (outside attack 9). Another calibration writing the same file now waits for its turn, and keeps ours.
    const OutputTurn turn(output);
    refuse_other_scenarios_sets();
    previous = keep_previous_version(output);
    write_file_atomically(output, calibration_sets_text(plan, result, files), "--output", kept,
                          OutputKind::ParameterSets);
  } catch (const InputError& e) {
    if (previous) forget_previous_version(*previous);  // the file holds what it held: no copy of it left
    return output_refused(
        e, recorder ? std::optional<std::int64_t>(recorder->run_id()) : std::nullopt, o.store,
        recorder
            ? fmt::format("its parameter sets were not written; this writes them again, simulating nothing "
                          "(with another -o FILE):\n  {}",
                          resume)
            : std::string("its parameter sets were not written"));
  } catch (const Error& e) {
    // A file the machine would not let it write (too few open files, a full disk): the candidates, hours
    // of simulation, are in the store all the same, and a resume writes the sets without simulating (it
    // said only the file's error: outside attack 26).
    const std::string unchanged = previous && forget_previous_version(*previous)
                                      ? fmt::format("; {} holds the sets it held before", printable(output))
                                      : std::string();
    if (!recorder) throw Error(e.what() + unchanged);
    throw Error(
        fmt::format("{}{}; run {} is complete in {}, and resuming it writes its parameter sets, "
                    "simulating nothing:\n  {}",
                    e.what(), unchanged, recorder->run_id(), o.store, resume));
  }
  cli::write_out(render_table(report, TextOptions{cli::output_width(stdout), {}}));
  cli::flush_out();  // before the messages on stderr, and said whole should a signal come next
  cli::err("wrote {} parameter sets to {}{}\n", result.sets.size(), shown_name(output),
           previous ? fmt::format(" (the sets it held before are kept as {})", shown_name(*previous)) : "");
  // A fit whose weights rest on few candidates is said where it is seen, not only in the file's comments
  // (outside attack 14: an effective sample size of 1.0, five identical sets, exit 0 without a word).
  // One line, as every message: a terminal breaks it at words to its width (console.h, fit_to_width); to a
  // file or a pipe it stays whole for the script that reads it (it was broken at COLUMNS into files too).
  if (!result.imis.converged)
    cli::err(
        "warning: after every round the effective sample size (the table's {}) stays below the {} sets: the "
        "sets hold {} distinct candidate{}, so they understate how uncertain the free parameters are; more "
        "rounds or more candidates per round (the targets file's calibration settings) give a fuller "
        "posterior\n",
        // The figure as the table above writes it ("91.9" here beside "91,9" there confused an analyst), said
        // as the table's, and not followed by a comma: "is 1,3, below the 20 sets" read as a list (outside
        // attack 46); the rest of the sentence English, as every message.
        format_dutch(result.imis.ess, 1), result.sets.size(), result.distinct_sets(),
        result.distinct_sets() == 1 ? "" : "s");
  if (recorder) say_stored(*recorder, o.store);
  if (world.size() > 1) print_farm_stats(coordinator.stats(), "candidate");
  cli::Interrupts::outputs_written();  // as run and compare (interrupts.h)
  test_hooks::after_outputs();
  return kOk;
}

}  // namespace wijksim::cli
