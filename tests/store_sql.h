// White-box tests of the results store's schema: a connection of the test's own to a store file, and the
// store's prepared statements (which every other part of wijksim may not use: docs/architecture.md).
#pragma once

#define WIJKSIM_STORE_INTERNAL
#include "wijksim/store/sqlite_statement.h"

#include <string>

namespace wijksim::test {

class StoreSql {
 public:
  explicit StoreSql(const std::string& path) : path_(path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
      sqlite_failure(db_, path, "open it for the test");
    sqlite3_busy_timeout(db_, 10000);
  }
  ~StoreSql() { sqlite3_close_v2(db_); }
  StoreSql(const StoreSql&) = delete;
  StoreSql& operator=(const StoreSql&) = delete;

  Statement statement(const std::string& sql) const { return Statement(db_, path_, sql); }
  // Runs a change and returns the rows it changed (a test that changes the store proves it did).
  int change(const std::string& sql) const {
    statement(sql).run();
    return sqlite3_changes(db_);
  }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace wijksim::test
