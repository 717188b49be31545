// wijksim run and wijksim compare: a study planned from the scenarios, simulated (spread over MPI ranks when
// there are several), kept in the results store as it completes, then its tables and its report.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "command_support.h"
#include "commands.h"
#include "console.h"
#include "interrupts.h"
#include "progress_bar.h"
#include "shell_words.h"
#include "terminal.h"
#include "wijksim/cluster/distributed_study.h"
#include "wijksim/core/atomic_file.h"
#include "wijksim/core/command_line.h"
#include "wijksim/core/dutch_numbers.h"
#include "wijksim/core/output_path.h"
#include "wijksim/core/test_hooks.h"
#include "wijksim/model/run_size.h"
#include "wijksim/report/html_report.h"
#include "wijksim/report/kept_weeks.h"
#include "wijksim/report/render.h"
#include "wijksim/report/run_series.h"
#include "wijksim/report/study_report.h"
#include "wijksim/scenario/parameter_reader.h"
#include "wijksim/store/study_recorder.h"
#include "wijksim/study/sensitivity_study.h"
#include "wijksim/study/study.h"

namespace wijksim::cli {
namespace {

// --parameters as a list: each value split at its commas. An empty key (two commas, or one at an end) is a
// mistake in the list, said as --sections says it; it was passed over (outside attack 17).
std::vector<std::string> parameter_list(const Options& o) {
  std::vector<std::string> out;
  for (const std::string& given : o.parameters) {
    std::size_t start = 0;
    for (std::size_t comma = 0; comma != std::string::npos; start = comma + 1) {
      comma = given.find(',', start);
      out.push_back(given.substr(start, comma == std::string::npos ? comma : comma - start));
      if (out.back().empty() && given.size() > 0)
        throw UsageError(fmt::format(
            "--parameters: an empty key in '{}' (two commas, or one at an end): expected KEY or KEY=FROM:TO "
            "separated by single commas",
            given));
    }
  }
  return out;
}

// The sensitivity options of `compare`, checked. Any of --parameters, --two-way or --threshold asks for the
// simulated analyses as --sensitivity does.
// Whether the command asks for the simulated sensitivity analyses: --sensitivity, or any of the options that
// name what they vary.
bool asks_for_sensitivity(const Options& o) {
  return o.sensitivity || !o.parameters.empty() || !o.two_way.empty() || !o.thresholds.empty();
}

SensitivityOptions sensitivity_options(const Options& o) {
  SensitivityOptions s;
  s.simulate = asks_for_sensitivity(o);
  s.parameters = parameter_list(o);
  for (const std::string& p : s.parameters)  // what the parameters are is the study's to check
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
  // Options of the simulated analyses, given without them: said, not ignored (outside attack 10).
  if (!s.simulate && (o.grid_given || o.sensitivity_replications))
    throw UsageError(
        fmt::format("{} sets the simulated sensitivity analyses, and this command asks for none: "
                    "add --sensitivity (or --parameters, --two-way, --threshold)",
                    o.grid_given ? "--grid" : "--sensitivity-replications"));
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
  s.survey_sample_given = o.survey_households_given;
  s.survey_studies_given = o.survey_studies_given;
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
  for (const std::string& p : parameter_list(o)) {
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

template <class... Lists>
std::vector<KeptFile> joined(const std::vector<KeptFile>& first, const Lists&... rest) {
  std::vector<KeptFile> all = first;
  (all.insert(all.end(), rest.begin(), rest.end()), ...);
  return all;
}

}  // namespace

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
  // Both numbers from the command line: replications past the last number are its own mistake (exit 2);
  // with the count from a scenario file the study refuses them as input (exit 1).
  if (o.first_replication && o.replications &&
      static_cast<double>(*o.first_replication) + static_cast<double>(*o.replications) - 1 >
          kMaxReplicationNumber)
    throw UsageError(fmt::format(
        "--first-replication {} with --replications {}: replications {} to {} go past the last replication "
        "number, {}",
        *o.first_replication, *o.replications, loader::count_text(*o.first_replication),
        loader::count_text(static_cast<double>(*o.first_replication) + *o.replications - 1),
        loader::count_text(kMaxReplicationNumber)));
  if (o.parameter_sets && o.draws.value_or(0) == 0 && !o.resume)
    throw UsageError(
        fmt::format("--parameter-sets {} gives values to parameter draws, and this command has "
                    "none: add --draws N (the base case keeps the scenarios' own values)",
                    *o.parameter_sets));
  if (!o.evppi_groups.empty() && o.draws.value_or(0) == 0 && !o.resume)
    throw UsageError(
        fmt::format("--evppi-group {} groups parameters for the value of information, which needs "
                    "parameter draws: add --draws N (at least 30)",
                    o.evppi_groups.front()));
  check_sections_format(o);
  // The sensitivity analyses print in section 'other': with --sections leaving it out they were simulated
  // and not printed, without a word (with --no-store, lost; outside attack 64).
  if (const std::vector<std::string> shown = text.sections;
      asks_for_sensitivity(o) && !shown.empty() &&
      std::find(shown.begin(), shown.end(), "other") == shown.end())
    throw UsageError(fmt::format(
        "--sections {} leaves out 'other', where the sensitivity analyses (--sensitivity, --parameters, "
        "--two-way, --threshold) are printed: add it (--sections {},other), or drop --sections",
        o.sections, o.sections));
  if (o.no_store && o.resume)
    throw UsageError("--resume continues a run of a results store; drop --no-store");
  if (o.no_store && o.report)
    throw UsageError("--report reads the run back from the results store; drop --no-store");
  if (o.report) refuse_report_as_store(*o.report, "--report");
  if (o.no_store && o.store_given)
    throw UsageError(
        fmt::format("--store {} names a results store and --no-store keeps none: drop one of them", o.store));
  if (!text_output.empty() && o.report && same_file(text_output, *o.report))
    throw UsageError(
        fmt::format("--output {} and --report {} name the same file: the report would replace "
                    "the tables; name two files",
                    text_output, *o.report));
  // The tables' format: --format's, or the one their file's name says (output_format).
  const auto format = parse_format(text_output.empty() ? o.format : output_format(o, text_output, "run"));
  cli::Interrupts::at_once("interrupted before the simulation started; nothing was simulated or kept");
  for (const std::string& scenario : o.scenarios) check_free_parameters(scenario);
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
    if (o.resume) {
      cli::err("resuming run {} of {}: {} of {} {} done before\n", recorder->run_id(), shown_name(o.store),
               recorder->completed().size() / (study.draws > 0 ? study.replications : 1), unit_count, units);
      if (!recorder->discarded().empty())
        cli::err(
            "note: the store held {} in part only or without its seal (rows or the seal missing: changed "
            "by hand, or damaged); its rows were deleted, and "
            "it is simulated again\n",
            recorder->discarded());
      if (!recorder->not_the_runs().empty())
        cli::err(
            "note: the store held rows or seals of {}, which this run does not have ({}replications {} to "
            "{}); they were deleted\n",
            recorder->not_the_runs(),
            study.draws > 0 ? fmt::format("draws 1 to {} of ", study.draws)
                            : std::string("the base case, draw 0, "),
            study.first_replication, study.first_replication + study.replications - 1);
    }
  }
  const std::string resume =
      recorder ? resume_command(command_line, recorder->run_id(), o.resume.has_value(), o.launcher)
               : command_line;
  cli::Interrupts::study(o.store, recorder ? recorder->run_id() : 0, resume, units);

  // A run not kept still says what the period's means hide at its end (In short): its weekly rows are kept
  // in memory instead, only where the glance is printed as a table.
  std::optional<KeptWeeks> kept_weeks;
  if (!recorder && *format == Format::Table && text.glance()) {
    if (const std::size_t bytes = KeptWeeks::bytes_for(study); bytes <= KeptWeeks::kMostBytes)
      kept_weeks.emplace(study);
    else
      text.at_the_end_unsaid = fmt::format(
          "Not said here: the waits and queues still growing at the end, and the places a reallocation "
          "leaves in the last week: the weeks of these runs would take {} MB of memory to keep for it "
          "(--no-store); a run kept in the results store says them.",
          format_dutch(static_cast<double>(bytes) / 1e6, 0));
  }
  cli::ProgressBar bar(command);
  StudyResult result;
  std::optional<SensitivityResult> analyses;
  try {
    result = coordinator.run(
        study, [&bar](std::size_t done, std::size_t total) { bar.update(done, total); },
        recorder     ? recorder->sink()
        : kept_weeks ? kept_weeks->sink()
                     : DrawSink{},
        recorder ? &recorder->completed() : nullptr, cli::Interrupts::stop_flag());
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
    return stopped_by_interrupt(i, recorder ? &*recorder : nullptr, "they", o.store, resume);
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
  } catch (...) {
    bar.finish();
    return stopped_by(std::current_exception(), recorder ? &*recorder : nullptr,
                      study.draws > 0 ? "draws completed" : "replications completed", o.store, resume);
  }
  bar.finish();
  Report report = study_report(command, study, result, analyses ? &*analyses : nullptr);
  if (recorder && !recorder->stored_files().empty()) name_files_as(report, recorder->stored_files());
  // Every unit is stored; the run's end (its tables and report) can still fail (a full disk): said as a
  // failure with the units kept and how to continue, where it said "nothing of this step was kept" alone
  // (outside attack 19). The resume simulates nothing and ends the run.
  if (recorder) {
    try {
      recorder->complete(result, render_all(report), analyses ? &*analyses : nullptr);
    } catch (...) {
      return stopped_by(std::current_exception(), &*recorder,
                        study.draws > 0 ? "draws completed" : "replications completed", o.store, resume);
    }
  }
  const bool asked = cli::Interrupts::at_once(
      recorder
          ? fmt::format("interrupted while writing the outputs (an output not said as written above was "
                        "not written); run {} is complete in {} (`wijksim show {} --store {}` prints it{})",
                        recorder->run_id(), shown_name(o.store), recorder->run_id(), cli::shell_word(o.store),
                        o.report ? fmt::format(", `wijksim report {} --store {} -o {}` writes the report",
                                               recorder->run_id(), cli::shell_word(o.store),
                                               cli::shell_word(*o.report))
                                 : "")
          : std::string("interrupted while writing the outputs (an output not said as written above was not "
                        "written)"));
  // Asked to stop when every unit had begun, or once the last had ended: the study is complete, and ends as
  // it would have (said, so that the signal is not taken as ignored; outside attacks 17 and 29).
  if (asked)
    cli::err("every one of the {} had begun when interrupted: all are done, and the run is complete\n",
             units);
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
      return fmt::format("the report was written to {}", shown_name(*o.report));
    } catch (const std::exception& e) {
      return fmt::format(
          "the report was not written either: {} (`wijksim report {} --store {} -o FILE` writes it)",
          printable(e.what(), false), recorder->run_id(), cli::shell_word(o.store));
    }
  };
  try {
    // The width of where the tables go: the terminal, or (a file) COLUMNS or 100.
    text.width = cli::output_width(text_output.empty() ? stdout : nullptr);
    // The queues still growing at the end, as the report's In short names them: from the stored weeks.
    if (kept_weeks) text.at_the_end = kept_weeks->at_the_end();
    if (recorder && *format == Format::Table && text.glance()) {
      try {
        text.at_the_end = at_the_end(RunStore::open(o.store, RunStore::Mode::ReadOnly), recorder->run_id());
      } catch (const Error& e) {
        cli::err(
            "note: what the period's means hide at its end (queues still growing, places cut) is not said: "
            "{}\n",
            printable(e.what()));
      }
    }
    printed = render(report, *format, text);
    // An output that cannot be written (a closed pipe, a full disk, its directory removed or renamed during
    // the run): the run is complete in the store all the same, and the message says so and how to get the
    // output, where it invited a new simulation (outside attack 10). A refused name is an InputError: below.
    const auto complete_anyway = [&](const Error& e, const std::string& also) {
      return Error(fmt::format("{}; run {} is complete in {} (`wijksim show {} --store {}` prints it){}{}",
                               e.what(), recorder->run_id(), shown_name(o.store), recorder->run_id(),
                               cli::shell_word(o.store), also.empty() ? "" : "; ", also));
    };
    try {
      if (text_output.empty()) {
        cli::write_out(printed);
        // Everything after this goes to stderr: on a pipe shared with stdout (2>&1) it must not land among
        // table rows that are still in stdout's buffer.
        cli::flush_out();
      } else {
        write_file_atomically(text_output, *format == Format::Table ? sealed_text_tables(printed) : printed,
                              "--output", kept_by_tables);
        cli::err("wrote {}\n", shown_name(text_output));
      }
    } catch (const InputError&) {
      throw;
    } catch (const Error& e) {
      if (!recorder) throw;
      throw complete_anyway(e, report_anyway());
    }
    if (recorder) say_stored(*recorder, o.store);
    if (world.size() > 1) print_farm_stats(coordinator.stats());
    if (o.report) {
      writing_report = true;
      try {
        write_html_report(o.store, recorder->run_id(), *o.report, "--report", kept_by_report);
      } catch (const InputError&) {
        throw;
      } catch (const Error& e) {
        throw complete_anyway(e, fmt::format("`wijksim report {} --store {} -o FILE` writes the report",
                                             recorder->run_id(), cli::shell_word(o.store)));
      }
      cli::err("wrote the report {}\n", shown_name(*o.report));
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
                          recorder->run_id(), cli::shell_word(o.store))
            : report_anyway());
  } catch (const std::bad_alloc&) {
    // Out of memory printing the tables or writing the report, the run stored whole: said as such, and how
    // to get them from the store (it advised fewer households, and pasting the command simulated everything
    // again; outside attack 34). Writing them from the store needs less memory than the run did.
    if (!recorder) throw;
    throw Error(fmt::format(
        "out of memory writing the {}: run {} is complete in {} (`wijksim show {} --store {}` prints it{})",
        writing_report ? "report" : "tables", recorder->run_id(), shown_name(o.store), recorder->run_id(),
        cli::shell_word(o.store),
        o.report ? fmt::format("; `wijksim report {} --store {} -o {}` writes the report", recorder->run_id(),
                               cli::shell_word(o.store), cli::shell_word(*o.report))
                 : ""));
  }
  cli::Interrupts::outputs_written();
  test_hooks::after_outputs();
  return kOk;
}

}  // namespace wijksim::cli
