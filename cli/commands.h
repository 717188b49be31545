// The commands of `wijksim`, one function each: what `main` dispatches to once the command line is parsed.
// Each returns the process's exit code (command_support.h, Exit) or throws what main reports.
#pragma once

#include <string>

#include "options.h"
#include "wijksim/cluster/world.h"

namespace wijksim::cli {

// run_command.cpp. `run` (with_comparators false) and `compare`: the study, its store, tables and report.
int run_or_compare(const std::string& command, Options o, bool with_comparators,
                   const std::string& command_line, cluster::World& world);
// sweep_command.cpp. A planning curve: the scenario against its comparator at each value of one parameter.
int sweep_command(const Options& o);
// calibrate_command.cpp. The scenario's free parameters fitted to its targets; the sets to --output.
int calibrate_command(const Options& o, const std::string& command_line, cluster::World& world);
// store_commands.cpp. What a results store holds: `runs`, `show`, `export`, `report`.
int runs_command(const Options& o);
int show_command(const Options& o);
int export_command(const Options& o);
int report_command(const Options& o);
// scenario_commands.cpp. A scenario looked at without storing anything: `validate`, `calibration`, `trace`.
int validate_command(const Options& o);
int calibration_command(const Options& o);
int trace_command(const Options& o);

}  // namespace wijksim::cli
