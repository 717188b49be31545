#include "wijksim/simulation/experiment.h"

#include <fmt/format.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>

#include <exception>
#include <new>

namespace wijksim {

RunFailure::RunFailure(std::size_t job, const RunRequest& request, const std::string& what, bool internal)
    : Error(fmt::format("run failed (seed {}, draw {}, replication {}): {}", request.seed, request.draw,
                        request.replication, what)),
      job_(job),
      request_(request),
      reason_(what),
      internal_(internal) {}

namespace {

bool same_plan(const RunPlan& a, const RunPlan& b) {
  return a.seed == b.seed && a.draw == b.draw && a.first_replication == b.first_replication &&
         a.replications == b.replications;
}

}  // namespace

void for_each_run(std::span<const Job> jobs, const RunSink& sink, Progress* progress) {
  // Jobs that run the same warm-up (same plan, shares_warmup) form a group: its warm-up is simulated once
  // per replication and each job's policy period continues from it. Tasks are (group, slot).
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (!jobs[j].model) throw Error(fmt::format("job {} has no model", j));
    std::vector<std::size_t>* group = nullptr;
    for (auto& g : groups)
      if (same_plan(jobs[g.front()].plan, jobs[j].plan) &&
          shares_warmup(jobs[g.front()].model->scenario(), jobs[j].model->scenario()))
        group = &g;
    if (group)
      group->push_back(j);
    else
      groups.push_back({j});
  }
  std::vector<std::size_t> first_task(groups.size() + 1, 0);
  std::size_t runs = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    first_task[g + 1] = first_task[g] + jobs[groups[g].front()].plan.replications;
    runs += groups[g].size() * jobs[groups[g].front()].plan.replications;
  }
  const std::size_t tasks = first_task.back();
  if (progress) progress->start(runs);

  std::vector<std::exception_ptr> failures(tasks);
  // The lowest failed task so far. Tasks above it are skipped, tasks below it still run: so the failure
  // reported is always the lowest failing task, whatever the thread count or timing.
  std::atomic<std::size_t> first_failed{tasks};
  auto group_of = [&](std::size_t t) {
    std::size_t g = 0;  // groups are few: a linear scan is fine
    while (first_task[g + 1] <= t) ++g;
    return g;
  };
  auto request_of = [&](std::size_t g, std::size_t slot) {
    const RunPlan& p = jobs[groups[g].front()].plan;
    return RunRequest{p.seed, p.draw, static_cast<std::uint32_t>(p.first_replication + slot)};
  };

  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, tasks, 1),
      [&](const tbb::blocked_range<std::size_t>& range) {
        std::vector<const Model*> models;
        for (std::size_t t = range.begin(); t != range.end(); ++t) {
          if (t > first_failed.load()) continue;
          const std::size_t g = group_of(t);
          const std::size_t slot = t - first_task[g];
          models.clear();
          for (std::size_t j : groups[g]) models.push_back(jobs[j].model);
          try {
            const RunRequest req = request_of(g, slot);
            std::vector<RunResult> results =
                models.size() == 1 ? std::vector<RunResult>{}
                                   : simulate_shared_warmup(models, req.seed, req.draw, req.replication);
            if (models.size() == 1) results.push_back(simulate(*models.front(), req));
            for (std::size_t k = 0; k < groups[g].size(); ++k) {
              sink(groups[g][k], slot, std::move(results[k]));
              if (progress) progress->finished_one();
            }
          } catch (...) {
            failures[t] = std::current_exception();
            std::size_t seen = first_failed.load();
            while (t < seen && !first_failed.compare_exchange_weak(seen, t)) {
            }
          }
        }
      },
      tbb::simple_partitioner());

  const std::size_t t = first_failed.load();
  if (t == tasks) return;
  const std::size_t g = group_of(t);
  const RunRequest req = request_of(g, t - first_task[g]);
  try {
    std::rethrow_exception(failures[t]);
  } catch (const RunFailure&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;  // the machine's memory, not this run: reported as such, not as a run to replay
  } catch (const InternalError& e) {
    throw RunFailure(groups[g].front(), req, e.what(), true);
  } catch (const std::exception& e) {
    throw RunFailure(groups[g].front(), req, e.what());
  } catch (...) {
    throw RunFailure(groups[g].front(), req, "unknown exception");
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
