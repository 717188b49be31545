#include "wijksim/model/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace wijksim {

Model::Model(const Scenario& s)
    : scenario_(s),
      n_domains_(static_cast<int>(s.domains.size())),
      n_agencies_(static_cast<int>(s.agencies.size())),
      n_payers_(static_cast<int>(s.payers.size())) {
  const Fragmentation& frag = s.fragmentation;

  for (int a = 0; a < n_agencies_; ++a) {
    const Agency& ag = s.agencies[a];
    AgencyModel m;
    m.end_p = weekly_end_probability(ag.treatment_weeks);
    m.end_log_stay = std::log1p(-m.end_p);
    m.success = ag.success_probability;
    m.intake_cost = ag.intake_cost;
    m.cost_per_case_week = ag.cost_per_case_week;
    m.duplicate_cost_per_week =
        static_cast<Cents>(std::llround(ag.cost_per_case_week * frag.duplicate_cost_share));
    m.intake_weeks = ag.intake_weeks;
    m.payer = ag.payer;
    m.capacity = ag.capacity;
    m.activity_funded = ag.funding == AgencyFunding::Activity;
    agencies_.push_back(m);
  }

  for (int d = 0; d < n_domains_; ++d) {
    const Domain& dom = s.domains[d];
    DomainModel m;
    m.resolve_p = weekly_probability(dom.resolution_per_year);
    m.resolve_log_stay = -dom.resolution_per_year / kWeeksPerYear;  // log(1 - p) = -rate/52 exactly
    m.seek_p = weekly_probability(dom.seek_help_per_year);
    for (int trust = 0; trust < kTrustLevels; ++trust) {
      const double p = m.seek_p * seek_trust_factor(trust / 255.0);
      m.seek_p_at[static_cast<std::size_t>(trust)] = p;
      m.seek_log_stay_at[static_cast<std::size_t>(trust)] = std::log1p(-p);
    }
    m.complex_share = dom.complex_share;
    // In treatment or with the coach the escalation rate is multiplied by escalation_in_treatment_factor.
    for (int treated = 0; treated < 2; ++treated) {
      EscalationCurve& curve = m.escalation[static_cast<std::size_t>(treated)];
      const double factor = treated ? frag.escalation_in_treatment_factor : 1.0;
      curve.base = factor * dom.escalation_per_year / kWeeksPerYear;
      curve.growth = dom.escalation_growth_per_year / kWeeksPerYear;
    }
    for (int a = 0; a < n_agencies_; ++a) {
      bool serves = (s.agencies[a].domain_mask >> d) & 1u;
      (serves ? m.agencies : m.other_agencies).push_back(static_cast<std::uint8_t>(a));
    }
    m.escalation_cost = dom.escalation_cost;
    m.escalation_payer = dom.escalation_payer;
    domains_.push_back(std::move(m));
  }

  // Per neighbourhood: life-event rates (incidence times the neighbourhood's deprivation) and usual trust.
  const Ladder& lad = s.ladder;
  const std::vector<Neighbourhood> areas = s.population.areas();
  std::uint32_t first = 0;
  for (const Neighbourhood& area : areas) {
    first_household_.push_back(first);
    first += static_cast<std::uint32_t>(area.households);
    NeighbourhoodTables& t = tables_.emplace_back();
    t.trust_usual = std::clamp(area.trust_mean, 0.0, 1.0) * 255.0;
    for (int relapse = 0; relapse < 2; ++relapse)
      for (int rung = 1; rung <= kRungs; ++rung)
        for (int active = 0; active <= kMaxDomains; ++active) {
          LifeRates& r = t.life[relapse][rung - 1][active];
          for (int d = 0; d < n_domains_; ++d) {
            const Domain& dom = s.domains[d];
            double rate = area.incidence_factor * dom.incidence_per_year *
                          std::pow(dom.rung_factor, kRungs - rung) * std::pow(dom.clustering_factor, active);
            if (relapse) rate *= s.coaches.relapse_factor;
            r.incidence[d] = rate;
          }
          r.climb = rung < kRungs ? lad.climb_per_year * std::pow(lad.climb_factor_per_problem, active) : 0.0;
          r.drop = rung > 1 ? lad.drop_per_year + lad.drop_per_year_per_problem * active : 0.0;
        }
    const unsigned masks = 1u << n_domains_;
    for (int relapse = 0; relapse < 2; ++relapse)
      for (int rung = 1; rung <= kRungs; ++rung) {
        auto& totals = t.total[relapse][rung - 1];
        auto& ps = t.p[relapse][rung - 1];
        totals.resize(masks);
        ps.resize(masks);
        for (unsigned mask = 0; mask < masks; ++mask) {
          const LifeRates& r = t.life[relapse][rung - 1][std::popcount(mask)];
          // Summed in the same order as a household with a coach sums it (household_step.cpp).
          double total = r.climb + r.drop;
          for (int d = 0; d < n_domains_; ++d)
            if (!((mask >> d) & 1u)) total += r.incidence[d];
          totals[mask] = total;
          ps[mask] = weekly_probability(total);
        }
      }
  }
  // Trust regains a share R of its distance from the usual level a year: (1 - R)^(1/52) of it stays a week.
  const double recovery = std::clamp(s.population.trust_recovery_per_year, 0.0, 1.0);
  recovers_ = recovery > 0;
  trust_log_decay_per_week_ = recovery >= 1.0 ? -1e300 : std::log1p(-recovery) / kWeeksPerYear;
  for (int k = 0; k < kTrustDecayWeeks; ++k)
    trust_decay_[static_cast<std::size_t>(k)] = k == 0 ? 1.0 : std::exp(k * trust_log_decay_per_week_);
  // The week of trust's next step, by the steps taken so far. Each is found by search once, here: trust's
  // level never falls back, since what is left of the distance, exp(weeks log((1 - R)^(1/52))), never rises
  // from one week to the next (consecutive exponents differ by far more than exp's rounding error, or the
  // level stays within a step of where it was set), so the next step after k depends on k alone, not on the
  // week the household asks in.
  if (recovers_) {
    trust_steps_.assign(tables_.size() * kTrustLevels, {});
    for (int nbh = 0; nbh < neighbourhoods(); ++nbh)
      for (int base = 0; base < kTrustLevels; ++base) {
        auto& next =
            trust_steps_[static_cast<std::size_t>(nbh) * kTrustLevels + static_cast<std::size_t>(base)];
        next.fill(kNeverWeek);
        const auto b = static_cast<std::uint8_t>(base);
        for (int from = 1; from < kNeverWeek;) {
          const int taken = std::abs(trust_level(nbh, b, from - 1) - base) / kTrustStep;
          const int week = trust_change_week_by_search(nbh, b, 0, from);
          next[static_cast<std::size_t>(taken)] = static_cast<std::uint16_t>(week);
          from = week + 1;
        }
      }
  }
  for (int d = 0; d < n_domains_; ++d)
    if (s.domains[d].spell) {
      spell_domain_ = d;
      spell_exit_p_ = weekly_probability(s.domains[d].spell_exit_per_year);
      spell_exit_log_stay_ = -s.domains[d].spell_exit_per_year / kWeeksPerYear;
      spell_cost_per_week_ = static_cast<Cents>(
          std::llround(static_cast<double>(s.domains[d].spell_cost_per_year) / kWeeksPerYear));
      spell_transfer_per_week_ = static_cast<Cents>(
          std::llround(static_cast<double>(s.domains[d].spell_transfer_per_year) / kWeeksPerYear));
    }
  const Coaches& coaches = s.coaches;
  const double trust_steps_per_year = coaches.trust_gain_per_year * 255.0 / kTrustStep;
  trust_step_p_ = weekly_probability(trust_steps_per_year);
  trust_step_log_stay_ = -trust_steps_per_year / kWeeksPerYear;
  const double outreach_p = weekly_probability(coaches.outreach_per_year);
  const double self_p = weekly_probability(coaches.self_referral_per_year);
  for (int trust = 0; trust < kTrustLevels; ++trust) {
    const double self = self_p * seek_trust_factor(trust / 255.0);
    const double stay = (1.0 - outreach_p) * (1.0 - self);
    contact_p_[static_cast<std::size_t>(trust)] = 1.0 - stay;
    contact_log_stay_[static_cast<std::size_t>(trust)] = std::log(stay);
    self_share_[static_cast<std::size_t>(trust)] = stay < 1.0 ? self / (1.0 - stay) : 0.0;
  }

  // The coaches' scale-up: its steps, their cost and the agencies' capacity in each.
  const Coaches& c = s.coaches;
  std::vector<CoachPhase> steps = c.schedule;
  if (steps.empty()) steps.push_back({0, c.teams, c.fte});
  for (const CoachPhase& step : steps) {
    CoachPhaseModel phase{step.week, step.teams, step.fte, std::vector<Cents>(n_payers_, 0), {}};
    for (const AgencyModel& a : agencies_) phase.capacity.push_back(a.capacity);
    if (c.enabled) {
      if (c.funding == Funding::Additional) {
        phase.cost_per_week[c.funding_payer] = static_cast<Cents>(
            std::llround(step.fte * static_cast<double>(c.cost_per_fte_year) / kWeeksPerYear));
      } else {
        const Reallocation r = reallocation(s, step.fte);
        for (int a = 0; a < n_agencies_; ++a) {
          phase.cost_per_week[agencies_[a].payer] += r.bill_per_week[a];
          phase.capacity[a] = std::max(0, phase.capacity[a] - r.places[a]);
        }
      }
    }
    phases_.push_back(std::move(phase));
  }
}

Reallocation reallocation(const Scenario& s, double fte) {
  const Coaches& c = s.coaches;
  const std::size_t n = s.agencies.size();
  Reallocation r{std::vector<Cents>(n, 0), std::vector<int>(n, 0)};
  const double yearly = fte * static_cast<double>(c.cost_per_fte_year);  // cents per year
  const Cents weekly = static_cast<Cents>(std::llround(yearly / kWeeksPerYear));
  double total_share = 0;
  for (const Agency& a : s.agencies) total_share += std::max(0.0, a.reallocation_share);
  if (total_share <= 0) return r;
  double cumulative = 0;
  Cents booked = 0;
  for (std::size_t a = 0; a < n; ++a) {
    const double share = s.agencies[a].reallocation_share;
    if (share <= 0) continue;
    cumulative += share;
    const Cents upto =
        static_cast<Cents>(std::llround(cumulative / total_share * static_cast<double>(weekly)));
    r.bill_per_week[a] = upto - booked;
    booked = upto;
    const double place_per_year = static_cast<double>(s.agencies[a].cost_per_case_week) * kWeeksPerYear;
    // Counted in a double and capped before converting: a budget far above what a place costs must not
    // overflow the count (a wrapped count could even create places).
    const double places =
        place_per_year > 0 ? std::round(share / total_share * yearly / place_per_year) : 0.0;
    r.places[a] = places >= std::numeric_limits<int>::max() ? std::numeric_limits<int>::max()
                                                            : static_cast<int>(places);
  }
  return r;
}

std::string reallocation_problem(const Scenario& s) {
  const Coaches& c = s.coaches;
  if (!c.enabled || c.funding != Funding::Reallocated) return "";
  std::vector<CoachPhase> steps = c.schedule;
  if (steps.empty()) steps.push_back({0, c.teams, c.fte});
  for (const CoachPhase& step : steps) {
    const Reallocation r = reallocation(s, step.fte);
    for (std::size_t a = 0; a < s.agencies.size(); ++a)
      if (r.places[a] > s.agencies[a].capacity)
        return fmt::format(
            "paying {} coach FTE by reallocation takes {} places from {}, which has {}: lower its "
            "reallocation_share or the coaches' FTE, or fund them additionally",
            step.fte, r.places[a], s.agencies[a].name, s.agencies[a].capacity);
  }
  return "";
}

int Model::trust_change_week_by_search(int nbh, std::uint8_t base, int set, int from) const {
  const double distance = std::fabs(tables_[static_cast<std::size_t>(nbh)].trust_usual - base);
  // Steps taken by the week before `from`; the next one is taken once the exact recovery reaches one more.
  const int taken = std::abs(trust_level(nbh, base, from - 1 - set) - base) / kTrustStep;
  const double next = static_cast<double>(taken + 1) * kTrustStep;
  if (next >= distance) return kNeverWeek;  // the usual level is less than a step away: no step is left
  // (1 - R)^(n / 52) <= 1 - next / distance, from the closed form; then checked week by week with
  // trust_level itself, so a rounding of the logarithm cannot move it.
  const double weeks = std::log1p(-next / distance) / trust_log_decay_per_week_;
  int week = weeks < kNeverWeek ? std::max(from, set + static_cast<int>(std::ceil(weeks))) : kNeverWeek;
  const auto level = [&](int w) { return trust_level(nbh, base, w - set); };
  const std::uint8_t before = level(from - 1);
  while (week > from && level(week - 1) != before) --week;
  while (week < kNeverWeek && level(week) == before) ++week;
  return std::min(week, static_cast<int>(kNeverWeek));
}

}  // namespace wijksim
