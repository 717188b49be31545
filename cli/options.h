// The command line of `wijksim`: every command's options (Options, filled by CLI11 through define_commands)
// and the checks of the command line itself, whose failures are usage errors (exit 2).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "wijksim/core/error.h"

namespace wijksim::cli {

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
  // Under an MPI launcher of several ranks: its words before this program (cli/launcher.h), for the command
  // that resumes an interrupted run; empty in one process.
  std::string launcher;
  bool no_store = false;
  std::optional<std::int64_t> resume;
  std::int64_t run_id = 0;
  std::string csv_dir;
  std::optional<std::string> report;  // compare --report FILE: the HTML report of the run just stored
  bool store_given = false;           // --store on the command line (not the default)
  bool format_given = false;          // --format on the command line (not the default)
  // compare: sensitivity analysis (study/sensitivity_study.h)
  bool sensitivity = false;
  std::vector<std::string> parameters;
  std::string two_way;
  int grid = 5;
  bool grid_given = false;  // --grid on the command line (not the default)
  bool survey_households_given = false;  // --survey-households on the command line (not the seeds' 168)
  bool survey_studies_given = false;     // --survey-studies on the command line
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

// --sections chooses what the table format prints; CSV and JSON hold every section (it was ignored there).
void check_sections_format(const Options& o);

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

Commands define_commands(CLI::App& app, Options& o, std::vector<CLI::Option*>& store_options);

// The first argument (before a lone --) that looks like an option (--name, --name=value, -x...) that neither
// the command given nor wijksim itself has; empty if there is none. A negative number is a value.
std::string unknown_option(const CLI::App& app, int argc, char** argv);

// The first argument (before a lone --) that gives a flag a value, `--no-store=true`, `--no-store=`,
// `--help=false`, as the flag's name (--no-store); empty if there is none. CLI11 takes a value equal to the
// flag's own ("true") or an empty one as the flag and refuses the rest; a flag takes no value at all here,
// so that `--no-store=true` is not read one way and `--no-store=false` another (outside attack 28).
std::string flag_given_value(const CLI::App& app, int argc, char** argv);

// The first argument (before a lone --) that gives an option an empty value, `--seed=`, as written; empty if
// there is none. CLI11 takes the next argument as the value, or says "1 required TEXT missing".
std::string option_given_empty_value(int argc, char** argv);

// An option given before the command that has it (`wijksim --no-store run ...`): the option and the
// command's name; empty strings otherwise. CLI11 said only "The following argument was not expected".
struct OptionBeforeCommand {
  std::string option, command;
};
OptionBeforeCommand option_before_command(const CLI::App& app, int argc, char** argv);

// Whether --version is among the arguments (before a lone --). It is wijksim's flag, not a command's: after
// a command (`wijksim compare --version`) CLI11 said first what the command lacked ("scenario is required").
bool asks_for_version(int argc, char** argv);

// The first argument, where it names no command ("runn"), when no command was found; empty otherwise.
std::string unknown_command(const CLI::App& app, int argc, char** argv);

// The first argument (before a lone --) that begins with '-' but names a file or a scenario: a user who
// meant a file called -pilot.yaml. Empty if there is none. An option of the command given (`-r`, `--seed`)
// is that option even where a file has its name: its own error is the one to say (a file called -r in the
// working directory hid "-r 0" being out of range).
std::string file_read_as_option(const CLI::App& app, int argc, char** argv);

// The command line for CLI11, with what follows a command's lone `--` made plainly positional. CLI11 (2.1)
// ends a command at `--` once its scenarios have a value and hands the rest to the top level, so `run a.yaml
// -- -b.yaml` was a usage error and `run a.yaml -- --help` printed help. Here the `--` is dropped and a later
// name that begins with '-' is given as ./NAME (`renamed` maps it back, for messages). Unchanged when the
// `--` is the value of an option that wants one (`-o --` stays refused), or comes before the command.
struct CommandLine {
  std::vector<std::string> args;                             // without the program's name, in order
  std::vector<std::pair<std::string, std::string>> renamed;  // ./NAME -> NAME
};
CommandLine positional_after_double_dash(const CLI::App& app, int argc, char** argv);

}  // namespace wijksim::cli
