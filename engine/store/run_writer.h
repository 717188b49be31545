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
  // The run's status "interrupted" or "failed", where this process still writes it: a run it has not
  // resumed yet (a resume refused), or lost to another process (its lock file removed), keeps its status,
  // and only a run still "running" takes one (never a complete one).
  void interrupted() { settle("interrupted"); }
  void failed() { settle("failed"); }
  // Whether this process stopped writing the run because its lock file was removed or replaced
  // (RunLock::keep): then the run is not its own to mark or to resume.
  bool lost_run() const { return lost_; }
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
        path_(store) {
    store_.check_writes_with([this] { keep_lock(); });
  }
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
    owner_ = true;
  }
  // The run has its final status ("complete").
  void settled() { settled_ = true; }
  // Inside each write of the run (RunStore::check_writes_with): the run's lock is still this process's
  // (RunLock::keep). When its lock file was removed or replaced, this process writes nothing more of the run,
  // leaves its status to whoever took it, and throws.
  void keep_lock();

  RunStore store_;
  std::int64_t run_id_ = 0;
  std::optional<RunLock> lock_;  // held for as long as this process writes the run

 private:
  void settle(const char* status);
  std::string path_;
  bool settled_ = false;
  bool owner_ = true;  // the run is this process's to mark: a new run, or a resume accepted (resuming)
  bool lost_ = false;  // its lock file was removed or replaced (keep_lock)
};

}  // namespace wijksim
