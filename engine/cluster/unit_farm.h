// A farm of units of work over the ranks of a job: a unit id goes out, bytes come back.
//
// Rank 0 coordinates: it hands out units one by one to whichever rank asks (dynamically, so a slow node
// simply does fewer), receives each unit's bytes and gives them to its UnitSchedule, on its own thread, in
// whatever order they arrive. Every rank computes, rank 0 too unless told to only coordinate. A worker holds
// up to 3 units per thread (two per thread in its oneTBB pipeline, one waiting), so it is never idle while
// its next request travels; it asks at the start and again each time it has finished a unit. Rank 0's own
// computing asks the same way without a message, and holds only what its pipeline takes. A request gets at
// most ceil(remaining / ranks) units when the schedule knows how many remain (guided self-scheduling:
// Polychronopoulos & Kuck, IEEE Trans. Comput. 36(12), 1987), so a small study is spread over every rank
// and the last units thinly, leaving no rank a long tail.
//
// The farm knows nothing of studies: a study hands out (parameter draw, replication) units
// (distributed_study.h); a calibration hands out each batch's candidates, one farm per batch
// (distributed_calibration.h).
//
// Protocol (tags below; messages between two ranks arrive in order):
//   worker -> 0   request(n)            room for n more units; one request out at a time
//   0 -> worker   units(ids...)         1..n units to compute; a request with no unit ready waits
//   0 -> worker   no_more               every unit is handed out: finish yours, then done
//   0 -> worker   stop                  drop the units not started, finish the others, then done
//   worker -> 0   result(id, bytes)     a unit computed
//   worker -> 0   failure(id, what)     a unit threw (the farm stops; coordinate() rethrows)
//   worker -> 0   done(stats)           the last message of a worker
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "wijksim/cluster/world.h"

namespace wijksim::cluster {

// Computes one unit into bytes. Deterministic (any rank may compute any unit), called concurrently from a
// rank's worker threads for distinct units.
using ComputeUnit = std::function<Bytes(std::uint64_t unit)>;
// Prepares a rank to compute (e.g. the warm-ups every unit shares) and returns the function that computes a
// unit. Called once per rank, on its computing thread, before its first unit: the coordinating thread goes
// on meanwhile. What it throws fails every unit of that rank.
using PrepareCompute = std::function<ComputeUnit()>;

// Rank 0's side: which units to hand out, and what to do with each one's bytes. Called from rank 0's
// coordinating thread only.
class UnitSchedule {
 public:
  enum class Kind { unit, wait, none };
  struct Next {
    Kind kind = Kind::none;
    std::uint64_t unit = 0;
  };
  virtual ~UnitSchedule() = default;
  // The next unit to hand out; wait: none now, ask again later; none: every unit is out.
  virtual Next next() = 0;
  // Whether to stop handing out units at once, and drop those handed out but not started (Ctrl-C).
  virtual bool stopped() const { return false; }
  // How many units are still to hand out, when the schedule knows: a rank that asks then gets at most its
  // share of them (guided self-scheduling), so a small study is spread over every rank too.
  virtual std::optional<std::uint64_t> remaining() const { return std::nullopt; }
  // A unit's bytes, from whichever rank computed it, in any order. What it throws ends the farm as a failed
  // unit does: nothing more is handed out, units in flight are waited for and dropped, and coordinate()
  // rethrows it.
  virtual void done(std::uint64_t unit, Bytes&& bytes) = 0;
};

struct FarmOptions {
  std::size_t threads = 1;           // this rank's computing threads (oneTBB's limit)
  bool coordinator_computes = true;  // rank 0 computes units too, besides coordinating
};

// What one rank did, for the communication share (benchmarks/README.md).
struct RankStats {
  double wall_seconds = 0;     // from the farm's start to this rank's last message
  double compute_seconds = 0;  // summed over its units (thread-seconds)
  double prepare_seconds = 0;  // PrepareCompute
  std::uint64_t units = 0;     // units it computed
  TransportStats transport;
};

struct FarmStats {
  std::vector<RankStats> ranks;         // [rank]
  double coordinator_busy_seconds = 0;  // processor time of rank 0 inside UnitSchedule::next and done
  std::uint64_t units = 0;              // units whose bytes reached the schedule
  std::uint64_t result_bytes = 0;       // their bytes
};

// Rank 0's side. `prepare` may be empty when !options.coordinator_computes.
class FarmCoordinator {
 public:
  FarmCoordinator(Messenger& messenger, UnitSchedule& schedule, const PrepareCompute& prepare,
                  const FarmOptions& options);
  // drain()
  ~FarmCoordinator();
  FarmCoordinator(const FarmCoordinator&) = delete;
  FarmCoordinator& operator=(const FarmCoordinator&) = delete;

  // Runs the farm until every unit is handed out and back. Returns at once when the schedule stops (Ctrl-C)
  // or a unit fails, rethrowing the failure: what is still in flight is dropped, and the command can say
  // so and mark its store before the ranks have ended (mpirun kills a job one second after Ctrl-C).
  void run();
  // Waits until every rank has ended (after a stop: each finishes the units it has started). Idempotent;
  // calls nothing of the schedule's.
  void drain();
  // Complete once drained.
  const FarmStats& stats() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Every other rank: computes what rank 0 hands out until it says no more or stop.
void serve(Messenger& messenger, const PrepareCompute& prepare, const FarmOptions& options);

}  // namespace wijksim::cluster
