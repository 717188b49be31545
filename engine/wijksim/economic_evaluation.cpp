#include "wijksim/economic_evaluation.h"

#include <fmt/format.h>

#include <cmath>

#include "wijksim/discounting.h"
#include "wijksim/render.h"
#include "wijksim/statistics.h"

namespace wijksim {
namespace {

// Values of one figure by [draw][replication].
using ByDraw = std::vector<std::vector<double>>;

// Mean over draws of the per-draw means, with a 95% percentile interval over draws and the Monte Carlo
// standard error of that mean, sd / sqrt(draws): what a different set of draws (and households' luck) would
// move it by. Without draws (the base case): the t interval and standard error over replications.
Stat over_draws(const ByDraw& v) {
  Stat s;
  const std::size_t d = v.size();
  if (d == 0 || v[0].empty()) return s;
  if (d == 1) return describe(v[0]);
  std::vector<double> means;
  for (const auto& reps : v) means.push_back(mean(reps));
  s.mean = mean(means);
  s.sd = sd(means);
  const Interval i = percentile_interval(means, 0.025, 0.975);
  s.lo = i.lower;
  s.hi = i.upper;
  s.n = static_cast<int>(d);
  s.se = s.sd / std::sqrt(static_cast<double>(d));
  return s;
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

// A figure of each run of a scenario, arranged by [draw][replication] (runs are stored draw by draw).
template <class F>
ByDraw by_draw(const ScenarioSummary& s, std::size_t draws, F figure) {
  ByDraw v(draws);
  const std::size_t reps = s.runs.size() / draws;
  for (std::size_t k = 0; k < s.runs.size(); ++k) v[k / reps].push_back(figure(s.runs[k].figures));
  return v;
}

ByDraw minus(const ByDraw& a, const ByDraw& b) {
  ByDraw d = a;
  for (std::size_t i = 0; i < d.size(); ++i)
    for (std::size_t r = 0; r < d[i].size(); ++r) d[i][r] -= b[i][r];
  return d;
}

std::string format_rate(double rate) {
  return fmt::format("{:g}", rate * 100);
}

Cell text(const std::string& t) {
  return Cell::of_text(t);
}

const char* kDrawNote =
    "Mean over parameter draws, 95% percentile interval over draws (base case without draws: over "
    "replications). CSV and JSON add the Monte Carlo standard error of the mean (se): sd / sqrt(draws), or "
    "sd / sqrt(replications) without draws.";

}  // namespace

EconomicEvaluation evaluate(const Study& study, const StudyResult& result) {
  EconomicEvaluation ev;
  const std::size_t draws = study.draw_ids().size();
  const std::size_t n = study.scenarios.size();

  // Groups: each comparator with the named scenarios compared with it, in the order they were named.
  for (std::size_t i = 0; i < n; ++i) {
    const int c = study.scenarios[i].comparator;
    if (c < 0 || !study.scenarios[i].named) continue;
    DecisionGroup* g = nullptr;
    for (DecisionGroup& x : ev.groups)
      if (x.comparator == static_cast<std::size_t>(c)) g = &x;
    if (!g) {
      ev.groups.push_back({});
      g = &ev.groups.back();
      g->comparator = static_cast<std::size_t>(c);
      g->options.push_back(g->comparator);
    }
    g->options.push_back(i);
  }

  for (DecisionGroup& g : ev.groups) {
    const Scenario& base = study.scenarios[g.comparator].scenario;
    const Economics& econ = base.economics;
    g.households = base.population.households;
    g.willingness_to_pay = econ.willingness_to_pay;  // euros
    const double hh = g.households;
    const int years = result.summaries[g.comparator].shape.years;
    const int payers = static_cast<int>(result.summaries[g.comparator].shape.payers.size());
    const BudgetLayout layout = result.summaries[g.comparator].shape.budget;

    auto discounted_cost = [&](const Measures<double>& m, int payer) {
      double c = 0;
      for (int y = 0; y < years; ++y)
        c += m.cost[layout.at(y, payer, kCostCategories)] * discount_factor(econ.discount_costs, y);
      return c;
    };
    auto cost_per_household = [&](const Measures<double>& m) { return discounted_cost(m, payers) / hh; };
    // Household-years per year, discounted and summed: the effect measures.
    auto discounted_years = [&](const std::vector<double>& per_year) {
      double e = 0;
      for (int y = 0; y < years; ++y)
        e += per_year[static_cast<std::size_t>(y)] * discount_factor(econ.discount_effects, y);
      return e;
    };
    auto effect_per_household = [&](const Measures<double>& m) {
      return discounted_years(m.problem_free_years);
    };
    auto quality_adjusted_per_household = [&](const Measures<double>& m) {
      return discounted_years(m.quality_adjusted_years);
    };
    auto escalations = [](const Measures<double>& m) {
      double e = 0;
      for (double x : m.escalations) e += x;
      return e;
    };

    std::vector<ByDraw> cost, effect;
    for (std::size_t o : g.options) {
      g.names.push_back(study.scenarios[o].scenario.name);
      cost.push_back(by_draw(result.summaries[o], draws, cost_per_household));
      effect.push_back(by_draw(result.summaries[o], draws, effect_per_household));
    }
    g.run_cost = cost;
    g.run_effect = effect;
    g.cost.assign(draws, std::vector<double>(g.options.size()));
    g.effect = g.cost;
    for (std::size_t d = 0; d < draws; ++d)
      for (std::size_t o = 0; o < g.options.size(); ++o) {
        g.cost[d][o] = mean(cost[o][d]);
        g.effect[d][o] = mean(effect[o][d]);
      }
    // Acceptability over a willingness-to-pay grid up to five times the scenario's threshold.
    g.wtp = wtp_grid(0, std::max(1.0, 5 * g.willingness_to_pay), 11);
    const DrawMatrix* c_m = &g.cost;
    const DrawMatrix* e_m = &g.effect;
    DrawMatrix c_reps, e_reps;
    if (draws == 1) {
      // Base case: the spread over replications stands in for the draws (stochastic uncertainty only).
      for (std::size_t r = 0; r < cost[0][0].size(); ++r) {
        c_reps.emplace_back();
        e_reps.emplace_back();
        for (std::size_t o = 0; o < g.options.size(); ++o) {
          c_reps.back().push_back(cost[o][0][r]);
          e_reps.back().push_back(effect[o][0][r]);
        }
      }
      c_m = &c_reps;
      e_m = &e_reps;
    }
    g.ceac = ceac(*c_m, *e_m, g.wtp);
    g.ceaf = ceaf(*c_m, *e_m, g.wtp);
    g.evpi = evpi(*c_m, *e_m, g.wtp);
    g.frontier = efficiency_frontier(column_means(g.cost), column_means(g.effect));

    const std::string& comparator_name = g.names[0];
    const std::string group_note = fmt::format(
        "Discounted: costs {}%, effects {}% a year from the policy start (year 1 undiscounted). {}",
        format_rate(econ.discount_costs), format_rate(econ.discount_effects), kDrawNote);

    // ---- Cost-effectiveness: each intervention against the comparator ----
    Table ce;
    ce.id = "cost_effectiveness";
    ce.title = "Is it worth the money? Incremental cost per problem-free household-year";
    for (std::size_t o = 1; o < g.names.size(); ++o) ce.scenario += (o > 1 ? ", " : "") + g.names[o];
    ce.comparator = comparator_name;
    ce.note = fmt::format(
        "Per household, intervention minus comparator. Effect: problem-free household-years. NMB: net "
        "monetary "
        "benefit at {} per problem-free household-year. ICER of the mean increments, with its quadrant; no "
        "ratio where one option dominates. {}",
        format_euros(g.willingness_to_pay), group_note);
    ce.columns = {{"delta_cost", "extra cost per household (EUR)"},
                  {"delta_effect", "extra problem-free years per household"},
                  {"icer", "ICER"},
                  {"nmb", "net monetary benefit per household (EUR)"},
                  {"p_cost_saving", "probability cost-saving"},
                  {"p_cost_effective", "probability cost-effective"},
                  {"rungs", "ladder rungs gained per household"},
                  {"escalations", "escalations per 1,000 households per year"}};
    // Quality-adjusted household-years beside them, when the scenarios give utility weights.
    bool utilities = true;
    for (std::size_t o : g.options)
      utilities = utilities && !study.scenarios[o].scenario.economics.utility_by_problems.empty();
    if (utilities) {
      ce.columns.push_back({"delta_qaly", "extra quality-adjusted years per household"});
      ce.columns.push_back({"icer_qaly", "ICER per quality-adjusted household-year"});
      ce.note +=
          " Quality-adjusted household-years weigh each household-week by economics.utility_by_problems "
          "(discounted as effects).";
    }
    for (std::size_t o = 1; o < g.options.size(); ++o) {
      const ByDraw dc = minus(cost[o], cost[0]);
      const ByDraw de = minus(effect[o], effect[0]);
      ByDraw nmb = dc;
      for (std::size_t d = 0; d < nmb.size(); ++d)
        for (std::size_t r = 0; r < nmb[d].size(); ++r)
          nmb[d][r] = incremental_nmb(dc[d][r], de[d][r], g.willingness_to_pay);
      const Stat sc = over_draws(dc), se = over_draws(de);
      const Icer i = icer(sc.mean, se.mean, kEffectUnit);
      const ByDraw rungs = minus(by_draw(result.summaries[g.options[o]], draws,
                                         [](const Measures<double>& m) { return m.rungs_gained; }),
                                 by_draw(result.summaries[g.options[0]], draws,
                                         [](const Measures<double>& m) { return m.rungs_gained; }));
      const ByDraw esc = minus(by_draw(result.summaries[g.options[o]], draws, escalations),
                               by_draw(result.summaries[g.options[0]], draws, escalations));
      ce.rows.push_back(
          {g.names[o],
           g.names[o],
           {Cell::of(sc, Unit::Euro), Cell::of(se, Unit::Years), text(i.text),
            Cell::of(over_draws(nmb), Unit::Euro),
            Cell::of_value(share_of_draws(dc, [](double x) { return x < 0; }), Unit::Share),
            Cell::of_value(share_of_draws(nmb, [](double x) { return x > 0; }), Unit::Share),
            Cell::of(over_draws(rungs), Unit::Rung), Cell::of(over_draws(esc), Unit::PerThousandYear)}});
      if (utilities) {
        const Stat sq =
            over_draws(minus(by_draw(result.summaries[g.options[o]], draws, quality_adjusted_per_household),
                             by_draw(result.summaries[g.options[0]], draws, quality_adjusted_per_household)));
        ce.rows.back().cells.push_back(Cell::of(sq, Unit::Years));
        ce.rows.back().cells.push_back(text(icer(sc.mean, sq.mean, "quality-adjusted household-year").text));
      }
    }
    ev.tables.push_back(std::move(ce));

    // ---- Efficiency frontier ----
    if (g.options.size() > 2) {
      Table f;
      f.id = "efficiency_frontier";
      f.title = "Which options are efficient? The efficiency frontier";
      f.scenario = comparator_name;
      f.note =
          "Mean discounted cost and effect per household. Dominated: another option costs no more and "
          "achieves at least as much. Extendedly dominated: a mix of two neighbours does better. ICER "
          "against the next cheaper option on the frontier.";
      f.columns = {{"cost", "cost per household (EUR)"},
                   {"effect", "problem-free years per household"},
                   {"status", "status"},
                   {"icer", "ICER (EUR per problem-free household-year)"}};
      const std::vector<double> mc = column_means(g.cost), me = column_means(g.effect);
      for (std::size_t o = 0; o < g.options.size(); ++o) {
        const FrontierOption& fo = g.frontier.options[o];
        f.rows.push_back({g.names[o],
                          g.names[o],
                          {Cell::of_value(mc[o], Unit::Euro), Cell::of_value(me[o], Unit::Years),
                           text(to_string(fo.status)),
                           std::isnan(fo.icer) ? Cell::empty() : Cell::of_value(fo.icer, Unit::Euro)}});
      }
      ev.tables.push_back(std::move(f));
    }

    // ---- Acceptability curve, frontier, and value of information ----
    Table a;
    a.id = "acceptability";
    a.title =
        "How sure can we be? Probability each option is best, by willingness to pay (rows: EUR per "
        "problem-free household-year)";
    a.scenario = comparator_name;
    a.note = fmt::format(
        "Share of {} in which each option has the highest net monetary benefit; 'best on average': the "
        "acceptability frontier (highest expected net benefit). EVPI: expected value of perfect information, "
        "per household and for all {} households.",
        draws > 1 ? "parameter draws" : "replications (no parameter draws: stochastic uncertainty only)",
        g.households);
    for (const std::string& name : g.names) a.columns.push_back({"p_" + name, name});
    a.columns.push_back({"best", "best on average"});
    a.columns.push_back({"evpi_household", "EVPI per household (EUR)"});
    a.columns.push_back({"evpi_population", "EVPI, population (EUR)"});
    for (std::size_t w = 0; w < g.wtp.size(); ++w) {
      Row r{fmt::format("wtp_{}", static_cast<long long>(g.wtp[w])), format_euros(g.wtp[w]), {}, 0};
      for (std::size_t o = 0; o < g.options.size(); ++o)
        r.cells.push_back(Cell::of_value(g.ceac.probability[w][o], Unit::Share));
      r.cells.push_back(text(g.names[g.ceaf[w].option]));
      r.cells.push_back(Cell::of_value(g.evpi[w], Unit::Euro));
      r.cells.push_back(Cell::of_value(g.evpi[w] * hh, Unit::Euro));
      a.rows.push_back(std::move(r));
    }
    ev.tables.push_back(std::move(a));

    // ---- Budget impact per payer, and who pays, who saves ----
    const auto& payer_labels = result.summaries[g.comparator].shape.payers;
    for (std::size_t o = 1; o < g.options.size(); ++o) {
      const ScenarioSummary& si = result.summaries[g.options[o]];
      const ScenarioSummary& sc = result.summaries[g.comparator];
      Table b;
      b.id = "budget_impact";
      b.title = "When does it pay back? Discounted budget impact per payer per year";
      b.scenario = g.names[o];
      b.comparator = comparator_name;
      b.note = fmt::format(
          "Euros for the whole population, intervention minus comparator, discounted at {}% a "
          "year. Negative: the payer saves. {}",
          format_rate(econ.discount_costs), kDrawNote);
      for (int y = 0; y < years; ++y)
        b.columns.push_back({fmt::format("year_{}", y + 1), fmt::format("year {}", y + 1)});
      b.columns.push_back({"total", fmt::format("years 1-{}", years)});
      for (int p = 0; p <= payers; ++p) {
        Row r{p < payers ? payer_labels[static_cast<std::size_t>(p)].key : "all_payers",
              p < payers ? payer_labels[static_cast<std::size_t>(p)].text : "All payers",
              {},
              0};
        for (int y = 0; y <= years; ++y) {
          auto fig = [&, y, p](const Measures<double>& m) {
            if (y < years)
              return m.cost[layout.at(y, p, kCostCategories)] * discount_factor(econ.discount_costs, y);
            return discounted_cost(m, p);
          };
          r.cells.push_back(
              Cell::of(over_draws(minus(by_draw(si, draws, fig), by_draw(sc, draws, fig))), Unit::Euro));
        }
        b.rows.push_back(std::move(r));
      }
      // Cumulative all-payer difference and the break-even year: the first year from which it stays <= 0.
      Row cum{"cumulative", "Cumulative, all payers", {}, 0};
      std::vector<double> cum_mean;
      for (int y = 0; y < years; ++y) {
        auto fig = [&, y](const Measures<double>& m) {
          double c = 0;
          for (int yy = 0; yy <= y; ++yy)
            c += m.cost[layout.at(yy, payers, kCostCategories)] * discount_factor(econ.discount_costs, yy);
          return c;
        };
        const Stat s = over_draws(minus(by_draw(si, draws, fig), by_draw(sc, draws, fig)));
        cum_mean.push_back(s.mean);
        cum.cells.push_back(Cell::of(s, Unit::Euro));
      }
      int break_even = -1;
      for (int y = years - 1; y >= 0 && cum_mean[static_cast<std::size_t>(y)] <= 0; --y) break_even = y;
      cum.cells.push_back(
          text(break_even < 0 ? fmt::format("no break-even within {} year{}", years, years == 1 ? "" : "s")
                              : fmt::format("breaks even in year {}", break_even + 1)));
      b.rows.push_back(std::move(cum));
      ev.tables.push_back(std::move(b));

      Table w;
      w.id = "who_pays_who_saves";
      w.title = "Who pays, who saves?";
      w.scenario = g.names[o];
      w.comparator = comparator_name;
      w.note = fmt::format(
          "Over {}, euros for the whole population, intervention minus comparator. "
          "'pays' or 'saves' when the 95% interval excludes zero. {}",
          years == 1 ? std::string("policy year 1") : fmt::format("policy years 1-{}", years), kDrawNote);
      w.columns = {{"nominal", "difference, nominal (EUR)"},
                   {"discounted", "difference, discounted (EUR)"},
                   {"role", "role"},
                   {"p_saves", "probability the payer saves"}};
      for (int p = 0; p < payers; ++p) {
        auto nominal = [&, p](const Measures<double>& m) {
          return m.cost[layout.at(years, p, kCostCategories)];
        };
        auto disc = [&, p](const Measures<double>& m) { return discounted_cost(m, p); };
        const ByDraw dn = minus(by_draw(si, draws, nominal), by_draw(sc, draws, nominal));
        const ByDraw dd = minus(by_draw(si, draws, disc), by_draw(sc, draws, disc));
        const Stat s = over_draws(dd);
        const std::string role = s.mean == 0 && (std::isnan(s.lo) || (s.lo == 0 && s.hi == 0)) ? "no change"
                                 : !std::isnan(s.lo) && s.lo > 0                               ? "pays"
                                 : !std::isnan(s.hi) && s.hi < 0                               ? "saves"
                                 : s.mean > 0 ? "pays (uncertain)"
                                              : "saves (uncertain)";
        w.rows.push_back({payer_labels[static_cast<std::size_t>(p)].key,
                          payer_labels[static_cast<std::size_t>(p)].text,
                          {Cell::of(over_draws(dn), Unit::Euro), Cell::of(s, Unit::Euro), text(role),
                           Cell::of_value(share_of_draws(dd, [](double x) { return x < 0; }), Unit::Share)}});
      }
      ev.tables.push_back(std::move(w));
    }
  }
  return ev;
}

}  // namespace wijksim
