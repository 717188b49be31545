#include "wijksim/analysis/summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace wijksim {
namespace {

double ratio(double num, double den) {
  return den > 0 ? num / den : kNaN;
}

ShareMeasures<double> shares_at(const HouseholdMeasures& h) {
  ShareMeasures<double> s;
  const double n = h.households;
  s.with_problem = ratio(h.with_problem, n);
  s.multi_problem = ratio(h.multi_problem, n);
  for (int k = 0; k < 4; ++k) s.professionals[k] = ratio(h.professionals[k], n);
  s.low_trust = ratio(h.with_help_low_trust, h.with_help);
  s.bounced = ratio(h.with_help_bounced, h.with_help);
  s.trust = ratio(static_cast<double>(h.trust_sum) / 255.0, h.with_help);
  s.rung = ratio(static_cast<double>(h.rung_sum), n);
  return s;
}

// Sums of household counts over weeks, so a period's share is a ratio of sums.
struct HouseholdSums {
  double households = 0, with_problem = 0, multi_problem = 0, with_help = 0, low_trust = 0, bounced = 0,
         trust = 0, rung = 0;
  std::array<double, 4> professionals{};
  void add(const HouseholdMeasures& h) {
    households += h.households;
    with_problem += h.with_problem;
    multi_problem += h.multi_problem;
    for (int k = 0; k < 4; ++k) professionals[k] += h.professionals[k];
    with_help += h.with_help;
    low_trust += h.with_help_low_trust;
    bounced += h.with_help_bounced;
    trust += static_cast<double>(h.trust_sum) / 255.0;
    rung += static_cast<double>(h.rung_sum);
  }
  ShareMeasures<double> shares() const {
    ShareMeasures<double> s;
    s.with_problem = ratio(with_problem, households);
    s.multi_problem = ratio(multi_problem, households);
    for (int k = 0; k < 4; ++k) s.professionals[k] = ratio(professionals[k], households);
    s.low_trust = ratio(low_trust, with_help);
    s.bounced = ratio(bounced, with_help);
    s.trust = ratio(trust, with_help);
    s.rung = ratio(rung, households);
    return s;
  }
};

// Checks that two shapes describe the same population and the same accounts.
void check_pairable(const ScenarioShape& a, const ScenarioShape& b) {
  std::vector<Diagnostic> problems;
  auto differ = [&](const std::string& what) {
    // Built member by member: a braced temporary here trips GCC 12's -Wmaybe-uninitialized (a false
    // positive).
    Diagnostic d;
    d.where.file = a.file;
    d.key = "comparator";
    d.message =
        fmt::format("'{}' cannot be compared with its comparator '{}': {} differ", a.name, b.name, what);
    problems.push_back(std::move(d));
  };
  auto keys = [](const std::vector<Label>& ls) {
    std::vector<std::string> k;
    for (const Label& l : ls) k.push_back(l.key);
    return k;
  };
  if (a.households != b.households) differ("the numbers of households");
  if (a.weeks != b.weeks) differ("the numbers of policy weeks");
  if (keys(a.payers) != keys(b.payers)) differ("the payers");
  if (keys(a.agencies) != keys(b.agencies)) differ("the agencies");
  if (a.escalation_types != b.escalation_types) differ("the escalation types");
  if (!problems.empty()) throw InputError(std::move(problems));
}

// A household share (TargetShare) at one moment: its numerator and denominator.
std::pair<double, double> share_parts(const HouseholdMeasures& h, TargetShare share) {
  switch (share) {
    case TargetShare::WithProblem:
      return {h.with_problem, h.households};
    case TargetShare::MultiProblem:
      return {h.multi_problem, h.households};
    case TargetShare::Professionals0:
    case TargetShare::Professionals1:
    case TargetShare::Professionals2:
    case TargetShare::Professionals3Plus:
      return {h.professionals[static_cast<std::size_t>(static_cast<int>(share) -
                                                       static_cast<int>(TargetShare::Professionals0))],
              h.households};
    case TargetShare::LowTrust:
      return {h.with_help_low_trust, h.with_help};
    case TargetShare::Bounced:
      return {h.with_help_bounced, h.with_help};
    case TargetShare::EverListed:
      return {h.ever_listed, h.households};
    case TargetShare::EverCoached:
      return {h.ever_coached, h.households};
    case TargetShare::InSpell:
      return {h.in_spell, h.households};
  }
  return {kNaN, kNaN};
}

// The week record a target at a moment reads, of a run's `records` (policy week 0 to its last): the policy
// start, the last week, or the end of policy year N. None for a year after the run's last (`at: year 2`, a
// run of -y 1): it was the last week's, reported as year 2's.
std::optional<std::size_t> record_of(const TargetMeasure& t, std::size_t records) {
  if (t.at < 0) return 0;
  if (t.at == TargetMeasure::kEnd) return records - 1;
  const std::size_t week = static_cast<std::size_t>(t.at) * kWeeksPerYear;
  if (week >= records) return std::nullopt;
  return week;
}

// The model's figure for a calibration target in one run (docs/model.md, "Calibration targets").
double target_figure(const ScenarioShape& shape, const Scenario& s, const RunResult& r,
                     const Measures<double>& m, const TargetMeasure& t) {
  using K = TargetMeasure::Kind;
  const auto policy = std::span<const WeekRecord>(r.weeks).subspan(1);
  const double weeks = static_cast<double>(policy.size());
  const double years = weeks / kWeeksPerYear;
  const double households = shape.households;
  switch (t.kind) {
    case K::None:
      return kNaN;
    case K::Share: {
      const auto share = static_cast<TargetShare>(t.index);
      if (t.at == 0) {  // over the policy period: a ratio of sums
        double num = 0, den = 0;
        for (const WeekRecord& w : policy) {
          const auto [n, d] = share_parts(w.households, share);
          num += n;
          den += d;
        }
        return ratio(num, den);
      }
      const std::optional<std::size_t> week = record_of(t, r.weeks.size());
      if (!week) return kNaN;
      const auto [n, d] = share_parts(r.weeks[*week].households, share);
      return ratio(n, d);
    }
    case K::NotHelped: {
      double ended = 0, failed = 0;
      for (const WeekRecord& w : policy) {
        ended += w.treatments_ended;
        failed += w.treatments_failed;
      }
      return ratio(failed, ended);
    }
    case K::EscalationRate:
      return m.escalations[static_cast<std::size_t>(t.index)];
    case K::SpellStock:
    case K::SpellYears: {
      double stock = 0, inflow = 0;
      for (const WeekRecord& w : policy) {
        stock += w.households.in_spell;
        for (std::size_t d = 0; d < s.domains.size(); ++d)
          if (s.domains[d].spell) inflow += w.escalations[d];
      }
      stock /= weeks;  // households in a spell, mean over the weeks
      return t.kind == K::SpellStock ? ratio(stock * 1000.0, households) : ratio(stock, inflow / years);
    }
    case K::AgencyReferrals:
      return ratio(m.agencies[static_cast<std::size_t>(t.index)].referrals * 1000.0, households);
    case K::AgencyWait:
      return m.agencies[static_cast<std::size_t>(t.index)].wait_weeks;
    case K::CoachWait:
      return m.coaches.wait_weeks;
    case K::CoachCaseload:
      return m.coaches.caseload_mean;
    case K::CoachEpisode:
    case K::CoachRequest: {
      double closed = 0, weeks_in = 0;
      for (const WeekRecord& w : policy) {
        closed += w.coach_closed;
        weeks_in += static_cast<double>(w.coach_closed_weeks);
      }
      // From a request to closing: the wait for a place (of those admitted) and then the episode (of those
      // closed), each a mean over the policy period.
      return t.kind == K::CoachEpisode ? ratio(weeks_in, closed) : m.coaches.wait_weeks + ratio(weeks_in, closed);
    }
    case K::DomainShare: {
      auto at_week = [&](const WeekRecord& w) {
        return std::pair<double, double>{w.households.active_by_domain[static_cast<std::size_t>(t.index)],
                                         w.households.households};
      };
      if (t.at == 0) {
        double num = 0, den = 0;
        for (const WeekRecord& w : policy) {
          const auto [n, d] = at_week(w);
          num += n;
          den += d;
        }
        return ratio(num, den);
      }
      const std::optional<std::size_t> week = record_of(t, r.weeks.size());
      if (!week) return kNaN;
      const auto [n, d] = at_week(r.weeks[*week]);
      return ratio(n, d);
    }
    case K::Spending: {
      const BudgetLayout& b = shape.budget;
      const int payer = t.index < 0 ? b.payers : t.index;
      return ratio(m.cost[b.at(b.years, payer, kCostCategories)], households * years);
    }
  }
  return kNaN;
}

}  // namespace

ScenarioShape shape_of(const Scenario& s) {
  ScenarioShape sh;
  sh.name = s.name;
  sh.file = s.file;
  sh.households = s.population.households;
  sh.weeks = s.weeks();
  sh.years = (sh.weeks + kWeeksPerYear - 1) / kWeeksPerYear;
  sh.coaches = s.coaches.enabled;
  sh.caseload_norm_per_fte = s.coaches.caseload_norm_per_fte;
  for (const Payer& p : s.payers) sh.payers.push_back({p.name, p.label.empty() ? p.name : p.label});
  for (const Agency& a : s.agencies) {
    sh.agencies.push_back({a.name, a.label.empty() ? a.name : a.label});
    sh.capacity_cut.push_back(s.coaches.enabled && s.coaches.funding == Funding::Reallocated &&
                              a.reallocation_share > 0);
  }
  for (const Domain& d : s.domains) {
    if (d.escalation_event.empty()) continue;
    if (std::find(sh.escalation_types.begin(), sh.escalation_types.end(), d.escalation_event) ==
        sh.escalation_types.end())
      sh.escalation_types.push_back(d.escalation_event);
  }
  sh.budget = {sh.years, static_cast<int>(sh.payers.size())};
  sh.targets = s.targets;
  return sh;
}

Measures<double> sized_measures(const ScenarioShape& shape) {
  Measures<double> m;
  m.agencies.resize(shape.agencies.size());
  m.cost.resize(shape.budget.size());
  m.escalations.resize(shape.escalation_types.size());
  m.problem_free_years.resize(static_cast<std::size_t>(shape.years));
  m.quality_adjusted_years.resize(static_cast<std::size_t>(shape.years));
  m.targets.resize(shape.targets.size());
  return m;
}

RunMeasures measure_run(const Scenario& s, const RunResult& r) {
  return measure_run(shape_of(s), s, r);
}

RunMeasures measure_run(const ScenarioShape& shape, const Scenario& s, const RunResult& r) {
  if (r.weeks.empty()) throw Error("a run without weeks cannot be summarised");
  RunMeasures rm;
  rm.draw = r.draw;
  rm.replication = r.replication;
  Measures<double>& m = rm.figures;
  const int weeks = static_cast<int>(r.weeks.size()) - 1;
  if (weeks != shape.weeks)
    throw Error(fmt::format("run has {} policy weeks, scenario '{}' {}", weeks, shape.name, shape.weeks));
  const double years = static_cast<double>(weeks) / kWeeksPerYear;
  const double households = shape.households;
  const auto policy = std::span<const WeekRecord>(r.weeks).subspan(1);

  // Coaches: caseload per FTE over team-weeks.
  CoachMeasures<double>& c = m.coaches;
  if (shape.coaches && !r.team_caseload_per_fte.empty()) {
    // Team-weeks of teams that work (a team not started yet has NaN).
    std::vector<double> load;
    for (float x : r.team_caseload_per_fte)
      if (!std::isnan(x)) load.push_back(x);
    double sum = 0, above = 0;
    for (double x : load) {
      sum += x;
      if (x > shape.caseload_norm_per_fte) ++above;
    }
    c.caseload_mean = ratio(sum, static_cast<double>(load.size()));
    c.caseload_max = load.empty() ? kNaN : *std::max_element(load.begin(), load.end());
    c.above_norm = ratio(above, static_cast<double>(load.size()));
    c.caseload_p95 = load.empty() ? kNaN : quantile(std::move(load), 0.95);
    double waiting = 0, wait = 0, admitted = 0;
    for (const WeekRecord& w : policy) {
      waiting += w.coach_waiting;
      wait += static_cast<double>(w.coach_wait_weeks);
      admitted += w.coach_admitted;
    }
    c.waiting = ratio(waiting, weeks);
    c.wait_weeks = ratio(wait, admitted);
  } else {
    c = {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  }

  // Agencies.
  m.agencies.resize(shape.agencies.size());
  for (std::size_t a = 0; a < shape.agencies.size(); ++a) {
    double waiting = 0, wait = 0, admitted = 0, in_treatment = 0, capacity = 0, referrals = 0, coach = 0,
           intakes = 0, duplicates = 0;
    for (const WeekRecord& w : policy) {
      const AgencyWeek& aw = w.agencies[a];
      waiting += aw.waiting;
      wait += static_cast<double>(aw.wait_weeks);
      admitted += aw.admitted;
      in_treatment += aw.in_treatment;
      capacity += aw.capacity;
      referrals += aw.referrals;
      coach += aw.coach_referrals;
      intakes += aw.intakes;
      duplicates += aw.duplicates;
    }
    const Agency& ag = s.agencies[a];
    const double places = ratio(in_treatment + duplicates * s.fragmentation.duplicate_cost_share, weeks);
    m.agencies[a] = {ratio(waiting, weeks),
                     ratio(wait, admitted),
                     ratio(in_treatment, capacity),
                     ratio(referrals, years),
                     ratio(coach, years),
                     ratio(intakes, years),
                     places,
                     ag.cases_per_fte > 0 ? places / ag.cases_per_fte : kNaN,
                     ratio(capacity, weeks)};
  }

  // Budget: cents summed exactly per (year, payer, category), totals included, then euros.
  const BudgetLayout& b = shape.budget;
  std::vector<Cents> cents(b.size(), 0);
  for (const WeekRecord& w : policy) {
    const int y = (w.week - 1) / kWeeksPerYear;
    for (int p = 0; p < b.payers; ++p)
      for (int k = 0; k < kCostCategories; ++k) {
        const Cents v = w.cost[static_cast<std::size_t>(p * kCostCategories + k)];
        for (int yy : {y, b.years})
          for (int pp : {p, b.payers})
            for (int kk : {k, kCostCategories}) cents[b.at(yy, pp, kk)] += v;
      }
  }
  m.cost.resize(b.size());
  for (std::size_t i = 0; i < b.size(); ++i) m.cost[i] = static_cast<double>(cents[i]) / 100.0;

  // Households.
  m.initial = shares_at(r.initial);
  m.start = shares_at(r.weeks.front().households);
  m.end = shares_at(r.weeks.back().households);
  HouseholdSums sums;
  double bounces = 0, resolved = 0, by_coach = 0;
  m.escalations.assign(shape.escalation_types.size(), 0.0);
  std::vector<int> type_of(std::min<std::size_t>(s.domains.size(), kMaxDomains), -1);
  for (std::size_t d = 0; d < type_of.size(); ++d) {
    auto it = std::find(shape.escalation_types.begin(), shape.escalation_types.end(),
                        s.domains[d].escalation_event);
    if (it != shape.escalation_types.end())
      type_of[d] = static_cast<int>(it - shape.escalation_types.begin());
  }
  m.problem_free_years.assign(static_cast<std::size_t>(shape.years), 0.0);
  const std::vector<double>& utility = s.economics.utility_by_problems;
  m.quality_adjusted_years.assign(static_cast<std::size_t>(shape.years), utility.empty() ? kNaN : 0.0);
  for (const WeekRecord& w : policy) {
    sums.add(w.households);
    const auto year = static_cast<std::size_t>((w.week - 1) / kWeeksPerYear);
    if (households > 0) {
      m.problem_free_years[year] += (1.0 - w.households.with_problem / households) / kWeeksPerYear;
      if (!utility.empty())
        for (std::size_t k = 0; k < w.households.by_problems.size(); ++k)
          m.quality_adjusted_years[year] += w.households.by_problems[k] *
                                            utility[std::min(k, utility.size() - 1)] / households /
                                            kWeeksPerYear;
    }
    bounces += w.bounces;
    resolved += w.resolved;
    by_coach += w.resolved_by_coach;
    for (std::size_t d = 0; d < type_of.size(); ++d)
      if (type_of[d] >= 0) m.escalations[static_cast<std::size_t>(type_of[d])] += w.escalations[d];
  }
  m.period = sums.shares();
  const double per_1000_year = households > 0 && years > 0 ? 1000.0 / (households * years) : kNaN;
  m.bounces = bounces * per_1000_year;
  for (double& e : m.escalations) e *= per_1000_year;
  m.rungs_gained = m.end.rung - m.start.rung;
  m.resolved = ratio(resolved, years);
  m.resolved_by_coach = ratio(by_coach, years);
  m.targets.clear();
  for (const CalibrationTarget& t : shape.targets)
    m.targets.push_back(target_figure(shape, s, r, m, t.parsed));
  return rm;
}

Measures<Bounds> figure_bounds(const ScenarioShape& shape) {
  Measures<Bounds> b;
  zip(b, sized_measures(shape), [](Bounds& x, double) { x = kUnbounded; });
  const Bounds rung{1, 6};
  CoachMeasures<Bounds>& c = b.coaches;
  c = {kNonNegative, kNonNegative, kNonNegative, kUnitInterval, kNonNegative, kNonNegative};
  // Utilisation is at most 1, unless a cut of the agency's capacity (reallocated funding) can leave more
  // cases in treatment than places: then it is bounded below only.
  for (std::size_t i = 0; i < b.agencies.size(); ++i) {
    const bool cut = i < shape.capacity_cut.size() && shape.capacity_cut[i];
    b.agencies[i] = {kNonNegative, kNonNegative, cut ? kNonNegative : kUnitInterval,
                     kNonNegative, kNonNegative, kNonNegative,
                     kNonNegative, kNonNegative, kNonNegative};
  }
  for (Bounds& x : b.cost) x = kNonNegative;
  for (ShareMeasures<Bounds>* s : {&b.initial, &b.start, &b.period, &b.end}) {
    s->with_problem = s->multi_problem = s->low_trust = s->bounced = s->trust = kUnitInterval;
    for (Bounds& p : s->professionals) p = kUnitInterval;
    s->rung = rung;
  }
  b.bounces = b.resolved = b.resolved_by_coach = kNonNegative;
  for (Bounds& x : b.escalations) x = kNonNegative;
  for (Bounds& x : b.problem_free_years) x = kUnitInterval;
  for (Bounds& x : b.quality_adjusted_years) x = kUnitInterval;
  // A calibration target's figure: a share lies in [0, 1]; every other (rates, waits, lengths, caseloads,
  // spending) cannot be negative.
  for (std::size_t i = 0; i < b.targets.size() && i < shape.targets.size(); ++i) {
    b.targets[i] = shape.targets[i].parsed.is_share() ? kUnitInterval : kNonNegative;
  }
  return b;
}

Measures<Stat> describe_runs(std::span<const RunMeasures> runs, const Measures<Bounds>* bounds) {
  struct Values {
    std::vector<double> v;
    Bounds b;
  };
  Measures<Values> values;
  auto collect = [](Values& v, double x) { v.v.push_back(x); };
  for (const RunMeasures& r : runs) zip(values, r.figures, collect);
  if (bounds) zip(values, *bounds, [](Values& v, const Bounds& b) { v.b = b; });
  Measures<Stat> stats;
  auto stat = [](Stat& s, const Values& v) { s = describe_within(v.v, v.b); };
  zip(stats, values, stat);
  return stats;
}

ScenarioSummary summarise(const Scenario& s, std::vector<RunMeasures> runs) {
  ScenarioSummary sum;
  sum.shape = shape_of(s);
  sum.runs = std::move(runs);
  const Measures<Bounds> bounds = figure_bounds(sum.shape);
  sum.stats = describe_runs(sum.runs, &bounds);
  return sum;
}

ScenarioSummary summarise(const Scenario& s, std::span<const RunResult> results) {
  const ScenarioShape shape = shape_of(s);
  std::vector<RunMeasures> runs;
  runs.reserve(results.size());
  for (const RunResult& r : results) runs.push_back(measure_run(shape, s, r));
  return summarise(s, std::move(runs));
}

ComparisonSummary compare(const ScenarioSummary& intervention, const ScenarioSummary& comparator) {
  check_pairable(intervention.shape, comparator.shape);
  if (intervention.runs.size() != comparator.runs.size())
    throw Error(fmt::format("'{}' has {} runs, its comparator '{}' {}: runs must be paired",
                            intervention.shape.name, intervention.runs.size(), comparator.shape.name,
                            comparator.runs.size()));
  ComparisonSummary cmp;
  cmp.intervention = intervention.shape;
  cmp.comparator = comparator.shape;
  cmp.differences.reserve(intervention.runs.size());
  auto subtract = [](double& d, double c) { d -= c; };
  for (std::size_t i = 0; i < intervention.runs.size(); ++i) {
    const RunMeasures& a = intervention.runs[i];
    const RunMeasures& b = comparator.runs[i];
    if (a.draw != b.draw || a.replication != b.replication)
      throw Error(fmt::format("run {} of '{}' is draw {} replication {}, of '{}' draw {} replication {}", i,
                              intervention.shape.name, a.draw, a.replication, comparator.shape.name, b.draw,
                              b.replication));
    // Each scenario has its own calibration targets: their figures are not differences.
    RunMeasures d = a;
    Measures<double> other = b.figures;
    d.figures.targets.clear();
    other.targets.clear();
    zip(d.figures, other, subtract);
    cmp.differences.push_back(std::move(d));
  }
  cmp.stats = describe_runs(cmp.differences);
  // A difference lies where the policy's figure can lie less the comparator's: a wait of the policy cannot
  // be below 0, so the difference not below minus the comparator's wait. The interval is cut there, at the
  // comparator's mean over the runs whose difference is defined, the runs the mean difference is of (so the
  // mean difference itself always lies inside; over every run of the comparator it did not: a wait defined
  // in 2 of the intervention's runs and 4 of the comparator's; outside attack 24). From 2 replications a t
  // interval of a wait's difference reached -30,2 beside a comparator's 8,2 (outside attack 19).
  struct PairedMean {
    double sum = 0;
    int n = 0;
  };
  Measures<PairedMean> paired;
  for (std::size_t i = 0; i < cmp.differences.size(); ++i) {
    Measures<double> c = comparator.runs[i].figures;
    c.targets.clear();
    zip(c, cmp.differences[i].figures, [](double& x, double d) {
      if (std::isnan(d)) x = kNaN;
    });
    zip(paired, c, [](PairedMean& p, double x) {
      if (!std::isnan(x)) p.sum += x, ++p.n;
    });
  }
  Measures<Bounds> range = figure_bounds(intervention.shape);
  range.targets.clear();
  zip(range, paired, [](Bounds& b, const PairedMean& p) {
    const double m = p.n > 0 ? p.sum / p.n : kNaN;
    b.lo -= m;
    b.hi -= m;
  });
  zip(cmp.stats, range, [](Stat& s, const Bounds& b) { cut_to_range(s, b); });
  return cmp;
}

}  // namespace wijksim
