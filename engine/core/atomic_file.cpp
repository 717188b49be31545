#include "wijksim/core/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string_view>

#include "wijksim/core/error.h"
#include "wijksim/core/output_path.h"
#include "wijksim/core/test_hooks.h"

namespace wijksim {
namespace {

namespace fs = std::filesystem;

std::string directory_of(const std::string& path) {
  const fs::path p = fs::path(path).parent_path();
  return p.empty() ? std::string(".") : p.string();
}

// A number drawn once per process from the kernel's random source, below 2^48. Process IDs alone are not
// unique where a directory is shared by machines or containers (each container's first process is 1): two
// such writers made the same names, and one's O_EXCL failed as "file exists" (outside attack 21).
std::uint64_t process_salt() {
  static const std::uint64_t salt = [] {
    std::uint64_t r = 0;
    if (::getrandom(&r, sizeof r, 0) != static_cast<ssize_t>(sizeof r))
      r = static_cast<std::uint64_t>(std::time(nullptr)) * 1000003u ^ static_cast<std::uint64_t>(getpid());
    return r & ((std::uint64_t{1} << 48) - 1);
  }();
  return salt;
}

// A temporary name in `dir`, unique to this process and call: the process ID (what remove_stale_temporaries
// asks about) and a number that is this process's salt plus a count of its names.
std::string temporary_name(const std::string& dir, const char* suffix) {
  static std::atomic<std::uint64_t> counter{0};
  return (fs::path(dir) / fmt::format(".wijksim-{}-{}.{}", getpid(), process_salt() + counter++, suffix))
      .string();
}

// Whether a temporary file holds what wijksim writes there: nothing yet (a process killed before it wrote),
// the beginning of one of its outputs, or an SQLite database (a temporary results store). A user's note
// under such a name was removed for its name alone (outside attack 40).
bool holds_wijksims(const fs::path& file) {
  std::error_code ec;
  if (fs::file_size(file, ec) == 0 && !ec) return true;
  if (is_sqlite_database(file.string())) return true;
  // Begun as one of wijksim's outputs: as an export's file whole or cut short by the kill ("appended": not
  // CSV's shape to its end), or as another output.
  const Authorship a = authorship(file.string(), OutputKind::ExportFile);
  return a.verdict == Authorship::Verdict::SameKind || a.verdict == Authorship::Verdict::OtherKind ||
         (a.verdict == Authorship::Verdict::NotWijksim && a.detail == "appended");
}

// Whether `dir` (lstat as `st`) is a directory holding regular files named *.csv only, each begun as
// wijksim's (holds_wijksims: a user's mine.csv in a directory of such a name was removed with it; outside
// attack): what an export stages (DirectoryWrite; run_store.cpp export_csv).
bool holds_only_staged_files(const fs::path& dir, const struct stat& st) {
  if (!S_ISDIR(st.st_mode)) return false;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    struct stat f {};
    if (::lstat(it->path().c_str(), &f) != 0 || !S_ISREG(f.st_mode) || it->path().extension() != ".csv" ||
        !holds_wijksims(it->path()))
      return false;
  }
  return !ec;
}

// Removes from `dir` the temporary files and staging directories (temporary_name) of wijksim processes that
// ended without removing them (kill -9 while an output was written), so they do not pile up: only this
// user's, only of a process no longer running here, and only when older than a minute (a process of another
// machine sharing the directory is not known here: a minute is longer than any of its writes takes).
void remove_stale_temporaries(const std::string& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir.empty() ? "." : dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    unsigned long pid = 0, n = 0;
    char kind[16] = {};
    if (std::sscanf(name.c_str(), ".wijksim-%lu-%lu.%15s", &pid, &n, kind) != 3) continue;
    // Exactly a name temporary_name gives: sscanf stops at a blank and reads "-5" as a number, and took a
    // user's ".wijksim-999999-1.tmp (copy)" directory for one, and removed it (outside attack 10).
    if (name != fmt::format(".wijksim-{}-{}.{}", pid, n, kind)) continue;
    // "tmp-wal" and the like: the files SQLite kept beside a temporary store (TemporaryFiles).
    const std::string_view k(kind);
    const bool sqlites =
        k.starts_with("tmp-") && std::any_of(std::begin(kSqliteFiles), std::end(kSqliteFiles),
                                             [&](const StoreFileName& f) { return k.substr(3) == f.suffix; });
    if (k != "tmp" && k != "staging" && !sqlites) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || st.st_uid != ::geteuid()) continue;
    if (std::time(nullptr) - st.st_mtime < 60) continue;
    if (pid == 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    // Only what wijksim makes under such a name: a temporary file is a regular file, a staging directory
    // holds an export's CSV files and nothing else (a user's directory of that name, with a note in it, was
    // removed whole; outside attack 14).
    if (k == "staging" ? !holds_only_staged_files(it->path(), st) : !S_ISREG(st.st_mode)) continue;
    if (k == "tmp" && !holds_wijksims(it->path())) continue;
    std::error_code rm;
    fs::remove_all(it->path(), rm);
  }
}

// The temporary files and staging directories of the writes in progress (remove_unfinished_outputs).
std::mutex g_unfinished_mutex;
// Held while an export moves its staged files into place (DirectoryWrite::commit), and by
// remove_unfinished_outputs, which the signal exit calls: the exit waits for the moves.
std::mutex g_moving_mutex;
// The versions keep_previous_version made (kept name, the file's own name): a signal before the new file is
// in place removes a kept name that is still a second name of the file itself (it left sets.csv.~1~, a
// link to the unchanged sets.csv, and the resume another; outside attack 22).
std::vector<std::pair<std::string, std::string>> g_kept_versions;
// Set by a signal's exit as it waits for the moves: the moving thread then ends there too, so the process
// ends one way, exit 130 with "interrupted", not by whichever thread came first (outside attack 24: one
// export exited 0 after "interrupted", another 130 after "wrote ...").
std::atomic<bool> g_exit_waiting{false};
// The directories whose export's moves ended while a signal's exit waited (under g_moving_mutex): the exit
// says they are whole (an outside attack: it said only "interrupted" of a complete export).
std::vector<std::string> g_completed_while_exit_waited;

// Called with the moves done and the moving lock released: if a signal's exit waits, this thread waits for
// the process to end.
void end_if_exit_waiting() {
  while (g_exit_waiting.load()) ::pause();
}

// Held while a file or a staging directory of an output in progress is made, and by remove_unfinished_outputs
// while it removes them: a signal's exit removed the staging directory's files while this thread made the
// next one, so the directory was not empty when removed, and a truncated CSV was left in a hidden
// directory after "interrupted", exit 130 (outside attack 43). Once the exit has begun, nothing more is made.
std::mutex g_making_mutex;

// Takes g_making_mutex to make a name of an output in progress; once a signal's exit has begun, this thread
// waits for the process to end instead (it holds no other lock of this file when it calls this).
std::unique_lock<std::mutex> making_turn() {
  std::unique_lock making(g_making_mutex);
  if (g_exit_waiting.load()) {
    making.unlock();
    end_if_exit_waiting();
  }
  return making;
}
std::set<std::string> g_unfinished;

void unfinished(const std::string& path, bool add) {
  std::lock_guard lock(g_unfinished_mutex);
  if (add)
    g_unfinished.insert(path);
  else
    g_unfinished.erase(path);
}

// A temporary file, listed as unfinished while it exists; removed unless released (path cleared).
struct Temporary {
  std::string path;
  explicit Temporary(std::string p) : path(std::move(p)) { unfinished(path, true); }
  ~Temporary() {
    if (!path.empty()) ::unlink(path.c_str());
    release();
  }
  // Written into place, or to be kept where it is: no longer ours to remove.
  void release() {
    if (!path.empty()) unfinished(path, false);
    path.clear();
  }
};

// Creates `name` (which must not exist, and is not followed if it is a link) and writes `text` into it.
void write_new_file(const std::string& name, const std::string& target, const std::string& text) {
  const int fd = [&] {
    const auto making = making_turn();
    return ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  }();
  if (fd < 0)
    throw Error(fmt::format("cannot write '{}': {}", target, cannot_create(errno, directory_of(name))));
  std::size_t done = 0;
  int err = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  // Durable before it takes the target's name, so a crash never leaves an empty file under that name.
  if (!err && ::fsync(fd) != 0 && errno != EINVAL) err = errno;
  if (::close(fd) != 0 && !err) err = errno;
  if (err)
    throw Error(fmt::format("cannot write '{}': the disk is full or the write failed ({})", target,
                            std::strerror(err)));
}

// The first line of a file, without its line end ("" when it cannot be read).
std::string first_line(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::getline(in, line);
  return line;
}

// Moves the finished temporary file `tmp` to `path` (see atomic_file.h). Throws InputError when `path` may
// not be replaced, Error when the rename fails; `tmp` is left for the caller to remove, unless `keep_tmp` is
// set: then `tmp` holds what was at `path` (a swap that could not be undone) and must not be removed.
void put_in_place(const std::string& tmp, const std::string& path, const std::string& option,
                  const std::vector<KeptFile>& kept, OutputKind kind, bool& keep_tmp) {
  keep_tmp = false;
  for (int attempt = 0;; ++attempt) {
    const bool retry = attempt < 10;
    check_output(path, option, kept, kind);  // what is there now
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) {
      if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) return;
      if (errno == EEXIST && retry) continue;  // taken in the meantime: look at it again
      if (errno == EINVAL || errno == ENOSYS) {
        if (::link(tmp.c_str(), path.c_str()) == 0) {
          ::unlink(tmp.c_str());
          return;
        }
        if (errno == EEXIST && retry) continue;
      }
      throw Error(fmt::format("cannot write '{}': {}", path, cannot_create(errno, directory_of(path))));
    }
    // The new version keeps the old one's permissions: a file made private (chmod 600) stayed private, and
    // became world-readable under the umask's mode once replaced (outside attack 10).
    if (S_ISREG(st.st_mode)) {
      // ... and its owner and group where this process may give them (as root, or a group it is in): another
      // user's file replaced by root became root's, and its owner could no longer read it (outside attack
      // 13). A user may not give a file away: the new version is then theirs, as any file they write.
      if (st.st_uid != ::geteuid() && ::chown(tmp.c_str(), st.st_uid, st.st_gid) != 0)
        (void)::chown(tmp.c_str(), static_cast<uid_t>(-1), st.st_gid);
      else if (st.st_gid != ::getegid())
        (void)::chown(tmp.c_str(), static_cast<uid_t>(-1), st.st_gid);
      ::chmod(tmp.c_str(), st.st_mode & 07777);  // after chown, which may clear set-id bits
    }
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) == 0) {
      // The old file is now at `tmp`: make sure it was still one an output may replace (a user's file put
      // there after the check above is swapped back, and check_output says why it stays).
      struct stat out {};
      bool keep = ::lstat(tmp.c_str(), &out) != 0 || !S_ISREG(out.st_mode) ||
                  (out.st_size > 0 && !authorship(tmp, kind).replaceable());
      for (const KeptFile& k : kept) keep = keep || same_file(tmp, k.path);
      if (!keep) {
        ::unlink(tmp.c_str());
        return;
      }
      if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) != 0) {
        keep_tmp = true;
        throw Error(
            fmt::format("cannot write '{}': it changed while being written, and what was there is now "
                        "'{}' ({})",
                        path, tmp, std::strerror(errno)));
      }
      if (retry) continue;  // check_output now says why it may not be replaced
      throw Error(fmt::format("cannot write '{}': it keeps changing while being written", path));
    }
    if (errno == ENOENT && retry) continue;  // removed in the meantime: take the new name instead
    if ((errno == EINVAL || errno == ENOSYS) && ::rename(tmp.c_str(), path.c_str()) == 0) return;
    throw Error(fmt::format("cannot write '{}': {}", path, cannot_create(errno, directory_of(path))));
  }
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& text, const std::string& option,
                           const std::vector<KeptFile>& kept, OutputKind kind) {
  check_output(path, option, kept, kind);
  remove_stale_temporaries(directory_of(path));
  Temporary tmp(temporary_name(directory_of(path), "tmp"));
  write_new_file(tmp.path, path, text);  // on failure, ~Temporary removes what was written
  test_hooks::while_writing_output();
  bool keep_tmp = false;
  try {
    // Under the moving lock: a signal's exit then never finds the file half replaced when it asks whether
    // a kept version is still the file itself (remove_unfinished_outputs).
    {
      const std::lock_guard moving(g_moving_mutex);
      put_in_place(tmp.path, path, option, kept, kind, keep_tmp);
    }
    end_if_exit_waiting();
  } catch (...) {
    if (keep_tmp) tmp.release();  // it holds the old file now: never removed
    throw;
  }
  tmp.release();  // renamed into place (or swapped out and removed)
}

namespace {
// The name keep_previous_version gives the N-th kept version of `path`.
std::string previous_version_name(const std::string& path, int n) {
  return fmt::format("{}.~{}~", path, n);
}
}  // namespace

void check_previous_version_name(const std::string& path, const std::string& option) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  int n = 1;
  while (n < 10000 && ::lstat(previous_version_name(path, n).c_str(), &st) == 0) ++n;
  const std::string kept = previous_version_name(path, n);
  if (const std::size_t length = fs::path(kept).filename().string().size(); length > kFileNameMax)
    throw InputError(
        {{Location{path, 0, 0}, option,
          fmt::format("the file there would be kept as '{}' before it is replaced, a name of {} bytes, more "
                      "than the {} a file system takes: name a shorter file, or move this one away",
                      fs::path(kept).filename().string(), length, kFileNameMax)}});
}

std::optional<std::string> keep_previous_version(const std::string& path) {
  struct stat st {};
  // An empty file holds nothing to keep (an empty sets.csv.~1~ was made, "the sets it held before" said of
  // it; outside attack 61).
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return std::nullopt;
  for (int n = 1;; ++n) {
    std::string kept = previous_version_name(path, n);
    if (::link(path.c_str(), kept.c_str()) == 0) {
      std::lock_guard lock(g_unfinished_mutex);
      g_kept_versions.emplace_back(kept, path);
      return kept;
    }
    // A name taken (by an earlier version): the next one. Anything else: the old file cannot be kept.
    if (errno != EEXIST || n >= 10000)
      throw Error(fmt::format("cannot keep the earlier version of '{}' as '{}' before replacing it: {}", path,
                              kept, std::strerror(errno)));
  }
}

namespace {
// Whether `kept` is still a second name of the file `own` (neither followed if it is a link).
bool second_name_of(const std::string& kept, const std::string& own) {
  struct stat k {
  }, o{};
  return ::lstat(kept.c_str(), &k) == 0 && ::lstat(own.c_str(), &o) == 0 && k.st_dev == o.st_dev &&
         k.st_ino == o.st_ino;
}
}  // namespace

bool forget_previous_version(const std::string& kept) {
  std::lock_guard lock(g_unfinished_mutex);
  const auto it = std::find_if(g_kept_versions.begin(), g_kept_versions.end(),
                               [&](const auto& v) { return v.first == kept; });
  if (it == g_kept_versions.end()) return false;
  const bool removed = second_name_of(it->first, it->second) && ::unlink(kept.c_str()) == 0;
  g_kept_versions.erase(it);
  return removed;
}

OutputTurn::OutputTurn(const std::string& path) {
  const std::string dir = directory_of(path);
  fd_ = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) return;
  while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
  }
}

OutputTurn::~OutputTurn() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

TemporaryFiles::TemporaryFiles(const std::string& target, const std::vector<std::string>& suffixes) {
  const std::string dir = directory_of(target);
  remove_stale_temporaries(dir);
  path_ = temporary_name(dir, "tmp");
  // Listed before anything is made under them: a signal from now on removes whatever is there.
  names_.push_back(path_);
  for (const std::string& suffix : suffixes) names_.push_back(path_ + suffix);
  for (const std::string& name : names_) unfinished(name, true);
}

TemporaryFiles::~TemporaryFiles() {
  for (const std::string& name : names_) {
    ::unlink(name.c_str());
    unfinished(name, false);
  }
}

void remove_stale_temporaries_beside(const std::string& path) {
  remove_stale_temporaries(directory_of(path));
}

std::vector<std::string> remove_unfinished_outputs() {
  // An export moving its files into place finishes first: every file or none, never a mix of two runs.
  g_exit_waiting.store(true);
  const std::lock_guard moving(g_moving_mutex);
  const std::lock_guard making(g_making_mutex);  // nothing is being made now, and nothing will be after
  std::lock_guard lock(g_unfinished_mutex);
  for (const auto& [kept, own] : g_kept_versions)
    if (second_name_of(kept, own)) ::unlink(kept.c_str());
  g_kept_versions.clear();
  for (const std::string& p : g_unfinished) {
    std::error_code ec;
    fs::remove_all(p, ec);
  }
  g_unfinished.clear();
  return g_completed_while_exit_waited;
}

namespace {

// Writes kExportIncompleteText to `marker`, unless a file of that name is there that is not wijksim's (its
// first line another). True when written.
bool mark_export_incomplete(const std::string& marker) {
  struct stat m {};
  if (::lstat(marker.c_str(), &m) == 0) {
    const std::string_view ours = kExportIncompleteText;
    if (!S_ISREG(m.st_mode) || (m.st_size > 0 && first_line(marker) != ours.substr(0, ours.find('\n'))))
      return false;
  }
  const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  const std::string_view text = kExportIncompleteText;
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return written;
}

}  // namespace

DirectoryWrite::DirectoryWrite(const std::string& dir, const std::vector<std::string>& names,
                               const std::string& option, const std::vector<KeptFile>& kept)
    : dir_(dir), option_(option), names_(names), kept_(kept) {
  if (dir.empty()) throw InputError({{Location{}, option, "an empty directory name: name a directory"}});
  struct stat st {};
  // Without its trailing slashes: lstat of "LINK/" follows the link, so `--csv LINK/` wrote through a link
  // that `--csv LINK` refuses (outside attack 45).
  std::string bare = dir;
  while (bare.size() > 1 && bare.back() == '/') bare.pop_back();
  // Not under the name of a file SQLite keeps beside a database (STORE-wal): a directory there locked every
  // command out of that store, as every other output refuses such a name (outside attack); said so, not
  // "this is a file", of the log the command's own store has open.
  check_not_a_stores_file(bare, option);
  if (::lstat(bare.c_str(), &st) == 0) {
    dir_device_ = st.st_dev;
    dir_inode_ = st.st_ino;
    if (S_ISLNK(st.st_mode))
      throw InputError({{Location{dir, 0, 0}, option,
                         "this is a symbolic link: outputs never follow links; name the directory itself"}});
    if (!S_ISDIR(st.st_mode))
      throw InputError(
          {{Location{dir, 0, 0}, option,
            fmt::format("this is {}, not a directory",
                        non_regular_kind(dir).empty() ? std::string("a file") : non_regular_kind(dir))}});
    check_not_among_devices(bare, dir, option);  // /dev itself, or a directory below it
  } else if (errno == ENOENT) {
    new_dir_ = true;
    check_not_among_devices(directory_of(fs::path(bare).lexically_normal().string()), dir, option);
  } else {
    throw InputError({{Location{dir, 0, 0}, option,
                       fmt::format("cannot use this directory: {}", cannot_create(errno, dir))}});
  }
  if (!new_dir_)
    for (const std::string& n : names)
      check_output((fs::path(dir) / n).string(), option, kept, OutputKind::ExportFile);
  const fs::path d = fs::path(dir).lexically_normal();
  const std::string parent =
      new_dir_ ? directory_of(d.has_filename() ? d.string() : d.parent_path().string()) : dir;
  // A directory write-protected for everyone (chmod 555), which root may write all the same (output_path.h):
  // refused before anything in it changes (the staging directory, a killed command's temporaries removed).
  if (is_write_protected_directory(parent))
    throw Error(
        fmt::format("cannot write into '{}': {} another directory", dir, write_protected_said(parent)));
  remove_stale_temporaries(parent);
  if (!new_dir_) dir_fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  staging_ = temporary_name(parent, "staging");
  // Made and listed as unfinished in one turn: a signal's exit between the two left it behind, empty.
  const auto making = making_turn();
  if (::mkdir(staging_.c_str(), 0777) != 0) {
    const int err = errno;
    staging_.clear();
    if (dir_fd_ >= 0) ::close(dir_fd_);  // the destructor does not run for a constructor that throws
    dir_fd_ = -1;
    throw Error(fmt::format("cannot write into '{}': {}", dir, cannot_create(err, parent)));
  }
  unfinished(staging_, true);
}

DirectoryWrite::~DirectoryWrite() {
  if (!staging_.empty()) {
    // The staged files by name, then the directory: no file descriptor needed, where remove_all must open
    // the directory to list it, which too few open files allowed refuses (an export that failed so left
    // its staging directory; outside attack 26). remove_all for anything else found in it.
    for (const std::string& n : names_) ::unlink((fs::path(staging_) / n).c_str());
    if (::rmdir(staging_.c_str()) != 0) {
      std::error_code ec;
      fs::remove_all(staging_, ec);
    }
    unfinished(staging_, false);
  }
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

void DirectoryWrite::write(const std::string& name, const std::string& text) {
  write_new_file((fs::path(staging_) / name).string(), (fs::path(dir_) / name).string(), text);
}

void DirectoryWrite::commit() {
  if (new_dir_) {
    // The whole directory at once, unless something took its name in the meantime.
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, dir_.c_str(), RENAME_NOREPLACE) == 0 ||
        ((errno == EINVAL || errno == ENOSYS) && ::rename(staging_.c_str(), dir_.c_str()) == 0)) {
      unfinished(staging_, false);
      staging_.clear();
      committed_ = true;
      return;
    }
    if (errno != EEXIST && errno != ENOTEMPTY)
      throw Error(fmt::format("cannot write into '{}': {}", dir_, cannot_create(errno, directory_of(dir_))));
    struct stat st {};
    if (::lstat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw InputError({{Location{dir_, 0, 0}, option_,
                         "this became something other than a directory "
                         "while the files were written"}});
  }
  // Exports into one directory at the same moment put their files in place one after the other, each all of
  // its files: the files of two runs were mixed, every export ending well (outside attack 8). An advisory
  // lock on the directory itself (flock), held while the files are checked and moved; it goes with the
  // process.
  struct DirectoryLock {
    int fd = -1;
    explicit DirectoryLock(const std::string& dir)
        : fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
      if (fd >= 0)
        while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    ~DirectoryLock() {
      if (fd >= 0) ::close(fd);
    }
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;
  } lock(dir_);
  test_hooks::while_writing_output();
  // The directory moved away or replaced (by another, or a link) while the files were written: its staging
  // directory went with it, and the files would be compared with or moved into something else (a user's
  // directory put in its place; before, exit 4 from reading a staged file that was not there).
  if (!new_dir_) {
    struct stat now {};
    if (::lstat(dir_.c_str(), &now) != 0 || !S_ISDIR(now.st_mode) || now.st_dev != dir_device_ ||
        now.st_ino != dir_inode_) {
      if (dir_fd_ >= 0) {  // removed where it went, through the directory's descriptor
        std::error_code ec;
        fs::remove_all(fs::path(fmt::format("/proc/self/fd/{}", dir_fd_)) / fs::path(staging_).filename(),
                       ec);
      }
      unfinished(staging_, false);
      staging_.clear();
      throw InputError({{Location{dir_, 0, 0}, option_,
                         "this directory was moved, removed or replaced while the files were written: "
                         "nothing was put in it; export again"}});
    }
  }
  // A file of the directory is replaced only by one with its header (an earlier export of the same file):
  // checked for all before any is moved, so a user's "run_id,..." file stops the export whole.
  for (const std::string& n : names_) {
    const std::string target = (fs::path(dir_) / n).string();
    // All that the constructor checked, again for what changed while the files were staged (a note written
    // below a file, the directory write-protected): said before any file is moved, which left the export
    // refused with most of its files replaced (a review).
    check_output(target, option_, kept_, OutputKind::ExportFile);
    struct stat st {};
    if (::lstat(target.c_str(), &st) != 0 || st.st_size == 0) continue;
    const std::string before = first_line(target), now = first_line((fs::path(staging_) / n).string());
    // An earlier version's export of the file has the same columns but fewer at the end: its own.
    if (before == now || (before.starts_with("run_id,") && now.starts_with(before + ","))) continue;
    // Shown from the column where they differ (both began "run_id,...,coach_f" when cut at 60 characters).
    std::size_t from = 0;
    while (from < before.size() && from < now.size() && before[from] == now[from]) ++from;
    // From the start of the column holding the first difference (its comma + 1; 0 in the first column).
    const std::size_t comma = from == 0 ? std::string::npos : before.rfind(',', from - 1);
    from = comma == std::string::npos ? 0 : comma + 1;
    const auto column =
        std::count(before.begin(), before.begin() + static_cast<std::ptrdiff_t>(from), ',') + 1;
    throw InputError(
        {{Location{target, 0, 0}, option_,
          fmt::format("this file exists with another first line than the export writes (from "
                      "column {}: '{}', not '{}'): it is left as it is; remove it or name another "
                      "directory",
                      column, before.substr(from, 60), now.substr(from, 60))}});
  }
  // The files are moved with the signal exit held back (g_moving_mutex): a Ctrl-C between two moves
  // exited there and left the files of two runs side by side, the message saying only "interrupted"
  // (outside attack 22). The moves take microseconds; the exit waits for them.
  {
    const std::lock_guard moving(g_moving_mutex);
    // Said in the directory while its files are moved, so that a process killed between two moves leaves a
    // file saying so (kExportIncompleteName). Not over a file of that name that is not wijksim's.
    const std::string marker = (fs::path(dir_) / kExportIncompleteName).string();
    const bool marked = mark_export_incomplete(marker);
    bool first = true;
    for (const std::string& n : names_) {
      if (!first) test_hooks::while_moving_export();
      first = false;
      bool keep_tmp = false;
      try {
        put_in_place((fs::path(staging_) / n).string(), (fs::path(dir_) / n).string(), option_, kept_,
                     OutputKind::ExportFile, keep_tmp);
      } catch (...) {
        if (keep_tmp) {  // the staging directory holds an old file now: left as it is, never removed
          unfinished(staging_, false);
          staging_.clear();
        }
        throw;
      }
    }
    if (marked) ::unlink(marker.c_str());
    if (g_exit_waiting.load()) g_completed_while_exit_waited.push_back(dir_);
  }
  ::rmdir(staging_.c_str());
  unfinished(staging_, false);
  staging_.clear();
  committed_ = true;
  end_if_exit_waiting();
}

}  // namespace wijksim
