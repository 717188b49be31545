#include "wijksim/report/economic_tables.h"

#include "wijksim/analysis/evppi.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/report/economic_text.h"
#include "wijksim/report/render.h"
#include "wijksim/report/text_layout.h"

namespace wijksim {
namespace {

std::string format_rate(double rate) {
  return format_dutch_short(rate * 100, 4);
}

Cell text(const std::string& t) {
  return Cell::of_text(t);
}

// What the figures' intervals are over, for this run: its parameter draws, or without draws the base case's
// replications, whose interval is that of their mean (the households' luck only). One text for both read as
// a percentile range over replications where the run had none but a t interval (outside review).
std::string draw_note(const DecisionGroup& g) {
  if (g.draws > 1)
    return fmt::format(
        "Mean over the {} parameter draws (each the mean of its replications), {}: parameter uncertainty "
        "and the households' luck together. CSV and JSON add the Monte Carlo standard error of the mean "
        "(se): sd / sqrt(draws).",
        g.draws,
        g.draws >= static_cast<std::size_t>(kPercentileDraws)
            ? "with the 95% percentile interval over the draws (2,5th to 97,5th)"
            : fmt::format("from the lowest to the highest draw (fewer than {} draws: too few for a 95% "
                          "percentile interval)",
                          kPercentileDraws));
  return fmt::format(
      "{}: the mean over its {} replication{}{}: the households' luck only, not the uncertainty of the "
      "parameters ({}). CSV and JSON add the standard error of the mean (se): sd / sqrt(replications).",
      g.parameter_draws ? "One parameter draw" : "Base case, no parameter draws", g.probability_n,
      g.probability_n == 1 ? "" : "s",
      g.probability_n > 1 ? ", with the 95% interval of that mean (mean +/- t(0,975; n-1) x sd / sqrt(n))"
                          : " (one run: no interval)",
      g.parameter_draws ? "one draw shows none: --draws 2 or more assess it" : "--draws assesses that");
}

// What a decision's probabilities count: parameter draws, or without draws the runs.
std::string counted(const DecisionGroup& g) {
  return g.draws > 1 ? "draws" : "runs";
}

Cell probability(const DecisionGroup& g, double p) {
  return Cell::of_probability(p, g.probability_n, counted(g));
}

std::string wtp_words(const DecisionGroup& g) {
  return g.willingness_to_pay_varies
             ? fmt::format("each draw's own willingness to pay (a distribution with mean {})",
                           format_euros(g.willingness_to_pay))
             : format_euros_as_given(g.willingness_to_pay);
}

std::string group_note(const DecisionGroup& g) {
  return fmt::format(
      "Discounted: costs {}%, effects {}% a year from the policy start (year 1 undiscounted). {}",
      format_rate(g.discount_costs), format_rate(g.discount_effects), draw_note(g));
}

// The willingness to pay in a column's label, which the at-a-glance view takes over: the glance said "net
// monetary benefit" and "probability cost-effective" without it (an independent check).
std::string wtp_short(const DecisionGroup& g) {
  return g.willingness_to_pay_varies
             ? fmt::format("each draw's WTP (mean {})", format_euros(g.willingness_to_pay))
             : format_euros_as_given(g.willingness_to_pay);
}

Table cost_effectiveness_table(const DecisionGroup& g) {
  Table ce;
  ce.id = "cost_effectiveness";
  ce.interval = interval_kind::over_draws(g.draws);
  ce.title = "Is it worth the money? Incremental cost per problem-free household-year";
  for (std::size_t o = 1; o < g.names.size(); ++o) ce.scenario += (o > 1 ? ", " : "") + g.names[o];
  ce.comparator = g.names[0];
  ce.note = fmt::format(
      "Per household over the policy period (its years summed), intervention minus comparator, societal "
      "perspective: every payer's euros but "
      "transfers (social assistance paid to households). Effect: problem-free household-years. NMB: net "
      "monetary benefit at {} per problem-free household-year. ICER of the mean increments, with its "
      "quadrant "
      "and how often the {} fall in it; no ratio where one option dominates. The ICER has no interval of its "
      "own (a ratio's interval is undefined where the {} fall in more than one quadrant): its uncertainty is "
      "that share and the acceptability table, how sure the choice is at each willingness to pay. "
      "Probabilities from fewer than "
      "{} "
      "{} are shown as counts. {}",
      wtp_words(g), counted(g), counted(g), kFewRuns, counted(g), group_note(g));
  ce.columns = {{"delta_cost", "extra cost per household (EUR)"},
                {"delta_effect", "extra problem-free years per household"},
                {"icer", "ICER"},
                {"nmb", fmt::format("net monetary benefit per household at {} (EUR)", wtp_short(g))},
                {"p_cost_saving", "probability cost-saving"},
                {"p_cost_effective", fmt::format("probability cost-effective at {}", wtp_short(g))},
                {"rungs", "ladder rungs gained per household"},
                {"escalations", "escalations per 1.000 households per year"}};
  // Quality-adjusted household-years beside them, when the scenarios give utility weights.
  const bool utilities = !g.interventions.empty() && g.interventions.front().has_quality_adjusted;
  if (utilities) {
    ce.columns.push_back({"delta_qaly", "extra quality-adjusted years per household"});
    ce.columns.push_back({"icer_qaly", "ICER per quality-adjusted household-year"});
    ce.note +=
        " Quality-adjusted household-years weigh each household-week by the scenario's utility weights by "
        "number of problems (economics.utility_by_problems; discounted as effects). Their ICER is not "
        "judged: "
        "the willingness to pay is for a problem-free household-year, and the scenarios give none for a "
        "quality-adjusted one.";
  }
  // With two or more interventions each may be cost-effective against the comparator while only one is the
  // choice: how often each is the best of all (a policy advisor's reading).
  const bool several = g.options.size() > 2;
  if (several)
    ce.columns.push_back(
        {"p_best", fmt::format("probability best of the {} options at {}", g.options.size(), wtp_short(g))});
  for (const InterventionFigures& x : g.interventions) {
    const std::string& name = g.names[x.option];
    ce.rows.push_back(
        {name,
         name,
         {Cell::of(x.delta_cost, Unit::Euro), Cell::of(x.delta_effect, Unit::Years),
          text(icer_text(x.icer, kEffectUnit, x.quadrant_share, g.probability_n, counted(g))),
          Cell::of(x.nmb, Unit::Euro), probability(g, x.p_cost_saving), probability(g, x.p_cost_effective),
          Cell::of(x.rungs, Unit::Rung), Cell::of(x.escalations, Unit::PerThousandYear)}});
    if (utilities) {
      ce.rows.back().cells.push_back(Cell::of(x.delta_quality_adjusted, Unit::Years));
      ce.rows.back().cells.push_back(
          text(icer_text(x.icer_quality_adjusted, "quality-adjusted household-year",
                         x.quadrant_share_quality_adjusted, g.probability_n, counted(g))));
    }
    if (several) ce.rows.back().cells.push_back(probability(g, x.p_best));
  }
  return ce;
}

Table frontier_table(const DecisionGroup& g) {
  Table f;
  f.id = "efficiency_frontier";
  f.title = "Which options are efficient? The efficiency frontier";
  f.scenario = g.names[0];
  f.note =
      "Mean discounted cost and effect per household over the policy period (its years summed). Dominated: "
      "another option costs no more and "
      "achieves at least as much. Extendedly dominated: a mix of two neighbours does better. ICER "
      "against the next cheaper option on the frontier.";
  f.columns = {{"cost", "cost per household (EUR)"},
               {"effect", "problem-free years per household"},
               {"status", "status"},
               {"icer", "ICER (EUR per problem-free household-year)"}};
  const auto n = static_cast<std::size_t>(std::max(g.probability_n, 1));
  // The effects with the decimals their differences need for three significant digits (at least the unit's
  // two), so that an ICER can be had from the table's own figures: "3,36" and "3,39" gave 13.333 for 16.245.
  int effect_decimals = 2;
  for (std::size_t a = 0; a < g.options.size(); ++a)
    for (std::size_t b = a + 1; b < g.options.size(); ++b)
      if (const double d = std::fabs(g.mean_effect[a] - g.mean_effect[b]); d > 0 && std::isfinite(d))
        effect_decimals =
            std::max(effect_decimals, std::clamp(2 - static_cast<int>(std::floor(std::log10(d))), 2, 6));
  for (std::size_t o = 0; o < g.options.size(); ++o) {
    const FrontierOption& fo = g.frontier.options[o];
    Cell effect = Cell::of_value(g.mean_effect[o], Unit::Years).over(n);
    effect.decimals_at_least = effect_decimals;
    f.rows.push_back(
        {g.names[o],
         g.names[o],
         // Means over the draws (without draws: the runs), n their count.
         {Cell::of_value(g.mean_cost[o], Unit::Euro).over(n), std::move(effect), text(to_string(fo.status)),
          std::isnan(fo.icer) ? Cell::empty() : Cell::of_value(fo.icer, Unit::Euro).over(n)}});
  }
  return f;
}

Table acceptability_table(const DecisionGroup& g) {
  Table a;
  a.id = "acceptability";
  // Without parameter draws the runs differ in the households' luck only, which cannot say how sure a choice
  // is: titled as the report titles its chart (the terminal asked "How sure can we be?"; outside attack 57).
  a.title = g.draws > 1 ? "How sure can we be? Probability each option is best, by willingness to pay (rows: "
                          "EUR per problem-free household-year)"
                        : "In how many runs is each option the best? By willingness to pay (rows: EUR per "
                          "problem-free household-year; runs differ in the households' luck only)";
  a.scenario = g.names[0];
  const bool evpi = !g.evpi.empty();
  a.note = fmt::format(
      "Share of {} in which each option has the highest net monetary benefit; 'best on average': the "
      "acceptability frontier (highest expected net benefit), with the probability that it is in fact best. "
      "{}",
      g.draws > 1         ? std::string("parameter draws")
      : g.parameter_draws ? std::string("replications of the one parameter draw (one draw shows no parameter "
                                        "uncertainty: stochastic uncertainty only)")
                          : std::string("replications (no parameter draws: stochastic uncertainty only)"),
      evpi
          ? fmt::format("EVPI: expected value of perfect information, per household and for all {} "
                        "households, from the draws as they are (each draw's households' luck included{}).{}",
                        format_dutch(g.households, 0),
                        // The value-of-information table has it only from kMinEvppiDraws draws: below, it
                        // says there are too few (the note sent readers to a figure that was not there).
                        g.draws >= kMinEvppiDraws
                            ? ": the value-of-information table gives the EVPI without it"
                            : "; from fewer draws than that table needs, nothing separates it from the luck",
                        // From few draws it moves with every draw added, and 0 says no more than that
                        // those few agree (outside attack 20).
                        g.draws < kMinEvppiDraws
                            ? fmt::format(" From {} draws too unstable to rely on (at least {}, as for the "
                                          "EVPPI), and so shown to two significant digits (the CSV and JSON "
                                          "keep them whole): an EVPI of 0 says only that all {} favour one "
                                          "option.",
                                          g.draws, kMinEvppiDraws, g.draws)
                            : "")
          : fmt::format("No EVPI: {} the spread between runs is the households' luck, not information "
                        "research could buy (run with --draws 2 or more).",
                        g.parameter_draws ? "with one parameter draw" : "without parameter draws"));
  for (const std::string& name : g.names) a.columns.push_back({"p_" + name, name});
  a.columns.push_back({"best", "best on average"});
  a.columns.push_back({"best_probability", "probability it is best"});
  if (evpi) {
    // Over what time: the policy years' discounted figures (the label gave no period; a policy advisor's
    // reading).
    a.columns.push_back({"evpi_household", "EVPI per household, policy years discounted (EUR)"});
    a.columns.push_back({"evpi_population", "EVPI, population, policy years discounted (EUR)"});
  }
  const double hh = g.households;
  // A point of the grid that is a frontier ICER (add_frontier_icers) says so: the best on average changes
  // there.
  auto is_icer = [&](double w) {
    return std::any_of(g.frontier.order.begin(), g.frontier.order.end(),
                       [&](std::size_t o) { return std::round(g.frontier.options[o].icer) == w; });
  };
  bool icer_rows = false;
  for (std::size_t w = 0; w < g.wtp.size(); ++w) {
    const bool icer = w > 0 && w + 1 < g.wtp.size() && is_icer(g.wtp[w]);
    icer_rows = icer_rows || icer;
    Row r{wtp_row_key(g.wtp[w]), format_euros_as_given(g.wtp[w]) + (icer ? " (ICER)" : ""), {}, 0};
    for (std::size_t o = 0; o < g.options.size(); ++o)
      r.cells.push_back(probability(g, g.ceac.probability[w][o]));
    r.cells.push_back(text(g.names[g.ceaf[w].option]));
    r.cells.push_back(probability(g, g.ceaf[w].probability_optimal));
    if (evpi)
      for (const double v : {g.evpi[w], g.evpi[w] * hh}) {
        Cell c = Cell::of_value(v, Unit::Euro).over(g.draws);
        // From fewer draws than the EVPPI's least, two significant digits: "73,63" from 6 draws claimed
        // cents of a figure that moves by tens of euros with every draw added. The note says so.
        if (g.draws < kMinEvppiDraws) c.significant = 2;
        r.cells.push_back(std::move(c));
      }
    a.rows.push_back(std::move(r));
  }
  if (icer_rows)
    a.note +=
        " The willingnesses to pay hold each option's ICER over the next cheaper option on the efficiency "
        "frontier (on the means; in whole euros; its row marked (ICER)), at which the best on average "
        "changes: that row names the option whose ICER it is, best on average from there on, its expected "
        "net benefit there equal to the next cheaper option's.";
  return a;
}

// A table of each payer's difference per policy year and over them all (`by_payer`: [payer][year], the last
// payer all payers, the last year the total): the columns and rows of the nominal and the discounted tables.
Table payer_years_table(const DecisionGroup& g, const InterventionFigures& x, std::string id,
                        std::string title, std::string note, const std::vector<std::vector<Stat>>& by_payer) {
  const int years = g.years;
  const int payers = static_cast<int>(g.payers.size());
  Table b;
  b.id = std::move(id);
  b.interval = interval_kind::over_draws(g.draws);
  b.title = std::move(title);
  b.scenario = g.names[x.option];
  b.comparator = g.names[0];
  b.note = std::move(note);
  for (int y = 0; y < years; ++y)
    b.columns.push_back({fmt::format("year_{}", y + 1), fmt::format("year {}", y + 1)});
  // "years 1-1" with one policy year (outside attack 39): called the total, as the budget table does.
  b.columns.push_back({"total", years > 1 ? fmt::format("years 1-{}", years) : std::string("total")});
  std::vector<std::string> unchanged;
  for (int p = 0; p <= payers; ++p) {
    // A payer with no change in any year (a fund the intervention does not use) is left out, named in the
    // note: its row of "0,00 (same in all runs)" read as a figure where the glance says "no change" (an
    // independent check).
    const std::vector<Stat>& v = by_payer[static_cast<std::size_t>(p)];
    if (p < payers &&
        std::all_of(v.begin(), v.end(), [](const Stat& s) { return s.mean == 0 && !(s.sd > 0); })) {
      unchanged.push_back(g.payers[static_cast<std::size_t>(p)].text);
      continue;
    }
    Row r{p < payers ? g.payers[static_cast<std::size_t>(p)].key : "all_payers",
          p < payers ? g.payers[static_cast<std::size_t>(p)].text : "All payers",
          {},
          0};
    for (int y = 0; y <= years; ++y)
      r.cells.push_back(
          Cell::of(by_payer[static_cast<std::size_t>(p)][static_cast<std::size_t>(y)], Unit::Euro));
    b.rows.push_back(std::move(r));
  }
  if (!unchanged.empty())
    b.note += fmt::format(" Left out, with no change in any year: {}.", fmt::join(unchanged, ", "));
  return b;
}

// Each payer's yearly budget, nominal: what a steering group plans with (the report gave only the five
// years' total; a steering group's reading).
Table budget_by_year_table(const DecisionGroup& g, const InterventionFigures& x) {
  return payer_years_table(
      g, x, "budget_by_year", "What does it cost each payer per year? Nominal budget difference per payer",
      fmt::format("Euros for the whole population, intervention minus comparator, nominal (not discounted): "
                  "what each payer's budget for a policy year (52 weeks from the policy start) holds; each "
                  "payer's cash, transfers (social assistance paid) included. Negative: the payer saves. {}",
                  draw_note(g)),
      x.budget_nominal);
}

Table budget_impact_table(const DecisionGroup& g, const InterventionFigures& x) {
  const int years = g.years;
  Table b = payer_years_table(
      g, x, "budget_impact", "When does it pay back? Discounted budget impact per payer per year",
      fmt::format(
          "Euros for the whole population, intervention minus comparator, discounted at {}% a year; budget "
          "perspective: each payer's cash, transfers (social assistance paid) included. Negative: the payer "
          "saves. {}",
          format_rate(g.discount_costs), draw_note(g)),
      x.budget_impact);
  // Cumulative all-payer difference and the break-even year: the first year from which it stays <= 0.
  Row cum{"cumulative", "Cumulative, all payers", {}, 0};
  for (const Stat& s : x.cumulative) cum.cells.push_back(Cell::of(s, Unit::Euro));
  cum.cells.push_back(text(break_even_text(x, years, g.probability_n, counted(g))));
  b.rows.push_back(std::move(cum));
  return b;
}

Table who_pays_table(const DecisionGroup& g, const InterventionFigures& x) {
  const int years = g.years;
  Table w;
  w.id = "who_pays_who_saves";
  w.interval = interval_kind::over_draws(g.draws);
  w.title = "Who pays, who saves?";
  w.scenario = g.names[x.option];
  w.comparator = g.names[0];
  w.note = fmt::format(
      "Over {}, euros for the whole population, intervention minus comparator; budget perspective: "
      "each payer's cash, transfers included (a capacity-funded agency's budget is cash whether its places "
      "are used or not: work it no longer does frees capacity, shown with the agencies). 'pays' or 'saves' "
      "when the interval of its nominal difference excludes zero, and the probability it saves is of that "
      "difference (a budget is held in each year's euros); 'never' or 'always' where the nominal and the "
      "discounted difference are each the same in every {} (no chance in it). {}",
      years == 1 ? std::string("policy year 1") : fmt::format("policy years 1-{}", years),
      g.draws > 1 ? "draw" : "run", draw_note(g));
  w.columns = {{"nominal", "difference, nominal (EUR)"},
               {"discounted", "difference, discounted (EUR)"},
               {"role", "role"},
               {"p_saves", "probability the payer saves"}};
  for (std::size_t p = 0; p < x.payers.size(); ++p) {
    const PayerBalance& b = x.payers[p];
    // A difference the same in every run is no chance: its count said "0,0% (0 of 20 draws; 95%: at most
    // 16,8%)" for a fund with no change in any draw, a bound on an uncertainty there is not (a policy
    // advisor's reading of a PSA). Said in words, as "(same in all runs)" beside it.
    // The nominal difference is what the role is of (14.7). It is fixed only where the discounted one is the
    // same in every run too, its timing with it: two runs that each prevent one eviction of EUR 15,000, in
    // different years, have the same nominal difference by chance, which "always: a fixed saving" denied.
    const Stat& d = b.nominal;
    auto same_in_all = [](const Stat& s) { return !std::isnan(s.mean) && text::no_spread(s); };
    const bool fixed = same_in_all(d) && same_in_all(b.discounted);
    Cell saves = !fixed          ? probability(g, b.p_saves)
                 : d.mean == 0.0 ? text("never: no change")
                 : d.mean < 0    ? text("always: a fixed saving")
                                 : text("never: a fixed cost");
    w.rows.push_back({g.payers[p].key,
                      g.payers[p].text,
                      {Cell::of(b.nominal, Unit::Euro), Cell::of(b.discounted, Unit::Euro),
                       text(to_string(b.role)), std::move(saves)}});
  }
  return w;
}

}  // namespace

std::vector<Table> economic_tables(const EconomicEvaluation& ev) {
  std::vector<Table> tables;
  for (const DecisionGroup& g : ev.groups) {
    tables.push_back(cost_effectiveness_table(g));
    if (g.options.size() > 2) tables.push_back(frontier_table(g));
    tables.push_back(acceptability_table(g));
    for (const InterventionFigures& x : g.interventions) {
      tables.push_back(budget_by_year_table(g, x));
      tables.push_back(budget_impact_table(g, x));
      tables.push_back(who_pays_table(g, x));
    }
  }
  return tables;
}

}  // namespace wijksim
