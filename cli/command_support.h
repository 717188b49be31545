// What the commands of `wijksim` share: exit codes, the words for the files a command must not replace, and
// how a command that stops early, or whose output is refused, says what became of its run.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "wijksim/cluster/unit_farm.h"
#include "wijksim/core/error.h"
#include "wijksim/core/output_path.h"
#include "wijksim/scenario/scenario_source.h"
#include "wijksim/store/run_writer.h"
#include "wijksim/study/study.h"

namespace wijksim::cli {

struct Options;

// An internal invariant failed: a bug in wijksim, not the user's input or the machine.
constexpr const char* kBugReport =
    "This is a bug in wijksim, not a problem with your input: please report it with the command above.\n";

enum Exit { kOk = 0, kBadInput = 1, kUsage = 2, kFailed = 3, kInternal = 4, kInterrupted = 130 };

// What a file a scenario reads is to it, in words for the message that refuses it as an output.
std::string what_it_is(SourceFile::Role role, const std::string& name);

// The files a study reads, which no output may replace (core/output_path.h).
std::vector<KeptFile> inputs_of(const Study& study);

// The problems of bad input, one a line; with `simulates`, that nothing was simulated.
void print_input_error(const InputError& e, bool simulates);

// The command that continues run `run` (--resume added unless `resuming`; the MPI launcher's words, as
// Options::launcher, in front when not empty).
std::string resume_command(const std::string& command_line, std::int64_t run, bool resuming,
                           const std::string& launcher);

// Under mpirun with more than one rank: what the farm did, on stderr; `unit` what it handed out.
void print_farm_stats(const cluster::FarmStats& f, const std::string& unit = "unit");

// "stored as run N in STORE", or an Error when the store was replaced meanwhile or its log not folded in.
void say_stored(const RunWriter& recorder, const std::string& store);

// An output refused after the simulation: the problems, then where the simulated run is kept, then `also`
// (what became of the other outputs). Returns the exit code (bad input).
int output_refused(const InputError& e, std::optional<std::int64_t> run, const std::string& store,
                   const std::string& also = "");

// The machine refused memory or a thread: the Error that says so, or nothing for any other exception.
std::optional<Error> refused_by_system(const std::exception& e);

// A study or calibration stopped by an error that is not the input's: the run is marked failed, what it
// kept (`kept`: "draws completed", ...) stays, and the message says how to continue. Returns the exit code.
int stopped_by_error(RunWriter& recorder, const Error& e, const std::string& kept, const std::string& store,
                     const std::string& resume);

// A study or calibration stopped by Ctrl-C (or SIGTERM, SIGHUP) after the units in flight: the run is marked
// interrupted and the message says where `kept` ("they", "the evaluated candidates") are and the command that
// continues it; with no store (`recorder` null), that nothing was kept. Returns the exit code (130).
int stopped_by_interrupt(const Interrupted& i, RunWriter* recorder, const std::string& kept,
                         const std::string& store, const std::string& resume);

// A study or calibration stopped by an exception other than an interruption or a run's failure: bad input
// marks the run failed and is rethrown (main says it, exit 1); an error of the machine (a full disk, a store
// gone, memory or a thread refused) is said with what was kept and how to continue (stopped_by_error), or,
// with no store (`recorder` null), rethrown; anything else is rethrown as it is (a bug: main says so).
int stopped_by(std::exception_ptr stopped, RunWriter* recorder, const std::string& kept,
               const std::string& store, const std::string& resume);

// Settings of the scenarios that the command does not use, said before it simulates (Study::unused_settings).
void say_unused_settings(const Study& study);

// The free parameters of the scenario's targets file, where it names any (check_free_parameters,
// calibration_run.h): run and compare refuse what validate refuses of them (validate checks the
// calibration's settings too, which only calibrate uses). The targets' horizon is the study's to check
// (plan_study), not the file's.
void check_free_parameters(const std::string& scenario);

// A usage error (exit 2) for an HTML report named as a results store (FILE.db): every command that takes a
// store would then refuse the file as "not an SQLite database" (outside attack 16), as sweep and calibrate
// refuse such an --output.
void refuse_report_as_store(const std::string& path, std::string_view option);
// A usage error (exit 2) for calibrate's parameter sets (CSV) named as JSON or an HTML page (outside attack
// 39: `calibrate -o x.json` wrote CSV there and said nothing); `example` is a name to suggest.
void refuse_sets_under_other_format(const std::string& path, const std::string& example);

// The format the tables are written in to `file` (--output): --format's, or without it the one the name's
// .csv or .json says (`-o t.json` wrote the text table into t.json; outside attack 32); a name that says
// another format than --format, or an HTML page's, is refused (a usage error). `command`: run, compare or
// sweep (which has no report to point to).
std::string output_format(const Options& o, const std::string& file, std::string_view command);

}  // namespace wijksim::cli
