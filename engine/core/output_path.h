// What an output may be. wijksim writes its outputs (the printed tables, the HTML report, the CSV export)
// to a temporary file that is then renamed over the output's name, so the name must never stand for
// something a rename would destroy. An output is therefore only ever a regular file, or a name not yet
// taken:
//  - never a directory, a device (--output /dev/null as root would replace the device), a FIFO or a socket;
//  - never a symbolic link: links are not followed, whatever they point at (the rename would replace the
//    link itself, and a link into another directory cannot be replaced atomically);
//  - never an SQLite database (a results store: a table written over it would destroy its runs);
//  - never a file wijksim did not write: an existing file is replaced only when it is empty or begins as an
//    output of wijksim does (authorship), whether its name was given or is a default;
//  - never a file the command reads or keeps: a scenario, every file of its `extends` chain, its comparator
//    and the comparator's chain, or the results store (and its write-ahead log). Files are compared by
//    identity (device and inode), so a second name for the same file (a hard link, a path through a
//    symbolic link, `./x` and `x`) is caught; a name that does not exist yet is compared by its
//    normalised absolute path.
// The results store itself is opened by SQLite and written in place, never renamed over: it must be a
// regular file or a new name (a symbolic link to a regular file is allowed for it), and not an input.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace wijksim {

// A file the command reads or keeps, which no output may replace.
struct KeptFile {
  std::string path;
  std::string what;  // for messages: "the scenario", "a file the scenario extends", "the results store"
};

// Throws InputError (bad input, exit 1) naming `path`, the option that named it (`option`, e.g. "--output")
// and why, unless `path` may receive an output (see above); Error (exit 3, as any write that fails) when it
// is a new name in a directory that does not exist.
// What an output is, for what it may replace: a file an export writes into its directory may replace an
// earlier export's file (its first line a header of the store's columns, "run_id,..."), any other output not.
// What an output is, for which wijksim file it may replace: only one of its own kind (tables over tables,
// a report over a report, parameter sets over parameter sets): a calibration's sets file took hours to make,
// and `sweep --output` or `report -o` replaced one.
enum class OutputKind { Tables, Report, ParameterSets, ExportFile };

void check_output(const std::string& path, const std::string& option, const std::vector<KeptFile>& kept = {},
                  OutputKind kind = OutputKind::Tables);

// The tables as text, as written to a file: with a last line that seals the lines above it (their content
// hash). Text has no fixed end, as CSV, JSON and HTML have, so without it a user's notes written into a saved
// table (below it, or between its lines) could not be told from wijksim's own lines, and the next run with
// the same --output replaced them. A file of tables as text is wijksim's, and replaced, only while its seal
// holds.
std::string sealed_text_tables(std::string text);

// `path` (an output, a store, an export's directory) refused when `directory`, where it would be made, is the
// system's device directory /dev or below it (root may write there: an export wrote 16 files into /dev,
// outside attack 62); /dev/shm, a directory for anyone's files, is allowed. A directory that is not there
// passes: the write says so.
void check_not_among_devices(const std::string& directory, const std::string& path,
                             const std::string& option);

// The lengths a results store's name is held to (check_store_path): a name the file system takes (at most
// 255 bytes), and a full path SQLite opens (at most 512 bytes, its Unix file layer's MAX_PATHNAME), each with
// the longest suffix of the files SQLite keeps beside the store ("-journal").
inline constexpr std::size_t kFileNameMax = 255;
inline constexpr std::size_t kSqlitePathMax = 512;
inline constexpr std::size_t kStoreSuffixMax = 8;

// Throws InputError when `path` is the name of a file SQLite (or the run lock) keeps beside an existing
// SQLite database (DB-wal, DB-shm, DB-journal, DB-runlock): opening that database would take what is under
// the name for its own. check_output and check_store_path check it; an export's directory too.
void check_not_a_stores_file(const std::string& path, const std::string& option);

// The same for the results store: a regular file (a symbolic link to one is followed), a new name, and not
// one of `kept` (the command's inputs).
void check_store_path(const std::string& path, const std::string& option,
                      const std::vector<KeptFile>& kept = {});

// The files kept beside a results store under its name and a suffix: SQLite's write-ahead log, shared-memory
// index and rollback journal (sqlite.org, "Temporary Files Used By SQLite"), and the lock file of its runs
// (store/run_lock.h).
struct StoreFileName {
  const char* suffix;
  const char* what;
};
inline constexpr StoreFileName kSqliteFiles[] = {
    {"-wal", "write-ahead log"}, {"-shm", "shared-memory index"}, {"-journal", "rollback journal"}};
inline constexpr StoreFileName kRunLockFile = {"-runlock", "lock file"};

// The store's own files that no output may replace: the store and its write-ahead log, shared-memory index
// and rollback journal (SQLite keeps them next to it as PATH-wal, PATH-shm, PATH-journal), and the lock file
// of its runs (PATH-runlock, store/run_lock.h).
std::vector<KeptFile> store_files(const std::string& store_path);

// Whether two names are the same file: by device and inode when both exist, else by their normalised
// absolute paths (symbolic links in existing directories resolved).
bool same_file(const std::string& a, const std::string& b);

// Whether the file begins with SQLite's header (a results store, or any SQLite database), or is an SQLite
// write-ahead log or rollback journal (part of one): no output replaces one. False when it cannot be read.
bool is_sqlite_database(const std::string& path);

// The header of the tables as CSV (report/render.cpp writes it; authorship knows a file by it).
inline constexpr const char* kTablesCsvHeader =
    "scenario,comparator,table,row,column,unit,mean,sd,se,lo,hi,n,text,counted,interval,cut\n";

// Who wrote an existing, non-empty file, as far as its beginning shows: an output of wijksim of kind `kind`
// (tables as text, CSV or JSON; the HTML report; calibrate's parameter sets; an export's CSV files), the only
// non-empty files such an output replaces, or another kind of wijksim's outputs, or not wijksim; or it cannot
// be read. (Before writing, an export also compares the header of each file it replaces with its own:
// atomic_file.h, DirectoryWrite.)
struct Authorship {
  enum class Verdict { SameKind, OtherKind, NotWijksim, Unreadable };
  Verdict verdict = Verdict::NotWijksim;
  std::string detail;  // OtherKind: what it is ("wijksim's HTML report"); Unreadable: why not (strerror)
  bool replaceable() const { return verdict == Verdict::SameKind; }
};
Authorship authorship(const std::string& path, OutputKind kind);

// Whether a name says it is a results store (--output NAME stores the run there): its extension is .db,
// .sqlite, .sqlite3 or .db3, in any case (MINE.DB).
bool is_store_name(const std::string& path);

// What a name is, for messages ("a directory", "a named pipe (FIFO)", "a symbolic link", ...), or "" when it
// is a regular file or does not exist. Does not follow a final symbolic link.
std::string non_regular_kind(const std::string& path);

// Whether `dir` is a directory with no write permission for anyone (chmod 555), its owner's protection of
// what is in it, that this process may write all the same (root: access() passes). Root replaced an output,
// made a results store and exported into such a directory, where any other user is refused (outside attack):
// outputs, stores and exports refuse it (Error: exit 3, as any write that fails). Another user is refused by
// the permission itself, and told so as before.
bool is_write_protected_directory(const std::string& dir);
// "the directory 'DIR' is write-protected (...) ...; make it writable (chmod u+w) or name": the words every
// refusal of such a directory says, followed by what to name instead.
std::string write_protected_said(const std::string& dir);

// Why a file or directory could not be made in `dir` (an errno), in words a user acts on: "the directory
// 'x' is not writable (...)", "the disk is full", too many open files as the process's limit.
std::string cannot_create(int err, const std::string& dir);

}  // namespace wijksim
