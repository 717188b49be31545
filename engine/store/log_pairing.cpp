#include "wijksim/store/log_pairing.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
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

std::vector<unsigned char> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The first n bytes of a file, fewer when it is shorter or cannot be read.
std::vector<unsigned char> read_start(const std::string& path, std::size_t n) {
  std::vector<unsigned char> b(n);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(n));
  b.resize(static_cast<std::size_t>(in.gcount()));
  return b;
}

// Whether another process has the log's index open (a live connection: the log is in use, not replayed).
bool log_in_use(const std::string& path) {
  const int fd = ::open((path + "-shm").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // no index: no connection
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = kShmLiveLockByte;
  lock.l_len = 1;
  const bool held = ::fcntl(fd, F_GETLK, &lock) != 0 || lock.l_type != F_UNLCK;  // unknown: left to SQLite
  ::close(fd);
  return held;
}

// The committed pages of a write-ahead log as SQLite's recovery reads them: page number -> the offset of its
// last committed frame's page. Empty when the log holds nothing SQLite would fold in.
std::map<std::uint32_t, std::size_t> committed_pages(const std::vector<unsigned char>& wal,
                                                     std::uint32_t& page_size) {
  std::map<std::uint32_t, std::size_t> committed;
  if (wal.size() < kWalHeader) return committed;
  const unsigned char* h = wal.data();
  const std::uint32_t magic = big_endian(h);
  page_size = big_endian(h + 8);
  if ((magic & ~1u) != kWalMagic || page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)))
    return committed;
  Checksum sum;
  sum.big = (magic & 1u) != 0;
  sum.add(h, 24);
  if (!sum.matches(h + 24)) return committed;
  std::map<std::uint32_t, std::size_t> pending;  // frames of a transaction not yet seen to commit
  for (std::size_t at = kWalHeader; at + kFrameHeader + page_size <= wal.size();
       at += kFrameHeader + page_size) {
    const unsigned char* f = wal.data() + at;
    const std::uint32_t page = big_endian(f);
    if (page == 0 || std::memcmp(f + 8, h + 16, 8) != 0) break;  // a frame of an earlier log: its end
    sum.add(f, 8);
    sum.add(f + kFrameHeader, page_size);
    if (!sum.matches(f + 16)) break;  // torn: SQLite stops here too
    pending[page] = at + kFrameHeader;
    if (big_endian(f + 4) != 0) {  // a commit: its transaction's pages count
      for (const auto& [p, offset] : pending) committed[p] = offset;
      pending.clear();
    }
  }
  return committed;
}

// Whether time a is b or later. The same time counts: file times move in the kernel's ticks (a few
// milliseconds), and a file put back within the tick of the log's last write must not pass as unchanged.
bool not_before(const timespec& a, const timespec& b) {
  return a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec >= b.tv_nsec;
}

std::optional<LogDoubt> foreign_journal(const std::string& path, const std::vector<unsigned char>& header) {
  const std::string journal = path + "-journal";
  const std::vector<unsigned char> start = read_start(journal, kJournalMagic.size());
  // A store is in write-ahead-log mode (bytes 18 and 19 of its header are 2): a hot journal is not its own.
  const bool wal_mode = header.size() >= 20 && header[18] == 2 && header[19] == 2;
  if (!wal_mode || start.size() < kJournalMagic.size() ||
      std::memcmp(start.data(), kJournalMagic.data(), kJournalMagic.size()) != 0)
    return std::nullopt;
  return LogDoubt{
      fmt::format(
          "a rollback journal lies beside it, '{}', and a results store keeps none (it is written with a "
          "write-ahead log): the journal is another database's, which SQLite would roll back into the store "
          "and "
          "so damage it. Nothing was changed: move '{}' away, or back beside the database it belongs to",
          printable(journal), printable(journal)),
      true};
}

std::optional<LogDoubt> foreign_wal(const std::string& path, const std::vector<unsigned char>& header) {
  const std::string wal_path = path + "-wal";
  struct stat wal_stat {};
  struct stat store_stat {};
  if (::stat(wal_path.c_str(), &wal_stat) != 0 || wal_stat.st_size <= static_cast<off_t>(kWalHeader) ||
      ::stat(path.c_str(), &store_stat) != 0 || log_in_use(path))
    return std::nullopt;
  std::uint32_t page_size = 0;
  const std::vector<unsigned char> wal = read_all(wal_path);
  const auto committed = committed_pages(wal, page_size);
  if (committed.empty()) return std::nullopt;  // nothing SQLite would fold in
  const std::uint32_t store_page_size =
      header.size() >= 18 ? (header[16] << 8 | header[17]) == 1 ? 65536u : (header[16] << 8 | header[17]) : 0;
  bool differs = store_page_size != page_size;
  if (!differs) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;  // unreadable: SQLite says so
    std::vector<unsigned char> page(page_size);
    for (const auto& [number, offset] : committed) {
      const auto at = static_cast<off_t>(number - 1) * static_cast<off_t>(page_size);
      if (::pread(fd, page.data(), page_size, at) != static_cast<ssize_t>(page_size) ||
          std::memcmp(page.data(), wal.data() + offset, page_size) != 0) {
        differs = true;
        break;
      }
    }
    ::close(fd);
  }
  if (!differs || !not_before(store_stat.st_ctim, wal_stat.st_mtim)) return std::nullopt;
  return LogDoubt{
      fmt::format(
          "its write-ahead log '{}' holds pages the store's file does not, the file was changed after the "
          "log "
          "was last written (put back from a copy, or another store moved to this name, after a command "
          "writing "
          "here was killed?), and a copy of the store with the log folded in is damaged: the log is not this "
          "file's, and SQLite would fold it into the store and so damage it. Nothing was changed. If the log "
          "belongs to a store that had this name, put that store "
          "back beside it (a wijksim command then folds the log's runs into it); otherwise move '{}' and "
          "'{}-shm' "
          "away: this store does not need them",
          printable(wal_path), printable(wal_path), printable(path)),
      false};
}

}  // namespace

std::optional<LogDoubt> doubtful_log(const std::string& path) {
  const std::vector<unsigned char> header = read_start(path, 100);
  if (auto why = foreign_journal(path, header)) return why;
  return foreign_wal(path, header);
}

}  // namespace wijksim
