// Running many replications of one or more models in parallel (oneTBB).
//
// A job is one model with its plan (seed, parameter draw, replication indices). Jobs with the same plan
// whose scenarios share their warm-up (simulation.h, shares_warmup: an intervention and its comparator)
// form a group; each (group, replication) is one task, which simulates the warm-up once and each job's
// policy period from it. All tasks form one flat list, so a small comparator and a large intervention share
// the threads. Each result goes to the slot of its (job, replication), so the order in which runs finish
// never matters and results do not depend on the number of threads, nor on the grouping (a shared warm-up is
// bit-identical to separate ones). The caller sets the thread count with `tbb::global_control`.
//
// Common random numbers: an intervention and its comparator are two jobs with the same seed, draw and
// replication indices; their per-replication differences are paired (summary.h, `compare`).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "wijksim/core/error.h"
#include "wijksim/model/model.h"
#include "wijksim/simulation/run_result.h"
#include "wijksim/simulation/simulation.h"

namespace wijksim {

// Which runs of a model to do: replications first_replication .. first_replication + replications - 1.
struct RunPlan {
  std::uint64_t seed = 0;
  std::uint32_t draw = 0;  // PSA parameter draw (0: the base case)
  std::uint32_t first_replication = 0;
  std::uint32_t replications = 1;
};

struct Job {
  const Model* model = nullptr;  // must outlive the run
  RunPlan plan;
};

// Counts finished runs; safe to update from any thread. The callback, when set, is called after each
// finished run from the worker thread that finished it, so it must be thread-safe itself.
class Progress {
 public:
  using Callback = std::function<void(std::size_t done, std::size_t total)>;

  Progress() = default;
  explicit Progress(Callback on_run_done) : callback_(std::move(on_run_done)) {}

  void start(std::size_t total) {
    total_ = total;
    done_.store(0);
  }
  void finished_one() {
    const std::size_t d = done_.fetch_add(1) + 1;
    if (callback_) callback_(d, total_);
  }
  std::size_t done() const { return done_.load(); }
  std::size_t total() const { return total_; }

 private:
  std::atomic<std::size_t> done_{0};
  std::size_t total_ = 0;
  Callback callback_;
};

// A run that threw. Carries what is needed to rerun exactly that run: which job, and the request.
class RunFailure : public Error {
 public:
  // `internal`: the run broke an internal invariant (InternalError), a bug rather than a resource failure.
  RunFailure(std::size_t job, const RunRequest& request, const std::string& what, bool internal = false);
  bool internal() const { return internal_; }
  std::size_t job() const { return job_; }
  const RunRequest& request() const { return request_; }
  const std::string& reason() const { return reason_; }

 private:
  std::size_t job_;
  RunRequest request_;
  std::string reason_;
  bool internal_ = false;
};

// Receives each finished run: (job index, replication slot 0.., result). Called concurrently from worker
// threads, each call with a distinct (job, slot): it must write only to that slot.
using RunSink = std::function<void(std::size_t job, std::size_t slot, RunResult&& result)>;

// Runs every replication of every job, in parallel, handing each result to `sink`. When runs throw, the
// failure of the lowest (job, slot) is rethrown as RunFailure: runs after a failure are skipped, runs
// before it still run, so the same failure is reported whatever the thread count.
void for_each_run(std::span<const Job> jobs, const RunSink& sink, Progress* progress = nullptr);

// The same, keeping every RunResult: [job][slot].
std::vector<std::vector<RunResult>> run_jobs(std::span<const Job> jobs, Progress* progress = nullptr);

// One model's replications, [slot].
std::vector<RunResult> run_replications(const Model& model, const RunPlan& plan,
                                        Progress* progress = nullptr);

}  // namespace wijksim
