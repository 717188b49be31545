// wijksim sweep: a planning curve, printed; it keeps nothing.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "command_support.h"
#include "commands.h"
#include "console.h"
#include "interrupts.h"
#include "progress_bar.h"
#include "terminal.h"
#include "wijksim/core/atomic_file.h"
#include "wijksim/core/command_line.h"
#include "wijksim/core/output_path.h"
#include "wijksim/core/test_hooks.h"
#include "wijksim/report/render.h"
#include "wijksim/report/report_tables.h"
#include "wijksim/report/sensitivity_tables.h"
#include "wijksim/report/study_report.h"
#include "wijksim/study/sensitivity_study.h"
#include "wijksim/study/study.h"

namespace wijksim::cli {

// A planning curve: the scenario against its comparator at each value of one parameter. Prints; keeps
// nothing.
int sweep_command(const Options& o) {
  // The command line's own mistakes (exit 2), before anything is read (outside attack 14: an empty key path
  // was bad input, exit 1; tables written to sweep.db made a file every store command refused).
  if (o.parameter.empty()) throw UsageError("--parameter needs a key path (such as coaches.fte), not ''");
  if (o.output && is_store_name(*o.output))
    throw UsageError(fmt::format(
        "--output {}: sweep writes its tables as text and keeps no results store, and a name ending in .db "
        "is a results store's: name another file, for instance sweep.txt",
        printable(*o.output)));
  const std::string format = o.output ? output_format(o, *o.output, "sweep") : o.format;
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
  const Format as = *parse_format(format);
  const std::string text =
      render(report, as, TextOptions{cli::output_width(o.output ? nullptr : stdout), {}});
  if (!o.output) {
    cli::write_out(text);
    cli::flush_out();  // said whole should a signal come next (stdout_unfinished)
  } else {
    write_file_atomically(*o.output, as == Format::Table ? sealed_text_tables(text) : text, "--output",
                          inputs);
    cli::err("wrote {}\n", shown_name(*o.output));
  }
  cli::Interrupts::outputs_written();  // as run and compare (interrupts.h)
  test_hooks::after_outputs();
  return kOk;
}

}  // namespace wijksim::cli
