// A calibration spread over the ranks of a job (cluster/distributed_calibration.h) in one process: ranks are
// threads and messages go through an in-memory Messenger, so every way a spread calibration ends (done, a
// stop then resumed, the store failing on rank 0, a rank that planned another calibration) is tested without
// mpirun; tests/mpi_test.sh runs the real thing. Each must end as one process would, and every rank's
// thread must end too (a hang fails the test by its timeout).
#include <oneapi/tbb/global_control.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "temp_dir.h"
#include "thread_messenger.h"
#include "wijksim/cluster/distributed_calibration.h"
#include "wijksim/study/calibration_run.h"
#include "wijksim/study/study.h"

using namespace wijksim;
using namespace wijksim::cluster;
using test::PostOffice;
using test::TempDir;
using test::ThreadMessenger;

namespace {

// calibrate_test.sh's tiny calibration, smaller: about 100 candidates of 300 households.
std::string tiny(const TempDir& dir) {
  dir.write("targets.yaml", R"(population: a tiny test population
targets:
  with_problem: {label: with a problem, measure: share.with_problem, value: 0.49, n: 168, unit: share, source: test}
  bounced: {label: pillar to post, measure: share.bounced, value: 0.47, n: 49, unit: share, source: test}
free:
  domains.*.incidence_per_year: {dist: uniform, min: 0.005, max: 0.05}
  fragmentation.wrong_agency_probability: {dist: uniform, min: 0.1, max: 0.5}
calibration: {replications: 2, years: 1, initial: 30, per_round: 15, rounds: 3, sets: 20, mode_search: 10}
)");
  return dir.write("tiny.yaml", std::string("extends: ") + WIJKSIM_SOURCE_DIR +
                                    "/scenarios/baseline-velve.yaml\nname: tiny\ntargets: targets.yaml\n"
                                    "population: {households: 300}\nsimulation: {warmup_years: 3}\n");
}

// Runs `calibrate(coordinator)` on rank 0 of a job of `ranks` threads; the other ranks serve, each planning
// with `plan_of(rank)`. Every rank has ended when it returns or throws.
template <class Calibrate>
void job(int ranks, const std::function<CalibrationPlan(int)>& plan_of, const CalibrationPlan& plan,
         Calibrate&& calibrate, CalibrationJobOptions options = {}) {
  PostOffice post(ranks);
  std::vector<std::unique_ptr<ThreadMessenger>> ms;
  for (int r = 0; r < ranks; ++r) ms.push_back(std::make_unique<ThreadMessenger>(post, r));
  std::vector<std::thread> workers;
  for (int r = 1; r < ranks; ++r)
    workers.emplace_back(
        [&, r] { serve_calibration(*ms[static_cast<std::size_t>(r)], [&] { return plan_of(r); }); });
  try {
    CalibrationCoordinator c(ms[0].get(), options);
    c.agree(plan);
    calibrate(c);
  } catch (...) {
    for (std::thread& t : workers) t.join();  // the coordinator told them to end as it went
    throw;
  }
  for (std::thread& t : workers) t.join();
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

void check_same(const CalibrationPlan& plan, const CalibrationResult& a, const CalibrationResult& b) {
  CHECK(calibration_sets_text(plan, a) == calibration_sets_text(plan, b));
  REQUIRE(a.candidates.size() == b.candidates.size());
  for (std::size_t i = 0; i < a.candidates.size(); ++i) {
    const CandidateRecord& x = a.candidates[i];
    const CandidateRecord& y = b.candidates[i];
    CHECK(x.round == y.round);
    CHECK(same_bits(x.parameters, y.parameters));
    CHECK(same_bits(x.model, y.model));
    CHECK(same_bits(x.model_se, y.model_se));
    CHECK(std::memcmp(&x.log_likelihood, &y.log_likelihood, sizeof(double)) == 0);
    CHECK(x.rejected == y.rejected);
  }
  CHECK(a.evaluated == b.evaluated);
}

}  // namespace

TEST_CASE("a calibration candidate's record goes between ranks and comes back equal in every bit",
          "[cluster][calibrate]") {
  CandidateRecord r;
  r.index = 17;
  r.round = -1;
  r.parameters = {0.0123, 0.3};
  r.model = {0.5, kNaN, -0.0};
  r.model_se = {kNaN, 1e-300, 0.25};
  r.log_likelihood = kMinusInfinity;
  r.rejected = true;
  ByteWriter w;
  write_candidate(w, r);
  const Bytes bytes = w.take();
  ByteReader in(bytes);
  const CandidateRecord back = read_candidate(in);
  CHECK(in.at_end());
  CHECK(back.index == 17);
  CHECK(back.round == -1);
  CHECK(same_bits(back.parameters, r.parameters));
  CHECK(same_bits(back.model, r.model));
  CHECK(same_bits(back.model_se, r.model_se));
  CHECK(back.log_likelihood == kMinusInfinity);
  CHECK(back.rejected);
  ByteReader cut(std::span<const std::byte>(bytes).first(bytes.size() - 1));
  CHECK_THROWS_AS(read_candidate(cut), Error);
}

TEST_CASE("a calibration spread over ranks ends as one process's, stopped and resumed too",
          "[cluster][calibrate]") {
  TempDir dir("distributed-calibration");
  const std::string scenario = tiny(dir);
  const CalibrationPlan plan = plan_calibration(scenario, std::nullopt);
  auto same_plan = [&](int) { return plan_calibration(scenario, std::nullopt); };
  tbb::global_control one_thread(tbb::global_control::max_allowed_parallelism, 1);
  const CalibrationResult here = run_calibration(plan);
  REQUIRE(here.evaluated > 50);

  SECTION("every candidate simulated somewhere, the same records and sets") {
    for (int ranks : {2, 3}) {
      for (bool coordinator_computes : {true, false}) {
        CalibrationResult spread;
        FarmStats stats;
        job(ranks, same_plan, plan,
            [&](CalibrationCoordinator& c) {
              spread = run_calibration(plan, nullptr, nullptr, nullptr, nullptr, c.simulator());
              stats = c.stats();
            },
            {coordinator_computes});
        check_same(plan, here, spread);
        CHECK(stats.units == here.evaluated);
        REQUIRE(stats.ranks.size() == static_cast<std::size_t>(ranks));
        for (int r = 1; r < ranks; ++r) CHECK(stats.ranks[static_cast<std::size_t>(r)].units > 0);
        if (!coordinator_computes) CHECK(stats.ranks[0].units == 0);
      }
    }
  }

  SECTION("a stop ends it after the candidates rank 0 has back; resumed, the same as never stopped") {
    CompletedCandidates kept;
    job(3, same_plan, plan, [&](CalibrationCoordinator& c) {
      std::atomic<bool> stop{false};
      CHECK_THROWS_AS(run_calibration(
                          plan, [&](std::size_t done, std::size_t) { stop = stop || done >= 40; },
                          [&](const CandidateRecord& r) { CHECK(kept.emplace(r.index, r).second); }, nullptr,
                          &stop, c.simulator()),
                      Interrupted);
    });
    REQUIRE(kept.size() >= 40);
    REQUIRE(kept.size() < here.evaluated);
    std::size_t again = 0;
    CalibrationResult resumed;
    job(2, same_plan, plan, [&](CalibrationCoordinator& c) {
      resumed = run_calibration(
          plan, nullptr, [&](const CandidateRecord&) { ++again; }, &kept, nullptr, c.simulator());
    });
    CHECK(again == here.evaluated - kept.size());  // nothing kept was simulated again
    check_same(plan, here, resumed);
  }

  SECTION("what the store throws on rank 0 ends the calibration, and every rank") {
    std::size_t seen = 0;
    CHECK_THROWS_WITH(job(3, same_plan, plan,
                          [&](CalibrationCoordinator& c) {
                            run_calibration(
                                plan, nullptr,
                                [&](const CandidateRecord&) {
                                  if (++seen == 35) throw Error("the disk is full");
                                },
                                nullptr, nullptr, c.simulator());
                          }),
                      Catch::Contains("the disk is full"));
  }

  SECTION("a rank that planned another calibration is named before anything is simulated") {
    auto other = [&](int rank) { return plan_calibration(scenario, rank == 2 ? 7 : plan.seed); };
    bool ran = false;
    CHECK_THROWS_WITH(job(3, other, plan, [&](CalibrationCoordinator&) { ran = true; }),
                      Catch::Contains("rank 2 of this job did not plan the calibration"));
    CHECK_FALSE(ran);
  }
}
