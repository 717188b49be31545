// The `wijksim` command: parses the command line, calls the engine, prints. Nothing here simulates or
// computes a figure; see engine/study/study.h.
//
// Exit codes: 0 ok, 1 bad input (a scenario or a value), 2 usage (the command line itself), 3 a run
// failed or a result could not be written, 4 an internal error (a bug), 130 interrupted.
#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "command_support.h"
#include "commands.h"
#include "console.h"
#include "help_format.h"
#include "interrupts.h"
#include "launcher.h"
#include "options.h"
#include "shell_words.h"
#include "wijksim/cluster/world.h"
#include "wijksim/core/dutch_numbers.h"
#include "wijksim/core/error.h"
#include "wijksim/core/output_path.h"

namespace {

using namespace wijksim;
using namespace wijksim::cli;

// Parses the command line, checks what CLI11 cannot, and runs the command it names (commands.h).
int command(int argc, char** argv) {
  // A reader that went away (`wijksim runs | head -1`, a closed pipe) makes a write fail with EPIPE, and the
  // command ends as for any output it cannot write (exit 3, the store's run named; help and errors as they
  // can), instead of dying by SIGPIPE before its report is written or its exit code is set.
  std::signal(SIGPIPE, SIG_IGN);
  // Under an MPI launcher every rank initialises MPI here, whatever the command; only run, compare and
  // calibrate use the ranks, and only rank 0 prints.
  std::optional<cluster::World> world;
  // A rank that dies while the job starts ends the others: rank 0 says what that means, the other ranks say
  // nothing (each printed a bare "interrupted"; an outside attack).
  if (cluster::World::launched_ranks())
    cli::Interrupts::at_once("interrupted while the MPI job started; nothing was simulated or kept");
  if (cluster::World::launched_rank().value_or(0) != 0) cli::Interrupts::worker();
  try {
    world.emplace(argc, argv);
  } catch (const Error& e) {
    cli::err("error: {}\n", e.what());
    return kUsage;
  }
  const bool rank0 = world->coordinator();
  // Again from MPI's own rank: a launcher whose environment launched_rank does not read left it unset.
  if (!rank0) cli::Interrupts::worker();
  // Every rank of an MPI job runs the same command: a rank given another (mpirun's "A : B") ended at once
  // while rank 0 waited for it for ever (outside attack 10). Compared before anything else is said or read;
  // other options or files make ranks plan another study, which the study's own agreement names.
  if (!world->same_everywhere(std::hash<std::string>{}(argc > 1 ? argv[1] : ""))) {
    if (rank0)
      cli::err(
          "error: the {} ranks of this MPI job were not given the same command: every rank runs one wijksim "
          "command (mpirun -n N wijksim COMMAND ...)\n",
          world->size());
    return kUsage;
  }
  CLI::App app{
      "wijksim: households through fragmented help and neighbourhood coaches, by Monte Carlo "
      "microsimulation. See README.md.",
      "wijksim"};  // named, so that the usage lines read "wijksim [OPTIONS] SUBCOMMAND"
  app.set_version_flag("--version", std::string("wijksim ") + WIJKSIM_VERSION);
  app.require_subcommand(1);
  app.formatter(cli::help_formatter());  // before the subcommands: they take their parent's
  // CLI11 says "scenario: At Most 1 required but received 2" for a second scenario given to a command that
  // reads one; said plainly, with the count of each.
  // Arguments after a lone -- that begin with '-' are parsed as ./NAME (positional_after_double_dash): a
  // message about one says the NAME given (`show -- -1` said "found './-1'"; outside attack 30).
  std::vector<std::pair<std::string, std::string>> renamed;
  app.failure_message([&renamed](const CLI::App* failed, const CLI::Error& e) {
    std::string m = e.what();
    for (const auto& [given, name] : renamed)
      for (std::size_t at = m.find("'" + given + "'"); at != std::string::npos;
           at = m.find("'" + given + "'", at))
        m.replace(at + 1, given.size(), name);
    for (const auto& [from, to] : {std::pair<const char*, const char*>{": At Most ", ": at most "},
                                   std::pair<const char*, const char*>{": At least ", ": at least "}}) {
      const std::size_t at = m.find(from), received = m.find(" required but received ");
      if (at != std::string::npos && received != std::string::npos && received > at)
        m = fmt::format("{}{}{} expected, {} given", m.substr(0, at), to,
                        m.substr(at + std::strlen(from), received - at - std::strlen(from)),
                        m.substr(received + std::strlen(" required but received ")));
    }
    // "--seed: 1 required UINT:INT in 0..18446744073709551615 missing": CLI11's types, for an option given
    // last without its value (outside attack 30).
    if (m.starts_with("--") && m.ends_with(" missing") && m.find(": 1 required ") != std::string::npos) {
      const std::string option = m.substr(0, m.find(": 1 required "));
      m = fmt::format(
          "{} is given no value: write {} VALUE (wijksim {}--help says which values)", option, option,
          failed && !failed->get_subcommands().empty() ? failed->get_subcommands().front()->get_name() + " "
                                                       : "");
    }
    // The command line's own words may hold an escape or a byte that is not UTF-8. Begun with "error: " as
    // every other error is (outside attack 12: "--household excludes --pick" stood alone).
    return (m.starts_with("error: ") ? "" : "error: ") + long_words_shortened(printable(m)) +
           "\nRun with --help for more information.\n";
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

  const cli::CommandLine line = cli::positional_after_double_dash(app, argc, argv);
  renamed = line.renamed;
  // An option pasted from a document with a typographic dash ("–-years", "—seed", "−r") was read as a
  // scenario file's name: "cannot read the scenario" (outside attack 64). Said as what it is, before anything
  // runs; a file so named can still be given after "--".
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") break;  // the rest are files
    for (const auto& [dash, name] : {std::pair{"\u2013", "an en dash"},
                                     {"\u2014", "an em dash"},
                                     {"\u2212", "a minus sign"},
                                     {"\u2010", "a hyphen"}})
      if (a.starts_with(dash)) {
        if (rank0)
          cli::err(
              "error: '{}' starts with {} ('{}'), not the '-' of an option: type it with the minus key "
              "(a word processor turns '--' into a dash), or give a file of that name after '--'\nRun "
              "with --help for more information.\n",
              long_words_shortened(printable(a)), name, dash);
        return kUsage;
      }
  }
  std::exception_ptr parse_failure;
  try {
    std::vector<std::string> reversed(line.args.rbegin(), line.args.rend());  // CLI11 takes them last first
    app.parse(reversed);
    // Named as typed, but a name that begins with "--" keeps its "./": an error of a line 0 names an option
    // that way ("error: --draws: cannot read the scenario" read as the option's; an outside attack).
    for (std::string& scenario : o.scenarios)
      for (const auto& [given, name] : line.renamed)
        if (scenario == given && !name.starts_with("--")) scenario = name;
    if (*trace_cmd && !*household && !*pick)
      throw CLI::RequiredError("trace needs --household ID or --pick EVENT", CLI::ExitCodes::RequiredError);
    if (!flag_given_value(app, argc, argv).empty()) throw CLI::ArgumentMismatch("a flag given a value");
    // Parsed, and yet `--seed= 7` took 7 as the seed and `--store= x.db` x.db as the store (outside attack
    // 61): refused as `--seed= --no-store` is, below.
    if (!option_given_empty_value(argc, argv).empty()) throw CLI::ArgumentMismatch("an empty value");
  } catch (const CLI::ParseError&) {
    parse_failure = std::current_exception();
  }
  // Every rank reads its command line before any waits for another: a rank whose options failed to parse
  // (or asked for help) ended while the others waited for it for ever, its message unsaid (outside attack
  // 38: `mpirun -n 1 wijksim run ... : -n 1 wijksim run ... --threads 0`).
  if (world->size() > 1 && !world->same_everywhere(parse_failure ? 1 : 0) && !parse_failure) {
    if (rank0)
      cli::err(
          "error: another rank of this MPI job could not read its command line, or was asked for help: give "
          "every rank the same one (mpirun -n N wijksim COMMAND ...)\n");
    return kUsage;
  }
  if (parse_failure) try {
      std::rethrow_exception(parse_failure);
    } catch (const CLI::ParseError& e) {
      if (asks_for_version(argc, argv)) {
        if (rank0) cli::out("wijksim {}\n", WIJKSIM_VERSION);
        return kOk;
      }
      if (!rank0) return e.get_exit_code() == 0 ? kOk : kUsage;
      // A flag given a value is refused in the program's words: `--no-store=false` was read as "store after
      // all" (outside attack 27), `--no-store=true` and `--help=false` as the flag (outside attack 28).
      if (const std::string flag = flag_given_value(app, argc, argv); !flag.empty()) {
        cli::err(
            "error: {} takes no value: write {} alone, or leave it out\nRun with --help for more "
            "information.\n",
            cli::shell_word(flag), cli::shell_word(flag));
        return kUsage;
      }
      if (const OptionBeforeCommand early = option_before_command(app, argc, argv); !early.option.empty()) {
        cli::err(
            "error: {} is an option of wijksim {}: put it after the command (wijksim {} ... {})\nRun with "
            "--help for more information.\n",
            cli::shell_word(early.option), early.command, early.command, cli::shell_word(early.option));
        return kUsage;
      }
      // `wijksim runn`: CLI11 says only "A subcommand is required"; so it did of `wijksim` alone (outside
      // attack 61): the commands are listed in both cases.
      std::string names;
      for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        names += (names.empty() ? "" : ", ") + sub->get_name();
      if (const std::string name = unknown_command(app, argc, argv); !name.empty()) {
        cli::err(
            "error: wijksim has no command {}\nThe commands: {}\nRun with --help for more information.\n",
            long_words_shortened(cli::shell_word(name)), names);
        return kUsage;
      }
      if (argc < 2) {
        cli::err("error: wijksim needs a command: {}\nRun with --help for more information.\n", names);
        return kUsage;
      }
      // CLI11 takes `run -pilot.yaml` for an option and then says only "scenario is required", that the
      // argument was not expected, or (-d being --draws) that "ash.yaml" is not a number of draws.
      if (const std::string file = file_read_as_option(app, argc, argv); !file.empty()) {
        cli::err(
            "error: {} is read as an option, not as a scenario: name the file {} (or put -- before "
            "it)\nRun with --help for more information.\n",
            cli::shell_word(file), cli::shell_word("./" + file));
        return kUsage;
      }
      // `--years= --no-store`: CLI11 takes the next argument as the value ("found '--no-store'"), or says "1
      // required TEXT missing" (outside attack 12). The empty value is the mistake: said as such.
      if (const std::string a = option_given_empty_value(argc, argv); !a.empty()) {
        cli::err(
            "error: {} gives its option no value: write {}VALUE\nRun with --help for more information.\n",
            cli::shell_word(a), cli::shell_word(a));
        return kUsage;
      }
      // An option the command does not have, followed by a value, makes CLI11 count the value as a second
      // scenario ("scenario: at most 1 expected, 2 given"): the option is the mistake.
      if (const std::string unknown = unknown_option(app, argc, argv); !unknown.empty()) {
        const CLI::App* sub = app.get_subcommands().empty() ? &app : app.get_subcommands().front();
        cli::err("error: {} has no option {}\nRun with --help for more information.\n",
                 sub == &app ? std::string("wijksim") : "wijksim " + sub->get_name(),
                 cli::shell_word(unknown));
        return kUsage;
      }
      const int code = app.exit(e);
      return code == 0 ? kOk : kUsage;
    }
  if (cluster::World::launched_ranks()) cli::Interrupts::at_once("interrupted");  // the job has started
  for (const CLI::Option* opt : store_options) o.store_given = o.store_given || opt->count() > 0;
  o.grid_given = compare->get_option("--grid")->count() > 0;
  o.survey_households_given = compare->get_option("--survey-households")->count() > 0;
  o.survey_studies_given = compare->get_option("--survey-studies")->count() > 0;

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
    // A name that begins with '-' is an option's value forgotten (`-o --` wrote a file named '--'; `-o -r 3`
    // is CLI11's to refuse): said as such, with the way to name such a file.
    for (const auto& [option, name] :
         {std::pair{"--output", o.output.value_or("")}, std::pair{"--report", o.report.value_or("")},
          std::pair{"--csv", *export_cmd ? o.csv_dir : std::string()}, std::pair{"--store", o.store},
          std::pair{"--parameter-sets", o.parameter_sets.value_or("")}}) {
      if (name == "-")
        throw UsageError(fmt::format(
            "{} -: '-' is not standard output here: name a file (./- for one named '-')", option));
      if (name.size() > 1 && name.front() == '-')
        throw UsageError(
            cli::message("{} {}: a name that begins with '-' reads as an option; was the file's "
                         "name left out? (./{} for a file of that name)",
                         option, name, name));
    }
    for (const std::string& scenario : o.scenarios)
      if (scenario.empty()) throw UsageError("a scenario needs the name of a file, not ''");
    if (world->size() > 1) o.launcher = cli::launcher_words(argc, argv, world->size());
    if (*run) return run_or_compare("run", o, false, cli::quoted_args(argc, argv), *world);
    if (*compare) return run_or_compare("compare", o, true, cli::quoted_args(argc, argv), *world);
    if (*calibrate_cmd) return calibrate_command(o, cli::quoted_args(argc, argv), *world);
    if (!rank0) return kOk;  // the other commands run on rank 0 alone
    if (world->size() > 1 && *sweep)
      cli::err(
          "note: sweep does not spread its work over MPI ranks: rank 0 does all of it and the other {} "
          "rank{} ended; run it without mpirun (or with -n 1)\n",
          world->size() - 1, world->size() == 2 ? "" : "s");
    if (*runs_cmd) return runs_command(o);
    if (*show_cmd) return show_command(o);
    if (*export_cmd) return export_command(o);
    if (*report_cmd) return report_command(o);
    if (*validate_cmd) return validate_command(o);
    if (*trace_cmd) return trace_command(o);
    if (*sweep) return sweep_command(o);
    if (*calibration_cmd) {
      if (calibration_cmd->count("--format") == 0) o.format = "markdown";
      return calibration_command(o);
    }
  } catch (const UsageError& e) {
    // A value echoed in the message keeps no line break of its own (`--seed $'1\nerror: forged'` printed a
    // second error line; outside attack 29): these messages are one line, a break in them is the value's.
    cli::err("error: {}\nRun with --help for more information.\n", long_words_shortened(printable(e.what())));
    return kUsage;
  } catch (const InputError& e) {
    const bool simulates = *run || *compare || *trace_cmd || *calibration_cmd || *sweep || *calibrate_cmd;
    // `-o FILE.db` names the store: what the store refuses is then said of --output, the option given (it
    // said "--store" of a text file named notes.db; outside attack 11).
    if ((*run || *compare) && o.output && is_store_name(*o.output) && !o.store_given) {
      std::vector<Diagnostic> said = e.diagnostics();
      for (Diagnostic& d : said)
        if (d.key == "--store") d.key = "--output";
      print_input_error(InputError(std::move(said)), simulates);
    } else {
      print_input_error(e, simulates);
    }
    return kBadInput;
  } catch (const InternalError& e) {
    cli::err("error: {}\n(command: {})\n{}", long_words_shortened(printable(e.what())),
             cli::quoted_args(argc, argv), kBugReport);
    return kInternal;
  } catch (const Error& e) {
    // The message shortens an over-long value it quotes; the command stays whole, to be run again.
    cli::err("error: {}\n(command: {})\n", long_words_shortened(printable(e.what())),
             cli::quoted_args(argc, argv));
    return kFailed;
  } catch (const std::bad_alloc&) {
    // The machine, not a bug: a run larger than the memory the process may have (ulimit -v, a container).
    // What to make smaller depends on the command: a report or a listing reads a stored run, simulates
    // nothing (it advised fewer households; outside attack 19).
    const bool simulates = *run || *compare || *trace_cmd || *sweep || *calibrate_cmd;
    if (simulates)
      cli::err(
          "error: out of memory: the run needs more memory than this process may have; use fewer "
          "households, draws or replications, or more memory\n(command: {})\n",
          cli::quoted_args(argc, argv));
    else
      cli::err("error: {}; give it more memory\n(command: {})\n", kOutOfMemory, cli::quoted_args(argc, argv));
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

}  // namespace

int main(int argc, char** argv) {
  cli::open_standard_streams();  // before anything opens a file (cli/console.h)
  cli::Interrupts::install();    // before any thread starts (cli/interrupts.h)
  int code = kFailed;
  try {
    code = command(argc, argv);
  } catch (const std::bad_alloc&) {
    // Memory ran out before command() could catch it (defining the options, at a limit of about 17.6 MB:
    // it aborted, exit 134; outside attack 25). Said without formatting, which would allocate. (Below that
    // the shared libraries' own start, yaml-cpp's or the loader's, fails before main.)
    std::fprintf(stderr, "error: %s; give it more memory\n", kOutOfMemory);
    return kFailed;
  }
  if (!cli::stdout_complete()) return code == kOk ? kFailed : code;
  return code;
}
