#include "wijksim/cluster/distributed_calibration.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wijksim/cluster/bytes.h"
#include "wijksim/cluster/job_messages.h"
#include "wijksim/cluster/run_codec.h"
#include "wijksim/core/error.h"

namespace wijksim::cluster {
namespace {

// Outside the farm's tags (1..7) and the distributed study's (100, 101).
enum CalibrationTag : int { kCalibrationHello = 200, kBatch = 201, kEnd = 202 };

using Candidates = std::vector<ImisCandidate>;

// What a worker needs of a batch's candidates to simulate them: which (index, round) and their values. The
// rest of an ImisCandidate (prior density, likelihood) is IMIS's, on rank 0.
Bytes write_batch(std::span<const ImisCandidate> candidates) {
  ByteWriter w;
  w.put<std::uint64_t>(candidates.size());
  for (const ImisCandidate& c : candidates) {
    w.put(c.index);
    w.put(c.round);
    w.put_vector(c.x);
  }
  return w.take();
}

Candidates read_batch(const Bytes& bytes) {
  ByteReader in(bytes);
  const auto n = in.get<std::uint64_t>();
  Candidates candidates;
  for (std::uint64_t k = 0; k < n; ++k) {
    ImisCandidate c;
    c.index = in.get<std::uint32_t>();
    c.round = in.get<int>();
    c.x = in.get_vector<double>();
    candidates.push_back(std::move(c));
  }
  in.expect_end();
  return candidates;
}

// What every computing rank does with a unit: simulate the candidate at that position of the batch. The
// batch is shared, not borrowed: after Ctrl-C rank 0's own computing may still finish a candidate while the
// calibration that asked for it has already unwound.
PrepareCompute prepare_candidates(const CalibrationPlan& plan, std::shared_ptr<const Candidates> batch) {
  return [&plan, batch]() -> ComputeUnit {
    return [&plan, batch](std::uint64_t unit) -> Bytes {
      if (unit >= batch->size()) throw InternalError(fmt::format("candidate {} is not in the batch", unit));
      return unit_outcome([&](ByteWriter& w) {
        write_candidate(w, simulate_candidate(plan, (*batch)[static_cast<std::size_t>(unit)]));
      });
    };
  };
}

// Rank 0's schedule for one batch: its candidates in order; each record, as it comes back, to
// run_calibration (which keeps it as it keeps one simulated here). Used only while the farm hands out and
// receives: after a stop the farm calls nothing of it, so what it borrows need live only that long.
class CandidateSchedule : public UnitSchedule {
 public:
  CandidateSchedule(std::span<const ImisCandidate> candidates, const CandidateDone& done,
                    const std::atomic<bool>* stop)
      : candidates_(candidates), done_(done), stop_(stop) {}

  Next next() override {
    if (next_ == candidates_.size()) return {Kind::none, 0};
    return {Kind::unit, next_++};
  }
  bool stopped() const override { return stop_ && stop_->load(); }
  std::optional<std::uint64_t> remaining() const override { return candidates_.size() - next_; }

  void done(std::uint64_t unit, Bytes&& bytes) override {
    ByteReader in(bytes);
    rethrow_failure(in);
    CandidateRecord r = read_candidate(in);
    in.expect_end();
    const ImisCandidate& c = candidates_[static_cast<std::size_t>(unit)];
    if (r.index != c.index || r.round != c.round)
      throw Error(fmt::format("unit {} came back as candidate {} of round {}, not {} of round {}", unit,
                              r.index, r.round, c.index, c.round));
    done_(static_cast<std::size_t>(unit), std::move(r));
  }

 private:
  std::span<const ImisCandidate> candidates_;
  const CandidateDone& done_;
  const std::atomic<bool>* stop_;
  std::size_t next_ = 0;
};

// One batch's farm stats added to those of the batches before. The transport's figures are a rank's totals
// since the job started, so the latest are kept, not summed.
void add(FarmStats& total, const FarmStats& batch) {
  if (total.ranks.size() < batch.ranks.size()) total.ranks.resize(batch.ranks.size());
  for (std::size_t r = 0; r < batch.ranks.size(); ++r) {
    RankStats& t = total.ranks[r];
    const RankStats& b = batch.ranks[r];
    t.wall_seconds += b.wall_seconds;
    t.compute_seconds += b.compute_seconds;
    t.prepare_seconds += b.prepare_seconds;
    t.units += b.units;
    t.transport = b.transport;
  }
  total.coordinator_busy_seconds += batch.coordinator_busy_seconds;
  total.units += batch.units;
  total.result_bytes += batch.result_bytes;
}

}  // namespace

std::uint64_t fingerprint(const CalibrationPlan& plan) {
  const std::string s =
      fmt::format("wijksim {}|calibrate|{}|{}|{}|{}|{}|{}|{}|{}", WIJKSIM_VERSION, sizeof(CandidateRecord),
                  plan.simulated.hash(), plan.file.content_hash, plan.seed, plan.households,
                  plan.settings.replications, plan.settings.years, plan.targets.size());
  const std::uint64_t h = fnv1a(s);
  return h == 0 ? 1 : h;
}

void write_candidate(ByteWriter& w, const CandidateRecord& r) {
  w.put(r.index);
  w.put(r.round);
  w.put_vector(r.parameters);
  w.put_vector(r.model);
  w.put_vector(r.model_se);
  w.put(r.log_likelihood);
  w.put<std::uint8_t>(r.rejected ? 1 : 0);
}

CandidateRecord read_candidate(ByteReader& in) {
  CandidateRecord r;
  r.index = in.get<std::uint32_t>();
  r.round = in.get<int>();
  r.parameters = in.get_vector<double>();
  r.model = in.get_vector<double>();
  r.model_se = in.get_vector<double>();
  r.log_likelihood = in.get<double>();
  r.rejected = in.get<std::uint8_t>() != 0;
  return r;
}

CalibrationCoordinator::CalibrationCoordinator(World& world, CalibrationJobOptions options)
    : CalibrationCoordinator(world.size() > 1 ? &world.messenger() : nullptr, options) {}

CalibrationCoordinator::CalibrationCoordinator(Messenger* messenger, CalibrationJobOptions options)
    : m_(messenger && messenger->size() > 1 ? messenger : nullptr), options_(options) {}

CalibrationCoordinator::~CalibrationCoordinator() {
  try {
    end_batch();
  } catch (...) {
    // A destructor cannot say more; the workers then wait until mpirun ends the job.
  }
  if (!m_) return;
  try {
    Messenger& m = *m_;
    if (!agreed_)
      for (int r = 1; r < size(); ++r) wait_for(m, kCalibrationHello);
    for (int r = 1; r < size(); ++r) m.send(r, kEnd, {});
    flush(m);
  } catch (...) {
    // As above.
  }
}

void CalibrationCoordinator::agree(const CalibrationPlan& plan) {
  plan_ = &plan;
  if (!m_) return;
  Messenger& m = *m_;
  const std::uint64_t mine = fingerprint(plan);
  const std::string differ = ranks_that_differ(m, kCalibrationHello, mine);
  agreed_ = true;
  if (!differ.empty())
    throw Error(fmt::format(
        "rank {} of this job did not plan the calibration rank 0 did: every rank must read the same scenario "
        "and targets files (on a shared file system) with the same wijksim",
        differ));
}

SimulateCandidates CalibrationCoordinator::simulator() {
  if (!m_) return nullptr;
  if (!agreed_) throw InternalError("CalibrationCoordinator::simulator before agree");
  return [this](std::span<const ImisCandidate> candidates, const CandidateDone& done,
                const std::atomic<bool>* stop) { simulate(candidates, done, stop); };
}

void CalibrationCoordinator::simulate(std::span<const ImisCandidate> candidates, const CandidateDone& done,
                                      const std::atomic<bool>* stop) {
  end_batch();  // the batch before ended with every unit back, or the calibration would not go on
  if (candidates.empty() || (stop && stop->load())) return;
  Messenger& m = *m_;
  const Bytes batch = write_batch(candidates);
  for (int r = 1; r < size(); ++r) m.send(r, kBatch, batch);
  auto mine = std::make_shared<const Candidates>(candidates.begin(), candidates.end());
  schedule_ = std::make_unique<CandidateSchedule>(candidates, done, stop);
  farm_ = std::make_unique<FarmCoordinator>(m, *schedule_, prepare_candidates(*plan_, std::move(mine)),
                                            farm_options(options_.coordinator_computes));
  farm_->run();  // rethrows a failed candidate: the farm stays, drained once the command has said so
  // Stopped (Ctrl-C): the farm stays too, so the command says so before waiting for the ranks.
  if (!(stop && stop->load())) end_batch();
}

void CalibrationCoordinator::end_batch() {
  if (!farm_) return;
  farm_->drain();
  add(stats_, farm_->stats());
  farm_.reset();
  schedule_.reset();
}

void serve_calibration(World& world, const std::function<CalibrationPlan()>& plan) {
  serve_calibration(world.messenger(), plan);
}

void serve_calibration(Messenger& m, const std::function<CalibrationPlan()>& plan) {
  std::optional<CalibrationPlan> planned;
  try {
    planned.emplace(plan());
  } catch (...) {
    // Rank 0 plans the same and says what is wrong; a rank that alone cannot plan sends 0 and rank 0
    // names it.
  }
  ByteWriter hello;
  hello.put<std::uint64_t>(planned ? fingerprint(*planned) : 0);
  m.send(0, kCalibrationHello, hello.take());
  for (;;) {
    Message msg = wait_for_any(m);
    if (msg.tag == kEnd) break;
    if (msg.tag != kBatch || !planned)
      throw Error(fmt::format("rank 0 sent message {} where a batch or the end was expected", msg.tag));
    auto batch = std::make_shared<const Candidates>(read_batch(msg.bytes));
    serve(m, prepare_candidates(*planned, std::move(batch)), farm_options(true));
  }
  flush(m);
}

}  // namespace wijksim::cluster
