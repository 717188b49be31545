// A calibrate run kept in a results store while it runs: the run, its scenario and what it calibrates
// against are registered first, every evaluated candidate is written in its own transaction as it is
// evaluated, and the end adds the printed report. A resumed run is checked against what the store holds
// (the same scenario and targets file contents, seed) and re-evaluates no candidate kept there, so it ends
// with the output of a run never interrupted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wijksim/store/run_store.h"
#include "wijksim/store/run_lock.h"
#include "wijksim/study/calibration_run.h"

namespace wijksim {

class CalibrationRecorder {
 public:
  // Opens the store and begins the run, or checks the run to resume and loads its candidates. Throws
  // InputError when a resumed run does not match, Error when the store cannot be used.
  CalibrationRecorder(const CalibrationPlan& plan, const std::string& store, const std::string& command_line,
                      std::optional<std::int64_t> resume);

  std::int64_t run_id() const { return run_id_; }
  const CompletedCandidates& completed() const { return completed_; }

  CandidateSink sink();
  // The report rendered in every format; status "complete".
  void complete(const std::vector<std::pair<std::string, std::string>>& reports);
  void interrupted() {
    store_.set_status(run_id_, "interrupted");
    settled_ = true;
  }
  void failed() {
    store_.set_status(run_id_, "failed");
    settled_ = true;
  }
  // Ended without complete(), interrupted() or failed(): the run is marked failed (as StudyRecorder).
  ~CalibrationRecorder();
  CalibrationRecorder(const CalibrationRecorder&) = delete;
  CalibrationRecorder& operator=(const CalibrationRecorder&) = delete;

 private:
  const CalibrationPlan& plan_;
  RunStore store_;
  std::int64_t run_id_ = 0;
  std::optional<RunLock> lock_;  // held while this process writes the run
  bool settled_ = false;
  CompletedCandidates completed_;
};

}  // namespace wijksim
