// The `wijksim` command: parses the command line, calls the engine, prints. Nothing here simulates or
// computes a figure; see engine/study/study.h.
//
// Exit codes: 0 ok, 1 bad input (a scenario or a value), 2 usage (the command line itself), 3 a run
// failed or a result could not be written, 4 an internal error (a bug), 130 interrupted.
#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "progress_bar.h"
#include "terminal.h"
#include "wijksim/core/atomic_file.h"
#include "wijksim/core/error.h"
#include "wijksim/model/model.h"
#include "wijksim/report/html_report.h"
#include "wijksim/report/render.h"
#include "wijksim/report/study_report.h"
#include "wijksim/report/trace_text.h"
#include "wijksim/simulation/simulation.h"
#include "wijksim/store/run_store.h"
#include "wijksim/store/study_recorder.h"
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
  int threads = 0;  // 0: all cores
  std::string format = "table";
  std::string output;
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
  std::string report;  // compare --report FILE: the HTML report of the run just stored
};

// Ctrl-C (or SIGTERM): the first stops after the draw in flight (it is stored); a second one ends the
// process at once. Either way the store holds every completed draw.
std::atomic<bool> g_stop{false};
extern "C" void on_interrupt(int) {
  g_stop.store(true);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

bool is_store_path(const std::string& path) {
  const auto ext = std::filesystem::path(path).extension().string();
  return ext == ".db" || ext == ".sqlite" || ext == ".sqlite3";
}

void print_input_error(const InputError& e, bool simulates) {
  for (const Diagnostic& d : e.diagnostics()) fmt::print(stderr, "{}\n", d.to_string());
  if (simulates)
    fmt::print(stderr, "{} error{} found; nothing was simulated.\n", e.diagnostics().size(),
               e.diagnostics().size() == 1 ? "" : "s");
}

std::string quoted_args(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) {
    if (i) s += ' ';
    std::string a = argv[i];
    s += a.find_first_of(" '\"$") == std::string::npos ? a : "'" + a + "'";
  }
  return s;
}

int run_or_compare(const std::string& command, Options o, bool with_comparators,
                   const std::string& command_line) {
  const auto format = parse_format(o.format);
  TextOptions text{0, parse_sections(o.sections)};
  // --output FILE.db names the results store; any other FILE receives the printed tables.
  std::string text_output = o.output;
  if (!o.output.empty() && is_store_path(o.output)) {
    if (o.store != "results.db" && o.store != o.output)
      throw InputError(
          {{Location{}, "--output",
            fmt::format("--output {} and --store {} name two results stores: give one", o.output, o.store)}});
    o.store = o.output;
    text_output.clear();
  }
  if (o.no_store && o.resume)
    throw InputError(
        {{Location{}, "--resume", "--resume continues a run of a results store; drop --no-store"}});
  if (o.no_store && !o.report.empty())
    throw InputError(
        {{Location{}, "--report", "--report reads the run back from the results store; drop --no-store"}});
  StudyOverrides overrides{o.seed, o.replications, o.years, o.first_replication, o.draws};
  const Study study = plan_study(o.scenarios, overrides, with_comparators);

  std::optional<StudyRecorder> recorder;
  if (!o.no_store) {
    recorder.emplace(study, RecordOptions{o.store, command, command_line, o.resume});
    if (o.resume)
      fmt::print(stderr, "resuming run {} of {}: {} of {} draws done before\n", recorder->run_id(), o.store,
                 recorder->completed().size(), study.draw_ids().size());
  }

  cli::ProgressBar bar(command);
  StudyResult result;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  try {
    result = run_study(
        study, [&bar](std::size_t done, std::size_t total) { bar.update(done, total); },
        recorder ? recorder->sink() : DrawSink{}, recorder ? &recorder->completed() : nullptr, &g_stop);
  } catch (const Interrupted& i) {
    bar.finish();
    if (!recorder) {
      fmt::print(stderr, "{}; nothing was kept (--no-store)\n", i.what());
      return kInterrupted;
    }
    recorder->interrupted();
    std::string resume =
        o.resume ? command_line : fmt::format("{} --resume {}", command_line, recorder->run_id());

    fmt::print(stderr, "{}; the completed draws are kept in {} as run {}. To continue:\n  {}\n", i.what(),
               o.store, recorder->run_id(), resume);
    return kInterrupted;
  } catch (const RunFailure& f) {
    bar.finish();
    if (recorder) recorder->failed();
    const StudyScenario& s = study.scenarios[f.job()];
    fmt::print(stderr, "error: {}\n", f.what());
    fmt::print(
        stderr,
        "to replay that run alone:\n  wijksim run {} --seed {} --first-replication {} --replications 1 "
        "--years {} --threads 1 --no-store\n",
        s.scenario.file, f.request().seed, f.request().replication, study.years);
    if (f.internal()) {
      fmt::print(stderr, "{}", kBugReport);
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
    fmt::print(stderr, "error: {}\n", e.what());
    try {
      recorder->failed();
    } catch (const Error&) {
      // The store may not take even this (a full disk); the run then stays 'running', which --resume accepts.
    }
    fmt::print(
        stderr,
        "the draws completed before are kept in {} as run {}. To continue once the cause is fixed:\n  {}{}\n",
        o.store, recorder->run_id(), command_line,
        o.resume ? "" : fmt::format(" --resume {}", recorder->run_id()));
    return kFailed;
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  bar.finish();
  const Report report = study_report(command, study, result);
  if (recorder) recorder->complete(result, render_all(report));
  // The width of where the tables go: the terminal, or (a file) COLUMNS or 100.
  text.width = cli::output_width(text_output.empty() ? stdout : nullptr);
  const std::string printed = render(report, *format, text);
  if (text_output.empty()) {
    fmt::print("{}", printed);
    // Everything after this goes to stderr: on a pipe shared with stdout (2>&1) it must not land among
    // table rows that are still in stdout's buffer.
    std::fflush(stdout);
  } else {
    write_file_atomically(text_output, printed);
    fmt::print(stderr, "wrote {}\n", text_output);
  }
  if (recorder) fmt::print(stderr, "stored as run {} in {}\n", recorder->run_id(), o.store);
  if (!o.report.empty()) {
    write_html_report(o.store, recorder->run_id(), o.report);
    fmt::print(stderr, "wrote the report {}\n", o.report);
  }
  return kOk;
}

int list_runs(const Options& o) {
  const RunStore store = RunStore::open(o.store, RunStore::Mode::ReadOnly);
  const auto runs = store.runs();
  if (runs.empty()) fmt::print("{} holds no runs\n", o.store);
  for (const RunInfo& r : runs) {
    std::string names;
    for (const StoredScenario& s : store.scenarios(r.id))
      if (s.role != "comparator") names += (names.empty() ? "" : ", ") + s.name;
    const int draws = std::max(1, r.draws);  // 0 draws: the base case, one "draw"
    fmt::print(
        "run {:>4}  {}  {:<11}  {}: {}\n          {} of {} {} done, {} replication{}, {} years, seed {}\n    "
        "      {}\n",
        r.id, r.started_at, r.status, r.command, names, r.draws_done, draws,
        r.draws == 0 ? "base case" : "draws", r.replications, r.replications == 1 ? "" : "s", r.years, r.seed,
        r.command_line);
  }
  return kOk;
}

int show(const Options& o) {
  const TextOptions text{cli::output_width(stdout), parse_sections(o.sections)};
  const RunStore store = RunStore::open(o.store, RunStore::Mode::ReadOnly);
  // The table format is drawn again from the stored JSON, for this terminal's width and sections.
  if (o.format == "table")
    fmt::print("{}", render_table(report_from_json(store.report(o.run_id, "json")), text));
  else
    fmt::print("{}", store.report(o.run_id, o.format));
  return kOk;
}

int export_run(const Options& o) {
  const RunStore store = RunStore::open(o.store, RunStore::Mode::ReadOnly);
  const std::vector<std::string> files = store.export_csv(o.run_id, o.csv_dir);
  std::string list;
  for (const std::string& f : files) list += (list.empty() ? "" : ", ") + f;
  fmt::print(stderr, "wrote {} to {}\n", list, o.csv_dir);
  return kOk;
}

int write_report(const Options& o) {
  const std::string path = o.output.empty() ? fmt::format("report-{}.html", o.run_id) : o.output;
  try {
    write_html_report(o.store, o.run_id, path);
  } catch (const InputError& e) {
    // A store or run that cannot be reported (print_input_error would say nothing was simulated).
    for (const Diagnostic& d : e.diagnostics()) fmt::print(stderr, "{}\n", d.to_string());
    return kBadInput;
  }
  fmt::print(stderr, "wrote {}\n", path);
  return kOk;
}

int validate(const Options& o) {
  int bad = 0;
  for (const std::string& path : o.scenarios) {
    try {
      const ScenarioSource src = ScenarioSource::load(path);
      const Scenario s = src.base();
      fmt::print(
          "{}: ok ({} households, {} domains, {} agencies, {} payers{}{})\n", path, s.population.households,
          s.domains.size(), s.agencies.size(), s.payers.size(),
          s.coaches.enabled ? fmt::format(", {} coach FTE", s.coaches.fte) : "",
          src.uncertain().empty() ? "" : fmt::format(", {} uncertain parameters", src.uncertain().size()));
    } catch (const InputError& e) {
      ++bad;
      for (const Diagnostic& d : e.diagnostics()) fmt::print(stderr, "{}\n", d.to_string());
      fmt::print(stderr, "{}: {} error{}\n", path, e.diagnostics().size(),
                 e.diagnostics().size() == 1 ? "" : "s");
    }
  }
  return bad ? kBadInput : kOk;
}

int trace(const Options& o) {
  StudyOverrides overrides{o.seed, 1, o.years, o.replication, 0};
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
    if (!h)
      throw InputError({{Location{s.file, 0, 0}, "--pick",
                         fmt::format("no household of replication {} was {} in the {} policy year(s)",
                                     o.replication, o.pick, s.simulation.years)}});
    text.household = *h;
    text.picked = fmt::format("the first household {} in the policy period",
                              o.pick == "coached" || o.pick == "bounced" || o.pick == "evicted" ? o.pick
                              : o.pick == "benefit" ? "that came to live on a benefit"
                                                    : "with an escalation: " + o.pick);
  } else {
    text.household = *o.household;
  }
  if (text.household >= static_cast<std::uint32_t>(s.population.households))
    throw InputError({{Location{s.file, 0, 0}, "--household",
                       fmt::format("household {} does not exist: the scenario has households 0 to {}",
                                   text.household, s.population.households - 1)}});
  const RunResult r = simulate(model, {study.seed, 0, o.replication, text.household});
  fmt::print("{}", trace_text(s, r, text));
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "wijksim: households through fragmented help and neighbourhood coaches, by Monte Carlo "
      "microsimulation. See README.md."};
  app.set_version_flag("--version", std::string("wijksim ") + WIJKSIM_VERSION);
  app.require_subcommand(1);
  Options o;

  auto simulation_options = [&o](CLI::App* c) {
    c->add_option("--replications,-r", o.replications, "Independent replications (default: the scenario's)")
        ->check(CLI::Range(1, 2000000000));
    c->add_option("--seed,-s", o.seed,
                  "Random seed shared by every scenario (default: the first scenario's)");
    c->add_option("--years,-y", o.years, "Policy years after the warm-up (default: the scenario's)")
        ->check(CLI::Range(1, 200));
    c->add_option("--draws,-d", o.draws,
                  "Parameter draws of a probabilistic sensitivity analysis (default 0: the base case only); "
                  "each draw runs one replication unless --replications is given")
        ->check(CLI::Range(0, 2000000000));
    c->add_option("--threads,-t", o.threads,
                  "Worker threads (default: all cores); results do not depend on it")
        ->check(CLI::Range(1, 1024));
  };
  // Which parts of the table format to print (render.h, section_names).
  auto sections_option = [&o](CLI::App* c) {
    c->add_option("--sections", o.sections,
                  "Table format: the sections to print, in order, from glance (every compared scenario side "
                  "by side), economics, budget, agencies, households, calibration, other, or all")
        ->capture_default_str();
  };
  auto output_options = [&o, &sections_option](CLI::App* c) {
    c->add_option("--format,-f", o.format, "Output format")
        ->check(CLI::IsMember({"table", "csv", "json"}))
        ->capture_default_str();
    c->add_option("--output,-o", o.output,
                  "FILE.db: the results store (default results.db); any other FILE: write the tables there");
    c->add_option("--store", o.store, "Results store (SQLite) that keeps the run")->capture_default_str();
    c->add_flag("--no-store", o.no_store, "Do not keep the run in a results store");
    c->add_option("--resume", o.resume, "Continue an interrupted run of the store (same command line)");
    sections_option(c);
  };
  auto store_option = [&o](CLI::App* c) {
    c->add_option("--store", o.store, "Results store")->capture_default_str();
  };

  CLI::App* run = app.add_subcommand("run", "Run scenarios and print their tables");
  run->add_option("scenario", o.scenarios, "Scenario files (YAML)")->required();
  simulation_options(run);
  output_options(run);
  run->add_option("--first-replication", o.first_replication, "First replication index (to replay one run)");

  CLI::App* compare = app.add_subcommand(
      "compare", "Run each scenario with its comparator (common random numbers) and print the differences");
  compare->add_option("scenario", o.scenarios, "Scenario files (YAML)")->required();
  simulation_options(compare);
  output_options(compare);
  compare->add_option("--report", o.report,
                      "Also write the run's HTML report (charts, self-contained) to FILE");

  CLI::App* validate_cmd = app.add_subcommand("validate", "Check scenario files without simulating");
  validate_cmd->add_option("scenario", o.scenarios, "Scenario files (YAML)")->required();

  CLI::App* trace_cmd =
      app.add_subcommand("trace", "Print one household's week-by-week path: states, agencies, coach, costs");
  trace_cmd->add_option("scenario", o.scenarios, "Scenario file (YAML)")->required()->expected(1);
  CLI::Option* household = trace_cmd->add_option("--household", o.household, "Household number (0-based)");
  CLI::Option* pick = trace_cmd->add_option(
      "--pick", o.pick,
      "Follow the first household (lowest number) that this happened to in the policy period: coached, "
      "evicted, bounced, benefit, or an escalation event of the scenario (e.g. crisis_admission)");
  household->excludes(pick);
  pick->excludes(household);
  trace_cmd->add_flag("--warmup", o.warmup, "List the warm-up week by week (default: in short)");
  trace_cmd->add_flag("--no-store", o.no_store,
                      "Accepted for symmetry with run and compare: trace never stores");
  trace_cmd->add_option("--replication", o.replication, "Replication")->capture_default_str();
  trace_cmd->add_option("--seed,-s", o.seed, "Random seed (default: the scenario's)");
  trace_cmd->add_option("--years,-y", o.years, "Policy years (default: the scenario's)")
      ->check(CLI::Range(1, 200));

  CLI::App* runs_cmd = app.add_subcommand("runs", "List the runs a results store holds");
  store_option(runs_cmd);
  CLI::App* show_cmd = app.add_subcommand("show", "Print a stored run's tables again, without simulating");
  show_cmd->add_option("run", o.run_id, "Run number (see `wijksim runs`)")->required();
  show_cmd->add_option("--format,-f", o.format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  sections_option(show_cmd);
  store_option(show_cmd);
  CLI::App* export_cmd = app.add_subcommand("export", "Write a stored run as tidy CSV files");
  export_cmd->add_option("run", o.run_id, "Run number (see `wijksim runs`)")->required();
  export_cmd->add_option("--csv", o.csv_dir, "Directory for the CSV files")->required();
  store_option(export_cmd);
  CLI::App* report_cmd =
      app.add_subcommand("report", "Write a stored run as one self-contained HTML report with charts");
  report_cmd->add_option("run", o.run_id, "Run number (see `wijksim runs`)")->required();
  report_cmd->add_option("--output,-o", o.output, "HTML file to write (default: report-RUN.html)");
  store_option(report_cmd);

  try {
    app.parse(argc, argv);
    if (*trace_cmd && !*household && !*pick)
      throw CLI::RequiredError("trace needs --household ID or --pick EVENT");
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }

  // A file-size limit (ulimit -f) then surfaces as a failed write the store reports and survives, instead
  // of a signal that kills the process mid-write.
  std::signal(SIGXFSZ, SIG_IGN);
  std::unique_ptr<tbb::global_control> threads;
  if (o.threads > 0)
    threads = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                    static_cast<std::size_t>(o.threads));
  try {
    if (*run) return run_or_compare("run", o, false, quoted_args(argc, argv));
    if (*compare) return run_or_compare("compare", o, true, quoted_args(argc, argv));
    if (*runs_cmd) return list_runs(o);
    if (*show_cmd) return show(o);
    if (*export_cmd) return export_run(o);
    if (*report_cmd) return write_report(o);
    if (*validate_cmd) return validate(o);
    if (*trace_cmd) return trace(o);
  } catch (const InputError& e) {
    print_input_error(e, *run || *compare || *trace_cmd);
    return kBadInput;
  } catch (const InternalError& e) {
    fmt::print(stderr, "error: {}\n(command: {})\n{}", e.what(), quoted_args(argc, argv), kBugReport);
    return kInternal;
  } catch (const Error& e) {
    fmt::print(stderr, "error: {}\n(command: {})\n", e.what(), quoted_args(argc, argv));
    return kFailed;
  } catch (const std::exception& e) {
    fmt::print(stderr, "internal error: {}\n(command: {})\n{}", e.what(), quoted_args(argc, argv),
               kBugReport);
    return kInternal;
  }
  return kUsage;
}
