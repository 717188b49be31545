// A calibration spread over the ranks of an MPI job: `mpirun -n N wijksim calibrate ...`.
//
// IMIS (analysis/imis.h) is sequential: each batch of candidates (the draws from the priors, a point of the
// mode search, the curvature's points, a round's draws) depends on the likelihoods of the batches before.
// So rank 0 alone runs it, with the store, the resume and the output, exactly as one process does
// (run_calibration); only the simulation of a batch's candidates is spread. For each batch rank 0 sends
// every worker the candidates to simulate (index, round, values) and then hands them out on a farm
// (unit_farm.h; a unit is a candidate's position in the batch); each comes back as its record, the bits
// of every figure as they were, and goes to the sink as a candidate simulated by rank 0 would. A candidate's
// record depends on nothing but the plan and its values (common random numbers), so the sets file, the
// printed fit and the store are byte-identical to one process, whatever the number of ranks and threads.
// Worker ranks never open the store and print nothing: what goes wrong on them reaches rank 0, which says
// it.
//
// Protocol, besides the farm's (messages between two ranks arrive in order):
//   worker -> 0   hello(fingerprint)    what it planned (0: it could not plan)
//   0 -> worker   batch(candidates)     the next batch: then serve() until the farm's no_more or stop
//   0 -> worker   end                   no more batches (or the calibration never started): the worker ends
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "wijksim/cluster/bytes.h"
#include "wijksim/cluster/unit_farm.h"
#include "wijksim/cluster/world.h"
#include "wijksim/study/calibration_run.h"

namespace wijksim::cluster {

// Equal on two ranks only when they planned the same calibration (the scenario's and the targets file's
// contents, the seed, households, replications and years a candidate runs) with the same build. Never 0.
std::uint64_t fingerprint(const CalibrationPlan& plan);

// A candidate's record as bytes and back, equal field for field (doubles as their bits).
void write_candidate(ByteWriter& w, const CandidateRecord& record);
CandidateRecord read_candidate(ByteReader& in);

struct CalibrationJobOptions {
  bool coordinator_computes = true;  // rank 0 simulates candidates too (false: it only coordinates)
};

// Rank 0's side. In a job of one process, simulator() is empty: run_calibration simulates here.
class CalibrationCoordinator {
 public:
  explicit CalibrationCoordinator(World& world, CalibrationJobOptions options = {});
  // The same on a job's messenger (nullptr: a job of one process); tests make a job of threads with it.
  explicit CalibrationCoordinator(Messenger* messenger, CalibrationJobOptions options = {});
  // Tells the workers there are no more batches (after waiting for the units in flight of a batch that
  // stopped early: Ctrl-C, a failure), so they end. If agree() was never reached (rank 0 failed first: bad
  // input, a store it cannot open), first takes their hellos, so they end at once and quietly.
  ~CalibrationCoordinator();
  CalibrationCoordinator(const CalibrationCoordinator&) = delete;
  CalibrationCoordinator& operator=(const CalibrationCoordinator&) = delete;

  // Checks that every rank planned this calibration. Throws Error naming the ranks that did not (their
  // files differ, or they could not read them). `plan` must outlive the coordinator.
  void agree(const CalibrationPlan& plan);
  // For run_calibration: simulates each batch's candidates on every rank. After agree(); empty in a job of
  // one process.
  SimulateCandidates simulator();
  // What the farms did, summed over the batches (empty in a job of one process or before a batch ran).
  const FarmStats& stats() const { return stats_; }

 private:
  void simulate(std::span<const ImisCandidate> candidates, const CandidateDone& done,
                const std::atomic<bool>* stop);
  void end_batch();  // drains the batch's farm and adds its stats

  int size() const { return m_ ? m_->size() : 1; }

  Messenger* m_;
  CalibrationJobOptions options_;
  const CalibrationPlan* plan_ = nullptr;
  bool agreed_ = false;
  FarmStats stats_;
  // The batch in progress, in this order so the farm (which uses the schedule) goes first. Kept after a
  // batch stops early, so the command can say so before the ranks have ended (mpirun kills a job one
  // second after Ctrl-C); drained by the next batch or the destructor.
  std::unique_ptr<UnitSchedule> schedule_;
  std::unique_ptr<FarmCoordinator> farm_;
};

// Every other rank: plans the calibration with `plan` (as rank 0 does, from the same command line), tells
// rank 0 its fingerprint, and simulates the candidates of each batch rank 0 hands out until it says end.
void serve_calibration(World& world, const std::function<CalibrationPlan()>& plan);
void serve_calibration(Messenger& messenger, const std::function<CalibrationPlan()>& plan);

}  // namespace wijksim::cluster
