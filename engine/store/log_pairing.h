// Whether the write-ahead log or the rollback journal lying beside a results store is the store's own.
//
// SQLite folds a write-ahead log left beside a database (PATH-wal: its writer was killed before it closed)
// into whatever database next has that name, and rolls a hot journal (PATH-journal) back into it, with no
// check that either belongs to that database: neither names its database. A store put back from a copy (or
// another store moved to its name) while a killed command's log lay beside it was damaged by the next
// wijksim command, even a `runs`, and so was a store beside another database's journal (outside attack 49).
//
// What can be told from the files, without opening them with SQLite:
// - a store is written with a write-ahead log, never a rollback journal, so a journal beside it is another
//   database's;
// - a log that a live connection holds (SQLite's shared lock on its index, PATH-shm) is in use and is not
//   replayed: nothing to check;
// - a log whose committed pages are all in the store's file already changes nothing when folded in;
// - otherwise the log holds pages the file lacks, which is its own when the file has not changed since the
//   log was last written: a writer changes the file only by folding the log into it (a checkpoint), which
//   leaves those pages in the file. A store put back with `cp` or `mv` has a status-change time no earlier
//   than the log's last write. Such a store may still be the log's (a copy of the file as it was when the
//   killed command began), and one whose writer was killed just after a checkpoint that could fold only part
//   of the log (another process was reading) is: the caller folds the log into a private copy of the store
//   and refuses the store only when that copy is damaged.
#pragma once

#include <optional>
#include <string>

namespace wijksim {

struct LogDoubt {
  std::string why;  // in words, naming the file
  bool certain;     // not the store's whatever its content (a journal); else only if folding it damages it
};

// What speaks against SQLite opening the store at `path` as its files stand, or nullopt when nothing does.
// Reads, never writes.
std::optional<LogDoubt> doubtful_log(const std::string& path);

}  // namespace wijksim
