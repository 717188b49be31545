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
#include "wijksim/store/run_writer.h"
#include "wijksim/study/calibration_run.h"

namespace wijksim {

class CalibrationRecorder : public RunWriter {
 public:
  // Opens the store and begins the run, or checks the run to resume and loads its candidates. Throws
  // InputError when a resumed run does not match, Error when the store cannot be used.
  CalibrationRecorder(const CalibrationPlan& plan, const std::string& store, const std::string& command_line,
                      std::optional<std::int64_t> resume);

  const CompletedCandidates& completed() const { return completed_; }
  // A complete run resumed (to write its parameter sets again): nothing of it is written, not even its
  // status or its finished time (outside attack 39: resuming rewrote the run's row).
  bool already_complete() const { return already_complete_; }
  // Candidates of a resumed run whose seal was removed: evaluated again.
  std::size_t reevaluated() const { return reevaluated_; }
  // A resumed run's scenario and targets files as it began with them (the same files, perhaps under another
  // spelling); empty for a new run.
  const std::optional<CalibrationFiles>& stored_files() const { return stored_files_; }

  CandidateSink sink();
  // The report rendered in every format; status "complete" (nothing, for a run complete already).
  void complete(const std::vector<std::pair<std::string, std::string>>& reports);
  // interrupted(), failed(), run_id(), and a run that ends without a final status marked failed: RunWriter.

 private:
  const CalibrationPlan& plan_;
  CompletedCandidates completed_;
  bool already_complete_ = false;
  std::size_t reevaluated_ = 0;
  std::optional<CalibrationFiles> stored_files_;
};

}  // namespace wijksim
