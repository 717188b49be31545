#include "wijksim/experiment.h"

#include <fmt/format.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>

#include <exception>

namespace wijksim {

RunFailure::RunFailure(std::size_t job, const RunRequest& request, const std::string& what)
    : Error(fmt::format("run failed (seed {}, draw {}, replication {}): {}", request.seed, request.draw,
                        request.replication, what)),
      job_(job),
      request_(request),
      reason_(what) {}

void for_each_run(std::span<const Job> jobs, const RunSink& sink, Progress* progress) {
  // Flat task list: task t is (job, slot) with the jobs' slots laid end to end.
  std::vector<std::size_t> first_task(jobs.size() + 1, 0);
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (!jobs[j].model) throw Error(fmt::format("job {} has no model", j));
    first_task[j + 1] = first_task[j] + jobs[j].plan.replications;
  }
  const std::size_t tasks = first_task.back();
  if (progress) progress->start(tasks);

  std::vector<std::exception_ptr> failures(tasks);
  // The lowest failed task so far. Tasks above it are skipped, tasks below it still run: so the failure
  // reported is always the lowest failing task, whatever the thread count or timing.
  std::atomic<std::size_t> first_failed{tasks};
  auto request_of = [&](std::size_t j, std::size_t slot) {
    const RunPlan& p = jobs[j].plan;
    return RunRequest{p.seed, p.draw, static_cast<std::uint32_t>(p.first_replication + slot)};
  };

  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, tasks, 1),
      [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t t = range.begin(); t != range.end(); ++t) {
          if (t > first_failed.load()) continue;
          // Which job: the last whose first task is <= t (jobs are few, a linear scan is fine).
          std::size_t j = 0;
          while (first_task[j + 1] <= t) ++j;
          const std::size_t slot = t - first_task[j];
          try {
            sink(j, slot, simulate(*jobs[j].model, request_of(j, slot)));
          } catch (...) {
            failures[t] = std::current_exception();
            std::size_t seen = first_failed.load();
            while (t < seen && !first_failed.compare_exchange_weak(seen, t)) {
            }
            continue;
          }
          if (progress) progress->finished_one();
        }
      },
      tbb::simple_partitioner());

  const std::size_t t = first_failed.load();
  if (t == tasks) return;
  std::size_t j = 0;
  while (first_task[j + 1] <= t) ++j;
  const RunRequest req = request_of(j, t - first_task[j]);
  try {
    std::rethrow_exception(failures[t]);
  } catch (const std::exception& e) {
    throw RunFailure(j, req, e.what());
  } catch (...) {
    throw RunFailure(j, req, "unknown exception");
  }
}

std::vector<std::vector<RunResult>> run_jobs(std::span<const Job> jobs, Progress* progress) {
  std::vector<std::vector<RunResult>> results(jobs.size());
  for (std::size_t j = 0; j < jobs.size(); ++j) results[j].resize(jobs[j].plan.replications);
  for_each_run(
      jobs, [&](std::size_t j, std::size_t slot, RunResult&& r) { results[j][slot] = std::move(r); },
      progress);
  return results;
}

std::vector<RunResult> run_replications(const Model& model, const RunPlan& plan, Progress* progress) {
  const Job job{&model, plan};
  return std::move(run_jobs(std::span<const Job>(&job, 1), progress).front());
}

}  // namespace wijksim
