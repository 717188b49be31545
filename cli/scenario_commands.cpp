// A scenario looked at without storing anything: wijksim validate (checked, nothing simulated), calibration
// (its targets next to the model) and trace (one household's path).
#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "command_support.h"
#include "commands.h"
#include "console.h"
#include "interrupts.h"
#include "progress_bar.h"
#include "terminal.h"
#include "wijksim/analysis/calibration.h"
#include "wijksim/core/command_line.h"
#include "wijksim/core/dutch_numbers.h"
#include "wijksim/model/model.h"
#include "wijksim/report/calibration_markdown.h"
#include "wijksim/report/render.h"
#include "wijksim/report/report_tables.h"
#include "wijksim/report/study_report.h"
#include "wijksim/report/text_layout.h"
#include "wijksim/report/trace_text.h"
#include "wijksim/scenario/diagnostics.h"
#include "wijksim/simulation/simulation.h"
#include "wijksim/study/calibration_run.h"
#include "wijksim/study/study.h"

namespace wijksim::cli {

namespace {

// Coach FTE in English notation to three decimals, as the tables give it in Dutch ("72.25", "7,485"): three
// significant digits printed 72.25 as 72.2 and 7,485 as 7,480 (a review).
std::string fte_text(double fte) {
  std::string fraction = fmt::format("{:.3f}", fte - std::floor(fte));             // "0.250"
  if (fraction.starts_with("1.")) return loader::count_text(std::floor(fte) + 1);  // 0.9996 rounds up
  while (fraction.ends_with('0')) fraction.pop_back();
  if (fraction.ends_with('.')) fraction.pop_back();
  return loader::count_text(std::floor(fte)) + fraction.substr(1);  // "72" + ".25"
}

}  // namespace

int validate_command(const Options& o) {
  int bad = 0;
  std::set<std::string> said;  // the notes said so far
  for (const std::string& path : o.scenarios) {
    try {
      // With --years the horizon is the command's, as for compare (a target's year beyond the file's own
      // years was refused here and run with compare -y; a review).
      const ScenarioSource src = ScenarioSource::load(path, o.years.has_value());
      const Scenario s = src.base();
      src.check_parameter_sets();  // every set of its parameter sets, as a PSA would read it
      // The targets file's free parameters and calibration settings as calibrate would take them (key paths
      // that name numbers which may vary, priors within what each can take): checked without simulating
      // anything. (run and compare check the free parameters alone: check_free_parameters.)
      if (!s.targets_file.empty() && !read_targets_file(s.targets_file).free.empty())
        plan_calibration(path, std::nullopt);
      // With its comparator, as `compare` plans it: the base case, and where anything varies a parameter
      // draw too (the two must start from one warm-up in both; a comparator with other parameter sets was
      // found only by compare, and a baseline value that the parameter sets replace in every draw only in
      // the base case: outside attack 12).
      // Planned as `compare FILE` plans it (the file's own replications, and its years unless --years), a
      // draw as a PSA's. The base case's plan holds what run and compare note as given and not used (keys
      // beside enabled: false, economics that differ from the comparator's, a schedule's steps beyond the
      // years): said here too (outside attack 62: validate said "ok" alone; 63: planned with 1 replication,
      // its note said so where compare uses 5).
      Study base_case = plan_study(
          {path},
          StudyOverrides{std::nullopt, std::nullopt, o.years, std::nullopt, std::nullopt, std::nullopt},
          true);
      if (!s.comparator.empty() && (!src.uncertain().empty() || src.parameter_sets()))
        (void)plan_study({path}, StudyOverrides{std::nullopt, 1, o.years, std::nullopt, 1, std::nullopt},
                         true);
      // A sentence, so English numbers, as the errors beside it write them ("2,800 households"; "2.800"
      // read as 2.8 households in an English sentence: outside attack 46).
      const auto count = [](double n, const char* one, const char* many) {
        return fmt::format("{} {}", loader::count_text(n), n == 1 ? one : many);
      };
      // At the terminal's width, as its notes and errors are (109 columns at 80; outside attack 64).
      const std::string summary =
          fmt::format("{}, {}, {}, {}{}{}{}", count(s.population.households, "household", "households"),
                      count(static_cast<double>(s.domains.size()), "domain", "domains"),
                      count(static_cast<double>(s.agencies.size()), "agency", "agencies"),
                      count(static_cast<double>(s.payers.size()), "payer", "payers"),
                      s.coaches.enabled ? fmt::format(", {} coach FTE", fte_text(s.coaches.fte)) : "",
                      src.uncertain().empty() ? ""
                                              : ", " + count(static_cast<double>(src.uncertain().size()),
                                                             "uncertain parameter", "uncertain parameters"),
                      src.parameter_sets() ? ", " + count(static_cast<double>(src.parameter_sets()->size()),
                                                          "parameter set", "parameter sets")
                                           : "");
      cli::out("{}: ok\n{}\n", shown_name(path), text::wrap(summary, cli::output_width(stdout), "  ", "  "));
      // Once per note: a comparator validated beside its intervention gave its note twice (outside attack
      // 63).
      std::erase_if(base_case.unused_settings,
                    [&](const std::string& note) { return !said.insert(note).second; });
      say_unused_settings(base_case);
    } catch (const InputError& e) {
      ++bad;
      for (const Diagnostic& d : e.diagnostics()) cli::err("{}\n", d.to_string());
      cli::err("{}\n",
               long_words_shortened(fmt::format("{}: {} error{}", shown_name(path), e.diagnostics().size(),
                                                e.diagnostics().size() == 1 ? "" : "s")));
    }
  }
  return bad ? kBadInput : kOk;
}

// The calibration table (README "Calibration"): the scenario's base case (its own replications and policy
// years unless told otherwise), each target of its targets file next to the model.
int calibration_command(const Options& o) {
  cli::Interrupts::at_once("interrupted; nothing was simulated or kept");
  StudyOverrides overrides{o.seed, o.replications, o.years, std::nullopt, 0, std::nullopt};
  const Study study = plan_study(o.scenarios, overrides, false);
  say_unused_settings(study);
  // A scenario without targets has no table to print (it printed a header with no rows, exit 0).
  if (const Scenario& s = study.scenarios.front().scenario; s.targets.empty())
    throw InputError(
        {{study.scenarios.front().source.key_location("targets"), "targets",
          fmt::format("the scenario '{}' names no calibration targets (`targets: FILE`): there is "
                      "nothing to set its model figures beside",
                      s.name)}});
  // Killed while simulating it has simulated; nothing is kept either way (it said "nothing was simulated").
  cli::Interrupts::at_once(
      "interrupted while simulating; nothing was kept (calibration prints, it keeps no run)");
  cli::ProgressBar bar("calibration");
  const StudyResult result =
      run_study(study, [&bar](std::size_t done, std::size_t total) { bar.update(done, total); });
  bar.finish();
  const ScenarioSummary& s = result.summaries.front();
  if (o.format == "markdown") {
    cli::write_out(calibration_markdown(calibrate(s), s.shape.name, study.replications, study.years));
  } else {
    // Its runs, its scenario and how its intervals are taken, as run's (the header named no seed or runs,
    // the Scenarios section was empty and the legend spoke of an interval over one replication).
    Report r = study_report("calibration", study, result, nullptr);
    r.tables = {calibration_table(s)};
    cli::write_out(render(r, *parse_format(o.format), TextOptions{cli::output_width(stdout), {}}));
  }
  return kOk;
}

int trace_command(const Options& o) {
  StudyOverrides overrides{o.seed, 1, o.years, o.replication, 0, std::nullopt};
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
    // What the picked households went through, in words ("evicted", "with an escalation: crisis").
    const std::string went = o.pick == "coached" || o.pick == "bounced" || o.pick == "evicted" ? o.pick
                             : o.pick == "benefit" ? "that came to live on a benefit"
                                                   : "with an escalation: " + o.pick;
    if (!h && o.pick == "coached" && !s.coaches.enabled) {
      // Another replication or horizon would not help (outside attack 9: the hint said it might).
      cli::err(
          "{}: no household is coached: this scenario has no coaches (its `coaches` section is absent or "
          "switched off)\n",
          printable(s.file));
      return kBadInput;
    }
    if (!h) {
      // Simulated, and found nobody: said as such (exit 1), not "nothing was simulated".
      cli::err(
          "{}: no household of replication {} {} in the {} policy year{} (the replication was simulated "
          "to look); another --replication or --years may have one\n",
          printable(s.file), o.replication, went == o.pick ? "was " + went : went, s.simulation.years,
          s.simulation.years == 1 ? "" : "s");
      return kBadInput;
    }
    text.household = *h;
    text.picked = fmt::format("the first household {} in the policy period", went);
  } else {
    text.household = *o.household;
  }
  if (text.household >= static_cast<std::uint32_t>(s.population.households))
    throw InputError({{Location{s.file, 0, 0}, "--household",
                       fmt::format("household {} does not exist: the scenario has households 0 to {}",
                                   text.household, s.population.households - 1)}});
  const RunResult r = simulate(model, {study.seed, 0, o.replication, text.household});
  cli::write_out(trace_text(s, r, text));
  return kOk;
}

}  // namespace wijksim::cli
