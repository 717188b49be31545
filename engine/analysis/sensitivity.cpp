#include "wijksim/analysis/sensitivity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/core/error.h"

namespace wijksim {

std::vector<Outcome> standard_outcomes(const ScenarioShape& shape, bool coaches) {
  using M = const Measures<double>&;
  using F = const DecisionFigures&;
  std::vector<Outcome> out;
  out.push_back(
      {{"inmb", "net monetary benefit per household"}, OutcomeUnit::EuroPerHousehold, [](M i, M c, F f) {
         return incremental_nmb(f.cost_per_household(i) - f.cost_per_household(c),
                                f.effect_per_household(i) - f.effect_per_household(c),
                                f.economics().willingness_to_pay);
       }});
  out.push_back({{"delta_cost", "extra cost per household"},
                 OutcomeUnit::EuroPerHousehold,
                 [](M i, M c, F f) { return f.cost_per_household(i) - f.cost_per_household(c); }});
  out.push_back({{"delta_effect", "extra problem-free years per household"},
                 OutcomeUnit::Years,
                 [](M i, M c, F f) { return f.effect_per_household(i) - f.effect_per_household(c); }});
  for (std::size_t p = 0; p < shape.payers.size(); ++p) {
    const int payer = static_cast<int>(p);
    out.push_back(
        {{"budget:" + shape.payers[p].key, "discounted budget difference: " + shape.payers[p].text},
         OutcomeUnit::Euro,
         [payer](M i, M c, F f) { return f.discounted_cost(i, payer) - f.discounted_cost(c, payer); }});
  }
  if (coaches) {
    out.push_back({{"coach_wait", "wait for a coach"},
                   OutcomeUnit::Weeks,
                   [](M i, M, F) { return i.coaches.wait_weeks; },
                   kNonNegative});
    out.push_back({{"caseload", "households per coach FTE"},
                   OutcomeUnit::PerFte,
                   [](M i, M, F) { return i.coaches.caseload_mean; },
                   kNonNegative});
  }
  return out;
}

std::vector<Outcome> capacity_outcomes(const ScenarioShape& intervention) {
  using M = const Measures<double>&;
  using F = const DecisionFigures&;
  std::vector<Outcome> out;
  for (std::size_t a = 0; a < intervention.agencies.size(); ++a) {
    if (a >= intervention.capacity_cut.size() || !intervention.capacity_cut[a]) continue;
    const Label& agency = intervention.agencies[a];
    out.push_back({{"places_funded:" + agency.key, "places funded: " + agency.text},
                   OutcomeUnit::Places,
                   [a](M i, M c, F) { return i.agencies[a].places_funded - c.agencies[a].places_funded; }});
    out.push_back({{"agency_wait:" + agency.key, "wait at " + agency.text},
                   OutcomeUnit::Weeks,
                   [a](M i, M c, F) { return i.agencies[a].wait_weeks - c.agencies[a].wait_weeks; }});
  }
  return out;
}

const Outcome* find_outcome(const std::vector<Outcome>& outcomes, const std::string& key) {
  for (const Outcome& o : outcomes)
    if (o.label.key == key) return &o;
  return nullptr;
}

std::vector<double> outcome_values(const Outcome& o, const DecisionRuns& runs, std::size_t option,
                                   const DecisionFigures& figures) {
  const DecisionFigures f = runs.economics ? figures.with(*runs.economics) : figures;
  const std::vector<RunMeasures>& in = runs.options.at(option);
  const std::vector<RunMeasures>& cmp = runs.options.at(0);
  if (in.size() != cmp.size())
    throw Error(
        fmt::format("sensitivity: option {} has {} runs, its comparator {}", option, in.size(), cmp.size()));
  std::vector<double> v;
  for (std::size_t r = 0; r < in.size(); ++r) v.push_back(o.of(in[r].figures, cmp[r].figures, f));
  return v;
}

double outcome_mean(const Outcome& o, const DecisionRuns& runs, std::size_t option,
                    const DecisionFigures& f) {
  return describe(outcome_values(o, runs, option, f)).mean;
}

double swing(const TornadoBar& bar, double base, std::size_t k) {
  double lo = base, hi = base;
  for (double v : {bar.low.at(k), bar.high.at(k)})
    if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  return hi - lo;
}

void sort_by_swing(std::vector<TornadoBar>& bars, double base) {
  for (TornadoBar& b : bars) b.swing = swing(b, base, 0);
  std::stable_sort(bars.begin(), bars.end(),
                   [](const TornadoBar& a, const TornadoBar& b) { return a.swing > b.swing; });
}

std::vector<Tornado> one_way(const std::vector<OneWayParameter>& parameters, std::size_t options,
                             const std::vector<Outcome>& outcomes, const DecisionFigures& figures,
                             const Simulate& simulate) {
  // The base case, then each parameter's 2.5th and 97.5th percentiles.
  std::vector<Setting> settings(1);
  for (const OneWayParameter& p : parameters) {
    if (p.by_quantile) {
      for (double q : {0.025, 0.975}) settings.push_back({{{p.key, q, true}}, {}, -1});
    } else {
      for (double v : {p.low_value, p.high_value}) settings.push_back({{{p.key, v, false}}, {}, -1});
    }
  }
  const std::vector<DecisionRuns> runs = simulate(settings);
  std::vector<Tornado> out;
  for (std::size_t o = 1; o < options; ++o) {
    Tornado t;
    t.option = o;
    for (const Outcome& oc : outcomes) t.base.push_back(outcome_mean(oc, runs[0], o, figures));
    for (std::size_t k = 0; k < parameters.size(); ++k) {
      const std::vector<std::size_t>& has = parameters[k].options;
      const auto gives = [&](std::size_t x) { return std::find(has.begin(), has.end(), x) != has.end(); };
      if (!has.empty() && !gives(0) && !gives(o)) continue;  // neither this intervention nor its comparator
      TornadoBar b;
      b.parameter = parameters[k].key;
      b.low_value = parameters[k].low_value;
      b.high_value = parameters[k].high_value;
      b.given = !parameters[k].by_quantile;
      b.base_between = parameters[k].base_between;
      for (const Outcome& oc : outcomes) {
        b.low.push_back(outcome_mean(oc, runs[1 + 2 * k], o, figures));
        b.high.push_back(outcome_mean(oc, runs[2 + 2 * k], o, figures));
      }
      t.bars.push_back(std::move(b));
    }
    sort_by_swing(t.bars, t.base.empty() ? 0.0 : t.base[0]);
    out.push_back(std::move(t));
  }
  return out;
}

std::size_t preferred_option(const std::vector<double>& inmb) {
  std::size_t best = 0;
  double value = 0;  // the comparator's own net benefit over itself
  for (std::size_t o = 1; o < inmb.size(); ++o)
    if (inmb[o] > value) best = o, value = inmb[o];
  return best;
}

TwoWay two_way(const std::string& x_parameter, const std::vector<double>& xs, const std::string& y_parameter,
               const std::vector<double>& ys, std::size_t options, const Outcome& inmb,
               const Outcome& delta_cost, const DecisionFigures& figures, const Simulate& simulate) {
  TwoWay t;
  t.x_parameter = x_parameter;
  t.y_parameter = y_parameter;
  t.xs = xs;
  t.ys = ys;
  std::vector<Setting> settings;
  for (double y : ys)
    for (double x : xs) settings.push_back({{{x_parameter, x, false}, {y_parameter, y, false}}, {}, -1});
  const std::vector<DecisionRuns> runs = simulate(settings);
  for (std::size_t j = 0; j < ys.size(); ++j)
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const DecisionRuns& r = runs[j * xs.size() + i];
      TwoWayCell c;
      c.x = xs[i];
      c.y = ys[j];
      c.inmb.assign(options, 0.0);
      c.delta_cost.assign(options, 0.0);
      for (std::size_t o = 1; o < options; ++o) {
        c.inmb[o] = outcome_mean(inmb, r, o, figures);
        c.delta_cost[o] = outcome_mean(delta_cost, r, o, figures);
      }
      c.preferred = preferred_option(c.inmb);
      t.cells.push_back(std::move(c));
    }
  return t;
}

std::vector<double> linspace(double from, double to, int n) {
  if (n <= 1) return {from};
  std::vector<double> v(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) v[static_cast<std::size_t>(k)] = from + (to - from) * k / (n - 1);
  v.back() = to;
  return v;
}

std::vector<std::pair<double, double>> crossings(const std::vector<double>& xs, const std::vector<double>& ys,
                                                 double target) {
  std::vector<std::pair<double, double>> out;
  std::vector<std::size_t> valid;
  for (std::size_t k = 0; k < xs.size(); ++k)
    if (!std::isnan(ys[k])) valid.push_back(k);
  for (std::size_t v = 0; v < valid.size(); ++v) {
    const std::size_t k = valid[v];
    const double a = ys[k] - target;
    if (a == 0) {
      out.emplace_back(xs[k], xs[k]);  // the target met at a grid point
    } else if (v + 1 < valid.size()) {
      const double b = ys[valid[v + 1]] - target;
      if ((a < 0 && b > 0) || (a > 0 && b < 0)) out.emplace_back(xs[k], xs[valid[v + 1]]);
    }
  }
  return out;
}

Bisection bisect(const std::function<double(double)>& f, double lo, double hi, double target,
                 double tolerance, int max_evaluations) {
  Bisection b;
  b.lo = lo;
  b.hi = hi;
  double flo = f(lo) - target, fhi = f(hi) - target;
  b.evaluations = 2;
  if (std::isnan(flo) || std::isnan(fhi) || (flo > 0 && fhi > 0) || (flo < 0 && fhi < 0)) {
    b.root = kNaN;
    return b;
  }
  while (b.hi - b.lo > tolerance && b.evaluations < max_evaluations && flo != 0 && fhi != 0) {
    const double mid = 0.5 * (b.lo + b.hi);
    const double fm = f(mid) - target;
    ++b.evaluations;
    if (std::isnan(fm)) break;
    if ((fm < 0) == (flo < 0) && fm != 0) {
      b.lo = mid;
      flo = fm;
    } else {
      b.hi = mid;
      fhi = fm;
    }
  }
  b.root = flo == 0 ? b.lo : fhi == 0 ? b.hi : b.lo + (b.hi - b.lo) * flo / (flo - fhi);
  return b;
}

namespace {

// One bisection step of several searches at once: each search owns a bracket and asks for its midpoint.
struct Search {
  double lo = 0, hi = 0, flo = 0, fhi = 0;
  bool active = false;
  double root = kNaN;
};

double interpolate(const Search& s) {
  if (s.flo == 0) return s.lo;
  if (s.fhi == 0) return s.hi;
  return s.lo + (s.hi - s.lo) * s.flo / (s.flo - s.fhi);
}

}  // namespace

Threshold solve_threshold(const ThresholdSpec& spec, const Outcome& outcome, const DecisionFigures& figures,
                          const Simulate& simulate, int replications, int grid, double tolerance) {
  Threshold t;
  t.spec = spec;
  const std::vector<std::size_t> options = {0, spec.option};
  auto setting = [&](double x, int replication) {
    return Setting{{{spec.parameter, x, false}}, options, replication};
  };
  // 1. The planning curve on a grid, every replication.
  t.grid_x = linspace(spec.from, spec.to, std::max(grid, 2));
  if (spec.whole) {
    for (double& x : t.grid_x) x = std::round(x);
    t.grid_x.erase(std::unique(t.grid_x.begin(), t.grid_x.end()), t.grid_x.end());
  }
  // The point between two ends that is simulated; none (NaN) when a whole parameter's ends are neighbours.
  auto midpoint = [&](double lo, double hi) {
    if (!spec.whole) return 0.5 * (lo + hi);
    const double m = std::floor(0.5 * (lo + hi));
    return m > std::min(lo, hi) && m < std::max(lo, hi) ? m : kNaN;
  };
  std::vector<Setting> settings;
  for (double x : t.grid_x) settings.push_back(setting(x, -1));
  const std::vector<DecisionRuns> at_grid = simulate(settings);
  t.evaluations += static_cast<int>(settings.size());
  std::vector<std::vector<double>> per_rep;  // [grid point][replication]
  for (const DecisionRuns& r : at_grid) {
    per_rep.push_back(outcome_values(outcome, r, spec.option, figures));
    t.grid_mean.push_back(describe(per_rep.back()).mean);
  }
  const auto brackets = crossings(t.grid_x, t.grid_mean, spec.target);
  t.crossings = static_cast<int>(brackets.size());
  const bool defined =
      std::any_of(t.grid_mean.begin(), t.grid_mean.end(), [](double v) { return !std::isnan(v); });
  if (!defined) {
    t.status = ThresholdStatus::Undefined;
    return t;
  }
  const double tol = spec.whole ? 1.0 : tolerance * std::fabs(spec.to - spec.from);
  auto value_at = [&](const std::vector<double>& v, double x) {
    for (std::size_t k = 0; k < t.grid_x.size(); ++k)
      if (t.grid_x[k] == x) return v[k];
    return kNaN;
  };

  // 2. The mean's first crossing, refined.
  if (brackets.empty()) {
    t.status = ThresholdStatus::NotCrossed;
  } else {
    const auto [a, b] = brackets.front();
    Search s{a, b, value_at(t.grid_mean, a) - spec.target, value_at(t.grid_mean, b) - spec.target, true};
    while (std::fabs(s.hi - s.lo) > tol && s.flo != 0 && s.fhi != 0) {
      const double mid = midpoint(s.lo, s.hi);
      if (std::isnan(mid)) break;
      const DecisionRuns r = simulate({setting(mid, -1)}).at(0);
      ++t.evaluations;
      const double fm = outcome_mean(outcome, r, spec.option, figures) - spec.target;
      if (std::isnan(fm)) break;
      if ((fm < 0) == (s.flo < 0) && fm != 0)
        s.lo = mid, s.flo = fm;
      else
        s.hi = mid, s.fhi = fm;
    }
    t.value = interpolate(s);
    t.rising = s.fhi > s.flo;
    t.status = ThresholdStatus::Found;
  }

  // 3. Each replication's own first crossing, the replications' bisections in step.
  std::vector<Search> searches(static_cast<std::size_t>(replications));
  for (std::size_t r = 0; r < searches.size(); ++r) {
    std::vector<double> ys;
    for (const auto& g : per_rep) ys.push_back(r < g.size() ? g[r] : kNaN);
    const auto br = crossings(t.grid_x, ys, spec.target);
    if (br.empty()) continue;
    Search& s = searches[r];
    s = {br.front().first, br.front().second, value_at(ys, br.front().first) - spec.target,
         value_at(ys, br.front().second) - spec.target, true};
  }
  for (;;) {
    std::vector<Setting> step;
    std::vector<std::size_t> who;
    for (std::size_t r = 0; r < searches.size(); ++r) {
      Search& s = searches[r];
      if (!s.active) continue;
      if (std::fabs(s.hi - s.lo) <= tol || s.flo == 0 || s.fhi == 0 || std::isnan(midpoint(s.lo, s.hi))) {
        s.active = false;
        s.root = interpolate(s);
        continue;
      }
      step.push_back(setting(midpoint(s.lo, s.hi), static_cast<int>(r)));
      who.push_back(r);
    }
    if (step.empty()) break;
    const std::vector<DecisionRuns> r = simulate(step);
    t.evaluations += static_cast<int>(step.size());
    for (std::size_t k = 0; k < who.size(); ++k) {
      Search& s = searches[who[k]];
      const double mid = midpoint(s.lo, s.hi);
      const std::vector<double> v = outcome_values(outcome, r[k], spec.option, figures);
      const double fm = v.empty() ? kNaN : v.front() - spec.target;
      if (std::isnan(fm)) {
        s.active = false;
        s.root = interpolate(s);
      } else if ((fm < 0) == (s.flo < 0) && fm != 0) {
        s.lo = mid, s.flo = fm;
      } else {
        s.hi = mid, s.fhi = fm;
      }
    }
  }
  for (const Search& s : searches) t.per_replication.push_back(s.root);
  // Each replication's crossing lies in the range searched, and so does their mean: the interval is taken
  // on the logit scale of that range, as a share's (13.3), so it stays in it (a plain t interval ran from
  // -0.37 to 1.55 for a probability; an independent check, stop 45).
  t.over_replications =
      describe_within(t.per_replication, Bounds{std::min(spec.from, spec.to), std::max(spec.from, spec.to)});
  return t;
}

std::vector<SweepPoint> sweep(std::size_t option, const std::string& parameter, const std::vector<double>& xs,
                              const std::vector<Outcome>& outcomes, const DecisionFigures& figures,
                              const Simulate& simulate) {
  std::vector<Setting> settings;
  for (double x : xs) settings.push_back({{{parameter, x, false}}, {0, option}, -1});
  const std::vector<DecisionRuns> runs = simulate(settings);
  std::vector<SweepPoint> out;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    SweepPoint p;
    p.x = xs[k];
    for (const Outcome& o : outcomes)
      p.outcomes.push_back(describe_within(outcome_values(o, runs[k], option, figures), o.bounds));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace wijksim
