#include "wijksim/cluster/unit_farm.h"

#include <fmt/format.h>
#include <oneapi/tbb/parallel_pipeline.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "wijksim/cluster/bytes.h"
#include "wijksim/core/error.h"

namespace wijksim::cluster {
namespace {

enum Tag : int { kRequest = 1, kUnits, kNoMore, kStop, kResult, kFailure, kDone };

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Wakes a rank's coordinating thread when its computing thread has finished a unit. Messages from other
// ranks do not ring it: the thread polls for them, sleeping a little longer each time nothing came (up to a
// millisecond), so an idle rank costs next to no processor and a busy one answers within a millisecond.
class Doorbell {
 public:
  void ring() {
    {
      std::lock_guard lock(mutex_);
      rung_ = true;
    }
    cv_.notify_all();
  }
  void wait_for(std::chrono::microseconds d) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, d, [this] { return rung_; });
    rung_ = false;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool rung_ = false;
};

class Backoff {
 public:
  std::chrono::microseconds next() {
    const auto d = d_;
    d_ = std::min(d_ * 2, std::chrono::microseconds(1000));
    return d;
  }
  void reset() { d_ = std::chrono::microseconds(20); }

 private:
  std::chrono::microseconds d_{20};
};

// A rank's computing: a thread that prepares, then runs a oneTBB pipeline over the units it is given, each
// unit computed with every thread the rank has (a unit's own work is parallel too). The coordinating
// thread gives it units and takes what they produced.
class Computer {
 public:
  struct Outcome {
    std::uint64_t unit = 0;
    Bytes bytes;
    std::exception_ptr error;
  };

  Computer(const PrepareCompute& prepare, std::size_t tokens, Doorbell& bell) : bell_(bell) {
    thread_ = std::thread([this, prepare, tokens] { run(prepare, tokens); });
  }
  ~Computer() {
    close(true);
    thread_.join();
  }
  Computer(const Computer&) = delete;
  Computer& operator=(const Computer&) = delete;

  void give(std::uint64_t unit) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(unit);
    }
    cv_.notify_one();
  }
  // No more units. With `drop`, those not started are dropped; returns how many.
  std::size_t close(bool drop) {
    std::size_t dropped = 0;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      if (drop) {
        dropped = queue_.size();
        queue_.clear();
      }
    }
    cv_.notify_all();
    return dropped;
  }
  std::vector<Outcome> take() {
    std::lock_guard lock(mutex_);
    std::vector<Outcome> out(std::make_move_iterator(outcomes_.begin()),
                             std::make_move_iterator(outcomes_.end()));
    outcomes_.clear();
    return out;
  }
  bool finished() {
    std::lock_guard lock(mutex_);
    return finished_;
  }
  RankStats stats() {
    std::lock_guard lock(mutex_);
    return stats_;
  }

 private:
  void run(const PrepareCompute& prepare, std::size_t tokens) {
    ComputeUnit compute;
    std::exception_ptr unprepared;
    const auto t0 = Clock::now();
    try {
      compute = prepare();
    } catch (...) {
      unprepared = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      stats_.prepare_seconds = seconds_since(t0);
    }
    auto next = [this](tbb::flow_control& fc) -> std::uint64_t {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return !queue_.empty() || closed_; });
      if (queue_.empty()) {
        fc.stop();
        return 0;
      }
      const std::uint64_t unit = queue_.front();
      queue_.pop_front();
      return unit;
    };
    auto work = [&](std::uint64_t unit) {
      Outcome o{unit, {}, nullptr};
      const auto t = Clock::now();
      try {
        if (unprepared) std::rethrow_exception(unprepared);
        o.bytes = compute(unit);
      } catch (...) {
        o.error = std::current_exception();
      }
      {
        std::lock_guard lock(mutex_);
        stats_.compute_seconds += seconds_since(t);
        ++stats_.units;
        outcomes_.push_back(std::move(o));
      }
      bell_.ring();
    };
    tbb::parallel_pipeline(tokens,
                           tbb::make_filter<void, std::uint64_t>(tbb::filter_mode::serial_in_order, next) &
                               tbb::make_filter<std::uint64_t, void>(tbb::filter_mode::parallel, work));
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    bell_.ring();
  }

  Doorbell& bell_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::uint64_t> queue_;
  std::deque<Outcome> outcomes_;
  bool closed_ = false, finished_ = false;
  RankStats stats_;
  std::thread thread_;
};

// How many units a rank keeps in its pipeline (two per thread, as run_study keeps draws) and how many it
// holds in all (one more per thread waiting, so the pipeline does not run dry while a request travels).
std::size_t tokens_for(const FarmOptions& o) {
  return 2 * std::max<std::size_t>(1, o.threads);
}
std::size_t hold_for(const FarmOptions& o) {
  return tokens_for(o) + std::max<std::size_t>(1, o.threads);
}

struct FailureText {
  std::string what;
  bool internal = false;
};

FailureText describe(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const InternalError& x) {
    return {x.what(), true};
  } catch (const std::exception& x) {
    return {x.what(), false};
  } catch (...) {
    return {"unknown exception", false};
  }
}

// The test hook WIJKSIM_TEST_KILL_RANK=R:after_units=K: rank R kills itself (SIGKILL) once it has sent
// the bytes of K units, to test that a job losing a rank leaves a resumable store (tests/mpi_test.sh).
std::uint64_t kill_after_units(int rank) {
  const char* v = std::getenv("WIJKSIM_TEST_KILL_RANK");
  if (!v) return 0;
  int r = -1;
  unsigned long long k = 0;
  if (std::sscanf(v, "%d:after_units=%llu", &r, &k) != 2 || r != rank) return 0;
  return k;
}

// The test hook WIJKSIM_TEST_FAIL_RANK=R:after_units=K: on rank R the unit that follows its first K units
// fails (as a unit that throws does), to test what the command says and keeps when a unit fails on a worker
// rank (tests/mpi_test.sh). A malformed value is an error, not silence.
std::uint64_t fail_after_units(int rank) {
  const char* v = std::getenv("WIJKSIM_TEST_FAIL_RANK");
  if (!v) return 0;
  int r = -1;
  unsigned long long k = 0;
  char rest = 0;
  if (std::sscanf(v, "%d:after_units=%llu%c", &r, &k, &rest) != 2)
    throw Error(fmt::format("WIJKSIM_TEST_FAIL_RANK is '{}', not RANK:after_units=K", v));
  return r == rank ? k + 1 : 0;
}

}  // namespace

struct FarmCoordinator::State {
  struct Peer {
    std::size_t wanted = 0;  // units asked for and not yet given
    std::size_t hold = 0;    // the most it has asked for at once: its capacity
    bool ended = false;      // told no_more or stop: it gets nothing more
    bool done = false;       // sent done: nothing more comes from it
  };
  enum class Phase { handing, no_more, stopping };

  State(Messenger& messenger, UnitSchedule& s, const PrepareCompute& prepare, const FarmOptions& o)
      : m(messenger),
        schedule(s),
        start(Clock::now()),
        size(messenger.size()),
        computing(static_cast<std::uint64_t>(o.coordinator_computes ? size : size - 1)),
        peers(static_cast<std::size_t>(size)) {
    stats.ranks.resize(static_cast<std::size_t>(size));
    if (o.coordinator_computes) {
      local.emplace(prepare, tokens_for(o), bell);
      peers[0].hold = peers[0].wanted = tokens_for(o);  // nothing travels: what its pipeline takes is enough
    } else {
      peers[0].ended = peers[0].done = true;
    }
  }

  // Nothing goes out `window()` or more after the oldest unit still out, so the units the schedule keeps
  // waiting for an earlier one (a study keeps draws in draw order) stay few even when one rank is slow.
  std::size_t window() const {
    std::size_t w = 0;
    for (const Peer& p : peers) w += p.hold;
    return 2 * w + 8;
  }

  template <class F>
  auto busy(F&& f) {
    struct Add {
      double& total;
      double t;
      ~Add() { total += thread_cpu_seconds() - t; }
    } add{stats.coordinator_busy_seconds, thread_cpu_seconds()};
    return f();
  }

  // Hands out nothing more; workers drop what they have not started. What is still in flight is dropped.
  void stop() {
    if (phase == Phase::stopping) return;
    phase = Phase::stopping;
    stash.reset();
    for (int r = 1; r < size; ++r) {
      Peer& p = peers[static_cast<std::size_t>(r)];
      if (p.ended) continue;
      m.send(r, kStop, {});
      p.ended = true;
    }
    if (local && !peers[0].ended) {
      local_held -= local->close(true);
      peers[0].ended = true;
    }
  }
  void fail(std::exception_ptr e) {
    if (!error) error = std::move(e);
    stop();
  }
  void back(std::uint64_t unit) {
    if (auto it = out_by_unit.find(unit); it != out_by_unit.end()) {
      out.erase(it->second);
      out_by_unit.erase(it);
    }
  }
  void deliver(std::uint64_t unit, Bytes&& bytes) {
    back(unit);
    if (phase == Phase::stopping) return;  // stopped or failed: what is still in flight is dropped
    ++stats.units;
    stats.result_bytes += bytes.size();
    try {
      busy([&] { schedule.done(unit, std::move(bytes)); });
    } catch (...) {
      fail(std::current_exception());
    }
  }
  UnitSchedule::Next next() {
    UnitSchedule::Next n;
    if (stash) {
      n = {UnitSchedule::Kind::unit, *stash};
      stash.reset();
    } else {
      try {
        n = busy([&] { return schedule.next(); });
      } catch (...) {
        fail(std::current_exception());
        return {UnitSchedule::Kind::wait, 0};
      }
    }
    if (n.kind == UnitSchedule::Kind::unit && !out.empty() && sequence - *out.begin() >= window()) {
      stash = n.unit;
      return {UnitSchedule::Kind::wait, 0};
    }
    return n;
  }

  void receive(Message& msg) {
    Peer& p = peers.at(static_cast<std::size_t>(msg.from));
    ByteReader in(msg.bytes);
    switch (msg.tag) {
      case kRequest: {
        const auto n = static_cast<std::size_t>(in.get<std::uint64_t>());
        p.hold = std::max(p.hold, n);
        if (!p.ended) p.wanted = n;
        break;
      }
      case kResult: {
        const auto unit = in.get<std::uint64_t>();
        const auto rest = in.rest();
        deliver(unit, Bytes(rest.begin(), rest.end()));
        break;
      }
      case kFailure: {
        const auto unit = in.get<std::uint64_t>();
        const bool internal = in.get<std::uint8_t>() != 0;
        const std::string what = fmt::format("rank {}: {}", msg.from, in.get_string());
        back(unit);
        if (phase != Phase::stopping || error)
          fail(internal ? std::make_exception_ptr(InternalError(what))
                        : std::make_exception_ptr(Error(what)));
        break;
      }
      case kDone:
        p.done = true;
        stats.ranks[static_cast<std::size_t>(msg.from)] = in.get<RankStats>();
        break;
      default:
        throw Error(fmt::format("rank {} sent a message rank 0 does not know (tag {})", msg.from, msg.tag));
    }
  }

  // Returns whether it sent or gave anything.
  bool hand_out() {
    bool sent = false;
    for (int r = 0; r < size && phase == Phase::handing; ++r) {
      Peer& p = peers[static_cast<std::size_t>(r)];
      if (p.ended) continue;
      std::size_t want = p.wanted;
      if (want == 0) continue;
      if (const auto left = busy([&] { return schedule.remaining(); })) {
        const std::uint64_t all = *left + (stash ? 1 : 0);
        want = std::min<std::size_t>(want, std::max<std::uint64_t>(1, (all + computing - 1) / computing));
      }
      std::vector<std::uint64_t> ids;
      while (ids.size() < want && phase == Phase::handing) {
        const UnitSchedule::Next n = next();
        if (n.kind == UnitSchedule::Kind::wait) break;
        if (n.kind == UnitSchedule::Kind::none) {
          if (phase == Phase::handing) phase = Phase::no_more;
          break;
        }
        ids.push_back(n.unit);
        out_by_unit[n.unit] = sequence;
        out.insert(sequence++);
      }
      if (ids.empty() || phase == Phase::stopping) continue;
      sent = true;
      p.wanted = 0;  // it asks again when it has finished a unit
      if (r == 0) {
        for (std::uint64_t id : ids) local->give(id);
        local_held += ids.size();
      } else {
        ByteWriter w;
        for (std::uint64_t id : ids) w.put(id);
        m.send(r, kUnits, w.take());
      }
    }
    if (phase != Phase::no_more) return sent;
    for (int r = 0; r < size; ++r) {
      Peer& p = peers[static_cast<std::size_t>(r)];
      if (p.ended) continue;
      if (r == 0) {
        local->close(false);
        p.ended = true;
        p.wanted = 0;
        sent = true;
      } else if (p.wanted > 0) {  // answered when it asks, so nothing from rank 0 follows its done
        m.send(r, kNoMore, {});
        p.ended = true;
        p.wanted = 0;
        sent = true;
      }
    }
    return sent;
  }

  // One round: messages in, rank 0's own units in, units out. Returns whether anything happened.
  bool step() {
    bool active = false;
    while (auto msg = m.poll()) {
      active = true;
      receive(*msg);
    }
    if (local)
      for (Computer::Outcome& c : local->take()) {
        active = true;
        --local_held;
        if (!peers[0].ended) peers[0].wanted = peers[0].hold - local_held;  // asks, as a worker would
        if (c.error) {
          back(c.unit);
          if (phase != Phase::stopping || error) fail(c.error);
        } else {
          deliver(c.unit, std::move(c.bytes));
        }
      }
    if (phase == Phase::stopping) return active;
    if (busy([&] { return schedule.stopped(); })) {
      stop();
      return true;
    }
    return hand_out() || active;
  }

  // Every worker has sent its last message, rank 0's own units are back, and everything sent is out.
  bool ended() {
    for (int r = 1; r < size; ++r)
      if (!peers[static_cast<std::size_t>(r)].done) return false;
    if (local && !(peers[0].ended && local->finished() && local_held == 0)) return false;
    return m.flushed();
  }

  void wait(bool active) {
    if (active)
      backoff.reset();
    else
      bell.wait_for(backoff.next());
  }

  Messenger& m;
  UnitSchedule& schedule;
  const Clock::time_point start;
  const int size;
  const std::uint64_t computing;  // ranks that compute
  std::vector<Peer> peers;
  FarmStats stats;
  Doorbell bell;
  Backoff backoff;
  std::optional<Computer> local;  // rank 0's own computing, as peer 0
  std::size_t local_held = 0;
  Phase phase = Phase::handing;
  std::exception_ptr error;
  // Units out and not yet back, by the order they went out.
  std::uint64_t sequence = 0;
  std::map<std::uint64_t, std::uint64_t> out_by_unit;
  std::set<std::uint64_t> out;
  std::optional<std::uint64_t> stash;  // a unit from the schedule that may not go out yet
  bool drained = false;
};

FarmCoordinator::FarmCoordinator(Messenger& messenger, UnitSchedule& schedule, const PrepareCompute& prepare,
                                 const FarmOptions& options)
    : s_(std::make_unique<State>(messenger, schedule, prepare, options)) {}

FarmCoordinator::~FarmCoordinator() {
  try {
    drain();
  } catch (...) {
    // A destructor cannot say more; the job then ends when mpirun ends it.
  }
}

void FarmCoordinator::run() {
  State& s = *s_;
  while (s.phase != State::Phase::stopping && !s.ended()) s.wait(s.step());
  if (s.error) std::rethrow_exception(s.error);
  if (s.phase != State::Phase::stopping) drain();  // every unit is back: collect the workers' stats
}

void FarmCoordinator::drain() {
  State& s = *s_;
  if (s.drained) return;
  s.stop();  // a no-op when every unit is back: every rank has ended already
  while (!s.ended()) s.wait(s.step());
  RankStats& mine = s.stats.ranks[0];
  if (s.local) {
    mine = s.local->stats();
    s.local.reset();
  }
  mine.wall_seconds = seconds_since(s.start);
  mine.transport = s.m.stats();
  s.drained = true;
}

const FarmStats& FarmCoordinator::stats() const {
  return s_->stats;
}

void serve(Messenger& m, const PrepareCompute& prepare, const FarmOptions& o) {
  const auto start = Clock::now();
  Doorbell bell;
  Computer computer(prepare, tokens_for(o), bell);
  const std::size_t hold = hold_for(o);
  const std::uint64_t kill_after = kill_after_units(m.rank());
  const std::uint64_t fail_unit = fail_after_units(m.rank());  // 0: none; else the n-th unit sent
  std::size_t held = 0;  // units given and not yet sent back or dropped
  // A worker asks at the start and then each time it has finished a unit (not as soon as a reply is short of
  // what it asked for), so a request's share of what remains is a share among ranks that are working.
  bool asked = false, ended = false, may_ask = true;
  std::uint64_t sent = 0;
  Backoff backoff;
  for (;;) {
    bool active = false;
    if (!ended && !asked && may_ask && held < hold) {
      ByteWriter w;
      w.put<std::uint64_t>(hold - held);
      m.send(0, kRequest, w.take());
      asked = true;
      active = true;
    }
    while (auto msg = m.poll()) {  // only rank 0 sends to a worker
      active = true;
      ByteReader in(msg->bytes);
      switch (msg->tag) {
        case kUnits:
          asked = may_ask = false;
          while (!in.at_end()) {
            computer.give(in.get<std::uint64_t>());
            ++held;
          }
          break;
        case kNoMore:
          ended = true;
          computer.close(false);
          break;
        case kStop:
          ended = true;
          held -= computer.close(true);
          break;
        default:
          throw Error(
              fmt::format("rank 0 sent a message rank {} does not know (tag {})", m.rank(), msg->tag));
      }
    }
    for (Computer::Outcome& c : computer.take()) {
      active = true;
      may_ask = true;
      --held;
      ByteWriter w;
      w.put(c.unit);
      if (sent + 1 == fail_unit)
        c.error = std::make_exception_ptr(Error(fmt::format(
            "unit {} failed on rank {} (test hook WIJKSIM_TEST_FAIL_RANK)", c.unit, m.rank())));
      if (c.error) {
        const FailureText f = describe(c.error);
        w.put<std::uint8_t>(f.internal ? 1 : 0);
        w.put_string(f.what);
        m.send(0, kFailure, w.take());
      } else {
        w.put_raw(c.bytes.data(), c.bytes.size());
        m.send(0, kResult, w.take());
      }
      if (++sent == kill_after) {
        while (!m.flushed()) std::this_thread::sleep_for(std::chrono::microseconds(100));
        std::raise(SIGKILL);
      }
    }
    if (ended && held == 0 && computer.finished()) break;
    if (active)
      backoff.reset();
    else
      bell.wait_for(backoff.next());
  }
  RankStats stats = computer.stats();
  stats.wall_seconds = seconds_since(start);
  stats.transport = m.stats();
  ByteWriter w;
  w.put(stats);
  m.send(0, kDone, w.take());
  while (!m.flushed()) std::this_thread::sleep_for(std::chrono::microseconds(100));
}

}  // namespace wijksim::cluster
