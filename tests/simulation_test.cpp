// Determinism and conservation of the weekly driver.
#include <oneapi/tbb/global_control.h>

#include <catch2/catch.hpp>
#include <numeric>

#include "fixtures.h"
#include "wijksim/model/model.h"
#include "wijksim/simulation/simulation.h"

using namespace wijksim;

namespace {

RunResult run_with_threads(const Scenario& s, int threads, std::uint32_t replication = 0) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  Model m(s);
  return simulate(m, {s.simulation.seed, 0, replication});
}

}  // namespace

TEST_CASE("a run gives bit-identical results on 1, 2, 3 and 16 threads", "[simulation][determinism]") {
  // 5,000 households span three chunks, so two or three threads really step different chunks at once; 3 is
  // odd (chunks do not divide evenly), 16 oversubscribes the machine (threads outnumber chunks and cores).
  Scenario s = test::small_city(5000, true);
  const RunResult one = run_with_threads(s, 1);
  for (int threads : {2, 3, 16}) {
    INFO(threads << " threads");
    const RunResult other = run_with_threads(s, threads);
    REQUIRE(one.weeks.size() == other.weeks.size());
    CHECK(one.checksum == other.checksum);
    for (std::size_t w = 0; w < one.weeks.size(); ++w) {
      CHECK(one.weeks[w].cost == other.weeks[w].cost);
      CHECK(one.weeks[w].households.professionals == other.weeks[w].households.professionals);
      CHECK(one.weeks[w].coach_caseload == other.weeks[w].coach_caseload);
    }
  }
}

TEST_CASE("different replications differ, the same replication repeats", "[simulation][determinism]") {
  Scenario s = test::small_city(2000, false);
  Model m(s);
  RunResult a = simulate(m, {7, 0, 0});
  RunResult b = simulate(m, {7, 0, 0});
  RunResult c = simulate(m, {7, 0, 1});
  CHECK(a.checksum == b.checksum);
  CHECK(a.checksum != c.checksum);
}

TEST_CASE("problems are conserved: each week the active problems change by the new minus the resolved",
          "[simulation][conservation]") {
  // Two independent accounts of the same problems: the running household counts (active problems per
  // domain, households by number of problems, kept by adding and removing each household's contribution)
  // and the week's event counters (new problems, resolved problems, counted where each event happens). A
  // problem started or ended without being counted, or counted without happening, breaks the balance.
  // (That the professionals columns add up to the households holds by construction, so it is not a test.)
  Scenario s = test::small_city(3000, true);
  Model m(s);
  RunResult r = simulate(m, {11, 0, 0});
  auto active = [](const HouseholdMeasures& h) {
    return std::accumulate(h.active_by_domain.begin(), h.active_by_domain.end(), std::int64_t{0});
  };
  std::int64_t new_problems = 0, resolved = 0;
  for (std::size_t w = 1; w < r.weeks.size(); ++w) {
    INFO("policy week " << w);
    const HouseholdMeasures& h = r.weeks[w].households;
    CHECK(active(h) - active(r.weeks[w - 1].households) == r.weeks[w].new_problems - r.weeks[w].resolved);
    // The same problems counted by household: sum over k of k * (households with k problems).
    std::int64_t by_household = 0;
    for (std::size_t k = 0; k < h.by_problems.size(); ++k)
      by_household += static_cast<std::int64_t>(k) * h.by_problems[k];
    CHECK(by_household == active(h));
    CHECK(h.with_problem == 3000 - h.by_problems[0]);
    CHECK(h.multi_problem == 3000 - h.by_problems[0] - h.by_problems[1]);
    CHECK(r.weeks[w].resolved_by_coach <= r.weeks[w].resolved);
    new_problems += r.weeks[w].new_problems;
    resolved += r.weeks[w].resolved;
  }
  // Not vacuous: problems come and go in numbers.
  CHECK(new_problems > 1000);
  CHECK(resolved > 1000);
}

TEST_CASE("scenarios sharing a warm-up give bit-identical results run together or alone",
          "[simulation][determinism]") {
  // The baseline and the coach scenario have the same population and fragmented baseline: the warm-up is
  // simulated once and both policy periods continue from copies of its end.
  Scenario base = test::small_city(3000, false);
  Scenario coach = test::small_city(3000, true);
  for (Scenario* s : {&base, &coach}) s->simulation.warmup_years = 2;
  REQUIRE(shares_warmup(base, coach));
  const Model mb(base), mc(coach);
  const std::vector<const Model*> models = {&mb, &mc};
  const std::vector<RunResult> together = simulate_shared_warmup(models, 5, 0, 3);
  const RunResult alone_base = simulate(mb, {5, 0, 3});
  const RunResult alone_coach = simulate(mc, {5, 0, 3});
  REQUIRE(together.size() == 2);
  CHECK(together[0].checksum == alone_base.checksum);
  CHECK(together[1].checksum == alone_coach.checksum);
  CHECK(together[0].checksum != together[1].checksum);  // the coaches make a difference
  for (std::size_t w = 0; w < alone_coach.weeks.size(); ++w) {
    CHECK(together[1].weeks[w].cost == alone_coach.weeks[w].cost);
    CHECK(together[1].weeks[w].households.with_problem == alone_coach.weeks[w].households.with_problem);
  }
  // A different population does not share it.
  Scenario other = base;
  other.population.households = 2999;
  CHECK(!shares_warmup(base, other));
  other = base;
  other.domains[0].incidence_per_year *= 2;
  CHECK(!shares_warmup(base, other));
}

TEST_CASE("coaches that never take anybody on change nothing: common random numbers survive them",
          "[simulation][determinism]") {
  // The same city with coaches whose cap is 0: outreach keeps finding households (1 a year) but there is
  // never room, and nobody asks (no self-referral), so no household ever gets a coach. Every household
  // must then live exactly the baseline's life, week by week: its other events are drawn from the same
  // numbers (the coach contact has a clock of its own), and a contact that changes nothing leaves them be.
  // Only the coaches' own cost differs.
  Scenario base = test::small_city(4000, false);
  Scenario idle = test::small_city(4000, true);
  idle.coaches.caseload_cap_per_fte = 0;
  idle.coaches.caseload_norm_per_fte = 0;
  idle.coaches.self_referral_per_year = 0;
  const Model mb(base), mi(idle);
  const RunResult b = simulate(mb, {3, 0, 0});
  const RunResult i = simulate(mi, {3, 0, 0});
  REQUIRE(b.weeks.size() == i.weeks.size());
  for (std::size_t w = 0; w < b.weeks.size(); ++w) {
    INFO("week " << w);
    CHECK(i.weeks[w].coach_caseload == 0);
    CHECK(i.weeks[w].households.with_problem == b.weeks[w].households.with_problem);
    CHECK(i.weeks[w].households.professionals == b.weeks[w].households.professionals);
    CHECK(i.weeks[w].households.trust_sum == b.weeks[w].households.trust_sum);
    CHECK(i.weeks[w].resolved == b.weeks[w].resolved);
    CHECK(i.weeks[w].bounces == b.weeks[w].bounces);
    for (int p = 0; p < mb.payers(); ++p)
      for (CostCategory c : {CostCategory::Intake, CostCategory::Treatment, CostCategory::Escalation})
        CHECK(i.weeks[w].cost_of(p, c) == b.weeks[w].cost_of(p, c));
  }
}
