#include "wijksim/analysis/cost_effectiveness.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "wijksim/core/error.h"
#include "wijksim/core/statistics.h"

namespace wijksim {
namespace {

void require_finite(double v, const char* what) {
  if (!std::isfinite(v)) throw Error(fmt::format("{} must be a finite number, got {}", what, v));
}

// Checks the PSA inputs; returns the number of options.
std::size_t check_psa(const DrawMatrix& costs, const DrawMatrix& effects) {
  if (costs.empty()) throw Error("PSA: no draws");
  if (costs.size() != effects.size()) {
    throw Error(fmt::format("PSA: {} draws of costs but {} of effects", costs.size(), effects.size()));
  }
  const std::size_t k = costs.front().size();
  if (k == 0) throw Error("PSA: no options");
  for (std::size_t d = 0; d < costs.size(); ++d) {
    if (costs[d].size() != k || effects[d].size() != k) {
      throw Error(fmt::format("PSA: draw {} has {} costs and {} effects, expected {} of each", d,
                              costs[d].size(), effects[d].size(), k));
    }
    for (std::size_t o = 0; o < k; ++o) {
      if (!std::isfinite(costs[d][o]) || !std::isfinite(effects[d][o])) {
        throw Error(fmt::format("PSA: draw {}, option {}: cost {} and effect {} must be finite", d, o,
                                costs[d][o], effects[d][o]));
      }
    }
  }
  return k;
}

}  // namespace

const char* to_string(Quadrant q) {
  switch (q) {
    case Quadrant::NE:
      return "NE";
    case Quadrant::SE:
      return "SE";
    case Quadrant::NW:
      return "NW";
    case Quadrant::SW:
      return "SW";
    case Quadrant::Origin:
      return "origin";
  }
  return "unknown";
}

Icer icer(double delta_cost, double delta_effect) {
  require_finite(delta_cost, "incremental cost");
  require_finite(delta_effect, "incremental effect");
  Icer r;
  r.delta_cost = delta_cost;
  r.delta_effect = delta_effect;
  r.value = kNaN;
  const double dc = delta_cost, de = delta_effect;
  // Exact zero counts as "no difference": cheaper at equal effect is still dominant (SE), dearer at equal
  // effect still dominated (NW). Only a strict trade-off (both differences non-zero, same sign) has a ratio.
  if (dc == 0 && de == 0) {
    r.quadrant = Quadrant::Origin;
  } else if (dc <= 0 && de >= 0) {
    r.quadrant = Quadrant::SE;
  } else if (dc >= 0 && de <= 0) {
    r.quadrant = Quadrant::NW;
  } else if (dc > 0) {
    r.quadrant = Quadrant::NE;
    r.value = dc / de;
  } else {
    // SW: dc < 0, de < 0. The ratio is positive: euros saved per unit of effect given up. Unlike NE, a
    // higher ratio is better here (accept when it exceeds willingness to pay), so the text says so.
    r.quadrant = Quadrant::SW;
    r.value = dc / de;
  }
  return r;
}

double nmb(double cost, double effect, double wtp) {
  return wtp * effect - cost;
}

double incremental_nmb(double delta_cost, double delta_effect, double wtp) {
  return wtp * delta_effect - delta_cost;
}

const char* to_string(FrontierStatus s) {
  switch (s) {
    case FrontierStatus::Frontier:
      return "frontier";
    case FrontierStatus::Dominated:
      return "dominated";
    case FrontierStatus::ExtendedlyDominated:
      return "extendedly dominated";
  }
  return "unknown";
}

Frontier efficiency_frontier(const std::vector<double>& costs, const std::vector<double>& effects) {
  if (costs.size() != effects.size()) {
    throw Error(fmt::format("efficiency frontier: {} costs but {} effects", costs.size(), effects.size()));
  }
  const std::size_t n = costs.size();
  for (std::size_t i = 0; i < n; ++i) {
    require_finite(costs[i], "an option's cost");
    require_finite(effects[i], "an option's effect");
  }
  Frontier f;
  f.options.resize(n);
  if (n == 0) return f;

  // Cheapest first; at equal cost the more effective first; then input order (stable), so that of two
  // identical options the first one listed stays on the frontier.
  std::vector<std::size_t> sorted(n);
  std::iota(sorted.begin(), sorted.end(), std::size_t{0});
  std::stable_sort(sorted.begin(), sorted.end(), [&](std::size_t x, std::size_t y) {
    if (costs[x] != costs[y]) return costs[x] < costs[y];
    return effects[x] > effects[y];
  });

  // Strong dominance: some option listed earlier (no more costly) is at least as effective.
  std::vector<std::size_t> nd;
  double best_effect = -std::numeric_limits<double>::infinity();
  for (std::size_t i : sorted) {
    if (effects[i] <= best_effect) {
      f.options[i].status = FrontierStatus::Dominated;
    } else {
      nd.push_back(i);
      best_effect = effects[i];
    }
  }
  // Along nd both cost and effect now strictly increase, so every successive ICER is finite and positive.
  auto icer_between = [&](std::size_t from, std::size_t to) {
    return (costs[to] - costs[from]) / (effects[to] - effects[from]);
  };

  // Extended dominance: an option whose ICER (from its predecessor) exceeds the next option's ICER lies
  // above the line joining its neighbours; a mix of them gives more effect for the same cost. Remove all
  // such options, recompute, and repeat until the ICERs increase (dampack removes them pass by pass too).
  while (nd.size() > 2) {
    std::vector<bool> extended(nd.size(), false);
    bool any = false;
    for (std::size_t j = 1; j + 1 < nd.size(); ++j) {
      if (icer_between(nd[j - 1], nd[j]) > icer_between(nd[j], nd[j + 1])) {
        extended[j] = true;
        any = true;
      }
    }
    if (!any) break;
    std::vector<std::size_t> kept;
    for (std::size_t j = 0; j < nd.size(); ++j) {
      if (extended[j]) {
        f.options[nd[j]].status = FrontierStatus::ExtendedlyDominated;
      } else {
        kept.push_back(nd[j]);
      }
    }
    nd = std::move(kept);
  }

  for (std::size_t j = 1; j < nd.size(); ++j) {
    FrontierOption& o = f.options[nd[j]];
    o.previous = nd[j - 1];
    o.delta_cost = costs[nd[j]] - costs[nd[j - 1]];
    o.delta_effect = effects[nd[j]] - effects[nd[j - 1]];
    o.icer = o.delta_cost / o.delta_effect;
  }
  f.order = std::move(nd);
  return f;
}

std::vector<double> wtp_grid(double from, double to, std::size_t points) {
  require_finite(from, "willingness to pay");
  require_finite(to, "willingness to pay");
  if (points == 0) throw Error("willingness-to-pay grid: need at least one point");
  if (points == 1) return {from};
  std::vector<double> grid(points);
  for (std::size_t i = 0; i < points; ++i) {
    grid[i] = from + (to - from) * static_cast<double>(i) / static_cast<double>(points - 1);
  }
  grid.back() = to;  // exactly, whatever the rounding of the step
  return grid;
}

void add_frontier_icers(std::vector<double>& grid, const Frontier& frontier) {
  if (grid.empty()) return;
  const double top = grid.back();
  for (const std::size_t o : frontier.order) {
    const double icer = std::round(frontier.options[o].icer);
    if (!(icer > grid.front() && icer < top)) continue;  // NaN for the cheapest: never added
    if (std::any_of(grid.begin(), grid.end(), [&](double w) { return std::fabs(w - icer) < 0.5; })) continue;
    grid.insert(std::upper_bound(grid.begin(), grid.end(), icer), icer);
  }
}

std::vector<double> column_means(const DrawMatrix& m) {
  if (m.empty()) throw Error("column means: no rows");
  std::vector<double> sum(m.front().size(), 0.0);
  for (const auto& row : m) {
    if (row.size() != sum.size()) throw Error("column means: rows differ in length");
    for (std::size_t o = 0; o < row.size(); ++o) sum[o] += row[o];
  }
  for (double& s : sum) s /= static_cast<double>(m.size());
  return sum;
}

std::vector<double> probability_best(const DrawMatrix& costs, const DrawMatrix& effects,
                                     const std::vector<double>& wtp_by_draw) {
  const std::size_t k = check_psa(costs, effects);
  if (wtp_by_draw.size() != costs.size())
    throw Error(fmt::format("probability best: {} willingness-to-pay values for {} draws", wtp_by_draw.size(),
                            costs.size()));
  std::vector<double> p(k, 0.0), b(k);
  for (std::size_t d = 0; d < costs.size(); ++d) {
    for (std::size_t o = 0; o < k; ++o) b[o] = nmb(costs[d][o], effects[d][o], wtp_by_draw[d]);
    const double best = *std::max_element(b.begin(), b.end());
    const auto ties = static_cast<double>(std::count(b.begin(), b.end(), best));
    for (std::size_t o = 0; o < k; ++o)
      if (b[o] == best) p[o] += 1.0 / ties;
  }
  for (double& x : p) x /= static_cast<double>(costs.size());
  return p;
}

AcceptabilityCurves ceac(const DrawMatrix& costs, const DrawMatrix& effects, const std::vector<double>& wtp) {
  check_psa(costs, effects);
  AcceptabilityCurves out;
  out.wtp = wtp;
  for (double w : wtp)
    out.probability.push_back(probability_best(costs, effects, std::vector<double>(costs.size(), w)));
  return out;
}

std::vector<AcceptabilityFrontierPoint> ceaf(const DrawMatrix& costs, const DrawMatrix& effects,
                                             const std::vector<double>& wtp) {
  const AcceptabilityCurves curves = ceac(costs, effects, wtp);  // also checks the inputs
  const std::vector<double> mean_cost = column_means(costs);
  const std::vector<double> mean_effect = column_means(effects);
  std::vector<AcceptabilityFrontierPoint> out(wtp.size());
  for (std::size_t w = 0; w < wtp.size(); ++w) {
    AcceptabilityFrontierPoint& pt = out[w];
    pt.wtp = wtp[w];
    pt.option = 0;
    pt.expected_nmb = nmb(mean_cost[0], mean_effect[0], wtp[w]);
    for (std::size_t o = 1; o < mean_cost.size(); ++o) {
      const double e = nmb(mean_cost[o], mean_effect[o], wtp[w]);
      if (e > pt.expected_nmb) {
        pt.option = o;
        pt.expected_nmb = e;
      }
    }
    pt.probability_optimal = curves.probability[w][pt.option];
  }
  return out;
}

std::vector<double> evpi(const DrawMatrix& costs, const DrawMatrix& effects, const std::vector<double>& wtp) {
  const std::size_t k = check_psa(costs, effects);
  const std::vector<double> mean_cost = column_means(costs);
  const std::vector<double> mean_effect = column_means(effects);
  std::vector<double> out(wtp.size());
  std::vector<double> b(k);
  for (std::size_t w = 0; w < wtp.size(); ++w) {
    // The option chosen on current information: highest expected NMB.
    std::size_t chosen = 0;
    for (std::size_t o = 1; o < k; ++o) {
      if (nmb(mean_cost[o], mean_effect[o], wtp[w]) > nmb(mean_cost[chosen], mean_effect[chosen], wtp[w])) {
        chosen = o;
      }
    }
    // E[max_o NMB_o] - E[NMB_chosen], summed as one mean of non-negative regrets: the value of knowing
    // each draw's best option instead of always taking `chosen`. Equal to E[max] - max E by construction,
    // and never negative, not even by rounding.
    double regret = 0.0;
    for (std::size_t d = 0; d < costs.size(); ++d) {
      for (std::size_t o = 0; o < k; ++o) b[o] = nmb(costs[d][o], effects[d][o], wtp[w]);
      regret += *std::max_element(b.begin(), b.end()) - b[chosen];
    }
    out[w] = regret / static_cast<double>(costs.size());
  }
  return out;
}

double probability_cost_saving(const DrawMatrix& costs, std::size_t option, std::size_t reference) {
  if (costs.empty()) throw Error("probability cost-saving: no draws");
  std::size_t saving = 0;
  for (const auto& row : costs) {
    if (option >= row.size() || reference >= row.size()) {
      throw Error(fmt::format("probability cost-saving: option {} or reference {} out of range ({} options)",
                              option, reference, row.size()));
    }
    if (row[option] - row[reference] < 0) ++saving;
  }
  return static_cast<double>(saving) / static_cast<double>(costs.size());
}

}  // namespace wijksim
