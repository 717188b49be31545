// A study spread over the ranks of an MPI job: `mpirun -n N wijksim compare|run ...`.
//
// Every rank plans the same study from the same command line. Rank 0 checks that they agree (a fingerprint
// of the scenarios' contents, the seed, the sizes and the build), opens the store, hands out the study's
// units on a farm (unit_farm.h; a unit is every scenario's run in one (parameter draw, replication):
// StudyUnits) and keeps what comes back through the StudyAssembler a single process uses: the same
// measures, the same sink (the store, one transaction per draw), summaries and economic evaluation, in draw
// order. So the figures, the store and the report are byte-identical to one process, whatever the number of
// ranks and threads. Worker ranks never open the store and print nothing: what goes wrong on them reaches
// rank 0, which says it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "wijksim/cluster/unit_farm.h"
#include "wijksim/cluster/world.h"
#include "wijksim/study/study.h"

namespace wijksim::cluster {

// Equal on two ranks only when they planned the same study (scenario contents, comparators, seed,
// replications, years, draws) with the same build (version, sizes of the records that travel). Never 0.
std::uint64_t fingerprint(const Study& study);

struct StudyJobOptions {
  bool coordinator_computes = true;  // rank 0 simulates units too (false: it only coordinates)
};

// Rank 0's side. In a job of one process it is run_study and nothing else.
class StudyCoordinator {
 public:
  explicit StudyCoordinator(World& world, StudyJobOptions options = {});
  // If run() was never reached (rank 0 failed first: bad input, a store it cannot open), tells the workers
  // there is nothing to do, so they end at once and quietly. If run() stopped early (Ctrl-C, a failure),
  // waits for the workers to end: the command has said what happened by then.
  ~StudyCoordinator();
  StudyCoordinator(const StudyCoordinator&) = delete;
  StudyCoordinator& operator=(const StudyCoordinator&) = delete;

  // Checks that every rank planned this study. Throws Error naming the ranks that did not (their files
  // differ, or they could not read them).
  void agree(const Study& study);
  // As run_study, the units simulated by every rank. After agree(). Once only.
  StudyResult run(const Study& study, const Progress::Callback& on_progress, const DrawSink& on_draw,
                  const CompletedRuns* completed, const std::atomic<bool>* stop);
  // What the farm did, once run() has returned (empty in a job of one process).
  const FarmStats& stats() const;

 private:
  World& world_;
  StudyJobOptions options_;
  bool agreed_ = false, started_ = false;
  // In this order, so the farm (which uses the schedule, which uses the assembler) goes first.
  std::unique_ptr<StudyAssembler> assembler_;
  std::unique_ptr<UnitSchedule> schedule_;
  std::unique_ptr<FarmCoordinator> farm_;
};

// Every other rank: plans the study with `plan` (as rank 0 does, from the same command line), tells rank 0
// its fingerprint, and, if rank 0 starts the study, simulates the units it hands out until it says stop.
void serve_study(World& world, const std::function<Study()>& plan);

}  // namespace wijksim::cluster
