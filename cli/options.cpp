#include "options.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string_view>
#include <system_error>

#include "wijksim/model/run_size.h"
#include "wijksim/scenario/parameter_reader.h"

namespace wijksim::cli {
namespace {

// A whole number from lo to hi, read as the scenario reader reads one (std::from_chars: decimal, leading
// zeros ignored, no sign, no exponent, nothing after it) and refused in the same words, before CLI11
// converts it (which clamped -1 and 2^64 to 2^64-1 for a seed).
CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        std::uint64_t v = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi)
          return fmt::format("expected a whole number from {} to {}, found '{}'", lo, hi, s);
        // As read, for CLI11 to convert back: it takes a leading 0 as octal (--seed 020100201 ran seed
        // 4227201, `show 010` showed run 8, and 08 was refused in its own words; outside attack 27).
        s = std::to_string(v);
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
        // Why it is not one, as a scenario file's number is told (1e-320 is finite but too close to 0 to be
        // held: "not finite" said the wrong thing; outside attack 42); else a decimal number is asked for.
        if (std::string why = loader::number_hint(s); !why.empty()) return why;
        return fmt::format("expected a finite decimal number, found '{}'", s);
      },
      "NUMBER");
}

constexpr auto kLastReplication = static_cast<std::uint64_t>(kMaxReplicationNumber);
// A run's number in the store (SQLite's integer key, from 1): "" or 2^63 are refused, not read as 0 or
// clamped.
const CLI::Validator kRunNumber = whole_number(1, std::numeric_limits<std::int64_t>::max());

// The command the first argument names (`run` of `wijksim run ...`), before or without parsing; null if none.
const CLI::App* command_named(const CLI::App& app, int argc, char** argv) {
  if (argc < 2) return nullptr;
  const std::string first = argv[1];
  const auto named = app.get_subcommands([&](const CLI::App* sub) { return sub->check_name(first); });
  return named.empty() ? nullptr : named.front();
}

}  // namespace

// --sections chooses what the table format prints; CSV and JSON hold every section (it was ignored there).
void check_sections_format(const Options& o) {
  if (o.sections != "all" && o.format != "table")
    throw UsageError(
        fmt::format("--sections chooses the sections of the table format; --format {} holds them "
                    "all: drop one of the two",
                    o.format));
}

Commands define_commands(CLI::App& app, Options& o, std::vector<CLI::Option*>& store_options) {
  Commands k;
  auto simulation_options = [&o](CLI::App* c) {
    // The same bound as a scenario file's simulation.replications (run_size.h), not a looser one.
    c->add_option("--replications,-r", o.replications, "Independent replications (default: the scenario's)")
        ->transform(whole_number(1, static_cast<std::uint64_t>(kMaxReplications)));
    c->add_option("--seed,-s", o.seed, "Random seed shared by every scenario (default: the first scenario's)")
        ->transform(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
    c->add_option("--years,-y", o.years, "Policy years after the warm-up (default: the scenario's)")
        ->transform(whole_number(1, 200));
    c->add_option("--draws,-d", o.draws,
                  "Parameter draws of a probabilistic sensitivity analysis (default 0: the base case only); "
                  "each draw runs one replication unless --replications is given")
        ->transform(whole_number(0, 2000000000));
    c->add_option(
         "--threads,-t", o.threads,
         "Worker threads (default: all cores; under mpirun, of each rank); results do not depend on it")
        ->transform(whole_number(1, 1024));
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
    c->add_option("--format,-f", o.format,
                  "Output format (without it: table, or what a FILE.csv or FILE.json of --output says)")
        ->check(CLI::IsMember({"table", "csv", "json"}))
        ->each([&o](const std::string&) { o.format_given = true; })
        ->capture_default_str();
    c->add_option(
        "--output,-o", o.output,
        "FILE.db (or .sqlite, .sqlite3, .db3, in any case): the results store (default results.db); any "
        "other FILE: write the tables there "
        "(FILE.csv and FILE.json in that format)");
    store_options.push_back(c->add_option("--store", o.store, "Results store (SQLite) that keeps the run")
                                ->capture_default_str());
    c->add_flag("--no-store", o.no_store, "Do not keep the run in a results store")->disable_flag_override();
    c->add_option("--resume", o.resume, "Continue an interrupted run of the store (same command line)")
        ->transform(kRunNumber);
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
      ->transform(whole_number(0, kLastReplication));

  CLI::App* compare = k.compare = app.add_subcommand(
      "compare", "Run each scenario with its comparator (common random numbers) and print the differences");
  compare->add_option("scenario", o.scenarios, "Scenario files (YAML)")->required();
  simulation_options(compare);
  output_options(compare);
  compare->add_option(
      "--report", o.report,
      "Also write the run's HTML report (charts, self-contained) to FILE; it is made from the "
      "results store, so not with --no-store");
  compare
      ->add_flag("--sensitivity", o.sensitivity,
                 "Also simulate the sensitivity analyses: one-way (a tornado per intervention), two-way, "
                 "thresholds (README, 'Which assumptions decide the answer')")
      ->disable_flag_override();
  compare->add_option(
      "--parameters", o.parameters,
      "One-way analysis of these parameters only (key paths, comma-separated; KEY=FROM:TO for a plain "
      "number); implies --sensitivity");
  compare->add_option(
      "--two-way", o.two_way,
      "Two-way grid of two parameters: KEY1[=FROM:TO],KEY2[=FROM:TO] (default: the tornado's top two); "
      "implies --sensitivity");
  compare->add_option("--grid", o.grid, "Points per parameter of the two-way grid")
      ->transform(whole_number(2, 50))
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
      ->transform(whole_number(1, 1000));
  compare->add_option(
      "--evppi-group", o.evppi_groups,
      "A named group for EVPPI: NAME=KEY,KEY,... (repeatable); each parameter, each section and all "
      "parameters are reported too, from 30 draws (fewer are too few for the regression)");
  compare
      ->add_option(
          "--survey-households", o.survey_households,
          "Households surveyed per neighbourhood and wave by the virtual evaluation (the seeds' 168)")
      ->transform(whole_number(1, 1000000))
      ->capture_default_str();
  compare->add_option("--survey-studies", o.survey_studies, "Virtual studies simulated per measure")
      ->transform(whole_number(10, 1000000))
      ->capture_default_str();

  CLI::App* sweep = k.sweep = app.add_subcommand(
      "sweep", "A planning curve: a scenario against its comparator at each value of one parameter");
  sweep->add_option("scenario", o.scenarios, "Scenario file (YAML)")->required()->expected(1);
  sweep->add_option("--parameter", o.parameter, "The parameter's key path, e.g. coaches.fte")->required();
  sweep
      ->add_option("--from", o.from,
                   "First value (for coaches.fte: the coaches' full scale, their schedule's last step)")
      ->required()
      ->transform(decimal_number());
  sweep->add_option("--to", o.to, "Last value")->required()->transform(decimal_number());
  sweep->footer(
      "Example: wijksim sweep scenarios/scaleup.yaml --parameter coaches.fte --from 40 --to 160 --steps 7\n"
      "Rows: the net benefit, cost and effect per household, each payer's discounted budget difference, the "
      "coaches' wait and caseload, and, where cutting agencies' places pays the coaches, those places and "
      "waits. Prints them; keeps no run (no results store).");
  sweep->add_option("--steps", o.steps, "Values from --from to --to")
      ->transform(whole_number(2, 200))
      ->capture_default_str();
  sweep->add_option("--replications,-r", o.replications, "Replications per value (default: the scenario's)")
      ->transform(whole_number(1, static_cast<std::uint64_t>(kMaxReplications)));
  sweep->add_option("--seed,-s", o.seed, "Random seed (default: the scenario's)")
      ->transform(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  sweep->add_option("--years,-y", o.years, "Policy years (default: the scenario's)")
      ->transform(whole_number(1, 200));
  sweep->add_option("--threads,-t", o.threads, "Worker threads (default: all cores)")
      ->transform(whole_number(1, 1024));
  sweep
      ->add_option("--format,-f", o.format,
                   "Output format (without it: table, or what a FILE.csv or FILE.json of --output says)")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->each([&o](const std::string&) { o.format_given = true; })
      ->capture_default_str();
  sweep->add_option("--output,-o", o.output,
                    "Write the table to FILE (FILE.csv and FILE.json in that format)");

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
      ->transform(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  calibrate_cmd
      ->add_option("--threads,-t", o.threads,
                   "Worker threads (default: all cores); results do not depend on it")
      ->transform(whole_number(1, 1024));
  // Counted among the --store options, so that one given beside --no-store is refused as run's is (it was
  // dropped in silence; outside attack 41).
  store_options.push_back(
      calibrate_cmd->add_option("--store", o.store, "Results store (SQLite) that keeps every candidate")
          ->capture_default_str());
  calibrate_cmd->add_flag("--no-store", o.no_store, "Do not keep the candidates in a results store")
      ->disable_flag_override();
  calibrate_cmd
      ->add_option("--resume", o.resume,
                   "Continue an interrupted calibration of the store (same command line)")
      ->transform(kRunNumber);

  CLI::App* validate_cmd = k.validate_cmd =
      app.add_subcommand("validate", "Check scenario files without simulating");
  validate_cmd->add_option("scenario", o.scenarios, "Scenario files (YAML)")->required();
  // The policy years are part of what is checked (a cost that could overflow in a run's years): validate
  // checks the years compare will be given, not only the file's own.
  validate_cmd
      ->add_option("--years,-y", o.years, "Check for this many policy years (default: the scenario's)")
      ->transform(whole_number(1, 200));

  CLI::App* trace_cmd = k.trace_cmd =
      app.add_subcommand("trace", "Print one household's week-by-week path: states, agencies, coach, costs");
  trace_cmd->add_option("scenario", o.scenarios, "Scenario file (YAML)")->required()->expected(1);
  CLI::Option* household = k.household =
      trace_cmd->add_option("--household", o.household, "Household number (0-based)")
          ->transform(whole_number(0, std::numeric_limits<std::uint32_t>::max()));
  CLI::Option* pick = k.pick = trace_cmd->add_option(
      "--pick", o.pick,
      "Follow the first household (lowest number) that this happened to in the policy period: coached, "
      "evicted, bounced, benefit, or an escalation event of the scenario (e.g. crisis_admission)");
  pick->check(CLI::Validator(
      [](std::string& v) { return v.empty() ? std::string("expected an event, found an empty value") : ""; },
      "EVENT"));
  household->excludes(pick);
  pick->excludes(household);
  trace_cmd->add_flag("--warmup", o.warmup, "List the warm-up week by week (default: in short)")
      ->disable_flag_override();
  trace_cmd
      ->add_flag("--no-store", o.no_store, "Accepted for symmetry with run and compare: trace never stores")
      ->disable_flag_override();
  trace_cmd->add_option("--replication", o.replication, "Replication")
      ->capture_default_str()
      ->transform(whole_number(0, kLastReplication));
  trace_cmd->add_option("--seed,-s", o.seed, "Random seed (default: the scenario's)")
      ->transform(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  trace_cmd->add_option("--years,-y", o.years, "Policy years (default: the scenario's)")
      ->transform(whole_number(1, 200));

  CLI::App* calibration_cmd = k.calibration_cmd = app.add_subcommand(
      "calibration", "Print each calibration target of the scenario next to the model (README's tables)");
  calibration_cmd->add_option("scenario", o.scenarios, "Scenario file (YAML)")->required()->expected(1);
  calibration_cmd->add_option("--replications,-r", o.replications, "Replications (default: the scenario's)")
      ->transform(whole_number(1, static_cast<std::uint64_t>(kMaxReplications)));
  calibration_cmd->add_option("--years,-y", o.years, "Policy years (default: the scenario's)")
      ->transform(whole_number(1, 200));
  calibration_cmd->add_option("--seed,-s", o.seed, "Random seed (default: the scenario's)")
      ->transform(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
  calibration_cmd->add_option("--threads,-t", o.threads, "Worker threads (default: all cores)")
      ->transform(whole_number(1, 1024));
  calibration_cmd
      ->add_option("--format,-f", o.format,
                   "markdown: the README's table; table, csv, json: as `run` prints it")
      ->check(CLI::IsMember({"markdown", "table", "csv", "json"}));

  CLI::App* runs_cmd = k.runs_cmd = app.add_subcommand("runs", "List the runs a results store holds");
  store_option(runs_cmd);
  CLI::App* show_cmd = k.show_cmd =
      app.add_subcommand("show", "Print a stored run's tables again, without simulating");
  show_cmd->add_option("run", o.run_id, "Run number (see `wijksim runs`)")->required()->transform(kRunNumber);
  show_cmd->add_option("--format,-f", o.format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  sections_option(show_cmd);
  store_option(show_cmd);
  CLI::App* export_cmd = k.export_cmd = app.add_subcommand("export", "Write a stored run as tidy CSV files");
  export_cmd->add_option("run", o.run_id, "Run number (see `wijksim runs`)")
      ->required()
      ->transform(kRunNumber);
  export_cmd->add_option("--csv", o.csv_dir, "Directory for the CSV files")->required();
  store_option(export_cmd);
  CLI::App* report_cmd = k.report_cmd =
      app.add_subcommand("report", "Write a stored run as one self-contained HTML report with charts");
  report_cmd->add_option("run", o.run_id, "Run number (see `wijksim runs`)")
      ->required()
      ->transform(kRunNumber);
  report_cmd->add_option("--output,-o", o.output, "HTML file to write (default: report-RUN.html)");
  store_option(report_cmd);

  return k;
}

std::string unknown_option(const CLI::App& app, int argc, char** argv) {
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

std::string option_given_empty_value(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    if (a.size() > 3 && a.starts_with("--") && a.ends_with("=")) return std::string(a);
  }
  return {};
}

std::string flag_given_value(const CLI::App& app, int argc, char** argv) {
  const CLI::App* named = command_named(app, argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    const std::size_t equals = a.find('=');
    if (!a.starts_with("--") || equals == std::string_view::npos) continue;
    const std::string name(a.substr(0, equals));
    const CLI::Option* option = named == nullptr ? nullptr : named->get_option_no_throw(name);
    if (option == nullptr) option = app.get_option_no_throw(name);
    if (option != nullptr && option->get_expected_max() == 0) return name;
  }
  return {};
}

OptionBeforeCommand option_before_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 3) return {};
  const std::string first = argv[1];
  if (first.size() < 2 || first[0] != '-' || first == "--help" || first == "-h" || first == "--version")
    return {};
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") break;
    const auto named = app.get_subcommands([&](const CLI::App* sub) { return sub->check_name(a); });
    if (named.empty()) continue;
    // A short option with its value joined (-r1) is that option.
    const std::string name = first[1] == '-' ? first.substr(0, first.find('=')) : first.substr(0, 2);
    if (named.front()->get_option_no_throw(name) != nullptr) return {name, named.front()->get_name()};
    return {};
  }
  return {};
}

bool asks_for_version(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") return false;
    if (a == "--version") return true;
  }
  return false;
}

std::string unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || !app.get_subcommands().empty()) return {};
  const std::string_view first = argv[1];
  if (first.empty() || first.front() == '-' || command_named(app, argc, argv) != nullptr) return {};
  return std::string(first);
}

std::string file_read_as_option(const CLI::App& app, int argc, char** argv) {
  const CLI::App* named = command_named(app, argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    if (a.size() < 2 || a[0] != '-' || a == "--help" || a == "--version") continue;
    const std::string name(a.substr(0, a.find('=')));
    if (named != nullptr && named->get_option_no_throw(name) != nullptr) continue;
    std::error_code ec;
    const bool yaml = a.ends_with(".yaml") || a.ends_with(".yml");
    // A short option with its value joined (-r0, -y1) is that option, unless it reads as a scenario's name.
    if (!yaml && named != nullptr && a[1] != '-' && a.size() > 2 &&
        named->get_option_no_throw(std::string(a.substr(0, 2))) != nullptr)
      continue;
    if (yaml || std::filesystem::is_regular_file(std::filesystem::path(std::string(a)), ec))
      return std::string(a);
  }
  return {};
}

CommandLine positional_after_double_dash(const CLI::App& app, int argc, char** argv) {
  CommandLine out;
  for (int i = 1; i < argc; ++i) out.args.emplace_back(argv[i]);
  const CLI::App* command = command_named(app, argc, argv);
  if (command == nullptr) return out;
  const auto mark = std::find(out.args.begin() + 1, out.args.end(), "--");
  if (mark == out.args.end()) return out;
  const std::string& before = *(mark - 1);
  if (before.size() >= 2 && before[0] == '-' && before.find('=') == std::string::npos) {
    const CLI::Option* option = command->get_option_no_throw(before);
    if (!option && before.size() > 2 && before[1] != '-')
      option = command->get_option_no_throw(before.substr(0, 2));
    // An option that wants a value and has none yet (-o --; not -r5, whose value is joined)
    if (option && option->get_expected_min() > 0 && (before[1] == '-' || before.size() == 2)) return out;
  }
  for (auto a = mark + 1; a != out.args.end(); ++a)
    if (a->size() > 1 && (*a)[0] == '-') {
      out.renamed.emplace_back("./" + *a, *a);
      *a = "./" + *a;
    }
  out.args.erase(mark);
  return out;
}

}  // namespace wijksim::cli
