// One live writer per run. A process that writes a run of the results store (a new run, or `--resume` of
// an unfinished one) holds that run's lock for as long as it writes; a second process that tries to resume
// the same run is refused at once, before it reads or writes anything of it, and the writer is never
// disturbed.
//
// The lock is an exclusive open-file-description lock (fcntl F_OFD_SETLK, Linux) on one byte of the store's
// lock file PATH-runlock, at the offset of the run's number: one small file per store, whatever its number of
// runs, and the operating system releases the lock when the process ends however it ends (Ctrl-C, kill -9, a
// crash), so a run whose writer died can be resumed at once and no lock is ever left behind. Timing plays no
// part. The lock file holds no data (the locks lie beyond its end) and stays next to the store.
//
// SQLite's own locks cannot serve here: they guard one transaction at a time, and a run is many
// transactions (one per draw) spread over minutes or hours.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace wijksim {

class RunLock {
 public:
  // The name of the lock file of the store at `store_path`.
  static std::string file_of(const std::string& store_path);

  // Takes run `run`'s lock, or returns nullopt when another process (or another RunLock of this process)
  // holds it. Throws Error when the lock file cannot be created or locked (a read-only directory).
  static std::optional<RunLock> try_lock(const std::string& store_path, std::int64_t run);

  // Whether some process holds run `run`'s lock now: false when nobody does, or when the lock file does not
  // exist or cannot be read (then nobody can be writing).
  static bool held(const std::string& store_path, std::int64_t run);

  // Whether the lock is still where the lock file's name leads; throws Error when the lock file was removed
  // or replaced while this process held it. A second process could then take the run through a new lock
  // file (outside attack 36: `rm STORE-runlock` let a resume run beside the live writer), and may have
  // written it, even completed it, and ended since: nothing tells this process what it missed (outside
  // attack 59: a writer paused while a resume completed its run took the lock again, wrote its next draw
  // over the other's and marked the complete run failed). So it writes the run no more. Called inside each
  // write of the run (RunStore::check_writes_with); a stat and an fstat.
  void keep() const;
  // What keep checks, without throwing: the lock file's name still leads to the file this lock is on (not
  // through a symbolic link), and that file was not renamed or linked since (its status-change time is the
  // one it had when locked: a lock file moved away and back led to this one again while a second process
  // had taken the run through another; outside attack 60).
  bool still_here() const;
  // Whether some RunLock of this process holds run `run` of the store at `store_path` and still_here (for
  // the second signal's handler, which marks the run interrupted only where this process still writes it).
  static bool held_here(const std::string& store_path, std::int64_t run);
  // What a command says of run `run` of the store at `store_path` when it stops after its lock was lost
  // (keep, held_here): "run N of STORE is left as it is: its lock file was removed, ...".
  static std::string left_as_it_is(const std::string& store_path, std::int64_t run);

  RunLock(RunLock&& o) noexcept;
  RunLock& operator=(RunLock&& o) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

 private:
  RunLock(int fd, std::int64_t run, const std::string& store_path);
  int fd_ = -1;
  std::int64_t run_ = 0;
  std::string store_path_;
  std::int64_t changed_sec_ = 0, changed_nsec_ = 0;  // the lock file's status-change time when locked
};

}  // namespace wijksim
