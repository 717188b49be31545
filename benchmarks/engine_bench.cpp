// wijksim-bench: throughput of the engine in household-weeks per second, on one thread and on all,
// next to the floor of generating and consuming the same number of random blocks with no model logic.
//
//   ./build/benchmarks/wijksim-bench            neighbourhood, city and a scaled city-wide PSA
//   ./build/benchmarks/wijksim-bench --tiny     a few seconds' smoke run (CI)
//   ./build/benchmarks/wijksim-bench FILE       another scenario (default scenarios/scaleup.yaml)
//
// Times are wall-clock medians over repeats of whole simulations (population draw included).
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "wijksim/household.h"
#include "wijksim/model.h"
#include "wijksim/random_streams.h"
#include "wijksim/scenario_loader.h"
#include "wijksim/simulation.h"

using namespace wijksim;
using Clock = std::chrono::steady_clock;

namespace {

struct Case {
  std::string name;
  int households;
  int years;
  int runs;  // replications (or draws × scenarios) per measurement
};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Runs `c.runs` replications in parallel (as `wijksim compare` does) and returns the wall time.
double time_case(const Model& m, const Case& c) {
  auto t0 = Clock::now();
  std::vector<std::uint64_t> sums(static_cast<std::size_t>(c.runs));
  tbb::parallel_for(0, c.runs, [&](int r) {
    RunResult res = simulate(m, {20100201, 0, static_cast<std::uint32_t>(r)});
    sums[static_cast<std::size_t>(r)] = res.checksum;
  });
  return seconds_since(t0);
}

// The floor: the random blocks a household-week needs at least (the life-event block), generated and
// consumed, with no model logic, for the same number of household-weeks.
double time_floor(const Case& c, std::int64_t hh_weeks) {
  auto t0 = Clock::now();
  std::vector<std::uint64_t> sink(static_cast<std::size_t>(c.runs));
  const std::int64_t per_run = hh_weeks / c.runs;
  tbb::parallel_for(0, c.runs, [&](int r) {
    RandomStreams rng(20100201, 0, static_cast<std::uint32_t>(r));
    std::uint64_t acc = 0;
    const int weeks = static_cast<int>(per_run / c.households);
    for (int w = 1; w <= weeks; ++w)
      for (int h = 0; h < c.households; ++h)
        acc += rng.block(static_cast<std::uint32_t>(h), w, Stream::LifeEvent)[0];
    sink[static_cast<std::size_t>(r)] = acc;
  });
  return seconds_since(t0);
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

}  // namespace

int main(int argc, char** argv) {
  bool tiny = false;
  std::string scenario_path = WIJKSIM_SOURCE_DIR "/scenarios/scaleup.yaml";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--tiny") == 0)
      tiny = true;
    else
      scenario_path = argv[i];
  }
  const int repeats = tiny ? 1 : 3;
  const int all = static_cast<int>(tbb::info::default_concurrency());
  std::vector<Case> cases;
  if (tiny) {
    cases = {{"tiny", 2000, 1, 2}};
  } else {
    cases = {{"neighbourhood (2,700 households, 5 years, 20 replications)", 2700, 5, 20},
             {"city (77,160 households, 5 years, 4 replications)", 77160, 5, 4},
             {"city-wide PSA, scaled (77,160 households, 5 years, 3 scenarios x 4 draws)", 77160, 5, 12}};
  }
  std::printf("wijksim-bench: %d hardware threads; %zu bytes of hot state per household\n\n", all,
              sizeof(Household) + 2 * sizeof(std::uint16_t));
  std::printf(
      "| case | threads | household-weeks/s | per thread | parallel efficiency | RNG floor/s | model cost (x "
      "floor) |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const Case& c : cases) {
    // The shipped city-wide scale-up (coaches on), resized: every mechanism of the model is at work.
    Scenario s = ScenarioSource::load(scenario_path).base();
    // Resized with its agencies and coaches, so queues and caseloads stay as in the shipped scenario.
    const double scale = static_cast<double>(c.households) / s.population.households;
    for (Agency& a : s.agencies) a.capacity = std::max(1, static_cast<int>(a.capacity * scale + 0.5));
    s.coaches.fte *= scale;
    s.coaches.teams = std::max(1, std::min(s.coaches.teams, c.households / 2000));
    s.population.households = c.households;
    s.simulation.years = c.years;
    Model m(s);
    const std::int64_t hh_weeks =
        static_cast<std::int64_t>(c.households) * (s.warmup_weeks() + s.weeks()) * c.runs;
    double one_rate = 0;
    for (int threads : {1, all}) {
      if (threads == 1 && all == 1 && one_rate > 0) continue;
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                static_cast<std::size_t>(threads));
      std::vector<double> t, f;
      for (int i = 0; i < repeats; ++i) t.push_back(time_case(m, c));
      for (int i = 0; i < repeats; ++i) f.push_back(time_floor(c, hh_weeks));
      double rate = hh_weeks / median(t);
      double floor_rate = hh_weeks / median(f);
      if (threads == 1) one_rate = rate;
      std::printf("| %s | %d | %.3g | %.3g | %s | %.3g | %.1f |\n", c.name.c_str(), threads, rate,
                  rate / threads,
                  threads == 1 ? "-" : fmt::format("{:.0f}%", 100.0 * rate / (one_rate * threads)).c_str(),
                  floor_rate, floor_rate / rate);
    }
  }
  std::printf("\npeak memory: %ld MiB\n", peak_rss_mib());
  return 0;
}
