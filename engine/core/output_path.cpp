#include "wijksim/core/output_path.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>
#include <system_error>

#include "wijksim/core/atomic_file.h"
#include "wijksim/core/content_hash.h"
#include "wijksim/core/error.h"

namespace wijksim {
namespace {

namespace fs = std::filesystem;

// A name as messages show it: a very long one by its start and end.
std::string shown(const std::string& path) {
  if (path.size() <= 160) return path;
  return fmt::format("{}...{} ({} characters)", path.substr(0, 60), path.substr(path.size() - 40),
                     path.size());
}

[[noreturn]] void refuse(const std::string& path, const std::string& option, const std::string& why) {
  throw InputError({{Location{shown(path), 0, 0}, option, why}});
}

std::string kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISCHR(m)) return "a device (a character device such as /dev/null)";
  if (S_ISBLK(m)) return "a device (a block device such as a disk)";
  if (S_ISFIFO(m)) return "a named pipe (FIFO)";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISLNK(m)) return "a symbolic link";
  if (S_ISREG(m)) return "";
  return "not a regular file";
}

// The reason a name cannot even be looked at, in words; "" when it simply does not exist.
std::string lookup_failure(int err) {
  switch (err) {
    case ENOENT:
      return "";
    case ENAMETOOLONG:
      return "the name is too long (at most 255 bytes for one name and 4,096 for a whole path)";
    case ELOOP:
      return "the path goes round a loop of symbolic links";
    case ENOTDIR:
      return "a part of the path is not a directory";
    default:
      return std::strerror(err);
  }
}

// lstat, or the reason it failed ("" with exists = false when the name is free).
bool look(const std::string& path, bool follow, struct stat& st, std::string& why) {
  why.clear();
  if ((follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) == 0) return true;
  why = lookup_failure(errno);
  return false;
}

// `consequence`: why that is refused ("an output never replaces a file the command reads or keeps").
void check_kept(const std::string& path, const std::string& option, const std::vector<KeptFile>& kept,
                const char* consequence) {
  for (const KeptFile& k : kept)
    if (same_file(path, k.path))
      refuse(path, option,
             fs::path(k.path).lexically_normal() == fs::path(path).lexically_normal()
                 ? fmt::format("this is {}: {}; name another file", k.what, consequence)
                 : fmt::format("this is {} ('{}') under another name: {}; name another file", k.what,
                               shown(k.path), consequence));
}

// A file's first 16 bytes (fewer when it is shorter: `got`) and its size. False when it cannot be read.
struct FileHead {
  unsigned char bytes[16] = {};
  std::size_t got = 0;
  std::uintmax_t size = 0;
};
bool read_head(const std::string& path, FileHead& h) {
  // The size before the bytes: a file SQLite of another process was writing (an empty log getting its first
  // frame) read as empty, then measured as not, and was refused as not SQLite's (two writers of one new
  // store, seen under the sanitizers in CI).
  std::error_code ec;
  h.size = fs::file_size(path, ec);
  if (ec) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.read(reinterpret_cast<char*>(h.bytes), sizeof h.bytes);
  h.got = static_cast<std::size_t>(in.gcount());
  return true;
}

// How SQLite's files begin (sqlite.org, "Database File Format"): a database with its 16-byte header string
// (section 1.3.1); a write-ahead log, which holds committed transactions not yet in the database, with
// 0x377f0682 or 0x377f0683 (big-endian; section 4.1); a rollback journal with d9 d5 05 f9 20 a1 63 d7
// (section 3.1).
bool begins_as_database(const FileHead& h) {
  return h.got == 16 && std::memcmp(h.bytes, "SQLite format 3", 16) == 0;
}
bool begins_as_log(const FileHead& h) {
  return h.got >= 4 && h.bytes[0] == 0x37 && h.bytes[1] == 0x7f && h.bytes[2] == 0x06 &&
         (h.bytes[3] == 0x82 || h.bytes[3] == 0x83);
}
bool begins_as_journal(const FileHead& h) {
  static constexpr unsigned char kJournal[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
  return h.got >= 8 && std::memcmp(h.bytes, kJournal, 8) == 0;
}

// Whether the regular file `path`, named as SQLite's file `suffix` of a database, can be SQLite's: empty
// (SQLite leaves such), or
//  - a write-ahead log: begins_as_log;
//  - a rollback journal: begins_as_journal, or zeros where its magic number stands (SQLite writes the magic
//    only once the journal's content is synced; section 3.1);
//  - the shared-memory index: whole pages of 4,096 bytes (SQLite extends it a page at a time) beginning with
//    the index's version, 3007000, in the machine's byte order, or zeros (not yet initialised) ("WAL-mode
//    File Format", section 2.2); or 3 zero bytes: the first connection truncates the index to 3 bytes before
//    it grows it (os_unix.c, unixLockSharedMemory), and a full disk leaves it so (outside attack 14: the
//    store was refused for good after a command failed on a full disk).
bool could_be_sqlites(const std::string& path, std::string_view suffix) {
  FileHead h;
  if (!read_head(path, h)) return true;  // not readable here: SQLite's business
  if (h.size == 0 || h.got == 0) return true;  // empty (emptied since it was measured: SQLite's doing)
  static constexpr unsigned char kZeros[8] = {};
  if (suffix == "-wal") return begins_as_log(h);
  if (suffix == "-journal")
    return begins_as_journal(h) || (h.got >= 8 && std::memcmp(h.bytes, kZeros, 8) == 0);
  if (h.size == 3) return h.got == 3 && h.bytes[0] == 0 && h.bytes[1] == 0 && h.bytes[2] == 0;
  std::uint32_t version = 0;
  std::memcpy(&version, h.bytes, sizeof version);
  return h.size % 4096 == 0 && h.got >= 4 && (version == 3007000 || version == 0);
}

// Refuses a store whose SQLite files' names hold something else (could_be_sqlites): under the store's name,
// and under the file it reaches when that is a symbolic link (SQLite keeps them there).
void check_sidecars(const std::string& path, const std::string& option) {
  std::error_code ec;
  const std::string real = fs::weakly_canonical(path, ec).string();
  for (const std::string& base : {path, ec ? path : real}) {
    for (const StoreFileName& s : kSqliteFiles) {
      const std::string name = base + s.suffix;
      struct stat st {};
      std::string why;
      if (!look(name, false, st, why)) continue;
      if (const std::string kind = kind_of(st.st_mode); !kind.empty())
        refuse(path, option,
               fmt::format("'{}' beside it, the name of the store's {}, is {}: SQLite would use it as that "
                           "file; it is left as it is: remove or rename it, or name another store",
                           shown(name), s.what, kind));
      if (!could_be_sqlites(name, s.suffix))
        refuse(path, option,
               fmt::format("'{}' beside it has the name of the store's {} but is not one (it does not begin "
                           "as SQLite's does): SQLite, opening the store, would delete it; it is left as it "
                           "is: remove or rename it, or name another store",
                           shown(name), s.what));
    }
    // The runs' lock file is opened without following a link: anything but a regular file under its name
    // fails every run of the store, so it is refused before the store is made or opened (a new store was
    // made, then left empty, with exit 3; outside attack 10). Its contents are never read or written.
    const std::string lock = base + kRunLockFile.suffix;
    struct stat st {};
    std::string why;
    if (look(lock, false, st, why))
      if (const std::string kind = kind_of(st.st_mode); !kind.empty())
        refuse(
            path, option,
            fmt::format("'{}' beside it, the name of the store's {}, is {}: wijksim locks the store's runs "
                        "in a regular file of that name; it is left as it is: remove or rename it, or name "
                        "another store",
                        shown(lock), kRunLockFile.what, kind));
    if (ec || real == path) break;
  }
}

}  // namespace

// (output_path.h) A store, an output or an export's directory named as one of the files SQLite (or the run
// lock) keeps beside an existing SQLite database: opening that database would take the file for its own, and
// delete it; and an output written over a live run's lock file let a second writer into that run (outside
// attack 10).
void check_not_a_stores_file(const std::string& path, const std::string& option) {
  for (const StoreFileName& s : {kSqliteFiles[0], kSqliteFiles[1], kSqliteFiles[2], kRunLockFile}) {
    const std::string_view name(path), suffix(s.suffix);
    if (!name.ends_with(suffix) || name.size() == suffix.size()) continue;
    const std::string base(name.substr(0, name.size() - suffix.size()));
    FileHead h;
    if (base.ends_with('/') || !read_head(base, h) || !begins_as_database(h)) continue;
    refuse(path, option,
           suffix == kRunLockFile.suffix
               ? fmt::format("this is the name of the lock file of the results store '{}' beside it "
                             "(NAME-runlock), which its runs' writers lock; name another file",
                             shown(base))
               : fmt::format("this is the name of the {} of the SQLite database '{}' beside it (NAME{}): "
                             "what is under it would be taken for that file, and deleted, when '{}' is "
                             "opened; choose another name",
                             s.what, shown(base), s.suffix, shown(base)));
  }
}

bool is_sqlite_database(const std::string& path) {
  FileHead h;
  return read_head(path, h) && (begins_as_database(h) || begins_as_log(h) || begins_as_journal(h));
}

bool is_store_name(const std::string& path) {
  // The name's ending, not its extension: a name that is only the ending (".db") has no extension to
  // std::filesystem, and `-o .db` wrote text tables where `-o .csv` wrote CSV (outside attack 38).
  std::string name = fs::path(path).filename().string();
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* ending : {".db", ".sqlite", ".sqlite3", ".db3"})
    if (name.ends_with(ending)) return true;
  return false;
}

std::string non_regular_kind(const std::string& path) {
  struct stat st {};
  std::string why;
  if (!look(path, false, st, why)) return "";
  return kind_of(st.st_mode);
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  const bool ea = ::stat(a.c_str(), &sa) == 0, eb = ::stat(b.c_str(), &sb) == 0;
  if (ea && eb) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  if (ea != eb) return false;
  std::error_code ec1, ec2;
  const fs::path ca = fs::weakly_canonical(fs::absolute(a, ec1), ec1);
  const fs::path cb = fs::weakly_canonical(fs::absolute(b, ec2), ec2);
  if (ec1 || ec2) return fs::path(a).lexically_normal() == fs::path(b).lexically_normal();
  return ca == cb;
}

std::vector<KeptFile> store_files(const std::string& store_path) {
  std::vector<KeptFile> files;
  // Under its name and, when that is a symbolic link, beside the file it reaches (SQLite and the run lock
  // keep their files there).
  std::error_code ec;
  const std::string real = fs::weakly_canonical(store_path, ec).string();
  for (const std::string& base : {store_path, ec ? store_path : real}) {
    files.push_back({base, "the results store"});
    for (const StoreFileName& f : {kSqliteFiles[0], kSqliteFiles[1], kSqliteFiles[2], kRunLockFile})
      files.push_back({base + f.suffix, fmt::format("the results store's {}", f.what)});
    if (ec || real == store_path) break;
  }
  return files;
}

namespace {

// "wijksim 0.1.0 compare: ...": the first line of the tables as text.
bool tables_text_line(std::string_view h) {
  if (!h.starts_with("wijksim ")) return false;
  std::size_t i = 8;
  const std::size_t version = i;
  while (i < h.size() && (std::isdigit(static_cast<unsigned char>(h[i])) || h[i] == '.')) ++i;
  if (i == version || i >= h.size() || h[i] != ' ') return false;
  const std::size_t command = ++i;
  while (i < h.size() && std::islower(static_cast<unsigned char>(h[i]))) ++i;
  return i > command && i < h.size() && h[i] == ':';
}

// The tables as JSON: '{\n  "wijksim": "0.1.0",\n  "command": "compare",\n' as render writes them. The
// version and the command's line too, not only the first key: a user's JSON that begins with a "wijksim" key
// (a configuration of their own) was taken for tables and could be replaced.
bool tables_json_head(std::string_view h) {
  constexpr std::string_view first = "{\n  \"wijksim\": \"";
  if (!h.starts_with(first)) return false;
  std::size_t i = first.size();
  const std::size_t version = i;
  while (i < h.size() && (std::isdigit(static_cast<unsigned char>(h[i])) || h[i] == '.')) ++i;
  constexpr std::string_view second = "\",\n  \"command\": \"";
  if (i == version || h.substr(i, second.size()) != second) return false;
  i += second.size();
  const std::size_t command = i;
  while (i < h.size() && std::islower(static_cast<unsigned char>(h[i]))) ++i;
  return i > command && h.substr(i, 3) == "\",\n";
}

constexpr std::string_view kSealBefore = "-- end of wijksim's tables; seal ";
constexpr std::string_view kSealAfter = " (replaced by a later run only while unchanged)\n";

// Whether the last line of `text` is the seal sealed_text_tables writes, of the lines above it.
bool seal_holds(std::string_view text) {
  if (!text.ends_with(kSealAfter) || text.size() < kSealAfter.size() + 16 + kSealBefore.size()) return false;
  const std::size_t hash_at = text.size() - kSealAfter.size() - 16;
  const std::size_t line = hash_at - kSealBefore.size();
  if (text.substr(line, kSealBefore.size()) != kSealBefore || (line > 0 && text[line - 1] != '\n'))
    return false;
  return content_hash(text.substr(0, line)) == text.substr(hash_at, 16);
}

// The shape of CSV records fed piece by piece: every record has the header's number of fields (a field in
// double quotes may hold commas and line breaks, a quote inside written twice), and the text ends with a line
// break outside quotes (a last record without its line break is not one wijksim writes).
class CsvShape {
 public:
  void add(std::string_view piece) {
    for (const char c : piece) {
      if (c == '"') {
        quoted_ = !quoted_;
      } else if (c == ',' && !quoted_) {
        ++fields_;
      } else if (c == '\n' && !quoted_) {
        if (first_)
          header_ = fields_, first_ = false;
        else if (fields_ != header_)
          failed_ = true;
        fields_ = 1;
      }
    }
    if (!piece.empty()) last_ = piece.back();
  }
  bool as_written() const { return !failed_ && !quoted_ && (last_ == '\0' || last_ == '\n'); }

 private:
  std::size_t header_ = 0, fields_ = 1;
  bool quoted_ = false, first_ = true, failed_ = false;
  char last_ = '\0';
};

// Whether the whole of `text`, which begins as one of wijksim's outputs, ends as wijksim ends it: a user's
// notes added below a saved output were replaced with it (an outside attack). JSON ends with the object's
// closing brace, the HTML report with </html>, and the tables as CSV have CSV's shape throughout (CsvShape).
// Tables as text end with their seal (sealed_text_tables), which a change anywhere above it breaks.
bool ends_as_written(const std::string& text) {
  if (text.starts_with("{\n")) return text.ends_with("\n}\n");
  if (text.starts_with("<!DOCTYPE html>")) return text.ends_with("</html>\n");
  if (tables_text_line(text)) return seal_holds(text);
  CsvShape csv;
  csv.add(text);
  return csv.as_written();
}

}  // namespace

// (output_path.h)
std::string sealed_text_tables(std::string text) {
  if (!text.empty() && text.back() != '\n') text += '\n';
  const std::string hash = content_hash(text);
  text.append(kSealBefore).append(hash).append(kSealAfter);
  return text;
}

Authorship authorship(const std::string& path, OutputKind kind) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {Authorship::Verdict::Unreadable, std::strerror(errno)};
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const std::string_view h = head;
  // How each output of wijksim begins: tables as text (their first line names wijksim, its version and the
  // command), as CSV (their whole header) and as JSON; the HTML report (its generator); calibrate's
  // parameter sets; and an export's files, a header of the store's columns.
  std::optional<OutputKind> is;
  if (tables_text_line(h) || h.starts_with(kTablesCsvHeader) ||
      h
          .starts_with("scenario,comparator,table,row,column,unit,mean,sd,se,lo,hi,n,text,counted,"
                       "interval\n") ||  // before
                                         // cut
      h.starts_with(
          "scenario,comparator,table,row,column,unit,mean,sd,se,lo,hi,n,text,counted\n") ||  // before
                                                                                             // interval
      h.starts_with(
          "scenario,comparator,table,row,column,unit,mean,sd,se,lo,hi,n,text\n") ||  // before counted
      tables_json_head(h))
    is = OutputKind::Tables;
  else if (h.starts_with("<!DOCTYPE html>") &&
           h.find("<meta name=\"generator\" content=\"wijksim ") != h.npos)
    is = OutputKind::Report;
  else if (h.starts_with("# wijksim calibrate\n"))
    is = OutputKind::ParameterSets;
  else if (kind == OutputKind::ExportFile && h.starts_with("run_id,"))
    // A CSV of anyone's may begin so: taken as an export's only by an export (DirectoryWrite compares the
    // whole header); any other output says the user's file is not wijksim's, which may be true.
    is = OutputKind::ExportFile;
  // An export holds the tables too (tables.csv).
  if (is == OutputKind::Tables && kind == OutputKind::ExportFile) is = OutputKind::ExportFile;
  // Another output over what may be an export's file (or a CSV of the user's with such a header: only the
  // export knows its headers) is refused as before, without saying wijksim did not write it (outside attack
  // 30: `-o DIR/costs.csv` over an export said so).
  if (!is && h.starts_with("run_id,")) return {Authorship::Verdict::NotWijksim, "run_id"};
  if (!is) return {Authorship::Verdict::NotWijksim, {}};
  if (*is == kind) {
    // Earlier sets are kept beside the new ones (.~1~).
    if (kind == OutputKind::ParameterSets) return {Authorship::Verdict::SameKind, {}};
    // An export's files are replaced as a set, each only while it has CSV's shape throughout: a user's notes
    // below an exported file were replaced with it (outside attack; `--output` refused them). Read in
    // pieces, as an export's weekly rows may run to gigabytes.
    if (kind == OutputKind::ExportFile) {
      CsvShape csv;
      csv.add(head);
      std::array<char, 1 << 16> piece;
      while (in.read(piece.data(), piece.size()) || in.gcount() > 0)
        csv.add(std::string_view(piece.data(), static_cast<std::size_t>(in.gcount())));
      if (in.bad()) return {Authorship::Verdict::Unreadable, std::strerror(errno)};
      if (!csv.as_written()) return {Authorship::Verdict::NotWijksim, "appended"};
      return {Authorship::Verdict::SameKind, {}};
    }
    // All of it: a file that begins as wijksim's and holds more (notes added below) is the user's.
    std::string whole = head;
    whole.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return {Authorship::Verdict::Unreadable, std::strerror(errno)};
    if (!ends_as_written(whole))
      return {
          Authorship::Verdict::NotWijksim,
          tables_text_line(whole) && whole.find(kSealBefore) == std::string::npos ? "unsealed" : "appended"};
    return {Authorship::Verdict::SameKind, {}};
  }
  constexpr const char* kNames[] = {"wijksim's tables", "wijksim's HTML report",
                                    "wijksim calibrate's parameter sets", "a file of wijksim's export"};
  return {Authorship::Verdict::OtherKind, kNames[static_cast<int>(*is)]};
}

// (output_path.h)
void check_not_among_devices(const std::string& directory, const std::string& path,
                             const std::string& option) {
  std::error_code ec;
  const fs::path real = fs::canonical(directory.empty() ? "." : directory, ec);
  if (ec) return;  // a directory that is not there: the write says so
  const std::string r = real.string();
  const auto at_or_below = [&](std::string_view top) {
    return r == top || (r.size() > top.size() && r.starts_with(top) && r[top.size()] == '/');
  };
  // The devices' file system reached by another name too (a bind mount of /dev elsewhere; outside attack
  // 63), where /dev is a file system of its own (in a chroot it may be a plain directory of the root's).
  struct stat here {
  }, devices{}, root{};
  const bool devices_elsewhere = ::stat(r.c_str(), &here) == 0 && ::stat("/dev", &devices) == 0 &&
                                 ::stat("/", &root) == 0 && devices.st_dev != root.st_dev &&
                                 here.st_dev == devices.st_dev;
  if ((at_or_below("/dev") && !at_or_below("/dev/shm")) || devices_elsewhere)
    refuse(
        path, option,
        fmt::format("this is in '{}', among the system's devices: results there sit beside the devices and "
                    "are gone at the next start of the machine; name a place elsewhere (/dev/shm, a "
                    "directory for anyone's files, is allowed)",
                    r));
}

std::string write_protected_said(const std::string& dir) {
  return fmt::format(
      "the directory '{}' is write-protected (no write permission for anyone): what is in it is left as it "
      "is; make it writable (chmod u+w) or name",
      dir.empty() ? std::string(".") : dir);
}

bool is_write_protected_directory(const std::string& dir) {
  struct stat st {};
  const char* name = dir.empty() ? "." : dir.c_str();
  if (::stat(name, &st) != 0 || !S_ISDIR(st.st_mode) || (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) != 0 ||
      ::access(name, W_OK) != 0)
    return false;
  // The system's own file systems (/proc, /sys: 555 too) take no new files whatever the mode, and are said as
  // such by the write that fails (cannot_create), not as a user's protection.
  struct statfs fs {};
  return ::statfs(name, &fs) != 0 || (fs.f_type != PROC_SUPER_MAGIC && fs.f_type != SYSFS_MAGIC);
}

std::string cannot_create(int err, const std::string& dir) {
  switch (err) {
    case ENOENT: {
      // Also what a file system that takes no new files says (/proc): the directory is there.
      std::error_code ec;
      return std::filesystem::is_directory(dir, ec)
                 ? fmt::format("the directory '{}' takes no new files ({})", dir, std::strerror(err))
                 : fmt::format("the directory '{}' does not exist", dir);
    }
    case ENOTDIR:
      return fmt::format("'{}' is not a directory", dir);
    case EACCES:
    case EPERM:
    case EROFS:
      return fmt::format("the directory '{}' is not writable ({})", dir, std::strerror(err));
    case ENOSPC:
    case EDQUOT:
      return "the disk is full";
    case ENAMETOOLONG:
      return "the name is too long (at most 255 bytes for one name and 4,096 for a whole path)";
    default:
      return system_reason(err);  // too many open files said as the process's limit
  }
}

void check_output(const std::string& path, const std::string& option, const std::vector<KeptFile>& kept,
                  OutputKind kind) {
  if (path.empty()) refuse(path, option, "an empty name: name a file");
  // Many programs read '-' as standard output; wijksim would write a file of that name.
  if (path == "-")
    refuse(path, option, "'-' is not standard output here: name a file (./- for one named '-')");
  struct stat st {};
  std::string why;
  if (look(path, false, st, why)) {
    const std::string what = kind_of(st.st_mode);
    if (S_ISLNK(st.st_mode))
      refuse(path, option,
             "this is a symbolic link: outputs never follow links (the link would be replaced, not what it "
             "points at); name the file itself or a new name");
    if (!what.empty())
      refuse(path, option,
             fmt::format("this is {}, not a regular file: an output is written to a new file and renamed "
                         "over its name, which would replace it; name a regular file or a new name",
                         what));
  } else if (!why.empty()) {
    refuse(path, option, fmt::format("cannot write here: {}", why));
  }
  // A device itself is said as one (above); a new name or a file among them here.
  check_not_among_devices(fs::path(path).parent_path().string(), path, option);
  // A name ending in '/' is a directory's, not a file's: said as a name, not as a directory that does not
  // exist (exit 3, as a write that fails; outside attack 47).
  if (path.ends_with('/'))
    refuse(path, option, "a name ending in '/' names a directory, not a file: name the file to write");
  // A file the command reads or keeps first (the message names it: "this is the results store"), then any
  // other SQLite database, a store of another command or another program's, and the files beside one.
  check_kept(path, option, kept, "an output never replaces a file the command reads or keeps");
  check_not_a_stores_file(path, option);
  if (is_sqlite_database(path))
    refuse(path, option,
           "this is an SQLite database (a results store?), or part of one (its write-ahead log or rollback "
           "journal): no output ever replaces one; name another file");
  const bool there = look(path, false, st, why);
  // A file its owner write-protected (chmod 400) is left as it is: the rename that replaces an output needs
  // only the directory's permission, and replaced it (outside attack 10).
  if (there && S_ISREG(st.st_mode) &&
      ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 || ::access(path.c_str(), W_OK) != 0))
    refuse(path, option,
           "this file is write-protected (no write permission for this user): it is left as it is; make it "
           "writable (chmod u+w) or name another file");
  // A file of the user's own is never replaced, whether the name was given or is a default (report-1.html,
  // NAME-sets.csv, the files of an export): only an empty file or one that wijksim wrote.
  if (there && st.st_size > 0) {
    const Authorship a = authorship(path, kind);
    switch (a.verdict) {
      case Authorship::Verdict::SameKind:
        break;
      case Authorship::Verdict::OtherKind:
        refuse(
            path, option,
            fmt::format("this file is {}, which only an output of that kind replaces: it is left as it is; "
                        "remove it or name another file",
                        a.detail));
      case Authorship::Verdict::NotWijksim:
        if (a.detail == "appended")
          refuse(path, option,
                 "this file begins as wijksim's output but is not as wijksim wrote it (lines after its end, "
                 "lines changed, or of another shape: notes of yours?): it is left as it is; remove it or "
                 "name another file");
        if (a.detail == "unsealed")
          refuse(path, option,
                 "this file begins as wijksim's tables as text but has no seal, the last line wijksim writes "
                 "(tables saved by a wijksim before 7 December 2026, or printed and redirected into the file "
                 "with `>`), so nothing shows it is as wijksim wrote it: it is left as it is; remove it or "
                 "name another file");
        if (a.detail == "run_id")
          refuse(
              path, option,
              "this file exists and may be a file of wijksim's export or a CSV of yours (its header begins "
              "run_id,): only an export replaces such a file; it is left as it is; remove it or name "
              "another file");
        refuse(
            path, option,
            "this file exists and wijksim did not write it (it does not begin as wijksim's reports, tables, "
            "parameter sets or exports do): it is left as it is; remove it or name another file");
      case Authorship::Verdict::Unreadable:
        refuse(path, option,
               fmt::format(
                   "this file exists and cannot be read ({}), so nothing shows that wijksim wrote it: it "
                   "is left as it is; remove it or name another file",
                   a.detail));
    }
  }
  // The output is written to a temporary file beside it and renamed over the name, so its directory must be
  // there and writable: checked now, so a long run does not end in an output it cannot write (a failure of
  // the machine's state, not of the name: exit 3 as for any write that fails).
  const fs::path dir = fs::path(path).parent_path();
  const std::string dir_name = dir.empty() ? std::string(".") : dir.string();
  std::error_code ec;
  if (!dir.empty() && !fs::is_directory(dir, ec))
    throw Error(fmt::format("cannot write '{}': the directory '{}' does not exist", shown(path), dir_name));
  if (::access(dir_name.c_str(), W_OK | X_OK) != 0)
    throw Error(fmt::format("cannot write '{}': the directory '{}' is not writable ({})", shown(path),
                            dir_name, std::strerror(errno)));
  // Before anything is made in it (the probe below): nothing in it changes.
  if (is_write_protected_directory(dir_name))
    throw Error(fmt::format("cannot write '{}': {} {}", shown(path), write_protected_said(dir_name),
                            kind == OutputKind::ExportFile ? "another directory" : "a file elsewhere"));
  // For root, access() says yes where no file can be made (/proc): the run then ended in an output it could
  // not write. So a file is made there and removed, under the temporary name that a later command clears if
  // this process dies in between.
  const TemporaryFiles probe(path, {});
  const int fd = ::open(probe.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  // Said as every file that cannot be made is (too few open files as the process's limit, not the
  // directory's: outside attack 26).
  if (fd < 0) throw Error(fmt::format("cannot write '{}': {}", shown(path), cannot_create(errno, dir_name)));
  ::close(fd);
  // A directory whose files cannot be removed (append-only, chattr +a) takes no rename over a name either;
  // its probe, left behind, says so (outside attack 21: the output failed after the simulation, leaving it).
  if (::unlink(probe.path().c_str()) != 0)
    throw Error(
        fmt::format("cannot write '{}': files in the directory '{}' cannot be replaced or removed ({})",
                    shown(path), dir_name, std::strerror(errno)));
  // In a directory with the sticky bit (/tmp) only a file's owner, the directory's or root may rename over
  // it: another user's file there is refused now, not after the simulation with "not writable" (attack 21).
  struct stat dir_st {};
  if (there && ::stat(dir_name.c_str(), &dir_st) == 0 && (dir_st.st_mode & S_ISVTX) != 0 &&
      ::geteuid() != 0 && st.st_uid != ::geteuid() && dir_st.st_uid != ::geteuid())
    throw Error(fmt::format(
        "cannot write '{}': it belongs to another user, in a directory with the sticky bit ('{}', as /tmp), "
        "where only its owner may replace it; name another file",
        shown(path), dir_name));
}

void check_store_path(const std::string& path, const std::string& option, const std::vector<KeptFile>& kept) {
  if (path.empty()) refuse(path, option, "an empty name: name the results store's file");
  // SQLite keeps files beside the store under its name and a suffix (store_files: "-journal" is the longest):
  // each must be a name the file system takes (at most 255 bytes).
  if (const std::string name = fs::path(path).filename().string();
      name.size() + kStoreSuffixMax > kFileNameMax)
    refuse(path, option,
           fmt::format(
               "the file name is too long ({} bytes): the store keeps files beside it named after it with a "
               "suffix (NAME-journal, NAME-wal), so its name may have at most {} bytes",
               name.size(), kFileNameMax - kStoreSuffixMax));
  // SQLite opens a database, and the files it keeps beside it (NAME-journal the longest), by their full paths
  // (links resolved) of at most 512 bytes (its Unix file layer's MAX_PATHNAME): a longer store failed as "not
  // writable" (outside attack 8). Said as what it is.
  std::error_code ec;
  const std::string full = fs::weakly_canonical(fs::absolute(path, ec), ec).string();
  // A working directory deeper than the system's 4,096 bytes has no path getcwd can give: SQLite cannot open
  // a store relative to it either, and its failure read "not writable" (outside attack 22).
  // A path given longer than the system takes fails the same way, and is said as the path's own length
  // (it was blamed on a short working directory; outside attack 30).
  if (ec && (ec.value() == ENAMETOOLONG || ec.value() == ERANGE) && path.size() >= PATH_MAX)
    refuse(path, option,
           fmt::format("the path is {} bytes long, longer than the system takes ({} at most); SQLite opens a "
                       "store by its full path, of at most {} bytes: name the store by a shorter path",
                       path.size(), PATH_MAX - 1, kSqlitePathMax));
  if (ec && (ec.value() == ENAMETOOLONG || ec.value() == ERANGE))
    refuse(path, option,
           fmt::format("its full path cannot be known ({}): the working directory's path is longer than the "
                       "system gives; SQLite opens a store by its full path, of at most {} bytes: run from a "
                       "directory with a shorter path, or name the store by a shorter absolute path",
                       ec.message(), kSqlitePathMax));
  // SQLite reads the working directory into a buffer of its path limit before it resolves a relative name:
  // from a directory of 512 bytes or more, "../x.db" (or a link to a short path) failed as "not writable",
  // exit 3, though its full path, resolved, is short (outside attack 42).
  if (!ec && fs::path(path).is_relative()) {
    const std::string cwd = fs::current_path(ec).string();
    if (!ec && cwd.size() >= kSqlitePathMax)
      refuse(path, option,
             fmt::format("the working directory's path is {} bytes long: SQLite opens a store named relative "
                         "to it only from a directory of at most {} bytes; name the store by its full path "
                         "('{}') or run from a directory with a shorter path",
                         cwd.size(), kSqlitePathMax - 1, full));
    ec.clear();
  }
  if (!ec && full.size() + kStoreSuffixMax > kSqlitePathMax)
    refuse(path, option,
           fmt::format(
               "the path is too long for SQLite ({} bytes from the root, links resolved; a store's may have "
               "at most {}, as SQLite opens paths of at most {} bytes and keeps NAME-journal beside it): "
               "put the store in a directory with a shorter path",
               full.size(), kSqlitePathMax - kStoreSuffixMax, kSqlitePathMax));
  struct stat st {};
  std::string why;
  if (look(path, true, st, why)) {
    const std::string kind = kind_of(st.st_mode);
    if (!kind.empty())
      refuse(
          path, option,
          fmt::format("this is {}, not a results store: the store is a regular file (or a new name)", kind));
    // A file the system sizes at 0 that reads as something (/proc's) was opened by SQLite as an empty
    // database: "this results store holds no runs" for /proc/cpuinfo, and a writer failed on it.
    FileHead head;
    if (kind.empty() && st.st_size == 0 && read_head(path, head) && head.got > 0)
      refuse(path, option,
             "this file is not a results store: the system gives its size as 0, yet it has content (a "
             "file of the system's, as under /proc): name a results store's file");
  } else if (!why.empty()) {
    refuse(path, option, fmt::format("cannot use this name: {}", why));
  } else if (look(path, false, st, why)) {
    refuse(path, option, "this is a symbolic link to nothing: name the results store's file itself");
  }
  check_not_among_devices(fs::path(path).parent_path().string(), path, option);
  check_not_a_stores_file(path, option);
  check_sidecars(path, option);
  check_kept(path, option, kept,
             "the results store is written in place, so it is never a file the command reads");
}

}  // namespace wijksim
