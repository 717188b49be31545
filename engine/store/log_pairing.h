// Whether the write-ahead log or the rollback journal lying beside a results store is the store's own.
//
// SQLite folds a write-ahead log left beside a database (PATH-wal: its writer was killed before it closed)
// into whatever database next has that name, and rolls a hot journal (PATH-journal) back into it, with no
// check that either belongs to that database: neither names its database. A store put back from a copy (or
// another store moved to its name) while a killed command's log lay beside it was damaged by the next
// wijksim command, even a `runs`, and so was a store beside another database's journal (outside attack 49).
//
// What can be told from the files, without opening them with SQLite:
// - a store is written with a write-ahead log, never a rollback journal, so a journal beside a store in
//   write-ahead-log mode is another database's; beside one in rollback mode (made by `VACUUM INTO`, or
//   switched by hand) it may be its own, and is tried on a private copy as a log is (below);
// - a log that a live connection holds (SQLite's shared lock on its index, PATH-shm, and on the store's
//   file itself, so that a connection to a file that had the name before does not count) is in use and is
//   not replayed: nothing to check;
// - a log whose committed pages are all in the store's file already changes nothing when folded in;
// - a log whose last commit gives the store fewer pages than its file has is older than the file or another
//   store's: a store only grows while it is written (wijksim never vacuums it);
// - otherwise (the log holds pages the file lacks, or sets another size) folding it in is tried on a private
//   copy of the store, and the store is refused when that copy is damaged. A killed writer's own log folds
//   in whole, and so does one beside a copy of the store as it was when the killed command began. Where no
//   copy can be made (no usable TMPDIR, too little room) the store is refused as one that cannot be told:
//   the files' times, tried instead, took a log copied with `cp` or touched for the store's own (outside
//   attack 51).
// A log folded into a copy can pass the copy's integrity check and still be out of step with the file (one
// of the same store before a checkpoint it lacks); the seals of complete runs catch what that changes.
#pragma once

#include <optional>
#include <string>

namespace wijksim {

struct LogDoubt {
  std::string why;  // in words, naming the file
  std::string log;  // which file: "write-ahead log 'PATH-wal'" or "rollback journal 'PATH-journal'"
  bool certain;     // not the store's whatever its content; else only if folding it in damages it
};

// What speaks against SQLite opening the store at `path` as its files stand, or nullopt when nothing does.
// Reads, never writes.
std::optional<LogDoubt> doubtful_log(const std::string& path);

}  // namespace wijksim
