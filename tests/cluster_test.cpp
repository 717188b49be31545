// The farm's protocol (cluster/unit_farm.h) in one process: ranks are threads and messages go through an
// in-memory Messenger, so every way a farm ends (all units back, a unit that throws, a schedule that throws,
// a stop) is tested without mpirun; tests/mpi_test.sh runs the real thing. And the codec that carries runs
// between ranks, which must give back every field exactly.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "fixtures.h"
#include "thread_messenger.h"
#include "wijksim/cluster/bytes.h"
#include "wijksim/cluster/run_codec.h"
#include "wijksim/cluster/unit_farm.h"
#include "wijksim/model/model.h"
#include "wijksim/simulation/simulation.h"

using namespace wijksim;
using namespace wijksim::cluster;
using test::PostOffice;
using test::ThreadMessenger;

namespace {

Bytes number(std::uint64_t x) {
  ByteWriter w;
  w.put(x);
  return w.take();
}

// Units 0..n-1; each unit's bytes are its square. Records what came back.
class Squares : public UnitSchedule {
 public:
  explicit Squares(std::uint64_t n) : n_(n) {}
  Next next() override {
    if (next_ == n_) return {Kind::none, 0};
    return {Kind::unit, next_++};
  }
  std::optional<std::uint64_t> remaining() const override { return n_ - next_; }
  bool stopped() const override { return stop_after_ && back_.size() >= stop_after_; }
  void done(std::uint64_t unit, Bytes&& bytes) override {
    if (unit == throw_on_) throw Error("the store is full");
    ByteReader in(bytes);
    CHECK(in.get<std::uint64_t>() == unit * unit);
    CHECK(back_.insert(unit).second);  // never twice
  }
  const std::set<std::uint64_t>& back() const { return back_; }
  std::uint64_t throw_on_ = ~0ull;
  std::size_t stop_after_ = 0;

 private:
  std::uint64_t n_, next_ = 0;
  std::set<std::uint64_t> back_;
};

PrepareCompute squares(std::uint64_t fail_on = ~0ull) {
  return [fail_on]() -> ComputeUnit {
    return [fail_on](std::uint64_t unit) {
      if (unit == fail_on) throw InternalError("unit 13 broke an invariant");
      return number(unit * unit);
    };
  };
}

// Runs a farm of `ranks` threads; rank 0's coordinator on this thread. Returns its stats.
FarmStats farm(int ranks, UnitSchedule& schedule, const PrepareCompute& prepare, FarmOptions o = {}) {
  PostOffice post(ranks);
  std::vector<std::unique_ptr<ThreadMessenger>> ms;
  for (int r = 0; r < ranks; ++r) ms.push_back(std::make_unique<ThreadMessenger>(post, r));
  std::vector<std::thread> workers;
  for (int r = 1; r < ranks; ++r)
    workers.emplace_back([&, r] { serve(*ms[static_cast<std::size_t>(r)], prepare, o); });
  FarmStats stats;
  try {
    FarmCoordinator c(*ms[0], schedule, prepare, o);
    c.run();
    c.drain();
    stats = c.stats();
  } catch (...) {
    for (std::thread& t : workers) t.join();  // the coordinator drained as it ended
    throw;
  }
  for (std::thread& t : workers) t.join();
  return stats;
}

}  // namespace

TEST_CASE("every unit reaches the schedule exactly once, whoever computed it", "[cluster]") {
  for (int ranks : {1, 2, 3}) {
    for (bool coordinator_computes : {true, false}) {
      if (ranks == 1 && !coordinator_computes) continue;  // nobody would compute
      Squares s(200);
      FarmOptions o;
      o.threads = 2;
      o.coordinator_computes = coordinator_computes;
      const FarmStats stats = farm(ranks, s, squares(), o);
      CHECK(s.back().size() == 200);
      CHECK(stats.units == 200);
      std::uint64_t computed = 0;
      for (const RankStats& r : stats.ranks) computed += r.units;
      CHECK(computed == 200);
      if (!coordinator_computes) CHECK(stats.ranks[0].units == 0);
    }
  }
}

TEST_CASE("a small farm is spread over every rank (guided self-scheduling)", "[cluster]") {
  // Four units of 200 ms, two ranks of two threads: rank 0 would take all four at once if a request were not
  // capped at its share of what remains; it takes two, the other rank asks long before either is done and
  // gets one of the two left, and the last goes to whichever asks first.
  Squares s(4);
  FarmOptions o;
  o.threads = 2;
  const PrepareCompute slow = []() -> ComputeUnit {
    return [](std::uint64_t unit) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      return number(unit * unit);
    };
  };
  const FarmStats stats = farm(2, s, slow, o);
  CHECK(stats.ranks[0].units >= 2);
  CHECK(stats.ranks[1].units >= 1);
}

TEST_CASE("a unit that throws stops the farm and its error reaches rank 0", "[cluster]") {
  for (bool coordinator_computes : {true, false}) {
    Squares s(100);
    FarmOptions o;
    o.coordinator_computes = coordinator_computes;
    // On rank 0 the exception itself is rethrown; from a worker, its message and kind.
    CHECK_THROWS_AS(farm(3, s, squares(13), o), InternalError);
    CHECK(s.back().count(13) == 0);
    CHECK(s.back().size() < 100);
  }
}

TEST_CASE("a rank that cannot prepare fails every unit it is given", "[cluster]") {
  Squares s(20);
  const PrepareCompute broken = []() -> ComputeUnit { throw Error("scenario file missing on this node"); };
  CHECK_THROWS_WITH(farm(2, s, broken), Catch::Contains("scenario file missing on this node"));
}

TEST_CASE("what the schedule throws on a unit's bytes ends the farm (a full disk)", "[cluster]") {
  Squares s(100);
  s.throw_on_ = 30;
  CHECK_THROWS_WITH(farm(3, s, squares()), "the store is full");
  CHECK(s.back().size() < 100);
}

TEST_CASE("a stop hands out nothing more and drops what is in flight", "[cluster]") {
  Squares s(10000);
  s.stop_after_ = 10;
  REQUIRE_NOTHROW(farm(3, s, squares()));
  CHECK(s.back().size() >= 10);
  CHECK(s.back().size() < 10000);
}

TEST_CASE("runs go between ranks and come back equal in every field", "[cluster]") {
  Scenario sc = test::small_city(600, true);
  sc.simulation.years = 1;
  const Model model(sc);
  std::vector<RunResult> runs;
  runs.push_back(simulate(model, {sc.simulation.seed, 3, 1}));
  runs.push_back(simulate(model, {sc.simulation.seed, 3, 2, 5}));  // traces household 5
  REQUIRE_FALSE(runs[1].trace.empty());
  REQUIRE_FALSE(runs[0].team_caseload_per_fte.empty());
  const Bytes bytes = encode_runs(runs);
  const std::vector<RunResult> back = decode_runs(bytes);
  REQUIRE(back.size() == runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& a = runs[i];
    const RunResult& b = back[i];
    CHECK(a.draw == b.draw);
    CHECK(a.replication == b.replication);
    CHECK(a.initial == b.initial);
    REQUIRE(a.weeks.size() == b.weeks.size());
    CHECK(std::memcmp(a.weeks.data(), b.weeks.data(), a.weeks.size() * sizeof(WeekRecord)) == 0);
    CHECK(a.team_caseload_per_fte == b.team_caseload_per_fte);
    CHECK(a.teams == b.teams);
    REQUIRE(a.trace.size() == b.trace.size());
    for (std::size_t e = 0; e < a.trace.size(); ++e) {
      CHECK(a.trace[e].week == b.trace[e].week);
      CHECK(a.trace[e].what == b.trace[e].what);
      CHECK(a.trace[e].kind == b.trace[e].kind);
      CHECK(a.trace[e].cost == b.trace[e].cost);
    }
    CHECK(a.happened == b.happened);
    CHECK(a.checksum == b.checksum);
    CHECK(a.households_stepped == b.households_stepped);
  }
  // Bytes cut short or with more after them are refused, never read past.
  CHECK_THROWS_AS(decode_runs(std::span<const std::byte>(bytes).first(bytes.size() - 1)), Error);
  Bytes longer = bytes;
  longer.push_back(std::byte{0});
  CHECK_THROWS_AS(decode_runs(longer), Error);
}

TEST_CASE("a run that failed on another rank is rethrown on rank 0 as it was thrown", "[cluster]") {
  const RunFailure f(2, RunRequest{20100201, 7, 3}, "household 12 scheduled for week 3, already past", true);
  ByteWriter w;
  write_failure(w, f);
  const Bytes bytes = w.take();
  ByteReader in(bytes);
  const RunFailure g = read_failure(in);
  CHECK(in.at_end());
  CHECK(g.job() == 2);
  CHECK(g.request().seed == 20100201);
  CHECK(g.request().draw == 7);
  CHECK(g.request().replication == 3);
  CHECK(g.internal());
  CHECK(g.reason() == f.reason());
  CHECK(std::string(g.what()) == f.what());
}
