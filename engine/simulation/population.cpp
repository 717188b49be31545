#include "wijksim/simulation/population.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace wijksim {

int draw_category(double u, const double* shares, int n) {
  double acc = 0;
  for (int i = 0; i < n - 1; ++i) {
    acc += shares[i];
    if (u < acc) return i;
  }
  return n - 1;
}

void draw_population(const Model& m, const RandomStreams& rng, std::vector<Household>& households,
                     std::vector<QueueJoin>& joins) {
  const Scenario& s = m.scenario();
  const Population& pop = s.population;
  const std::vector<Neighbourhood> areas = pop.areas();
  const int n = pop.households;
  const int nd = m.domains();
  households.assign(static_cast<std::size_t>(n), Household{});
  joins.clear();

  for (int id = 0; id < n; ++id) {
    Household& h = households[static_cast<std::size_t>(id)];
    const int nbh = m.neighbourhood_of(static_cast<std::uint32_t>(id));
    const Neighbourhood& area = areas[static_cast<std::size_t>(nbh)];
    const auto uid = static_cast<std::uint32_t>(id);
    auto hb = rng.block(uid, 0, Stream::InitialHousehold);
    h.rung = static_cast<std::uint8_t>(
        1 + draw_category(RandomStreams::to_unit(hb[0]), area.rung_shares.data(), kRungs));
    // Trust: a normal clamped to [0, 1].
    const double z = standard_normal(RandomStreams::to_unit(hb[1]), RandomStreams::to_unit(hb[2]));
    h.trust_base = static_cast<std::uint8_t>(
        std::lround(std::clamp(area.trust_mean + area.trust_sd * z, 0.0, 1.0) * 255.0));

    auto pb = rng.block(uid, 0, Stream::InitialProblems, 0);
    const auto& counts = area.problem_count_shares;
    int k = std::min(
        draw_category(RandomStreams::to_unit(pb[0]), counts.data(), static_cast<int>(counts.size())), nd);
    const auto& rows = pop.professionals_given_problems;
    const auto& row = rows[static_cast<std::size_t>(std::min<int>(k, static_cast<int>(rows.size()) - 1))];
    int professionals =
        draw_category(RandomStreams::to_unit(hb[3]), row.data(), static_cast<int>(row.size()));

    // Which domains: drawn without replacement, weighted by their incidence on this household's rung.
    const LifeRates& rates = m.life(nbh, false, h.rung, 0);
    std::array<int, kMaxDomains> chosen{};
    std::array<bool, kMaxDomains> taken{};
    for (int i = 0; i < k; ++i) {
      double total = 0;
      for (int d = 0; d < nd; ++d)
        if (!taken[d]) total += rates.incidence[d];
      double u = RandomStreams::to_unit(rng.block(uid, 0, Stream::InitialProblems, 1 + i / 4)[i % 4]);
      double x = u * total;
      int pick_d = -1;
      for (int d = 0; d < nd; ++d) {
        if (taken[d]) continue;
        pick_d = d;
        x -= rates.incidence[d];
        if (x < 0) break;
      }
      taken[pick_d] = true;
      chosen[i] = pick_d;
    }

    // The first `professionals` problems have an agency; beyond one per problem, duplicates.
    int placed = 0;
    for (int i = 0; i < k; ++i) {
      int d = chosen[i];
      Problem& p = h.problems[d];
      auto b = rng.block(uid, 0, Stream::InitialProblemState, d);
      p.set_status(ProblemStatus::Unnoticed);
      p.set(Problem::kComplex, RandomStreams::to_unit(b[1]) < m.domain(d).complex_share);
      p.set_onset(0);
      ++h.active_count;
      if (placed < professionals) {
        const auto& ags = m.domain(d).agencies;
        p.agency = ags[std::min<std::size_t>(
            static_cast<std::size_t>(RandomStreams::to_unit(b[2]) * ags.size()), ags.size() - 1)];
        p.set_status(ProblemStatus::Waiting);
        joins.push_back({uid, p.onset(), static_cast<std::uint8_t>(d), p.agency, 0});
        ++placed;
      }
    }
    // A domain served by one agency gets its second professional from an agency outside the domain
    // (social work beside the only agency for a problem), so the survey's 2 and 3+ can be reproduced
    // whichever domains a household's problems fall in.
    for (int i = 0; i < k && placed < professionals; ++i) {
      Problem& p = h.problems[chosen[i]];
      if (p.status() != ProblemStatus::Waiting) continue;
      const DomainModel& dm = m.domain(chosen[i]);
      if (dm.agencies.size() >= 2) {
        p.duplicate = dm.agencies[0] == p.agency ? dm.agencies[1] : dm.agencies[0];
      } else if (!dm.other_agencies.empty()) {
        const double u = RandomStreams::to_unit(rng.block(uid, 0, Stream::InitialProblemState, chosen[i])[3]);
        const auto n_other = dm.other_agencies.size();
        p.duplicate =
            dm.other_agencies[std::min<std::size_t>(static_cast<std::size_t>(u * n_other), n_other - 1)];
      } else {
        continue;
      }
      ++placed;
    }
  }
}

}  // namespace wijksim
