#include "wijksim/store/log_pairing.h"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wijksim/core/error.h"

namespace wijksim {
namespace {

// The file formats are SQLite's (https://www.sqlite.org/fileformat.html, "The Rollback Journal" and "The
// Write-Ahead Log"); the byte of the log index's lock is its unix VFS's (os_unix.c, UNIX_SHM_DMS).
constexpr std::array<unsigned char, 8> kJournalMagic = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
constexpr std::uint32_t kWalMagic = 0x377f0682;  // the last bit: checksums of big-endian words
constexpr std::size_t kWalHeader = 32, kFrameHeader = 24;
constexpr off_t kShmLiveLockByte = 128;  // every connection holds a shared lock on it while it is open
// The database file's SHARED lock range (os_unix.c: PENDING_BYTE 0x40000000 + 2, 510 bytes), held by every
// connection in write-ahead-log mode while it is open.
constexpr off_t kSharedFirst = 0x40000002, kSharedSize = 510;

std::uint32_t big_endian(const unsigned char* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
std::uint32_t little_endian(const unsigned char* p) {
  return std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
}

// The log's running checksum (walChecksumBytes) over n bytes, n a multiple of 8.
struct Checksum {
  std::uint32_t s1 = 0, s2 = 0;
  bool big = false;
  void add(const unsigned char* p, std::size_t n) {
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
      s1 += (big ? big_endian(p + i) : little_endian(p + i)) + s2;
      s2 += (big ? big_endian(p + i + 4) : little_endian(p + i + 4)) + s1;
    }
  }
  bool matches(const unsigned char* p) const { return s1 == big_endian(p) && s2 == big_endian(p + 4); }
};

// The first n bytes of a file, fewer when it is shorter or cannot be read.
std::vector<unsigned char> read_start(const std::string& path, std::size_t n) {
  std::vector<unsigned char> b(n);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(n));
  b.resize(static_cast<std::size_t>(in.gcount()));
  return b;
}

// Whether another process holds a lock on [start, start + length) of the file at `path`: true when it
// cannot be told (a file that cannot be read: left to SQLite). Never called on a store this process has open
// (RunStore::open): closing the descriptor would drop this process's own locks on the file.
bool locked_by_another(const std::string& path, off_t start, off_t length) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno != ENOENT;
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = start;
  lock.l_len = length;
  const bool held = ::fcntl(fd, F_GETLK, &lock) != 0 || lock.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

// Whether a live connection has the store open (the log is in use, not replayed): one to this file, not
// to one that had its name before (a sqlite3 shell left open on a store since replaced held the index's lock
// and turned the check off; outside attack 50).
bool log_in_use(const std::string& path) {
  return locked_by_another(path + "-shm", kShmLiveLockByte, 1) &&
         locked_by_another(path, kSharedFirst, kSharedSize);
}

// A file read with pread: whole reads at offsets, or false.
struct ReadFile {
  int fd = -1;
  explicit ReadFile(const std::string& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~ReadFile() {
    if (fd >= 0) ::close(fd);
  }
  ReadFile(const ReadFile&) = delete;
  ReadFile& operator=(const ReadFile&) = delete;
  bool read(unsigned char* to, std::size_t n, std::uint64_t at) const {
    return fd >= 0 && ::pread(fd, to, n, static_cast<off_t>(at)) == static_cast<ssize_t>(n);
  }
};

// The committed pages of a write-ahead log as SQLite's recovery reads them: page number -> the offset in the
// log of its last committed frame's page; and the database's size in pages at the last commit. Empty when
// the log holds nothing SQLite would fold in. Read frame by frame: a log may be large (a reader held it
// during a long run), and only the offsets are kept.
struct Committed {
  std::map<std::uint32_t, std::uint64_t> pages;
  std::uint32_t page_size = 0;
  std::uint32_t database_pages = 0;
};
Committed committed_pages(const ReadFile& wal, std::uint64_t wal_size) {
  Committed c;
  std::array<unsigned char, kWalHeader> h{};
  if (wal_size < kWalHeader || !wal.read(h.data(), h.size(), 0)) return c;
  const std::uint32_t magic = big_endian(h.data());
  const std::uint32_t page_size = big_endian(h.data() + 8);
  if ((magic & ~1u) != kWalMagic || page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)))
    return c;
  Checksum sum;
  sum.big = (magic & 1u) != 0;
  sum.add(h.data(), 24);
  if (!sum.matches(h.data() + 24)) return c;
  c.page_size = page_size;
  std::vector<unsigned char> frame(kFrameHeader + page_size);
  std::map<std::uint32_t, std::uint64_t> pending;  // frames of a transaction not yet seen to commit
  for (std::uint64_t at = kWalHeader; at + frame.size() <= wal_size; at += frame.size()) {
    if (!wal.read(frame.data(), frame.size(), at)) break;
    const unsigned char* f = frame.data();
    const std::uint32_t page = big_endian(f);
    if (page == 0 || std::memcmp(f + 8, h.data() + 16, 8) != 0) break;  // a frame of an earlier log: its end
    sum.add(f, 8);
    sum.add(f + kFrameHeader, page_size);
    if (!sum.matches(f + 16)) break;  // torn: SQLite stops here too
    pending[page] = at + kFrameHeader;
    if (const std::uint32_t size = big_endian(f + 4); size != 0) {  // a commit: its transaction's pages count
      for (const auto& [p, offset] : pending) c.pages[p] = offset;
      pending.clear();
      c.database_pages = size;
    }
  }
  return c;
}

std::optional<LogDoubt> foreign_journal(const std::string& path, const std::vector<unsigned char>& header) {
  const std::string journal = path + "-journal";
  struct stat st {};
  if (::stat(journal.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return std::nullopt;  // not SQLite's (a FIFO)
  const std::vector<unsigned char> start = read_start(journal, kJournalMagic.size());
  if (start.size() < kJournalMagic.size() ||
      std::memcmp(start.data(), kJournalMagic.data(), kJournalMagic.size()) != 0)
    return std::nullopt;  // not hot: SQLite rolls nothing back
  const std::string log = fmt::format("rollback journal '{}'", printable(journal));
  // A store in write-ahead-log mode (bytes 18 and 19 of its header are 2) keeps no journal.
  if (header.size() >= 20 && header[18] == 2 && header[19] == 2)
    return LogDoubt{
        fmt::format(
            "a {} lies beside it, and a results store keeps none (it is written with a write-ahead "
            "log): the journal is another database's, which SQLite would roll back into the store and "
            "so damage it. Nothing was changed: move '{}' away, or back beside the database it belongs "
            "to",
            log, printable(journal)),
        log, true};
  // In rollback mode its own journal is rolled back by right: tried on a copy; without one, not told.
  return LogDoubt{
      fmt::format("a {} lies beside it, and a copy of the store with it rolled back is damaged: the journal "
                  "is another database's, which SQLite would roll back into the store and so damage it. "
                  "Nothing was changed: move '{}' away, or back beside the database it belongs to",
                  log, printable(journal)),
      log, false};
}

std::optional<LogDoubt> foreign_wal(const std::string& path, const std::vector<unsigned char>& header) {
  const std::string wal_path = path + "-wal";
  struct stat wal_stat {};
  struct stat store_stat {};
  if (::stat(wal_path.c_str(), &wal_stat) != 0 || !S_ISREG(wal_stat.st_mode) ||
      wal_stat.st_size <= static_cast<off_t>(kWalHeader) || ::stat(path.c_str(), &store_stat) != 0 ||
      log_in_use(path))
    return std::nullopt;
  const ReadFile wal(wal_path), store(path);
  const Committed committed = committed_pages(wal, static_cast<std::uint64_t>(wal_stat.st_size));
  if (committed.pages.empty()) return std::nullopt;  // nothing SQLite would fold in
  const std::uint32_t coded = header.size() >= 18 ? std::uint32_t{header[16]} << 8 | header[17] : 0;
  const std::uint32_t page_size = committed.page_size;
  // Folded in, the log also sets the file's size (its last commit's pages): a log whose pages the file holds
  // but of another size cuts or pads the file (a review of this check).
  const std::uint64_t file_pages = static_cast<std::uint64_t>(store_stat.st_size) / page_size;
  // A store only grows while it is written (wijksim never vacuums it): a log whose last commit gives it
  // fewer pages than its file has is an older one, or another store's, whatever its pages (another store's
  // log, folded in, made the store that other store, whole: outside attack 51).
  if (committed.database_pages < file_pages)
    return LogDoubt{
        fmt::format("its write-ahead log '{}' would cut the store from {} to {} pages: the log is older than "
                    "the store's file or another store's, and SQLite would fold it into the store and so "
                    "damage it. Nothing was changed: move '{}' and '{}-shm' away, or back beside the store "
                    "they belong to",
                    printable(wal_path), file_pages, committed.database_pages, printable(wal_path),
                    printable(path)),
        fmt::format("write-ahead log '{}'", printable(wal_path)), true};
  bool differs =
      (coded == 1 ? 65536u : coded) != page_size ||
      static_cast<std::uint64_t>(store_stat.st_size) != std::uint64_t{committed.database_pages} * page_size;
  std::vector<unsigned char> mine(page_size), logged(page_size);
  for (auto page = committed.pages.begin(); !differs && page != committed.pages.end(); ++page)
    differs = !store.read(mine.data(), page_size, std::uint64_t{page->first - 1} * page_size) ||
              !wal.read(logged.data(), page_size, page->second) ||
              std::memcmp(mine.data(), logged.data(), page_size) != 0;
  if (!differs) return std::nullopt;
  return LogDoubt{
      fmt::format(
          "its write-ahead log '{}' holds pages the store's file does not, and a copy of the store with the "
          "log "
          "folded in is damaged: the log is not this file's (the store put back from a copy, or another "
          "store moved to this name, after a command writing here was killed?), and SQLite would fold it "
          "into the store and so damage it. Nothing was changed. If the log belongs to a store that had this "
          "name, put that store back beside it as it was when the log was last written (a wijksim command "
          "then "
          "folds the log's runs into it); "
          "otherwise move '{}' and '{}-shm' away: this store does not need them",
          printable(wal_path), printable(wal_path), printable(path)),
      fmt::format("write-ahead log '{}'", printable(wal_path)), false};
}

}  // namespace

std::optional<LogDoubt> doubtful_log(const std::string& path) {
  const std::vector<unsigned char> header = read_start(path, 100);
  if (auto why = foreign_journal(path, header)) return why;
  return foreign_wal(path, header);
}

}  // namespace wijksim
