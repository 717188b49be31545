// What every recorder of a run (StudyRecorder, CalibrationRecorder) holds while it writes one: the store,
// the run's number, the run's lock (one live writer per run, run_lock.h) and whether the run has its final
// status. A writer that ends without one (an exception nobody expected: out of memory, a bug) marks its
// run failed, so no run stays "running" once its writer has ended; only a process that dies (kill -9)
// leaves "running", and `wijksim runs` then says nobody writes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "wijksim/store/run_lock.h"
#include "wijksim/store/run_store.h"

namespace wijksim {

class RunWriter {
 public:
  std::int64_t run_id() const { return run_id_; }
  void interrupted() {
    store_.set_status(run_id_, "interrupted");
    settled_ = true;
  }
  void failed() {
    store_.set_status(run_id_, "failed");
    settled_ = true;
  }
  // Whether the store's path no longer leads to the file the run was written into (removed or replaced while
  // it ran): then the run is not where the store's name says.
  bool store_replaced() const { return store_.replaced(); }
  std::optional<std::string> fold_log() const { return store_.fold_log(); }
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

 protected:
  // `resuming`: the store must be there (a resume never creates one).
  RunWriter(const std::string& store, bool resuming)
      : store_(
            RunStore::open(store, resuming ? RunStore::Mode::ReadWriteExisting : RunStore::Mode::ReadWrite)),
        path_(store) {}
  ~RunWriter();
  // Resuming `run`: it must exist (bad input otherwise) and nobody else may be writing it (InputError at
  // --resume). Taken before anything of the run is read or written, so the process writing it is never
  // disturbed. Until `resuming` the run keeps its status whatever happens: a resume refused (another
  // command's run, a complete one, a changed scenario) has changed nothing, and leaves the run as it was.
  void take_over(std::int64_t run);
  // The resume was accepted: the run is "running" again, and from now on a writer that ends without a final
  // status marks it failed.
  void resuming() {
    store_.set_status(run_id_, "running");
    settled_ = false;
  }
  // The run has its final status ("complete").
  void settled() { settled_ = true; }
  // Before a draw or candidate is written: the run's lock is still this process's (RunLock::keep). When
  // another process has taken the run, this one leaves its status to that one and throws.
  void keep_lock();

  RunStore store_;
  std::int64_t run_id_ = 0;
  std::optional<RunLock> lock_;  // held for as long as this process writes the run

 private:
  std::string path_;
  bool settled_ = false;
};

}  // namespace wijksim
