#include "wijksim/store/run_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <vector>

#include "wijksim/core/command_line.h"
#include "wijksim/core/error.h"

namespace wijksim {
namespace {

struct flock byte_of(std::int64_t run, short type) {
  struct flock l {};
  l.l_type = type;
  l.l_whence = SEEK_SET;
  l.l_start = static_cast<off_t>(run);
  l.l_len = 1;
  l.l_pid = 0;  // required by F_OFD_*
  return l;
}

// The locks this process holds (RunLock::held_here).
std::mutex g_held_mutex;
std::vector<const RunLock*> g_held;

void hold(const RunLock* l) {
  const std::lock_guard<std::mutex> guard(g_held_mutex);
  g_held.push_back(l);
}

void release(const RunLock* l) {
  const std::lock_guard<std::mutex> guard(g_held_mutex);
  g_held.erase(std::remove(g_held.begin(), g_held.end(), l), g_held.end());
}

bool regular(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::string RunLock::file_of(const std::string& store_path) {
  // Beside the file itself, whatever name reaches it (a symbolic link, ./x.db): two processes that name one
  // store differently take one lock, as SQLite, which resolves links, keeps one write-ahead log.
  std::error_code ec;
  const std::filesystem::path real = std::filesystem::weakly_canonical(store_path, ec);
  return (ec ? store_path : real.string()) + "-runlock";
}

std::optional<RunLock> RunLock::try_lock(const std::string& store_path, std::int64_t run) {
  const std::string path = file_of(store_path);
  // O_NONBLOCK: a FIFO put in the lock file's place would block the open until a writer came.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0666);
  if (fd < 0) {
    const int err = errno;
    // O_NOFOLLOW says ELOOP for a link, and a directory EISDIR: said as what they are.
    const std::string why = err == ELOOP    ? "it is a symbolic link, not the lock file wijksim makes"
                            : err == EISDIR ? "it is a directory, not the lock file wijksim makes"
                                            : system_reason(err);
    throw Error(fmt::format("results store '{}': cannot use its lock file '{}': {}{}", store_path, path, why,
                            err == ELOOP || err == EISDIR ? ": remove it, and wijksim makes it again" : ""));
  }
  if (!regular(fd)) {
    ::close(fd);
    throw Error(
        fmt::format("results store '{}': its lock file '{}' is not a regular file (a FIFO, a device?): "
                    "remove it, and wijksim makes it again",
                    store_path, path));
  }
  // Whoever may write the store may lock its runs: the lock file takes the store's permissions, as SQLite's
  // STORE-wal does (a group-writable store's lock file was the umask's 644, and a second user of the group
  // could not run). Only its owner can change them.
  struct stat store {
  }, lock{};
  if (::stat(store_path.c_str(), &store) == 0 && ::fstat(fd, &lock) == 0 && lock.st_uid == ::geteuid() &&
      (lock.st_mode & 0666) != (store.st_mode & 0666))
    (void)::fchmod(fd, store.st_mode & 0666);
  struct flock l = byte_of(run, F_WRLCK);
  if (::fcntl(fd, F_OFD_SETLK, &l) == 0) return RunLock(fd, run, store_path);
  const int err = errno;
  ::close(fd);
  if (err == EAGAIN || err == EACCES) return std::nullopt;
  throw Error(fmt::format("results store '{}': cannot lock run {} in '{}': {}", store_path, run, path,
                          system_reason(err)));
}

RunLock::RunLock(int fd, std::int64_t run, const std::string& store_path)
    : fd_(fd), run_(run), store_path_(store_path) {
  struct stat st {};
  if (::fstat(fd_, &st) == 0) {
    changed_sec_ = st.st_ctim.tv_sec;
    changed_nsec_ = st.st_ctim.tv_nsec;
  }
  hold(this);
}

RunLock::RunLock(RunLock&& o) noexcept
    : fd_(o.fd_),
      run_(o.run_),
      store_path_(std::move(o.store_path_)),
      changed_sec_(o.changed_sec_),
      changed_nsec_(o.changed_nsec_) {
  o.fd_ = -1;
  hold(this);
}

bool RunLock::still_here() const {
  const std::string path = file_of(store_path_);
  struct stat mine {
  }, named{};
  // lstat: a symbolic link put at the name, to this file or another, is not the lock file (every other
  // command refuses it as such).
  return fd_ >= 0 && ::fstat(fd_, &mine) == 0 && ::lstat(path.c_str(), &named) == 0 &&
         named.st_dev == mine.st_dev && named.st_ino == mine.st_ino && mine.st_ctim.tv_sec == changed_sec_ &&
         mine.st_ctim.tv_nsec == changed_nsec_;
}

bool RunLock::held_here(const std::string& store_path, std::int64_t run) {
  const std::lock_guard<std::mutex> guard(g_held_mutex);
  for (const RunLock* l : g_held)
    if (l->fd_ >= 0 && l->run_ == run && file_of(l->store_path_) == file_of(store_path) && l->still_here())
      return true;
  return false;
}

void RunLock::keep() const {
  if (still_here()) return;
  throw Error(fmt::format(
      "results store '{}': the lock file '{}' was removed, replaced or moved while this process wrote run "
      "{}, so another process may have taken the run since: this one writes it no more and leaves its "
      "status as it is (the units written so far are kept; `wijksim runs --store {}` shows the run, and how "
      "to continue it if nobody does)",
      printable(store_path_), printable(file_of(store_path_)), run_, shell_word(store_path_)));
}

std::string RunLock::left_as_it_is(const std::string& store_path, std::int64_t run) {
  return fmt::format(
      "run {} of {} is left as it is: its lock file was removed, replaced or moved while this process wrote "
      "it, so another process may have taken it (`wijksim runs --store {}` shows it, and how to continue it "
      "if "
      "nobody does)",
      run, shown_name(store_path), shell_word(store_path));
}

bool RunLock::held(const std::string& store_path, std::int64_t run) {
  const int fd = ::open(file_of(store_path).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  if (!regular(fd)) {  // not a lock wijksim took
    ::close(fd);
    return false;
  }
  struct flock l = byte_of(run, F_WRLCK);
  const bool locked = ::fcntl(fd, F_OFD_GETLK, &l) == 0 && l.l_type != F_UNLCK;
  ::close(fd);
  return locked;
}

RunLock& RunLock::operator=(RunLock&& o) noexcept {
  std::swap(fd_, o.fd_);
  std::swap(run_, o.run_);
  std::swap(store_path_, o.store_path_);
  std::swap(changed_sec_, o.changed_sec_);
  std::swap(changed_nsec_, o.changed_nsec_);
  return *this;
}

RunLock::~RunLock() {
  release(this);
  if (fd_ >= 0) ::close(fd_);  // closing the description releases its locks
}

}  // namespace wijksim
