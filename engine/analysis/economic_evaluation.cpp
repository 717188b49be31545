#include "wijksim/analysis/economic_evaluation.h"

#include <algorithm>
#include <cmath>

#include "wijksim/analysis/discounting.h"
#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/core/statistics.h"

namespace wijksim {
namespace {

// Values of one figure by [draw][replication].
using ByDraw = std::vector<std::vector<double>>;

// Mean over draws of the per-draw means, with a 95% percentile interval over draws and the Monte Carlo
// standard error of that mean, sd / sqrt(draws): what a different set of draws (and households' luck) would
// move it by. Without draws (the base case): the t interval and standard error over replications.
Stat over_draws(const ByDraw& v) {
  if (v.empty() || v[0].empty()) return Stat{};
  return spread_over_draws(v);
}

// Share of draws (or, without draws, of replications) in which the per-draw mean satisfies `pred`.
template <class Pred>
double share_of_draws(const ByDraw& v, Pred pred) {
  std::size_t yes = 0, all = 0;
  if (v.size() == 1) {
    for (double x : v[0]) yes += pred(x), ++all;
  } else {
    for (const auto& reps : v) yes += pred(mean(reps)), ++all;
  }
  return all ? static_cast<double>(yes) / static_cast<double>(all) : kNaN;
}

// The figures of each draw, under that draw's economics.
using FiguresByDraw = std::vector<DecisionFigures>;

// A figure of each run of a scenario, arranged by [draw][replication] (runs are stored draw by draw).
// `figure(f, m)` reads the run's measures m with the draw's figures f.
template <class F>
ByDraw by_draw(const ScenarioSummary& s, const FiguresByDraw& f, F figure) {
  const std::size_t draws = f.size();
  ByDraw v(draws);
  const std::size_t reps = s.runs.size() / draws;
  for (std::size_t k = 0; k < s.runs.size(); ++k)
    v[k / reps].push_back(figure(f[k / reps], s.runs[k].figures));
  return v;
}

ByDraw minus(const ByDraw& a, const ByDraw& b) {
  ByDraw d = a;
  for (std::size_t i = 0; i < d.size(); ++i)
    for (std::size_t r = 0; r < d[i].size(); ++r) d[i][r] -= b[i][r];
  return d;
}

PayerRole role_of(const Stat& s) {
  if (s.mean == 0 && (std::isnan(s.lo) || (s.lo == 0 && s.hi == 0))) return PayerRole::NoChange;
  if (!std::isnan(s.lo) && s.lo > 0) return PayerRole::Pays;
  if (!std::isnan(s.hi) && s.hi < 0) return PayerRole::Saves;
  return PayerRole::Unclear;
}

// The values of a figure that its probabilities count: per-draw means, or without draws each run.
std::vector<double> counted(const ByDraw& v) {
  if (v.size() == 1) return v[0];
  std::vector<double> out;
  for (const auto& reps : v) out.push_back(mean(reps));
  return out;
}

// Share of draws (runs) whose increment lies in each quadrant.
// Counted, then divided: a sum of 1/n each was 0.98749999... for 395 of 400, printed 98,7% (model.md 14.3).
void quadrant_shares(const ByDraw& dc, const ByDraw& de, std::array<double, 5>& share) {
  const std::vector<double> c = counted(dc), e = counted(de);
  std::array<std::size_t, 5> count{};
  for (std::size_t k = 0; k < c.size(); ++k) ++count[static_cast<std::size_t>(icer(c[k], e[k]).quadrant)];
  for (std::size_t q = 0; q < share.size(); ++q)
    share[q] = static_cast<double>(count[q]) / static_cast<double>(c.size());
}

// Budget impact per payer and year, the cumulative difference and its break-even year, and who pays.
void budget_figures(const FiguresByDraw& f, const ScenarioSummary& si, const ScenarioSummary& sc,
                    InterventionFigures& out) {
  const int years = f.front().years(), payers = f.front().payers();
  auto difference = [&](auto fig) { return minus(by_draw(si, f, fig), by_draw(sc, f, fig)); };
  // A figure of each payer (and all payers) in each year, the last "year" its total over them: [payer][year].
  using InYear = double (DecisionFigures::*)(const Measures<double>&, int, int) const;
  using Total = double (DecisionFigures::*)(const Measures<double>&, int) const;
  auto by_payer_and_year = [&](InYear in_year, Total total) {
    std::vector<std::vector<Stat>> t(static_cast<std::size_t>(payers + 1));
    for (int p = 0; p <= payers; ++p)
      for (int y = 0; y <= years; ++y)
        t[static_cast<std::size_t>(p)].push_back(
            over_draws(difference([&](const DecisionFigures& d, const Measures<double>& m) {
              return y < years ? (d.*in_year)(m, p, y) : (d.*total)(m, p);
            })));
    return t;
  };
  out.budget_impact = by_payer_and_year(&DecisionFigures::cost_in_year, &DecisionFigures::discounted_cost);
  out.budget_nominal = by_payer_and_year(&DecisionFigures::nominal_in_year, &DecisionFigures::nominal_cost);
  for (int y = 0; y < years; ++y) {
    const ByDraw cum = difference(
        [&](const DecisionFigures& d, const Measures<double>& m) { return d.cumulative_cost(m, y); });
    out.cumulative.push_back(over_draws(cum));
    out.p_broken_even.push_back(share_of_draws(cum, [](double x) { return x < 0; }));
  }
  // Break-even only where the interval says so (honest_uncertainty.h).
  out.break_even_year = break_even_of(out.cumulative).year;
  out.mean_break_even_year = -1;
  for (int y = years - 1; y >= 0 && out.cumulative[static_cast<std::size_t>(y)].mean <= 0; --y)
    out.mean_break_even_year = y;
  for (int p = 0; p < payers; ++p) {
    PayerBalance b;
    // Who pays is a budget's question, so its role and probability are of the nominal cash: a budget
    // holder pays in euros of each year, and a budget impact is usually not discounted (docs/sources.md,
    // end of section 15). Discounted, a payer with EUR 1,000 more in year 1 and 1,100 less in year 3
    // "paid" while its cash over the years went down (model.md 14.7; the glance's nominal row said "saves").
    b.nominal = out.budget_nominal[static_cast<std::size_t>(p)][static_cast<std::size_t>(years)];
    const ByDraw dn =
        difference([&](const DecisionFigures& d, const Measures<double>& m) { return d.nominal_cost(m, p); });
    b.discounted = out.budget_impact[static_cast<std::size_t>(p)][static_cast<std::size_t>(years)];
    b.role = role_of(b.nominal);
    b.p_saves = share_of_draws(dn, [](double x) { return x < 0; });
    out.payers.push_back(b);
  }
  out.nominal_all_payers =
      out.budget_nominal[static_cast<std::size_t>(payers)][static_cast<std::size_t>(years)];
}

DecisionGroup evaluate_decision(const DecisionInput& in) {
  DecisionGroup g;
  const std::size_t draws = in.draws;
  const ScenarioSummary& base = *in.summaries.front();
  const Economics& econ = in.economics;
  g.comparator = in.comparator;
  g.options = in.options;
  g.names = in.names;
  g.households = base.shape.households;
  g.years = base.shape.years;
  g.payers = base.shape.payers;
  g.draws = draws;
  g.parameter_draws = in.parameter_draws;
  g.probability_n = static_cast<int>(draws > 1 ? draws : base.runs.size());
  g.discount_costs = econ.discount_costs;
  g.discount_effects = econ.discount_effects;
  // Each draw's economics (a distribution of willingness to pay or of a discount rate is used draw by
  // draw); the base case's in every draw when there are none.
  FiguresByDraw f;
  std::vector<double> wtp(draws, econ.willingness_to_pay);
  for (std::size_t d = 0; d < draws; ++d) {
    const Economics& e = in.economics_by_draw.size() == draws ? in.economics_by_draw[d] : econ;
    f.emplace_back(base.shape, e);
    wtp[d] = e.willingness_to_pay;
  }
  g.willingness_to_pay = mean(wtp);  // euros
  g.willingness_to_pay_varies = std::any_of(wtp.begin(), wtp.end(), [&](double w) { return w != wtp[0]; });

  std::vector<ByDraw> cost, effect;
  for (const ScenarioSummary* s : in.summaries) {
    cost.push_back(by_draw(
        *s, f, [](const DecisionFigures& d, const Measures<double>& m) { return d.cost_per_household(m); }));
    effect.push_back(by_draw(*s, f, [](const DecisionFigures& d, const Measures<double>& m) {
      return d.effect_per_household(m);
    }));
  }
  g.run_cost = cost;
  g.run_effect = effect;
  const std::size_t n_options = g.options.size();
  g.cost.assign(draws, std::vector<double>(n_options));
  g.effect = g.cost;
  for (std::size_t d = 0; d < draws; ++d)
    for (std::size_t o = 0; o < n_options; ++o) {
      g.cost[d][o] = mean(cost[o][d]);
      g.effect[d][o] = mean(effect[o][d]);
    }
  g.mean_cost = column_means(g.cost);
  g.mean_effect = column_means(g.effect);
  g.frontier = efficiency_frontier(g.mean_cost, g.mean_effect);
  // Acceptability over a willingness-to-pay grid up to five times the scenario's threshold, and at each ICER
  // of the frontier inside it, in whole euros: where the best option on average changes (steps of
  // EUR 10.000 around an ICER of EUR 18.330 hid it; a policy advisor's reading).
  g.wtp = wtp_grid(0, std::max(1.0, 5 * g.willingness_to_pay), 11);
  add_frontier_icers(g.wtp, g.frontier);
  const DrawMatrix* c_m = &g.cost;
  const DrawMatrix* e_m = &g.effect;
  DrawMatrix c_reps, e_reps;
  if (draws == 1) {
    // Base case: the spread over replications stands in for the draws (stochastic uncertainty only).
    for (std::size_t r = 0; r < cost[0][0].size(); ++r) {
      c_reps.emplace_back();
      e_reps.emplace_back();
      for (std::size_t o = 0; o < n_options; ++o) {
        c_reps.back().push_back(cost[o][0][r]);
        e_reps.back().push_back(effect[o][0][r]);
      }
    }
    c_m = &c_reps;
    e_m = &e_reps;
  }
  g.ceac = ceac(*c_m, *e_m, g.wtp);
  // Which option is best at the decision's willingness to pay (each draw's own; in the base case the one
  // of every replication).
  const std::vector<double> best =
      probability_best(*c_m, *e_m, draws == 1 ? std::vector<double>(c_m->size(), wtp.front()) : wtp);
  g.ceaf = ceaf(*c_m, *e_m, g.wtp);
  // At a frontier option's ICER in whole euros its expected net benefit and the next cheaper option's are
  // equal but for that rounding, which named either as best on average (the pilot's ICER row its costlier
  // option, the scale-ups' their cheaper one: a policy advisor's reading). The row names the option whose
  // ICER it is, the best on average from there on, with its own probability of being best. Only at the
  // points inside the grid, which the table marks "(ICER)" and its note explains (at its last point there is
  // no "from there on"); of two ICERs rounded to one euro, the costlier option's.
  for (std::size_t w = 1; w + 1 < g.ceaf.size(); ++w)
    for (const std::size_t o : g.frontier.order)
      if (AcceptabilityFrontierPoint& point = g.ceaf[w];
          std::round(g.frontier.options[o].icer) == point.wtp && point.option != o) {
        point.option = o;
        point.expected_nmb = nmb(g.mean_cost[o], g.mean_effect[o], point.wtp);
        point.probability_optimal = g.ceac.probability[w][o];
      }
  // Value of information needs parameter uncertainty: without draws the spread is the households' luck.
  if (draws > 1) g.evpi = evpi(*c_m, *e_m, g.wtp);

  bool utilities = true;
  for (bool u : in.utilities) utilities = utilities && u;
  const ScenarioSummary& sc = base;
  for (std::size_t o = 1; o < n_options; ++o) {
    const ScenarioSummary& si = *in.summaries[o];
    InterventionFigures x;
    x.option = o;
    const ByDraw dc = minus(cost[o], cost[0]);
    const ByDraw de = minus(effect[o], effect[0]);
    ByDraw nmb = dc;
    for (std::size_t d = 0; d < nmb.size(); ++d)
      for (std::size_t r = 0; r < nmb[d].size(); ++r) nmb[d][r] = incremental_nmb(dc[d][r], de[d][r], wtp[d]);
    x.delta_cost = over_draws(dc);
    x.delta_effect = over_draws(de);
    x.icer = icer(x.delta_cost.mean, x.delta_effect.mean);
    x.nmb = over_draws(nmb);
    x.p_cost_saving = share_of_draws(dc, [](double v) { return v < 0; });
    x.p_cost_effective = share_of_draws(nmb, [](double v) { return v > 0; });
    x.p_best = best[o];
    quadrant_shares(dc, de, x.quadrant_share);
    auto difference = [&](auto fig) { return minus(by_draw(si, f, fig), by_draw(sc, f, fig)); };
    x.rungs = over_draws(
        difference([](const DecisionFigures&, const Measures<double>& m) { return m.rungs_gained; }));
    x.escalations = over_draws(difference(
        [](const DecisionFigures&, const Measures<double>& m) { return DecisionFigures::escalations(m); }));
    x.has_quality_adjusted = utilities;
    if (utilities) {
      const ByDraw dq = difference([](const DecisionFigures& d, const Measures<double>& m) {
        return d.quality_adjusted_per_household(m);
      });
      x.delta_quality_adjusted = over_draws(dq);
      quadrant_shares(dc, dq, x.quadrant_share_quality_adjusted);
      x.icer_quality_adjusted = icer(x.delta_cost.mean, x.delta_quality_adjusted.mean);
    }
    budget_figures(f, si, sc, x);
    g.interventions.push_back(std::move(x));
  }
  return g;
}

}  // namespace

DecisionFigures::DecisionFigures(const ScenarioShape& shape, const Economics& econ)
    : years_(shape.years),
      payers_(static_cast<int>(shape.payers.size())),
      layout_(shape.budget),
      econ_(econ),
      households_(shape.households) {}

double DecisionFigures::cost_in_year(const Measures<double>& m, int payer, int y) const {
  return m.cost[layout_.at(y, payer, kCostCategories)] * discount_factor(econ_.discount_costs, y);
}
double DecisionFigures::nominal_in_year(const Measures<double>& m, int payer, int y) const {
  return m.cost[layout_.at(y, payer, kCostCategories)];
}
double DecisionFigures::discounted_cost(const Measures<double>& m, int payer) const {
  double c = 0;
  for (int y = 0; y < years_; ++y) c += cost_in_year(m, payer, y);
  return c;
}
double DecisionFigures::nominal_cost(const Measures<double>& m, int payer) const {
  return m.cost[layout_.at(years_, payer, kCostCategories)];
}
double DecisionFigures::cumulative_cost(const Measures<double>& m, int y) const {
  double c = 0;
  for (int yy = 0; yy <= y; ++yy) c += cost_in_year(m, payers_, yy);
  return c;
}
// The societal perspective of the cost-effectiveness figures: every euro of every payer but transfers
// (social assistance paid to households moves money, it does not use resources), discounted.
double DecisionFigures::societal_cost(const Measures<double>& m) const {
  double c = 0;
  for (int y = 0; y < years_; ++y)
    c += (m.cost[layout_.at(y, payers_, kCostCategories)] -
          m.cost[layout_.at(y, payers_, static_cast<int>(CostCategory::Transfer))]) *
         discount_factor(econ_.discount_costs, y);
  return c;
}
double DecisionFigures::cost_per_household(const Measures<double>& m) const {
  return societal_cost(m) / households_;
}
// Household-years per year, discounted and summed: the effect measures.
double DecisionFigures::discounted_years(const std::vector<double>& per_year) const {
  return discounted_sum(per_year, econ_.discount_effects);
}
double DecisionFigures::effect_per_household(const Measures<double>& m) const {
  return discounted_years(m.problem_free_years);
}
double DecisionFigures::quality_adjusted_per_household(const Measures<double>& m) const {
  return discounted_years(m.quality_adjusted_years);
}
double DecisionFigures::escalations(const Measures<double>& m) {
  double e = 0;
  for (double x : m.escalations) e += x;
  return e;
}

EconomicEvaluation evaluate(const std::vector<DecisionInput>& decisions) {
  EconomicEvaluation ev;
  for (const DecisionInput& d : decisions) ev.groups.push_back(evaluate_decision(d));
  return ev;
}

}  // namespace wijksim
