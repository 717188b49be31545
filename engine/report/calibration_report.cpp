#include "wijksim/report/calibration_report.h"

#include "wijksim/analysis/honest_uncertainty.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "wijksim/report/render.h"
#include "wijksim/report/report_tables.h"

namespace wijksim {
namespace {

// A parameter's value as the tables show it: three significant digits, Dutch notation.
std::string value_text(double x) {
  return format_cell(Cell::of_value(x, Unit::Value));
}

// A value as the targets file gives it, with its own decimals: "uniform 2,00 to 26,0" padded the file's 2
// and 26, and "0,0200 to 1,00" its 0.02 and 1.0 (an analyst's reading).
std::string given_text(double x) {
  return format_dutch(x, std::min(decimals_of(x), 6));
}

}  // namespace

std::string prior_text(const Distribution& d) {
  using K = Distribution::Kind;
  const auto v = given_text;
  switch (d.kind) {
    case K::Fixed:
      return fmt::format("fixed {}", v(d.a));
    case K::Uniform:
      return fmt::format("uniform {} to {}", v(d.a), v(d.b));
    case K::Triangular:
      return fmt::format("triangular {} to {}, mode {}", v(d.a), v(d.c), v(d.b));
    case K::Normal:
      return fmt::format("normal mean {} sd {}", v(d.a), v(d.b));
    case K::LogNormal:
    case K::Gamma:
    case K::Beta:
      // Derived from the distribution's own parameters: three significant digits.
      return fmt::format("{} mean {} sd {}", to_string(d.kind), value_text(d.mean()), value_text(d.sd()));
  }
  return "";
}

Report calibration_report(const CalibrationPlan& plan, const CalibrationResult& r,
                          const std::optional<CalibrationFiles>& as_stored) {
  const CalibrationFiles files = as_stored.value_or(CalibrationFiles{plan.source.path(), plan.file.path});
  const CalibrationSettings& cs = plan.settings;
  Report report;
  report.command = "calibrate";
  report.version = WIJKSIM_VERSION;
  // Percentiles from kPercentileDraws sets on; below, the lowest and the highest (spread_of_draws).
  const bool percentiles = r.sets.size() >= static_cast<std::size_t>(kPercentileDraws);
  // A figure's spread over the sets, named for CSV and JSON (interval_kind).
  const auto over_sets = [&](Cell c) {
    c.interval = interval_kind::spread("sets", r.sets.size());
    return c;
  };
  const std::string spread =
      percentiles
          ? "2,5% and 97,5% percentiles"
          : fmt::format("lowest and highest values (from fewer than {} sets, too few for a 95% interval)",
                        kPercentileDraws);
  report.interval =
      fmt::format("posterior: over the {} parameter sets resampled by importance weight, with their {}",
                  r.sets.size(), spread);
  ScenarioRef ref;
  ref.name = plan.source.base().name;
  ref.file = files.scenario;
  ref.hash = plan.source.hash();
  ref.seed = plan.seed;
  ref.replications = static_cast<std::uint32_t>(cs.replications);
  ref.years = cs.years;
  report.scenarios.push_back(ref);

  Table run;
  run.id = "calibration_run";
  run.title = "Calibration: incremental mixture importance sampling";
  run.scenario = ref.name;
  run.note = fmt::format(
      "Targets and free parameters from {}. Each candidate: the scenario with the candidate's values, {} "
      "household{}, {} replication{} of {} policy year{} after the warm-up, the same seed for every "
      "candidate "
      "(common random numbers). Log-likelihood: the sum over the {} targets the model represents of "
      "log N(model; target, s), s^2 = ((high - low) / 3,92)^2 + the model's Monte Carlo standard "
      "error^2{}{}. "
      "The rounds stop once the effective sample size reaches the number of sets ({}), or after at most {} "
      "round{}.",
      files.targets, format_dutch(plan.households, 0), plan.households == 1 ? "" : "s", cs.replications,
      cs.replications == 1 ? "" : "s", cs.years, cs.years == 1 ? "" : "s", plan.represented,
      // docs/model.md 19.1: with one replication the error is not known and taken as 0 (the caption named a
      // term that was 0 in the run it described; an analyst's reading).
      cs.replications == 1 ? " (here 0: with one replication per candidate the model's noise is not known, "
                             "and the likelihood allows nothing for it)"
                           : "",
      std::any_of(plan.targets.begin(), plan.targets.end(),
                  [](const CalibrationTarget& t) { return t.bound != TargetBound::None; })
          ? "; for a target that is a bound (a ceiling or a floor) the model's figure counts as the target "
            "on the bound's side of it, and by its distance from the bound beyond it"
          : "",
      cs.sets, cs.rounds, cs.rounds == 1 ? "" : "s");
  run.columns = {{"value", ""}};
  // A row of a row above is indented as the table's rows are (the label's own leading spaces were taken off
  // by the layout, and "of which ..." read as a row of its own; outside attack 65).
  auto count = [&](const char* key, const char* label, double x, int indent = 0) {
    run.rows.push_back({key, label, {Cell::of_value(x, Unit::Count)}, indent});
  };
  count("candidates", "candidates", static_cast<double>(r.candidates.size()));
  count("from_priors", "drawn from the priors", cs.initial, 1);
  count("mode_search", "in the search for the posterior's mode and its curvature",
        static_cast<double>(r.mode_search()), 1);
  count("rounds", "rounds of the mixture", r.imis.rounds, 1);
  count("per_round", "candidates per round", cs.per_round, 1);
  // Simulated: those the scenario could take. Values it cannot (a normal prior's tail past a probability's
  // 0, costs too large to count) are not simulated and have no weight, as if the prior stopped there; they
  // were counted as simulated (outside attack 65).
  count("simulated", "candidates simulated (inside the priors' support)",
        static_cast<double>(r.evaluated - r.rejected));
  if (r.rejected > 0)
    count("rejected", "candidates with values the scenario cannot take (not simulated, no weight)",
          static_cast<double>(r.rejected));
  count("ess", "effective sample size", std::round(r.imis.ess * 10) / 10);
  std::string by_stage;
  // With the row above's rule for a count (whole from 100 on): "342" above "342,2" read as two figures
  // (outside attack 39).
  for (double e : r.imis.ess_by_round)
    by_stage += (by_stage.empty() ? "" : "; ") + format_dutch(e, std::fabs(e) >= 100 ? 0 : 1);
  run.rows.push_back(
      {"ess_by_round", "after the initial draws, then each round", {Cell::of_text(by_stage)}, 1});
  // Why the rounds stopped, in the table as well as in the run's warning on standard error: a stored or
  // saved calibration kept the caption's stopping rule and lost the warning that it was not met (an
  // analyst's reading: 91,9 against 100 sets after every round read as a rule met).
  run.rows.push_back({"stopped",
                      "the rounds stopped",
                      {Cell::of_text(r.imis.converged ? fmt::format("on reaching {}", cs.sets)
                                                      : fmt::format("short of {}", cs.sets))},
                      1});
  if (!r.imis.converged)
    run.note += fmt::format(
        " Here every round ran with the effective sample size below the {} sets: they hold {} distinct "
        "candidate{} (the resampling repeats a heavy one) and understate how uncertain the free parameters "
        "are.",
        cs.sets, r.distinct_sets(), r.distinct_sets() == 1 ? "" : "s");
  count("sets", "parameter sets written", static_cast<double>(r.sets.size()));
  count("distinct", "distinct candidates among them", static_cast<double>(r.distinct_sets()), 1);
  report.tables.push_back(std::move(run));

  Table post;
  post.id = "posterior";
  post.title = "Free parameters: prior and posterior";
  post.scenario = ref.name;
  post.note = fmt::format(
      "Posterior: mean over the parameter sets with their {}, and their standard deviation. A key path "
      "with '*' sets that key of every entry (every domain, every agency) alike.",
      spread);
  std::vector<std::string> whole;
  for (const FreeParameter& p : plan.file.free)
    if (plan.simulated.names_whole_numbers(p.key_path)) whole.push_back(p.key_path);
  if (!whole.empty())
    post.note += fmt::format(
        " {} take{} whole numbers, simulated rounded: {} range is taken outward to whole numbers, values the "
        "sets hold.",
        fmt::join(whole, " and "), whole.size() == 1 ? "s" : "", whole.size() == 1 ? "its" : "their");
  post.columns = {{"prior", "prior"}, {"posterior", "posterior"}, {"sd", "sd"}};
  for (std::size_t j = 0; j < plan.file.free.size(); ++j) {
    const FreeParameter& p = plan.file.free[j];
    const ParameterPosterior& q = r.posterior[j];
    Cell sd = Cell::of_value(q.sd, Unit::Value);
    post.rows.push_back({p.key_path,
                         p.key_path,
                         {Cell::of_text(prior_text(p.prior)),
                          over_sets(Cell::of_interval(q.mean, q.lo, q.hi, Unit::Value)), sd}});
  }
  report.tables.push_back(std::move(post));

  Table fit;
  fit.id = "calibration_fit";
  fit.title = "Targets and the model at the posterior";
  fit.scenario = ref.name;
  fit.note = fmt::format(
      "Public figure with its interval. Model: the mean of the figure over the parameter sets (each set's "
      "candidate as simulated; no further simulation), with its {} over the sets. 'inside': that mean lies "
      "in the target's interval; for a bound, 'at or below the bound' or 'at or above the bound', as the "
      "calibration table says it.",
      spread);
  fit.columns = {{"target", "public figure"}, {"model", "model"}, {"fit", "fit"}};
  for (std::size_t t = 0; t < plan.targets.size(); ++t) {
    const CalibrationTarget& x = plan.targets[t];
    const TargetFit& f = r.fit[t];
    const Unit u = target_unit(x);
    fit.rows.push_back({x.key,
                        fmt::format("{} ({})", x.label, x.unit),
                        {target_cell(x, u),
                         f.fit == Fit::NotModelled   ? Cell::of_text(x.note.empty() ? "-" : x.note)
                         : f.fit == Fit::AfterTheRun ? Cell::of_text("-")
                                                     : over_sets(Cell::of_interval(f.model, f.lo, f.hi, u)),
                         Cell::of_text(fit_words(f.fit, x.bound))}});
  }
  report.tables.push_back(std::move(fit));
  return report;
}

}  // namespace wijksim
