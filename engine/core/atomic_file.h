// Writing an output file whole or not at all: the text goes to a temporary file next to the target, which
// is then renamed over it. A reader never sees half a file, and a failed write (a full disk, a missing or
// read-only directory) leaves the old file, if any, untouched and no temporary behind.
//
// The target is only ever a regular file or a new name (output_path.h): it is checked before the
// temporary file is written and again when it is put in place, and the rename itself never replaces what
// is not a regular file:
//  - a new name is taken with renameat2(RENAME_NOREPLACE), so a name that something else took in the
//    meantime is not replaced (the check is repeated for what is there now);
//  - an existing file is swapped with the temporary one (renameat2(RENAME_EXCHANGE)) and what came out is
//    examined: were it no longer a regular file, or a file the command keeps (a link made in the meantime),
//    it is swapped back and the write refused. For a moment the target's name shows the new file; nothing is
//    destroyed.
// Where the file system lacks these (renameat2 fails with EINVAL: some network file systems), a new name is
// taken with link(2) and an existing file is replaced with rename(2) right after a fresh lstat: a name
// replaced by something else between that lstat and the rename would then be replaced. That window of a
// few microseconds is the remaining race, and it exists only on such file systems.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wijksim/core/output_path.h"

namespace wijksim {

// Throws InputError when `path` may not be an output (output_path.h: named after `option` in the message),
// and Error naming the file and the reason when it cannot be written.
void write_file_atomically(const std::string& path, const std::string& text,
                           const std::string& option = "--output", const std::vector<KeptFile>& kept = {},
                           OutputKind kind = OutputKind::Tables);

// Keeps the regular file `path`, if there is one, under a new name PATH.~N~ (the first N from 1 not taken),
// as a second name of the same file (link(2): nothing is copied, and the write that replaces `path` next
// leaves it as it is), and returns that name; nullopt when `path` does not exist or is empty. For outputs
// that are expensive to make again (a calibration's parameter sets). Throws Error when the name cannot be
// made.
std::optional<std::string> keep_previous_version(const std::string& path);
// Takes back a version kept by keep_previous_version when the write that was to replace its file failed:
// `kept` is removed if it is still a second name of that file (which then holds what it held), so no copy is
// left behind unsaid (a full disk left sets.csv.~1~ beside the unchanged sets.csv; an outside attack).
// Returns whether it was removed.
bool forget_previous_version(const std::string& kept);
// Held by a command while it keeps the earlier version of an output and writes the new one (an exclusive
// flock(2) on the output's directory, waited for), so that two commands replacing the same file take turns:
// the second keeps the first's file as the next PATH.~N~. Without it both kept the same earlier file under
// two names and the first's new file was replaced unseen (outside attack 10). A directory that cannot be
// opened for this is not locked.
class OutputTurn {
 public:
  explicit OutputTurn(const std::string& path);
  ~OutputTurn();
  OutputTurn(const OutputTurn&) = delete;
  OutputTurn& operator=(const OutputTurn&) = delete;

 private:
  int fd_ = -1;
};
// Checked before the work that ends in keep_previous_version: throws InputError (named after `option`) when
// the name it would make now is longer than a file system takes.
void check_previous_version_name(const std::string& path, const std::string& option);

// Removes the temporary files and staging directories of the writes in progress: for a process about to end
// on a signal (cli/interrupts.h), so that stopping it while it writes leaves nothing behind. Safe to call
// from any thread but one moving an export's files into place (it waits for those moves to end). Returns the
// directories whose export it waited for: they hold every file of it.
std::vector<std::string> remove_unfinished_outputs();

// The file an export puts in an existing directory while it moves its files into place and removes after
// the last (DirectoryWrite::commit): a process killed between two moves (kill -9, a power cut) leaves it,
// beside files that may be of two exports (an outside attack: nothing said so).
inline constexpr const char* kExportIncompleteName = "EXPORT-INCOMPLETE.txt";
inline constexpr const char* kExportIncompleteText =
    "wijksim stopped while it put the files of an export into this directory, so they may be of two exports "
    "(two runs).\nExport again into this directory: an export that completes removes this file.\n";

// Removes the temporary files and staging directories that wijksim processes killed outright (kill -9) left
// in the directory of `path` (this user's, of a process no longer running, older than a minute).
void remove_stale_temporaries_beside(const std::string& path);

// A temporary name beside `target` (in its directory, unique to this process and call) for a file made whole
// before it takes its name (a new results store, linked into place), with the names of the files made beside
// it under that name and `suffixes` (SQLite's "-wal", "-shm", "-journal"). They are removed when this is
// destroyed, and listed as unfinished meanwhile, so that a signal that ends the process removes them too
// (remove_unfinished_outputs). Left behind by a process killed outright (kill -9), they are removed as
// stale by a later write in that directory, as the temporary files of outputs are.
class TemporaryFiles {
 public:
  TemporaryFiles(const std::string& target, const std::vector<std::string>& suffixes);
  ~TemporaryFiles();
  TemporaryFiles(const TemporaryFiles&) = delete;
  TemporaryFiles& operator=(const TemporaryFiles&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> names_;
};

// Several files written into one directory, all or none: every target is checked before anything is
// written, the files are written into a staging directory (next to the target directory when that does not
// exist yet, else inside it), and only when all are written are they moved into place (the new directory
// renamed into place, or each file renamed over its name as write_file_atomically does). Destroyed without
// commit(), it removes the staging directory and everything in it.
class DirectoryWrite {
 public:
  // Checks `dir` (a directory or a new name, not a symbolic link) and `dir`/name for every name (as
  // check_output does). Throws InputError or Error.
  DirectoryWrite(const std::string& dir, const std::vector<std::string>& names, const std::string& option,
                 const std::vector<KeptFile>& kept);
  ~DirectoryWrite();
  DirectoryWrite(const DirectoryWrite&) = delete;
  DirectoryWrite& operator=(const DirectoryWrite&) = delete;

  // Writes one of the names into the staging directory. Throws Error (a full disk).
  void write(const std::string& name, const std::string& text);
  // Puts every file in place. Throws InputError when a target became something an output may not replace
  // since the check (the files moved before it stay in place), Error when a rename fails.
  void commit();

 private:
  std::string dir_, option_, staging_;
  std::vector<std::string> names_;
  std::vector<KeptFile> kept_;
  // An existing directory as it was found (the staging directory is inside it): moved or replaced before the
  // files are put in place, it is refused, and the staging directory is removed through dir_fd_.
  int dir_fd_ = -1;
  unsigned long long dir_device_ = 0, dir_inode_ = 0;
  bool new_dir_ = false, committed_ = false;
};

}  // namespace wijksim
