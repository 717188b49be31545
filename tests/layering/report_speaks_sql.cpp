// Must NOT compile: a layer above the store running its own SQL (tests/CMakeLists.txt,
// only_the_store_speaks_sql). The report reads the store through RunStore's typed readers.
#include "wijksim/store/run_store.h"
#include "wijksim/store/sqlite_statement.h"

int main() {
  return 0;
}
