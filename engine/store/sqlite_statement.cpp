#include "wijksim/store/sqlite_statement.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include <unistd.h>

#include "wijksim/core/command_line.h"
#include "wijksim/core/error.h"

namespace wijksim {

// `.dump`, not `.recover`: the sqlite3 of Debian 12 (3.40.1) fails on `.recover` with "SQL logic error" on
// any database, a healthy store too (outside attack 33). A dump of a damaged store writes the rows it can
// read and ends in ROLLBACK, so it is kept as text, not loaded back blindly.
std::string save_rows_advice(const std::string& path) {
  return fmt::format("`sqlite3 {} .dump > saved.sql` writes out the rows it can still read",
                     shell_word(path));
}

void sqlite_failure(sqlite3* db, const std::string& path, const std::string& doing) {
  const int rc = db ? sqlite3_extended_errcode(db) : SQLITE_CANTOPEN;
  const int primary = rc & 0xff;
  std::string why = db ? sqlite3_errmsg(db) : "out of memory";
  const int os_error = db ? sqlite3_system_errno(db) : 0;
  // A short write (SQLITE_IOERR_WRITE) is how a file-size limit or quota shows; errno is often gone by now.
  if (primary == SQLITE_FULL || rc == SQLITE_IOERR_WRITE || os_error == ENOSPC || os_error == EFBIG ||
      os_error == EDQUOT)
    why =
        "the disk is full or refused the write (a file-size limit or quota?); nothing of this step was kept";
  else if (primary == SQLITE_NOMEM || rc == SQLITE_IOERR_NOMEM || os_error == ENOMEM)
    // Mapping the store's shared memory (-shm) fails with ENOMEM under a memory limit, which SQLite says as
    // "disk I/O error" (outside attack 25, `ulimit -v 17700`).
    why = fmt::format("{} ({}); nothing of this step was kept", kOutOfMemory, why);
  else if (primary == SQLITE_IOERR)
    why = fmt::format("a read or write failed ({}); nothing of this step was kept", why);
  if (os_error == EMFILE || os_error == ENFILE) {
    why = fmt::format("{} ({})", system_reason(os_error), why);
  } else if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM) {
    // A store this process may write, with a log or shared-memory file it may not: made by another user's
    // read of the store (a reader that cannot write the store creates them as its own).
    std::string foreign;
    for (const char* suffix : {"-wal", "-shm"})
      if (const std::string f = path + suffix; ::access(path.c_str(), W_OK) == 0 &&
                                               ::access(f.c_str(), F_OK) == 0 &&
                                               ::access(f.c_str(), W_OK) != 0)
        foreign = f;
    why = foreign.empty()
              ? "the file or its directory is not writable (" + why + ")"
              : fmt::format(
                    "'{}' is not writable by this user (another user's read of the store left it; when no "
                    "run writes the store, that user or the directory's owner may remove {}-shm, an index "
                    "SQLite makes again, and {}-wal only if it is empty: otherwise it holds stored results, "
                    "and should be made writable instead) ({})",
                    foreign, path, path, why);
  }
  if (primary == SQLITE_NOTADB)
    why = "it is not a wijksim results store (not an SQLite database: " + why + ")";
  if (primary == SQLITE_CORRUPT)
    why = fmt::format("it is a damaged (truncated or corrupt) results store ({}); {}", why,
                      save_rows_advice(path));
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    why = "another process held the store too long (" + why + ")";
  // The user named a file that is not a usable store, a text file or a damaged one alike: bad input, not a
  // failure of the run (exit 1 for both).
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
    throw InputError({{Location{path, 0, 0}, "--store", fmt::format("cannot {}: {}", doing, why)}});
  throw Error(fmt::format("results store '{}': cannot {}: {}", path, doing, why));
}

Statement::Statement(sqlite3* db, const std::string& path, const std::string& sql) : db_(db), path_(path) {
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
    // A store of this schema version (checked when it was opened) without one of its tables or columns has
    // been edited or damaged: bad input, as a corrupt file is.
    const std::string why = sqlite3_errmsg(db);
    if (why.starts_with("no such table") || why.starts_with("no such column"))
      throw InputError({{Location{path, 0, 0}, "--store",
                         fmt::format("cannot read it: the results store is damaged ({}); {}", why,
                                     save_rows_advice(path))}});
    sqlite_failure(db, path, "read it");
  }
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

namespace {
void check_bind(int rc, sqlite3* db, const std::string& path) {
  if (rc != SQLITE_OK) sqlite_failure(db, path, "bind a value");
}
}  // namespace

Statement& Statement::bind(int i, std::int64_t v) {
  check_bind(sqlite3_bind_int64(stmt_, i, v), db_, path_);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  if (std::isnan(v)) return bind_null(i);  // an undefined figure is stored as NULL
  check_bind(sqlite3_bind_double(stmt_, i, v), db_, path_);
  return *this;
}
Statement& Statement::bind(int i, const std::string& v) {
  check_bind(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT), db_, path_);
  return *this;
}
Statement& Statement::bind_null(int i) {
  check_bind(sqlite3_bind_null(stmt_, i), db_, path_);
  return *this;
}
Statement& Statement::bind_blob(int i, const void* p, std::size_t n) {
  check_bind(sqlite3_bind_blob(stmt_, i, p, static_cast<int>(n), SQLITE_TRANSIENT), db_, path_);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite_failure(db_, path_, "write or read it");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::integer(int c) const {
  return sqlite3_column_int64(stmt_, c);
}
double Statement::real(int c) const {
  return sqlite3_column_double(stmt_, c);
}
std::string Statement::text(int c) const {
  const auto* p = sqlite3_column_text(stmt_, c);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)))
           : std::string();
}
bool Statement::is_integer(int c) const {
  return sqlite3_column_type(stmt_, c) == SQLITE_INTEGER;
}
bool Statement::null(int c) const {
  return sqlite3_column_type(stmt_, c) == SQLITE_NULL;
}
std::size_t Statement::bytes(int c) const {
  return static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c));
}
std::vector<double> Statement::doubles(int c) const {
  const auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)) / sizeof(double);
  std::vector<double> v(n);
  if (n) std::memcpy(v.data(), sqlite3_column_blob(stmt_, c), n * sizeof(double));
  return v;
}
int Statement::columns() const {
  return sqlite3_column_count(stmt_);
}
std::string Statement::name(int c) const {
  return sqlite3_column_name(stmt_, c);
}
std::string Statement::value_text(int c) const {
  switch (sqlite3_column_type(stmt_, c)) {
    case SQLITE_NULL:
      return "";
    case SQLITE_INTEGER:
      return std::to_string(integer(c));
    case SQLITE_FLOAT:
      return fmt::format("{}", real(c));  // shortest text that reads back to the same double
    default:
      return text(c);
  }
}

Transaction::Transaction(sqlite3* db, const std::string& path) : db_(db), path_(path) {
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    sqlite_failure(db, path, "start writing");
}

void Transaction::commit() {
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    sqlite_failure(db_, path_, "commit");
  done_ = true;
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Statement::hash_row(ContentHash& h) const {
  const int n = sqlite3_column_count(stmt_);
  for (int c = 0; c < n; ++c) {
    const auto type = static_cast<unsigned char>(sqlite3_column_type(stmt_, c));
    h.add(&type, 1);
    switch (type) {
      case SQLITE_NULL:
        break;
      case SQLITE_INTEGER: {
        const std::int64_t v = sqlite3_column_int64(stmt_, c);
        h.add(&v, sizeof v);
        break;
      }
      case SQLITE_FLOAT: {
        const double v = sqlite3_column_double(stmt_, c);
        h.add(&v, sizeof v);
        break;
      }
      default: {  // text or BLOB: the size first, so that two fields never read as one
        const void* p = type == SQLITE_TEXT ? static_cast<const void*>(sqlite3_column_text(stmt_, c))
                                            : sqlite3_column_blob(stmt_, c);
        const auto size = static_cast<std::uint64_t>(sqlite3_column_bytes(stmt_, c));
        h.add(&size, sizeof size);
        if (size) h.add(p, static_cast<std::size_t>(size));
      }
    }
  }
}

}  // namespace wijksim
