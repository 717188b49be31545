#include "wijksim/store/run_writer.h"

#include <fmt/format.h>

#include "wijksim/core/error.h"

namespace wijksim {

void RunWriter::take_over(std::int64_t run) {
  run_id_ = run;
  store_.run(run_id_);  // an unknown run is bad input
  lock_ = RunLock::try_lock(path_, run_id_);
  settled_ = true;  // nothing of the run is changed until resuming()
  owner_ = false;
  if (!lock_)
    throw InputError({{Location{path_, 0, 0}, "--resume",
                       fmt::format("run {} is being written by another process right now: wait until it "
                                   "ends, or stop it (Ctrl-C) and resume then",
                                   run_id_)}});
}

void RunWriter::keep_lock() {
  if (!lock_) return;
  try {
    lock_->keep();
  } catch (...) {
    settled_ = true;  // the run may be another process's now: its status is not this one's to set
    owner_ = false;
    lost_ = true;
    throw;
  }
}

void RunWriter::settle(const char* status) {
  // A lock lost since the last write (its lock file removed or moved while this process waited, or was
  // stopped by a signal) is found here too: the run may be another process's by now (outside attack 60: a
  // writer stopped by SIGTERM marked "interrupted" a run another process was writing).
  if (owner_ && lock_ && !lock_->still_here()) {
    owner_ = false;
    lost_ = true;
  }
  if (owner_ && run_id_ != 0) store_.set_status(run_id_, status, true);
  settled_ = true;
}

RunWriter::~RunWriter() {
  if (settled_ || run_id_ == 0 || !lock_) return;
  try {
    settle("failed");
  } catch (...) {
    // The store may not take even this (a full disk): the run stays "running", which --resume accepts.
  }
}

}  // namespace wijksim
