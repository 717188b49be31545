// wijksim-bench: how fast the engine simulates, against the targets of the performance issue and next to
// the floor of the random numbers it draws.
//
//   ./build/benchmarks/wijksim-bench             a neighbourhood, a city, and the city-wide PSA scaled down
//   ./build/benchmarks/wijksim-bench --full-psa  the same, plus the full 3-scenario, 1,000-draw city PSA
//   ./build/benchmarks/wijksim-bench --tiny      seconds: that it builds and runs (CI), not a measurement
//
// Each case is timed whole (median of repeats, wall clock), on one thread and on all of the machine's.
// Household-weeks count every household in every simulated week, asleep or not, warm-up included. The floor
// is the random numbers a case draws (counted on one thread: RandomStreams::blocks_drawn), generated and
// summed with no model logic; the model's cost is its time as a multiple of that.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "wijksim/model/household.h"
#include "wijksim/model/model.h"
#include "wijksim/core/random_streams.h"
#include "wijksim/scenario/scenario_source.h"
#include "wijksim/simulation/simulation.h"
#include "wijksim/study/study.h"

using namespace wijksim;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kScenarios = WIJKSIM_SOURCE_DIR "/scenarios/";

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

long peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

// A case: what it simulates, run as a whole.
struct Case {
  std::string name;
  double household_weeks = 0;  // simulated, every household and week, warm-up included
  double target_weeks = 0;     // as the performance issue counts them (policy weeks only), 0 if the same
  std::function<void()> run;
};

// Generating and summing `blocks` Philox blocks on one thread: the floor.
double time_floor(std::uint64_t blocks) {
  const RandomStreams rng(20100201, 1, 0);
  const auto t0 = Clock::now();
  std::uint64_t acc = 0;
  for (std::uint64_t i = 0; i < blocks; ++i) {
    const auto b =
        rng.block(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i >> 32), Stream::Clock);
    acc += b[0] ^ b[1] ^ b[2] ^ b[3];
  }
  const double t = seconds_since(t0);
  if (acc == 42) std::puts("");  // keeps the loop from being optimised away
  return t;
}

struct Timing {
  double seconds = 0;
  std::uint64_t blocks = 0;  // random blocks drawn (one thread)
};

Timing time_case(const Case& c, int threads, int repeats) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  std::vector<double> t;
  Timing out;
  for (int i = 0; i < repeats; ++i) {
    const std::uint64_t before = RandomStreams::blocks_drawn();
    const auto t0 = Clock::now();
    c.run();
    t.push_back(seconds_since(t0));
    if (threads == 1) out.blocks = RandomStreams::blocks_drawn() - before;
  }
  out.seconds = median(t);
  return out;
}

// Replications of one scenario, in parallel, each run whole (population, warm-up, policy years).
Case replications_case(const std::string& name, const std::string& file, int replications, int years) {
  auto scenario = std::make_shared<Scenario>(ScenarioSource::load(kScenarios + file).base());
  scenario->simulation.years = years;
  auto model = std::make_shared<Model>(*scenario);
  Case c;
  c.name =
      fmt::format("{} ({}: {} households, {} + {} years, {} replications)", name, file,
                  scenario->population.households, scenario->simulation.warmup_years, years, replications);
  c.household_weeks = static_cast<double>(scenario->population.households) *
                      (scenario->warmup_weeks() + scenario->weeks()) * replications;
  c.run = [scenario, model, replications] {
    std::vector<std::uint64_t> sums(static_cast<std::size_t>(replications));
    tbb::parallel_for(0, replications, [&](int r) {
      sums[static_cast<std::size_t>(r)] =
          simulate(*model, {20100201, 0, static_cast<std::uint32_t>(r)}).checksum;
    });
  };
  return c;
}

// The city-wide PSA: the funded and unfunded scale-ups and their baseline, `draws` parameter draws of one
// replication each, exactly as `wijksim compare scenarios/scaleup.yaml scenarios/scaleup-funded.yaml
// --draws N --no-store` runs them (the shared warm-up, sampling, measures and summaries included).
Case psa_case(int draws, int years) {
  StudyOverrides o;
  o.draws = draws;
  o.years = years;
  auto study = std::make_shared<Study>(
      plan_study({kScenarios + "scaleup.yaml", kScenarios + "scaleup-funded.yaml"}, o, true));
  const Scenario& s = study->scenarios.front().scenario;
  const double hh = s.population.households;
  const int scenarios = static_cast<int>(study->scenarios.size());
  Case c;
  c.name =
      fmt::format("city-wide PSA ({} scenarios x {} draws x 1 replication, {} households, {} + {} years)",
                  scenarios, draws, s.population.households, s.simulation.warmup_years, years);
  // The warm-up is simulated once per draw and shared by the three scenarios.
  // The warm-up is simulated once for the whole study: its baseline is the same in every draw and it is
  // shared by the three scenarios (run_study).
  c.household_weeks = hh * (s.warmup_weeks() + static_cast<double>(scenarios) * s.weeks() * draws);
  c.target_weeks = hh * scenarios * s.weeks() * draws;
  c.run = [study] { (void)run_study(*study); };
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  bool tiny = false, full_psa = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--tiny") == 0) {
      tiny = true;
    } else if (std::strcmp(argv[i], "--full-psa") == 0) {
      full_psa = true;
    } else {
      std::fprintf(stderr, "usage: wijksim-bench [--tiny | --full-psa]\n");
      return 2;
    }
  }
  const int all = static_cast<int>(tbb::info::default_concurrency());
  const int repeats = tiny ? 1 : 3;
  std::vector<Case> cases;
  if (tiny) {
    cases.push_back(replications_case("neighbourhood", "pilot.yaml", 2, 1));
    cases.push_back(psa_case(1, 1));
  } else {
    cases.push_back(replications_case("neighbourhood", "pilot.yaml", 40, 5));
    cases.push_back(replications_case("city", "scaleup.yaml", 4, 5));
    cases.push_back(psa_case(10, 5));
  }

  std::printf(
      "wijksim-bench: %d hardware threads; state per household: %zu bytes (household) + %zu (wake-up "
      "week) = %zu bytes\n\n",
      all, sizeof(Household), sizeof(std::uint16_t), sizeof(Household) + sizeof(std::uint16_t));
  std::printf(
      "| case | threads | seconds | household-weeks/s | per thread | parallel efficiency | random blocks "
      "drawn | floor (s) | model cost (x floor) |\n|---|---|---|---|---|---|---|---|---|\n");
  double psa_seconds_all = 0;  // the scaled PSA on all threads
  for (const Case& c : cases) {
    Timing one = time_case(c, 1, repeats);
    const double floor_s = time_floor(one.blocks);
    const double rate1 = c.household_weeks / one.seconds;
    std::printf("| %s | 1 | %.2f | %.3g | %.3g | - | %.3g | %.2f | %.1f |\n", c.name.c_str(), one.seconds,
                rate1, rate1, static_cast<double>(one.blocks), floor_s, one.seconds / floor_s);
    if (all > 1) {
      Timing many = time_case(c, all, repeats);
      const double rate = c.household_weeks / many.seconds;
      std::printf("| %s | %d | %.2f | %.3g | %.3g | %.0f%% | | | |\n", c.name.c_str(), all, many.seconds,
                  rate, rate / all, 100.0 * one.seconds / (many.seconds * all));
      if (c.target_weeks > 0) psa_seconds_all = many.seconds;
    }
  }
  if (psa_seconds_all > 0 && !tiny) {
    // The 1,000-draw PSA from what a draw adds between 10 and 20 draws. The city's baseline takes its
    // calibrated sets, and draws with the same set share a warm-up: a draw among the first 20 nearly always
    // brings a set of its own, and so its own warm-up, where 1,000 draws share one per distinct set (about
    // 130). So this is an upper bound; --full-psa measures the real thing.
    const Case psa20 = psa_case(20, 5);
    const double t20 = time_case(psa20, all, 1).seconds;
    const double per_draw = (t20 - psa_seconds_all) / 10;
    const double warmup = std::max(0.0, psa_seconds_all - 10 * per_draw);
    std::printf(
        "\ncity-wide 3-scenario PSA, 1,000 draws: %.3g policy household-weeks; at most about %.0f s on %d "
        "threads (%.2f s a draw, measured from 10 and 20 draws, each of which mostly brings its own "
        "warm-up, where 1,000 draws share about 130: --full-psa measures it)\n",
        psa20.target_weeks * 50, warmup + 1000 * per_draw, all, per_draw);
  }

  if (full_psa) {
    const Case psa = psa_case(1000, 5);
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(all));
    const auto t0 = Clock::now();
    psa.run();
    const double s = seconds_since(t0);
    std::printf(
        "city-wide 3-scenario PSA, 1,000 draws, measured: %.0f s on %d threads (%.3g policy "
        "household-weeks/s, %.3g simulated household-weeks/s)\n",
        s, all, psa.target_weeks / s, psa.household_weeks / s);
  }
  std::printf("\npeak memory: %ld MiB\n", peak_rss_mib());
  return 0;
}
