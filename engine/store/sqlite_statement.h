// Thin RAII wrappers over SQLite's C API for the results store and the report writer: a prepared
// statement with bound values (never values formatted into SQL) and an IMMEDIATE transaction that rolls
// back unless committed. Every failure becomes a wijksim::Error naming the store's file and saying what
// could not be done in words a user acts on (a full disk, a read-only file, not a store).
#pragma once

// Only the store speaks SQL: every other layer reads it through RunStore's typed API (docs/architecture.md).
// The store's target defines WIJKSIM_STORE_INTERNAL; anything else that includes this header fails to build.
#ifndef WIJKSIM_STORE_INTERNAL
#error "sqlite_statement.h is internal to the results store: read the store through RunStore's typed readers"
#endif

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "wijksim/core/content_hash.h"

namespace wijksim {

// What a damaged store's messages advise: "`sqlite3 PATH .dump > saved.sql` writes out the rows it can still
// read", PATH quoted for a shell.
std::string save_rows_advice(const std::string& path);

// Throws Error: "results store 'PATH': cannot DOING: WHY", WHY read from the connection's last error.
[[noreturn]] void sqlite_failure(sqlite3* db, const std::string& path, const std::string& doing);

class Statement {
 public:
  Statement(sqlite3* db, const std::string& path, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, std::uint32_t v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, std::uint64_t v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, const std::string& v);
  Statement& bind(int i, const char* v) { return bind(i, std::string(v)); }
  Statement& bind_null(int i);
  Statement& bind_blob(int i, const void* p, std::size_t n);
  // Binds the values to parameters 1, 2, ... in order.
  template <class... Values>
  Statement& bind_all(const Values&... values) {
    int i = 0;
    (bind(++i, values), ...);
    return *this;
  }

  // Advances; true while there is a row. Throws Error on failure.
  bool step();
  // Steps to the end (an INSERT or UPDATE) and makes the statement ready for new values.
  void run();
  // Makes a query stepped to its end ready for new values (a query run once per scenario).
  void reset();

  std::int64_t integer(int c) const;
  double real(int c) const;
  std::string text(int c) const;
  bool null(int c) const;
  bool is_integer(int c) const;  // the value is stored as an integer (SQLite keeps a text in any column)
  std::vector<double> doubles(int c) const;  // a BLOB of doubles
  std::size_t bytes(int c) const;            // the column's size in bytes (a BLOB's, or a text's)
  int columns() const;
  std::string name(int c) const;
  std::string value_text(int c) const;  // any column as text, for CSV ("" for NULL)
  // Feeds the row to `h`, each column as its type and its value's bytes exactly (an integer's or a double's
  // 8, a text's or a BLOB's size and bytes): the same row gives the same bytes, a changed value or type
  // others.
  void hash_row(ContentHash& h) const;

 private:
  sqlite3* db_;
  std::string path_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT: takes the write lock at once (another writer waits on the busy timeout),
// and rolls back if destroyed before commit(), so a failed write leaves the store as it was.
class Transaction {
 public:
  Transaction(sqlite3* db, const std::string& path);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  sqlite3* db_;
  std::string path_;
  bool done_ = false;
};

}  // namespace wijksim
