#include "wijksim/cluster/distributed_study.h"

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>

#include "wijksim/cluster/bytes.h"
#include "wijksim/cluster/job_messages.h"
#include "wijksim/cluster/run_codec.h"
#include "wijksim/core/error.h"

namespace wijksim::cluster {
namespace {

// Before the farm: each worker says what it planned, rank 0 says whether the study starts.
enum StudyTag : int { kStudyHello = 100, kStart = 101 };

// What every computing rank does with a unit: simulate it (StudyUnits, the warm-ups built once per rank).
ComputeUnit compute_with(std::shared_ptr<const StudyUnits> units) {
  return [units](std::uint64_t unit) -> Bytes {
    return unit_outcome([&](ByteWriter& w) { write_runs(w, units->simulate(static_cast<std::size_t>(unit))); });
  };
}
PrepareCompute prepare_units(const Study& study) {
  return [&study]() -> ComputeUnit { return compute_with(std::make_shared<const StudyUnits>(study)); };
}

// Rank 0's schedule: the units of the draws still to do, in order; each unit's runs measured and kept by
// the assembler exactly as run_study keeps them.
class StudySchedule : public UnitSchedule {
 public:
  StudySchedule(const Study& study, StudyAssembler& assembler, const std::atomic<bool>* stop)
      : study_(study), assembler_(assembler), stop_(stop), todo_(assembler.todo()) {}

  Next next() override {
    if (next_ == todo_.size()) return {Kind::none, 0};
    return {Kind::unit, todo_[next_++]};
  }
  bool stopped() const override { return stop_ && stop_->load(); }
  std::optional<std::uint64_t> remaining() const override { return todo_.size() - next_; }

  void done(std::uint64_t unit, Bytes&& bytes) override {
    ByteReader in(bytes);
    rethrow_failure(in);
    std::vector<RunResult> runs = read_runs(in);
    in.expect_end();
    const std::size_t n = study_.scenarios.size();
    const std::uint32_t reps = assembler_.replications();
    const auto d = static_cast<std::size_t>(unit / reps);
    const auto slot = static_cast<std::uint32_t>(unit % reps);
    const std::uint32_t draw = assembler_.draw_id(d);
    if (runs.size() != n)
      throw Error(fmt::format("unit {} came back with {} runs, not {}", unit, runs.size(), n));
    for (const RunResult& r : runs)
      if (r.draw != draw || r.replication != study_.first_replication + slot)
        throw Error(fmt::format("unit {} came back as draw {}, replication {}", unit, r.draw, r.replication));
    const std::size_t part = assembler_.part_of(d, slot);
    const std::uint32_t k = assembler_.place_in_part(slot);
    DrawRuns& out = assembler_.place(part);
    for (std::size_t i = 0; i < n; ++i) {
      out.measures[i][k] = assembler_.measure(i, study_.scenario_in_draw(i, draw), runs[i]);
      if (assembler_.keeps_results()) out.results[i][k] = std::move(runs[i]);
    }
    assembler_.ran(n);
    assembler_.filled(part, n);
  }

 private:
  const Study& study_;
  StudyAssembler& assembler_;
  const std::atomic<bool>* stop_;
  const std::vector<std::size_t> todo_;
  std::size_t next_ = 0;
};

}  // namespace

std::uint64_t fingerprint(const Study& study) {
  std::string s = fmt::format("wijksim {}|{}|{}|{}|{}|{}|{}|{}", WIJKSIM_VERSION, sizeof(WeekRecord),
                              sizeof(HouseholdMeasures), study.seed, study.replications,
                              study.first_replication, study.years, study.draws);
  for (const StudyScenario& sc : study.scenarios)
    s += fmt::format("|{}:{}:{}", sc.source.hash(), sc.comparator, sc.named ? 1 : 0);
  const std::uint64_t h = fnv1a(s);
  return h == 0 ? 1 : h;
}

StudyCoordinator::StudyCoordinator(World& world, StudyJobOptions options)
    : world_(world), options_(options) {}

StudyCoordinator::~StudyCoordinator() {
  farm_.reset();  // drains
  if (world_.size() == 1 || started_) return;
  try {
    Messenger& m = world_.messenger();
    if (!agreed_)
      for (int r = 1; r < world_.size(); ++r) wait_for(m, kStudyHello);
    for (int r = 1; r < world_.size(); ++r) m.send(r, kStart, Bytes{std::byte{0}});
    flush(m);
  } catch (...) {
    // Nothing better to do in a destructor: the workers then wait until mpirun ends the job.
  }
}

void StudyCoordinator::agree(const Study& study) {
  if (world_.size() == 1) return;
  Messenger& m = world_.messenger();
  const std::uint64_t mine = fingerprint(study);
  const std::string differ = ranks_that_differ(m, kStudyHello, mine);
  agreed_ = true;
  if (!differ.empty())
    throw Error(fmt::format(
        "rank {} of this job did not plan the study rank 0 did: every rank must read the same scenario files "
        "(on a shared file system) with the same wijksim",
        differ));
}

StudyResult StudyCoordinator::run(const Study& study, const Progress::Callback& on_progress,
                                  const DrawSink& on_draw, const CompletedRuns* completed,
                                  const std::atomic<bool>* stop) {
  if (world_.size() == 1) return run_study(study, on_progress, on_draw, completed, stop);
  if (!agreed_ || started_) throw Error("StudyCoordinator::run before agree, or twice");
  assembler_ = std::make_unique<StudyAssembler>(study, on_progress, on_draw, completed);
  // Rank 0 hands the units out in the order run_study simulates them (grouped by warm-up), so that the
  // store is written in the same order, and its own computing uses the same StudyUnits.
  auto units = std::make_shared<const StudyUnits>(study);
  assembler_->simulate_in(units->draw_order());
  schedule_ = std::make_unique<StudySchedule>(study, *assembler_, stop);
  Messenger& m = world_.messenger();
  for (int r = 1; r < world_.size(); ++r) m.send(r, kStart, Bytes{std::byte{1}});
  started_ = true;
  farm_ = std::make_unique<FarmCoordinator>(m, *schedule_, [units] { return compute_with(units); },
                                            farm_options(options_.coordinator_computes));
  farm_->run();
  return assembler_->finish();
}

const FarmStats& StudyCoordinator::stats() const {
  static const FarmStats none;
  return farm_ ? farm_->stats() : none;
}

void serve_study(World& world, const std::function<Study()>& plan) {
  Messenger& m = world.messenger();
  std::optional<Study> study;
  try {
    study.emplace(plan());
  } catch (...) {
    // Rank 0 plans the same and says what is wrong; a rank that alone cannot plan sends 0 and rank 0
    // names it.
  }
  ByteWriter hello;
  hello.put<std::uint64_t>(study ? fingerprint(*study) : 0);
  m.send(0, kStudyHello, hello.take());
  const Message start = wait_for(m, kStart);
  if (start.bytes.empty() || start.bytes[0] == std::byte{0} || !study) {
    flush(m);
    return;
  }
  serve(m, prepare_units(*study), farm_options(true));
}

}  // namespace wijksim::cluster
