#include "wijksim/store/run_store.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <type_traits>
#include <variant>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wijksim/core/atomic_file.h"
#include "wijksim/core/command_line.h"
#include "wijksim/core/csv_field.h"
#include "wijksim/core/error.h"
#include "wijksim/core/output_path.h"
#include "wijksim/core/statistics.h"
#include "wijksim/core/test_hooks.h"
#include "wijksim/model/run_size.h"
#include "wijksim/store/log_pairing.h"
#include "wijksim/store/sqlite_statement.h"

namespace wijksim {
namespace {

// A name as SQL reads it inside double quotes: a double quote in it written twice.
std::string sql_quoted_name(const std::string& name) {
  std::string q;
  for (const char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q;
}

// The schema. Counts are stored as counts (shares are count / scenarios.households), money in cents,
// so nothing stored is rounded. README "Results store" explains each table with example queries.
constexpr const char* kSchema = R"sql(
CREATE TABLE runs (
  run_id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, version TEXT NOT NULL,
  seed INTEGER NOT NULL, command TEXT NOT NULL, command_line TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),
  replications INTEGER NOT NULL, first_replication INTEGER NOT NULL, years INTEGER NOT NULL,
  draws INTEGER NOT NULL);
CREATE TABLE scenarios (
  run_id INTEGER NOT NULL REFERENCES runs, scenario INTEGER NOT NULL, name TEXT NOT NULL, file TEXT NOT NULL,
  role TEXT NOT NULL, comparator INTEGER, households INTEGER NOT NULL, coach_fte REAL NOT NULL,
  caseload_norm_per_fte REAL NOT NULL, caseload_cap_per_fte REAL NOT NULL, resolved_yaml TEXT NOT NULL,
  hash TEXT NOT NULL, description TEXT NOT NULL, willingness_to_pay REAL NOT NULL, sets_hash TEXT NOT NULL,
  targets_hash TEXT NOT NULL, PRIMARY KEY (run_id, scenario)) WITHOUT ROWID;
CREATE TABLE settings (
  run_id INTEGER NOT NULL REFERENCES runs, scenario INTEGER NOT NULL, position INTEGER NOT NULL,
  setting TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, scenario, position)) WITHOUT ROWID;
CREATE TABLE payers (
  run_id INTEGER NOT NULL REFERENCES runs, position INTEGER NOT NULL, payer TEXT NOT NULL,
  label TEXT NOT NULL, PRIMARY KEY (run_id, position)) WITHOUT ROWID;
CREATE TABLE agencies (
  run_id INTEGER NOT NULL REFERENCES runs, position INTEGER NOT NULL, agency TEXT NOT NULL,
  label TEXT NOT NULL, PRIMARY KEY (run_id, position)) WITHOUT ROWID;
CREATE TABLE draws (
  run_id INTEGER NOT NULL REFERENCES runs, scenario INTEGER NOT NULL, draw INTEGER NOT NULL,
  parameter TEXT NOT NULL, value REAL NOT NULL,
  PRIMARY KEY (run_id, scenario, draw, parameter)) WITHOUT ROWID;
CREATE TABLE costs (
  run_id INTEGER NOT NULL REFERENCES runs, scenario INTEGER NOT NULL, draw INTEGER NOT NULL,
  replication INTEGER NOT NULL, year INTEGER NOT NULL, payer TEXT NOT NULL, category TEXT NOT NULL,
  cost_cents INTEGER NOT NULL,
  PRIMARY KEY (run_id, scenario, draw, replication, year, payer, category)) WITHOUT ROWID;
CREATE TABLE weekly (
  run_id INTEGER NOT NULL REFERENCES runs, scenario INTEGER NOT NULL, draw INTEGER NOT NULL,
  replication INTEGER NOT NULL, week INTEGER NOT NULL,
  with_problem INTEGER NOT NULL, multi_problem INTEGER NOT NULL,
  professionals_0 INTEGER NOT NULL, professionals_1 INTEGER NOT NULL, professionals_2 INTEGER NOT NULL,
  professionals_3_or_more INTEGER NOT NULL, with_help INTEGER NOT NULL, with_help_low_trust INTEGER NOT NULL,
  with_help_bounced INTEGER NOT NULL, trust_sum REAL NOT NULL, rung_sum INTEGER NOT NULL,
  new_problems INTEGER NOT NULL, resolved INTEGER NOT NULL, resolved_by_coach INTEGER NOT NULL,
  bounces INTEGER NOT NULL, escalations INTEGER NOT NULL,
  coach_caseload INTEGER NOT NULL, coach_caseload_per_fte REAL, coach_caseload_per_fte_max REAL,
  coach_waiting INTEGER NOT NULL, coach_admitted INTEGER NOT NULL, coach_wait_weeks INTEGER NOT NULL,
  PRIMARY KEY (run_id, scenario, draw, replication, week)) WITHOUT ROWID;
CREATE TABLE agency_weekly (
  run_id INTEGER NOT NULL REFERENCES runs, scenario INTEGER NOT NULL, draw INTEGER NOT NULL,
  replication INTEGER NOT NULL, week INTEGER NOT NULL, agency TEXT NOT NULL,
  waiting INTEGER NOT NULL, in_treatment INTEGER NOT NULL, capacity INTEGER NOT NULL,
  referrals INTEGER NOT NULL, coach_referrals INTEGER NOT NULL, admitted INTEGER NOT NULL,
  wait_weeks INTEGER NOT NULL, intakes INTEGER NOT NULL,
  PRIMARY KEY (run_id, scenario, draw, replication, week, agency)) WITHOUT ROWID;
CREATE TABLE yearly (
  run_id INTEGER NOT NULL REFERENCES runs, scenario INTEGER NOT NULL, draw INTEGER NOT NULL,
  replication INTEGER NOT NULL, year INTEGER NOT NULL, measure TEXT NOT NULL, value INTEGER NOT NULL,
  PRIMARY KEY (run_id, scenario, draw, replication, year, measure)) WITHOUT ROWID;
CREATE TABLE figures (
  run_id INTEGER NOT NULL REFERENCES runs, scenario INTEGER NOT NULL, draw INTEGER NOT NULL,
  replication INTEGER NOT NULL, figures BLOB NOT NULL,
  PRIMARY KEY (run_id, scenario, draw, replication)) WITHOUT ROWID;
CREATE TABLE evaluation (
  run_id INTEGER NOT NULL REFERENCES runs, comparator INTEGER NOT NULL, option INTEGER NOT NULL,
  draw INTEGER NOT NULL, replication INTEGER NOT NULL, cost_per_household REAL NOT NULL,
  effect_per_household REAL NOT NULL,
  PRIMARY KEY (run_id, comparator, option, draw, replication)) WITHOUT ROWID;
CREATE TABLE one_way (
  run_id INTEGER NOT NULL REFERENCES runs, comparator INTEGER NOT NULL, option INTEGER NOT NULL,
  parameter TEXT NOT NULL, outcome TEXT NOT NULL, rank INTEGER NOT NULL, low_value REAL, high_value REAL,
  at_low REAL, base REAL, at_high REAL,
  PRIMARY KEY (run_id, comparator, option, parameter, outcome)) WITHOUT ROWID;
CREATE TABLE two_way (
  run_id INTEGER NOT NULL REFERENCES runs, comparator INTEGER NOT NULL, x_parameter TEXT NOT NULL,
  y_parameter TEXT NOT NULL, x REAL NOT NULL, y REAL NOT NULL, option INTEGER NOT NULL, inmb REAL,
  delta_cost REAL, preferred INTEGER NOT NULL,
  PRIMARY KEY (run_id, comparator, x, y, option)) WITHOUT ROWID;
CREATE TABLE thresholds (
  run_id INTEGER NOT NULL REFERENCES runs, comparator INTEGER NOT NULL, option INTEGER NOT NULL,
  parameter TEXT NOT NULL, outcome TEXT NOT NULL, target REAL NOT NULL, range_from REAL NOT NULL,
  range_to REAL NOT NULL, value REAL, lo REAL, hi REAL, crossings INTEGER NOT NULL, crossed INTEGER NOT NULL,
  replications INTEGER NOT NULL, status TEXT NOT NULL,
  PRIMARY KEY (run_id, comparator, option, parameter, outcome)) WITHOUT ROWID;
CREATE TABLE evppi (
  run_id INTEGER NOT NULL REFERENCES runs, comparator INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
  parameters TEXT NOT NULL, willingness_to_pay REAL NOT NULL, evppi_per_household REAL, se REAL, r_squared REAL,
  PRIMARY KEY (run_id, comparator, name)) WITHOUT ROWID;
CREATE TABLE virtual_evaluation (
  run_id INTEGER NOT NULL REFERENCES runs, comparator INTEGER NOT NULL, option INTEGER NOT NULL,
  measure TEXT NOT NULL, sample INTEGER NOT NULL, studies INTEGER NOT NULL, true_effect REAL, mean_estimate REAL,
  lo REAL, hi REAL, power REAL, power_right_sign REAL, analytic_power REAL,
  PRIMARY KEY (run_id, comparator, option, measure)) WITHOUT ROWID;
CREATE TABLE calibrations (
  run_id INTEGER PRIMARY KEY REFERENCES runs, targets_file TEXT NOT NULL, targets_hash TEXT NOT NULL,
  households INTEGER NOT NULL);
CREATE TABLE candidates (
  run_id INTEGER NOT NULL REFERENCES runs, candidate INTEGER NOT NULL, round INTEGER NOT NULL,
  quantity TEXT NOT NULL CHECK (quantity IN ('parameter', 'model', 'model_se', 'log_likelihood')),
  name TEXT NOT NULL, value REAL,
  PRIMARY KEY (run_id, candidate, quantity, name)) WITHOUT ROWID;
CREATE TABLE reports (
  run_id INTEGER NOT NULL REFERENCES runs, format TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (run_id, format)) WITHOUT ROWID;
CREATE TABLE seals (
  run_id INTEGER NOT NULL REFERENCES runs, table_name TEXT NOT NULL, digest TEXT NOT NULL,
  PRIMARY KEY (run_id, table_name)) WITHOUT ROWID;
)sql";

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A store whose rows hold what wijksim never writes (edited by hand, or damaged where SQLite cannot tell):
// bad input, said as such, before a reader relies on it (a comparator's index, a count of years to allocate
// for).
[[noreturn]] void damaged(const std::string& path, std::int64_t run, const std::string& what) {
  throw InputError({{Location{path, 0, 0}, "--store",
                     fmt::format("the results store is damaged: run {} {} (wijksim never writes that); {}",
                                 run, what, save_rows_advice(path))}});
}

// An integer column that must lie in [lo, hi]; outside, 0 and what it holds named in `damage` (the first
// such column only).
int bounded(const Statement& q, int column, const char* name, std::int64_t lo, std::int64_t hi,
            std::string& damage) {
  const std::int64_t v = q.integer(column);
  if (v >= lo && v <= hi) return static_cast<int>(v);
  if (damage.empty()) damage = fmt::format("has {} {}", name, v);
  return 0;
}

// A row of the runs table as it stands: counts wijksim never writes are named in RunInfo::damage.
RunInfo read_run_row(const Statement& q) {
  RunInfo r;
  r.id = q.integer(0);
  r.started_at = q.text(1);
  r.finished_at = q.text(2);
  r.version = q.text(3);
  r.seed = static_cast<std::uint64_t>(q.integer(4));
  // SQLite keeps what a column is given: a seed of 'abc' read as 0, and a resume would then say the run "has
  // seed 0".
  if (!q.is_integer(4)) r.damage = fmt::format("has seed '{}'", q.text(4));
  r.command = q.text(5);
  r.command_line = q.text(6);
  r.status = q.text(7);
  constexpr std::int64_t kMaxCount = std::numeric_limits<int>::max();
  r.replications = bounded(q, 8, "replications", 0, kMaxCount, r.damage);
  r.first_replication = bounded(q, 9, "first replication", 0, kMaxCount, r.damage);
  r.years = bounded(q, 10, "policy years", 1, static_cast<std::int64_t>(kMaxYears), r.damage);
  r.draws = bounded(q, 11, "draws", 0, kMaxCount, r.damage);
  r.draws_done = static_cast<int>(q.integer(12));
  r.replications_done = static_cast<int>(q.integer(13));
  r.candidates_done = static_cast<int>(q.integer(14));
  // A complete run or comparison holds every draw, or every replication of the base case, its row says it
  // ran (outside attack 12: a row saying 2,000,000,000 replications was listed and shown as "complete, 2 of
  // 2000000000 replications done").
  if (r.damage.empty() && r.status == "complete" && (r.command == "run" || r.command == "compare")) {
    if (r.draws > 0 && r.draws_done != r.draws)
      r.damage = fmt::format("is complete but holds {} of its {} parameter draws", r.draws_done, r.draws);
    if (r.draws == 0 && r.replications_done != r.replications)
      r.damage =
          fmt::format("is complete but holds {} of its {} replications", r.replications_done, r.replications);
  }
  return r;
}

// The same for a reader about to rely on it: a damaged row is refused.
RunInfo read_run(const Statement& q, const std::string& path) {
  RunInfo r = read_run_row(q);
  if (!r.damage.empty()) damaged(path, r.id, r.damage);
  return r;
}

// The URI that opens `path` read-only as immutable (https://sqlite.org/uri.html): an absolute path with every
// byte outside the unreserved set and '/' percent-encoded.
// The name SQLite is given for a file: a relative one as ./NAME. SQLite reads "file:NAME" as a URI (Debian
// builds it with URIs on) and ":memory:" as no file at all: `--store :memory:` said "stored" and kept
// nothing, and `--store file:main.db` wrote main.db under another lock than `--store main.db` (outside attack
// 48).
std::string sqlite_name(const std::string& path) {
  return path.empty() || path.front() == '/' ? path : "./" + path;
}

std::string immutable_uri(const std::string& path) {
  std::error_code ec;
  const std::string abs = std::filesystem::absolute(path, ec).string();
  std::string uri = "file:";
  for (const char ch : ec ? path : abs) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~')
      uri += ch;
    else
      uri += fmt::format("%{:02X}", c);
  }
  return uri + "?immutable=1";
}

constexpr const char* kForeignDatabase =
    "this is an SQLite database, but not a wijksim results store (it has no runs and scenarios tables); it "
    "was left unchanged: name another file";

// Tables but not the store's, in one snapshot (the same check as `open` makes).
constexpr const char* kWhatTables =
    "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master), "
    "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('runs', 'scenarios')), "
    "(SELECT application_id FROM pragma_application_id)";

// What an SQLite database holds, as far as the store is concerned.
// Uncopied: its main file has no tables, a log or journal lies beside it, and the private copy of both that
// would tell what they hold could not be made (no temporary directory to be had).
enum class Holds { Store, Foreign, NoTables, Unreadable, Uncopied };
struct Found {
  Holds holds = Holds::Unreadable;
  std::int64_t version = 0;  // its user_version
  std::string why;           // Uncopied: where and why the copy failed
};

// Reads the tables of the database `uri` opens (with `flags`) in one snapshot. A database without tables
// is another program's when it carries a user version or an application id of its own (wijksim sets its
// version only with its tables).
Found tables_of(const std::string& uri, int flags) {
  sqlite3* db = nullptr;
  Found f;
  if (sqlite3_open_v2(uri.c_str(), &db, flags, nullptr) == SQLITE_OK) {
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(db, kWhatTables, -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
      f.version = sqlite3_column_int64(q, 0);
      const bool marked = f.version != 0 || sqlite3_column_int64(q, 3) != 0;
      f.holds = sqlite3_column_int64(q, 1) == 0   ? (marked ? Holds::Foreign : Holds::NoTables)
                : sqlite3_column_int64(q, 2) == 2 ? Holds::Store
                                                  : Holds::Foreign;
    }
    sqlite3_finalize(q);
  }
  sqlite3_close_v2(db);
  return f;
}

bool sqlite_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  return in.read(header, sizeof header) && std::memcmp(header, "SQLite format 3", 16) == 0;
}

// Runs `read` on a copy of the database at `path` with its log and journal (those of them that lie beside
// it) in a private directory, where SQLite may fold and roll back what it will; returns its result, or
// why the copy could not be made (when no temporary directory is to be had).
template <class Read>
std::variant<std::invoke_result_t<Read, const std::string&>, std::string> read_private_copy(
    const std::string& path, Read&& read) {
  std::error_code ec;
  const std::string wal = path + "-wal", journal = path + "-journal";
  const bool has_wal = std::filesystem::exists(wal, ec), has_journal = std::filesystem::exists(journal, ec);
  // An empty TMPDIR is no setting, as SQLite and the C library read it (the standard library's function
  // takes it as the directory "" and fails).
  const char* tmpdir = std::getenv("TMPDIR");
  const std::filesystem::path temp =
      tmpdir && *tmpdir == '\0' ? std::filesystem::path("/tmp") : std::filesystem::temp_directory_path(ec);
  if (ec) return fmt::format("finds no temporary directory to copy them into ({})", ec.message());
  std::string dir = (temp / "wijksim-store-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr)
    return fmt::format("cannot make a directory in '{}' to copy them into ({})", temp.string(),
                       std::strerror(errno));
  const std::filesystem::path copy = std::filesystem::path(dir) / "store.db";
  const auto options = std::filesystem::copy_options::overwrite_existing;
  std::variant<std::invoke_result_t<Read, const std::string&>, std::string> result;
  if (std::filesystem::copy_file(path, copy, options, ec) &&
      (!has_wal || std::filesystem::copy_file(wal, copy.string() + "-wal", options, ec)) &&
      (!has_journal || std::filesystem::copy_file(journal, copy.string() + "-journal", options, ec)))
    result = read(copy.string());
  else
    result = fmt::format("cannot copy them into '{}' ({})", temp.string(), ec.message());
  std::filesystem::remove_all(dir, ec);
  return result;
}

// What the SQLite database at `path` holds, found without changing it or creating a file beside it. Any
// ordinary open could: a read-only one creates PATH-shm (and PATH-wal) for a database in write-ahead-log
// mode and leaves them, and a read-write one checkpoints a log left beside it into the main file and rolls
// back a hot journal. So the main file is read as immutable (no locks, no log, no shared memory). That is
// all of it unless a log or journal lies beside it; then, when the main file alone has no tables, a copy of
// both in a private directory is opened instead, as SQLite would read them.
Found what_database(const std::string& path) {
  const Found main = tables_of(immutable_uri(path), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
  if (main.holds == Holds::Store || main.holds == Holds::Foreign) return main;
  std::error_code ec;
  if (!std::filesystem::exists(path + "-wal", ec) && !std::filesystem::exists(path + "-journal", ec))
    return main;
  // Without the copy nothing is known, and an open would change the file (outside attack 48: with TMPDIR
  // unusable another program's log was folded into its database, said "left unchanged").
  auto found =
      read_private_copy(path, [](const std::string& copy) { return tables_of(copy, SQLITE_OPEN_READWRITE); });
  if (auto* why = std::get_if<std::string>(&found)) return {Holds::Uncopied, 0, *why};
  return std::get<Found>(found);
}

// Whether the store at `path` is whole once SQLite has folded in the log beside it: tried on a private copy
// (integrity_check); or why the copy could not be made.
std::variant<bool, std::string> whole_when_folded(const std::string& path) {
  return read_private_copy(path, [](const std::string& copy) {
    sqlite3* db = nullptr;
    bool ok = false;
    if (sqlite3_open_v2(copy.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
      sqlite3_stmt* q = nullptr;
      // Its first row is "ok" when nothing is wrong, else the first problem found.
      if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, nullptr) == SQLITE_OK &&
          sqlite3_step(q) == SQLITE_ROW) {
        const unsigned char* first = sqlite3_column_text(q, 0);
        ok = first != nullptr && std::strcmp(reinterpret_cast<const char*>(first), "ok") == 0;
      }
      sqlite3_finalize(q);
    }
    sqlite3_close_v2(db);
    return ok;
  });
}

[[noreturn]] void schema_refused(const std::string& path, std::int64_t version) {
  throw InputError({{Location{path, 0, 0}, "--store",
                     fmt::format("this results store has schema version {}; this wijksim ({}) reads and "
                                 "writes version {}: use another store (--output/--store), or the wijksim "
                                 "version that wrote it",
                                 version, WIJKSIM_VERSION, kStoreSchemaVersion)}});
}

constexpr const char* kRunColumns =
    "SELECT run_id, started_at, finished_at, version, seed, command, command_line, status, replications, "
    "first_replication, years, draws, (SELECT count(DISTINCT draw) FROM figures f WHERE f.run_id = "
    "runs.run_id), (SELECT count(DISTINCT replication) FROM figures f WHERE f.run_id = runs.run_id AND "
    "f.draw = 0), (SELECT count(DISTINCT candidate) FROM candidates c WHERE c.run_id = runs.run_id) "
    "FROM runs";

}  // namespace

namespace {
// The tables of the schema, as kSchema makes them (read from a database made with it in memory, so the list
// is never written twice).
struct SchemaTable {
  std::string name;
  std::string key;      // its primary key's columns, in order ("run_id, scenario, ...")
  std::string columns;  // every column with its type, in order ("run_id INTEGER, scenario INTEGER, ...")
};

// Where a table's columns `found` first differ from the schema's `made` (both as kTableColumns gives
// them): "has column 20 'escalations INTEGER' where wijksim makes 'bounces INTEGER'".
std::string column_difference(const std::string& found, const std::string& made) {
  const auto split = [](const std::string& list) {
    std::vector<std::string> out;
    for (std::size_t start = 0;;) {
      const std::size_t comma = list.find(", ", start);
      out.push_back(list.substr(start, comma - start));
      if (comma == std::string::npos) return out;
      start = comma + 2;
    }
  };
  const std::vector<std::string> f = split(found), m = split(made);
  for (std::size_t i = 0; i < std::min(f.size(), m.size()); ++i)
    if (f[i] != m[i]) return fmt::format("has column {} '{}' where wijksim makes '{}'", i + 1, f[i], m[i]);
  return f.size() > m.size() ? fmt::format("has a column wijksim does not make, '{}'", f[m.size()])
                             : fmt::format("lacks the column '{}'", m[f.size()]);
}

// A table's columns with their types, in order, as SchemaTable::columns holds them.
constexpr const char* kTableColumns =
    "SELECT group_concat(c, ', ') FROM (SELECT name || ' ' || type AS c FROM pragma_table_info(?) ORDER BY "
    "cid)";
const std::vector<SchemaTable>& schema() {
  static const std::vector<SchemaTable> tables = [] {
    sqlite3* db = nullptr;
    std::vector<SchemaTable> out;
    // `table`, if given, is bound to the statement's one parameter.
    auto each_row = [&db](const std::string& sql, const std::function<void(sqlite3_stmt*)>& visit,
                          const std::string* table = nullptr) {
      sqlite3_stmt* q = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr) == SQLITE_OK &&
          (!table || sqlite3_bind_text(q, 1, table->c_str(), -1, SQLITE_TRANSIENT) == SQLITE_OK))
        while (sqlite3_step(q) == SQLITE_ROW) visit(q);
      sqlite3_finalize(q);
    };
    auto text = [](sqlite3_stmt* q, int c) {
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, c)));
    };
    int rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) {
      each_row("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", [&](sqlite3_stmt* q) {
        out.push_back({text(q, 0), "", ""});
      });
      for (SchemaTable& t : out) {
        each_row(fmt::format("SELECT name FROM pragma_table_info('{}') WHERE pk > 0 ORDER BY pk", t.name),
                 [&](sqlite3_stmt* q) { t.key += (t.key.empty() ? "" : ", ") + text(q, 0); });
        each_row(
            kTableColumns, [&](sqlite3_stmt* q) { t.columns = text(q, 0); }, &t.name);
      }
    }
    sqlite3_close_v2(db);
    // SQLite out of memory (it says SQLITE_NOMEM, or cannot even open an in-memory database) is the
    // machine's limit, said as every other allocation failure is (exit 3), not a fault of wijksim's.
    if (rc == SQLITE_NOMEM || (rc != SQLITE_OK && db == nullptr)) throw std::bad_alloc();
    if (out.empty() || std::any_of(out.begin(), out.end(),
                                   [](const SchemaTable& t) { return t.key.empty() || t.columns.empty(); }))
      throw InternalError("the results store's schema could not be made in memory");
    return out;
  }();
  return tables;
}

// Every table of a run but the seals themselves: each has its run's rows sealed.
bool sealed(const SchemaTable& t) {
  return t.name != "seals";
}

// The digest of run `run`'s rows in `table`, in the order of its primary key.
std::string table_digest(sqlite3* db, const std::string& path, const SchemaTable& table, std::int64_t run) {
  Statement q(db, path, fmt::format("SELECT * FROM {} WHERE run_id = ? ORDER BY {}", table.name, table.key));
  q.bind(1, run);
  ContentHash h;
  while (q.step()) q.hash_row(h);
  return h.hex();
}

// The seals of an interrupted run's units. A run is sealed whole when it completes, but an interrupted one
// is not, and a resume takes the units it stored into the run's result, which complete_run then seals: rows
// changed by hand in between were sealed as the run's own (outside attack 53: a figure set to 1e12 in an
// interrupted run's draw, a drawn parameter doubled, a calibration's likelihoods). So each unit - a draw's
// replication, a calibration's candidate - is sealed as it is committed, in its transaction, under a name no
// table has (a space in it), and a resume checks it.
const SchemaTable& schema_table(std::string_view name) {
  const auto it =
      std::find_if(schema().begin(), schema().end(), [&](const SchemaTable& t) { return t.name == name; });
  if (it == schema().end()) throw InternalError(fmt::format("no table '{}' in the store's schema", name));
  return *it;
}
// The run's own rows, as begin_run writes them in one transaction and nothing changes after (its status and
// finishing time aside): a unit's rows say what they are only beside them, so each unit's seal covers their
// seal too. An interrupted run's seed, scenario hash or payers changed by hand were resumed into a run of two
// studies (the draws before of one, those after of the other), and units copied with their seals from
// another run of the same scenarios were taken as this one's (outside attack 54).
constexpr const char* kIdentitySeal = "run identity";
std::string identity_digest(sqlite3* db, const std::string& path, std::int64_t run) {
  ContentHash h;
  {
    Statement q(db, path,
                "SELECT run_id, started_at, version, seed, command, command_line, replications, "
                "first_replication, years, draws FROM runs WHERE run_id = ?");
    q.bind(1, run);
    while (q.step()) q.hash_row(h);
  }
  for (const char* name : {"scenarios", "settings", "payers", "agencies", "calibrations"}) {
    Statement q(db, path,
                fmt::format("SELECT * FROM {} WHERE run_id = ? ORDER BY {}", name, schema_table(name).key));
    q.bind(1, run);
    while (q.step()) q.hash_row(h);
  }
  return h.hex();
}
// A seal as stored, by its name (a table's, the identity's, a unit's); "" without one.
std::string stored_seal(sqlite3* db, const std::string& path, std::int64_t run, const std::string& name) {
  Statement q(db, path, "SELECT digest FROM seals WHERE run_id = ? AND table_name = ?");
  q.bind_all(run, name);
  return q.step() ? q.text(0) : std::string();
}
std::string identity_seal(sqlite3* db, const std::string& path, std::int64_t run) {
  return stored_seal(db, path, run, kIdentitySeal);
}
// Rows that differ from their seal: "the results store is damaged: `what`; wijksim never changes `which`, so
// another program changed them since ..., `so`: run its command again into a store of its own".
[[noreturn]] void changed_since_sealed(const std::string& path, const std::string& what, const char* which,
                                       const char* so) {
  throw InputError({{Location{path, 0, 0}, "--store",
                     fmt::format("the results store is damaged: {}; wijksim never changes {}, so another "
                                 "program changed them since (by hand, or damage SQLite cannot see), {}: run "
                                 "its command again into a store of its own",
                                 what, which, so)}});
}
std::string unit_seal_name(std::uint32_t draw, std::uint32_t replication) {
  return fmt::format("draw {} replication {}", draw, replication);
}
// A draw's parameters (every scenario's) and its replication's costs, weeks, agency weeks and figures.
std::string unit_digest(sqlite3* db, const std::string& path, std::int64_t run, std::uint32_t draw,
                        std::uint32_t replication) {
  ContentHash h;
  h.add(identity_seal(db, path, run));
  // Scenario by scenario, so that each query is a search of its table's key (run_id, scenario, draw,
  // replication, ...): by run_id and draw alone SQLite scanned the whole run's rows for every unit, and a
  // study of 1,000 draws took 261 s to store instead of 35 s (a review).
  std::vector<std::int64_t> scenarios;
  {
    Statement q(db, path, "SELECT scenario FROM scenarios WHERE run_id = ? ORDER BY scenario");
    q.bind(1, run);
    while (q.step()) scenarios.push_back(q.integer(0));
  }
  for (const char* name : {"draws", "costs", "weekly", "agency_weekly", "yearly", "figures"}) {
    const bool per_replication = std::string_view(name) != "draws";
    Statement q(db, path,
                fmt::format("SELECT * FROM {} WHERE run_id = ? AND scenario = ? AND draw = ?{} ORDER BY {}",
                            name, per_replication ? " AND replication = ?" : "", schema_table(name).key));
    for (const std::int64_t scenario : scenarios) {
      q.bind(1, run).bind(2, scenario).bind(3, draw);
      if (per_replication) q.bind(4, replication);
      while (q.step()) q.hash_row(h);
      q.reset();
    }
  }
  return h.hex();
}
std::string candidate_seal_name(std::int64_t candidate) {
  return fmt::format("candidate {}", candidate);
}
std::string candidate_digest(sqlite3* db, const std::string& path, std::int64_t run, std::int64_t candidate) {
  ContentHash h;
  h.add(identity_seal(db, path, run));
  Statement q(db, path,
              fmt::format("SELECT * FROM candidates WHERE run_id = ? AND candidate = ? ORDER BY {}",
                          schema_table("candidates").key));
  q.bind(1, run).bind(2, candidate);
  while (q.step()) q.hash_row(h);
  return h.hex();
}
// Whether a unit's seal is there (false: the seal removed by hand; the unit is simulated again, from the
// run's own rows, whose seal check_identity has checked) and matches `digest`; throws InputError where it
// does not.
bool unit_sealed(sqlite3* db, const std::string& path, std::int64_t run, const std::string& seal,
                 const std::string& digest) {
  const std::string sealed = stored_seal(db, path, run, seal);
  if (sealed.empty()) return false;
  if (sealed != digest)
    changed_since_sealed(path,
                         fmt::format("the rows of run {}'s {} are other than those it stored", run, seal),
                         "what it stored", "and a resume would take them as the run's own");
  return true;
}

// The statements that make a store's tables and mark it with its schema version: run in one transaction,
// by the new store's creation and on an existing database without tables (made in place).
const std::string& schema_statements() {
  static const std::string sql = fmt::format("{}\nPRAGMA user_version={};", kSchema, kStoreSchemaVersion);
  return sql;
}

// A new store is made whole (its tables, its version, write-ahead logging) under a name of its own beside
// it, and only then linked to its name: a step that fails on the way (too few open files allowed, a full
// disk) leaves nothing under the name, where SQLite's own creation left an empty file (outside attack:
// `ulimit -n 4` left a 0-byte results.db). link() gives the name only if no file has it: a store another
// command made in the meantime is kept, and opened. On a file system without hard links, or where the
// temporary name's full path (with its own NAME-journal) would pass SQLite's limit, which the store's own
// keeps within (check_store_path), the store is made by SQLite in place.
void create_store_file(const std::string& path) {
  // A temporary name beside it (.wijksim-PID-N.tmp, with SQLite's files beside that): a signal that ends
  // the process, or a later command after a kill -9, removes it, and so does leaving this function.
  const TemporaryFiles made(path, {kSqliteFiles[0].suffix, kSqliteFiles[1].suffix, kSqliteFiles[2].suffix});
  std::error_code ec;
  const std::string full =
      std::filesystem::weakly_canonical(std::filesystem::absolute(made.path(), ec), ec).string();
  if (ec || full.size() + kStoreSuffixMax > kSqlitePathMax) return;  // too long for SQLite: made in place
  // O_EXCL: never a file that is there; 0644 less the umask, as SQLite creates a database.
  const int fd = ::open(made.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    // Said as every file that cannot be made is: /proc says ENOENT, a directory that takes no new files, not
    // one that is "not writable (No such file or directory)" (outside attack).
    const std::string dir = std::filesystem::path(path).parent_path().string();
    throw Error(fmt::format("results store '{}': cannot create it: {}", path,
                            cannot_create(err, dir.empty() ? std::string(".") : dir)));
  }
  ::close(fd);
  sqlite3* db = nullptr;
  const auto failed = [&](const char* doing) {
    try {
      sqlite_failure(db, path, doing);
    } catch (...) {
      sqlite3_close_v2(db);
      throw;
    }
  };
  if (sqlite3_open_v2(sqlite_name(made.path()).c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    failed("create it");
  sqlite3_extended_result_codes(db, 1);
  for (const std::string& sql : {std::string("PRAGMA journal_mode=WAL"), std::string("BEGIN"),
                                 schema_statements(), std::string("COMMIT")})
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) failed("create its tables");
  // The tables are in the log until it is folded into the file. sqlite3_close folds it but says nothing
  // when that write fails (a nearly full disk), and the log, the one whole copy, is removed with the
  // temporary name: the store was linked cut, and every later command called it damaged (outside attack 19).
  // So the fold is done here, and checked.
  if (sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr) != SQLITE_OK)
    failed("create it");
  if (sqlite3_close(db) != SQLITE_OK) failed("create it");
  // The command goes on to hold the store open (itself, its log and its shared memory) and, to write a
  // run, its lock file: four files at once. A limit of open files that leaves fewer than that would fail
  // only once the store had its name, and left it empty (`ulimit -n 6`, outside attack 25); found here,
  // before the name is given, it leaves nothing.
  {
    int held[4] = {-1, -1, -1, -1};
    int err = 0;
    held[0] = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (held[0] < 0) err = errno;
    for (int i = 1; i < 4 && err == 0; ++i)
      if ((held[i] = ::fcntl(held[0], F_DUPFD_CLOEXEC, 0)) < 0) err = errno;
    for (const int h : held)
      if (h >= 0) ::close(h);
    if (err == EMFILE || err == ENFILE)
      throw Error(fmt::format("results store '{}': cannot create it: {}", path, system_reason(err)));
  }
  test_hooks::while_creating_store();
  if (::link(made.path().c_str(), path.c_str()) == 0 || errno == EEXIST) return;
  if (errno == EPERM || errno == ENOTSUP || errno == ENOSYS) return;  // no hard links here: SQLite makes it
  throw Error(fmt::format("results store '{}': cannot create it: {}", path, system_reason(errno)));
}

// The stores this process has open, by file identity, each with how many RunStores hold it. Another open of
// one of them reads none of its files itself: closing any descriptor of a file drops every POSIX lock this
// process holds on it, SQLite's included, so a check that opened and closed the store's file or its -shm
// let another process take the store as unused (truncate its index, fold and remove its log) under the
// connection still writing it (a review of the log check; SQLite's "How To Corrupt", 2.2). And a lock test
// cannot see this process's own locks.
class OpenStores {
 public:
  using Id = std::pair<std::uint64_t, std::uint64_t>;
  void add(const Id& id, int n) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if ((held_[id] += n) <= 0) held_.erase(id);
  }
  bool holds(const std::string& path) const {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return false;
    const std::lock_guard<std::mutex> lock(mutex_);
    return held_.count({st.st_dev, st.st_ino}) > 0;
  }

 private:
  mutable std::mutex mutex_;
  std::map<Id, int> held_;
};
OpenStores& open_stores() {
  static OpenStores stores;
  return stores;
}

// A log or journal left under the name of a store that is gone (removed while a command wrote it, or with
// `rm STORE` after a kill -9) is SQLite's to read into whatever database next has that name: a new store
// made there took the old log's pages and was damaged at once (outside attack 36). It is refused, with
// what to do, before anything is made; it is not removed, as it may be the one copy of runs.
void refuse_stale_log(const std::string& path) {
  for (const char* suffix : {"-wal", "-journal"}) {
    struct stat st {};
    if (::stat((path + suffix).c_str(), &st) != 0 || st.st_size == 0) continue;
    throw InputError(
        {{Location{path, 0, 0}, "--store",
          fmt::format("there is no results store here, but '{}{}' is: the log of a store that had this name "
                      "(removed or moved while a command wrote it). SQLite would read it into a new store "
                      "and damage it. Put that store back beside it, or, if it is not wanted, remove "
                      "'{}{}' and '{}-shm'; or name another store",
                      printable(path), suffix, printable(path), suffix, printable(path))}});
  }
}

}  // namespace

RunStore RunStore::open(const std::string& path, Mode mode) {
  RunStore s;
  s.path_ = path;
  // Open in this process already: it was examined then, and its files are not opened again (OpenStores).
  // The checks of its name read the files beside it, which dropped its writer's lock on its log's index.
  const bool open_here = open_stores().holds(path);
  // Not a directory, a device, a FIFO (SQLite would wait on it for ever) or a socket; not too long a name.
  if (!open_here) check_store_path(path, "--store");
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (mode == Mode::ReadOnly && !exists)
    throw InputError({{Location{path, 0, 0}, "--store",
                       "there is no results store here (`wijksim run` and `compare` write one; --store names "
                       "another)"}});
  // A resume names a run of a store that is there: a name with no store made an empty one (outside attack
  // 10), then said it had no such run.
  if (mode == Mode::ReadWriteExisting) {
    if (!exists)
      throw InputError({{Location{path, 0, 0}, "--store",
                         "there is no results store here, so no run to resume (--store or --output names the "
                         "store the run is in)"}});
    mode = Mode::ReadWrite;
  }
  // A new store in a directory that is not there: said so, not SQLite's "unable to open database file".
  if (const std::filesystem::path dir = std::filesystem::path(path).parent_path();
      !exists && !dir.empty() && !std::filesystem::is_directory(dir, ec))
    throw Error(fmt::format("cannot create the results store '{}': the directory '{}' does not exist", path,
                            dir.string()));
  // A directory write-protected for everyone (chmod 555), which root may write all the same (output_path.h):
  // its owner protected it, so nothing in it changes (SQLite keeps the store's log beside it; a new store is
  // made beside its name first; a killed command's temporary files there are left).
  if (mode == Mode::ReadWrite) {
    std::error_code real_ec;
    const std::filesystem::path real =
        exists ? std::filesystem::canonical(path, real_ec) : std::filesystem::path(path);
    const std::string dir = (real_ec ? std::filesystem::path(path) : real).parent_path().string();
    if (is_write_protected_directory(dir))
      throw Error(
          fmt::format("results store '{}': cannot {} it (its log is written beside it): {} a store "
                      "elsewhere",
                      path, exists ? "write" : "create", write_protected_said(dir)));
  }
  // A store a killed command was making beside it (.wijksim-PID-N.tmp) is cleared by the next writer, as an
  // output's are (outside attack 21: only a later output in the directory cleared it).
  if (mode == Mode::ReadWrite) remove_stale_temporaries_beside(path);
  if (mode == Mode::ReadWrite && !exists) {
    refuse_stale_log(path);
    create_store_file(path);
    exists = std::filesystem::exists(path, ec);
  }
  // Another program's database is refused before it is opened: opening it could change it (what_database).
  // So is, before it is opened, what a command that reads could not use: a database without tables, or a
  // store of another schema version (a read-only open would leave PATH-wal and PATH-shm beside them).
  // The files beside the store are SQLite's by the name it resolves: a store named by a symbolic link has
  // its log beside the file linked to (outside attack 50: a log beside the link's target was folded into the
  // store unchecked, named by the link).
  // (Only a link as the name's last part moves them: through a linked directory they are the same files.)
  const std::string file =
      exists && std::filesystem::is_symlink(path, ec) ? std::filesystem::canonical(path, ec).string() : path;
  const std::string& real = ec || file.empty() ? path : file;
  if (exists && !open_here && sqlite_header(real)) {
    const Found found = what_database(real);
    if (found.holds == Holds::Foreign)
      throw InputError({{Location{path, 0, 0}, "--store", kForeignDatabase}});
    if (found.holds == Holds::Uncopied)
      throw Error(fmt::format(
          "results store '{}': cannot tell whether it is a wijksim results store without changing it: its "
          "file has no tables and a log or journal lies beside it, which SQLite would fold into the file on "
          "opening it, so wijksim reads a private copy of both, and {}: set TMPDIR to a directory that can "
          "be written; the file was left unchanged",
          path, found.why));
    // A log or journal beside it that is not its own: the open below would fold it into the store, or roll
    // it back into it, and damage it (outside attack 49; log_pairing.h).
    if (const auto doubt = doubtful_log(real)) {
      if (doubt->certain) throw InputError({{Location{path, 0, 0}, "--store", doubt->why}});
      const std::variant<bool, std::string> whole = whole_when_folded(real);
      if (const bool* ok = std::get_if<bool>(&whole); ok && !*ok)
        throw InputError({{Location{path, 0, 0}, "--store", doubt->why}});
      // No copy to tell by: refused as not told (a copy that could not be made was taken for a damaged one,
      // and the advice to move the log away lost a killed run's draws: a review; the files' times, tried
      // instead, passed a log copied with `cp`: outside attack 51).
      if (const std::string* why = std::get_if<std::string>(&whole))
        throw Error(fmt::format(
            "results store '{}': cannot tell whether the {} beside it is its own: it holds pages the file "
            "does not, and wijksim folds it into a private copy of the store to tell (SQLite would fold it "
            "into the store itself), but {}: set TMPDIR to a directory with room for a copy of the store "
            "and run the command again; nothing was changed",
            path, doubt->log, *why));
    }
    if (found.holds == Holds::NoTables && mode == Mode::ReadOnly)
      throw InputError({{Location{path, 0, 0}, "--store", "this results store holds no runs"}});
    if (found.holds == Holds::Store && found.version != kStoreSchemaVersion)
      schema_refused(path, found.version);
  }
  // A command that reads opens a store it may write as a writer that writes nothing (query_only): the last
  // connection to close a store in write-ahead-log mode removes PATH-wal and PATH-shm, which a read-only
  // connection cannot, so a `runs` or `report` left them beside the store.
  // A command that writes, on a store this user may not write: refused before SQLite opens it, which would
  // leave STORE-wal and STORE-shm as this user's files beside another's store (its owner's next run then
  // failed).
  // Write-protected by its mode too, which root's access() passes: a store its owner chmod 444'd was written
  // as any other when run as root (outside attack 39), where an output so protected is refused.
  if (struct stat st{}; mode == Mode::ReadWrite && exists && ::stat(path.c_str(), &st) == 0 &&
                        S_ISREG(st.st_mode) && (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0)
    throw Error(
        fmt::format("results store '{}': cannot write it: the file is write-protected (no write "
                    "permission; chmod u+w makes it writable); `wijksim runs --store {}` reads it, and "
                    "--store names another store to write",
                    path, shell_word(path)));
  if (mode == Mode::ReadWrite && exists && ::access(path.c_str(), W_OK) != 0)
    throw Error(
        fmt::format("results store '{}': cannot write it: the file is not writable here ({}); "
                    "`wijksim runs --store {}` reads it, and --store names another store to write",
                    path, std::strerror(errno), shell_word(path)));
  // Its directory too: SQLite makes the store's log beside it, and failed at the first statement with
  // "cannot read it: the file or its directory is not writable" (outside attack 39).
  if (const std::string dir = std::filesystem::path(path).parent_path().string();
      mode == Mode::ReadWrite && exists && ::access(dir.empty() ? "." : dir.c_str(), W_OK) != 0)
    throw Error(fmt::format(
        "results store '{}': cannot write it: its directory '{}' is not writable here ({}), and a "
        "store is written with its log beside it; `wijksim runs --store {}` reads it, and --store "
        "names another store to write",
        path, dir.empty() ? "." : dir, std::strerror(errno), shell_word(path)));
  // A store with a second name (a hard link) is not written: SQLite keeps the write-ahead log and its locks
  // by name, so two commands writing it under two names each commit to a log of their own, and the store's
  // pages end up overwritten (a finished run lost, the file malformed; outside attack 8). A symbolic link is
  // fine: SQLite resolves it.
  if (struct stat st{};
      mode == Mode::ReadWrite && exists && ::stat(path.c_str(), &st) == 0 && st.st_nlink > 1)
    throw InputError(
        {{Location{path, 0, 0}, "--store",
          fmt::format("this results store has {} names (hard links); wijksim writes a store under one "
                      "name only, as two commands writing it under two names would destroy runs: "
                      "remove the other names, or copy the file (cp) to make a separate store",
                      st.st_nlink)}});
  const bool read_as_writer = mode == Mode::ReadOnly && exists && ::access(path.c_str(), W_OK) == 0;
  // A reader that may not write the store, when no process has it open (no PATH-wal: the last connection to
  // close removes it), reads it as immutable: a read-only connection would create PATH-wal and PATH-shm as
  // this user's files, which the store's owner then cannot write, and its next run would fail. Immutable
  // reads take no locks: a run started by the owner during the read could make this read fail or see the
  // store as it was, never harm the store.
  const bool unopened =
      ::access((path + "-wal").c_str(), F_OK) != 0 && ::access((path + "-shm").c_str(), F_OK) != 0;
  const bool immutable = mode == Mode::ReadOnly && exists && !read_as_writer && unopened;
  const int flags = mode == Mode::ReadOnly ? (read_as_writer ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY)
                                           : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2(immutable ? immutable_uri(path).c_str() : sqlite_name(path).c_str(), &s.db_,
                      immutable ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI : flags, nullptr) != SQLITE_OK)
    sqlite_failure(s.db_, path, exists ? "open it" : "create it");
  sqlite3_extended_result_codes(s.db_, 1);
  if (struct stat st{}; ::stat(path.c_str(), &st) == 0) {
    s.device_ = st.st_dev;
    s.inode_ = st.st_ino;
    open_stores().add({s.device_, s.inode_}, +1);
    s.counted_ = true;
  }
  sqlite3_busy_timeout(s.db_, 60000);  // another process writing: wait for it rather than fail
  if (read_as_writer) s.exec("PRAGMA query_only=1", "open it for reading");
  if (mode == Mode::ReadOnly) {
    // A store in write-ahead-log mode is read through its shared-memory file (PATH-shm), which a reader
    // must create when no writer has it open. On a read-only file system (or in a directory this process
    // cannot write) it cannot, and the first read fails: such a store cannot change while it is read, so it
    // is read as immutable instead (no locks, no -shm, no -wal). Only then: a store that can be written is
    // always read with its locks, as another process may be writing it.
    const int rc = sqlite3_exec(s.db_, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    // Too few open files allowed is the process's limit, not a place it cannot write (it was said as a
    // read-only file system, with advice to copy the store; outside attack 26).
    if (const int os = sqlite3_system_errno(s.db_); rc != SQLITE_OK && (os == EMFILE || os == ENFILE))
      sqlite_failure(s.db_, path, "open it");
    if ((rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_READONLY) {
      sqlite3_close_v2(s.db_);
      s.db_ = nullptr;
      // Read as immutable, the store's file alone is all that is read: what its log holds beyond the
      // log's 32-byte header (runs a killed writer committed, not yet folded into the file) would be
      // missing, and the store read as empty or out of date with exit 0 (outside attack 10).
      if (struct stat log{}; ::stat((path + "-wal").c_str(), &log) == 0 && log.st_size > 32)
        throw Error(fmt::format(
            "results store '{}': cannot read it here: its write-ahead log '{}-wal' holds runs not yet in "
            "the store's file, and SQLite reads them only where it can make the log's index '{}-shm' beside "
            "it, which it cannot here (a read-only file system, or a directory this user may not write); "
            "copy the store with its -wal into a directory that can be written and read it there (any "
            "wijksim command that writes the store there also folds the log into it)",
            path, path, path));
      if (sqlite3_open_v2(immutable_uri(path).c_str(), &s.db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                          nullptr) != SQLITE_OK)
        sqlite_failure(s.db_, path, "open it");
      sqlite3_extended_result_codes(s.db_, 1);
    }
  }

  // Read in their own scope: an unfinished statement holds a read transaction, and the journal mode
  // cannot change inside one.
  auto single_integer = [&](const char* sql) {
    Statement q(s.db_, path, sql);
    q.step();
    return q.integer(0);
  };
  // Both in one statement, so one snapshot: read apart, another process creating the store in between
  // made a store with tables look like version 0.
  std::int64_t version = 0;
  bool empty = true, ours = false;
  {
    Statement q(s.db_, path, kWhatTables);
    q.step();
    version = q.integer(0);
    empty = q.integer(1) == 0;
    ours = q.integer(2) == 2;
  }
  // Another program's database is left exactly as it is (nothing is written before this check: not even
  // the switch to write-ahead logging below).
  if (!empty && !ours) throw InputError({{Location{path, 0, 0}, "--store", kForeignDatabase}});
  // A store of another wijksim version is input this one cannot use (exit 1), as another program's database.
  if (!empty && version != kStoreSchemaVersion) schema_refused(path, version);
  // A store of this version without one of the tables wijksim makes (dropped by hand): refused before
  // anything is written, as a damaged store (a run into it was added as 'failed', or completed without the
  // table's rows; outside attack 8).
  if (!empty) {
    std::vector<std::string> missing;
    std::string changed;  // the first table whose columns are not the schema's
    for (const SchemaTable& table : schema()) {
      Statement q(s.db_, path, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
      q.bind(1, table.name);
      q.step();
      if (q.integer(0) == 0) {
        missing.push_back(table.name);
        continue;
      }
      // The seals digest values by position: a column renamed, or two swapped, by hand keeps every
      // seal and puts one figure's values under another's name (outside attack 25). So the columns must
      // be the schema's, names, types and order.
      Statement c(s.db_, path, kTableColumns);
      c.bind(1, table.name);
      c.step();
      if (changed.empty() && c.text(0) != table.columns)
        changed = fmt::format("its table {} {}", table.name, column_difference(c.text(0), table.columns));
    }
    if (!missing.empty())
      throw InputError(
          {{Location{path, 0, 0}, "--store",
            fmt::format("cannot use it: the results store is damaged: it lacks the table{} {}, which "
                        "wijksim always makes; {}",
                        missing.size() == 1 ? "" : "s", fmt::join(missing, ", "), save_rows_advice(path))}});
    if (!changed.empty())
      throw InputError({{Location{path, 0, 0}, "--store",
                         fmt::format("cannot use it: the results store is damaged: {}; another program "
                                     "changed its tables, so its figures can no longer be read by name",
                                     changed)}});
    // wijksim makes no triggers. One added by hand changes rows as wijksim writes them, before their seal
    // is made, so the seal vouches for figures the run did not give (outside attack 26: a trigger on the
    // weekly rows gave a report of "0,0%" with problems, exit 0).
    Statement trigger(s.db_, path, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' LIMIT 1");
    if (trigger.step())
      throw InputError(
          {{Location{path, 0, 0}, "--store",
            fmt::format("cannot use it: the results store has a trigger wijksim does not make, '{}' on its "
                        "table {}: another program added it, and it can change the rows wijksim writes; "
                        "remove it (`sqlite3 {} {}`) only if you know its runs were "
                        "written without it, else run their commands again into a store of their own",
                        trigger.text(0), trigger.text(1), shell_word(path),
                        shell_word(fmt::format("DROP TRIGGER \"{}\"", sql_quoted_name(trigger.text(0)))))}});
  }
  if (mode == Mode::ReadOnly) {
    if (empty) throw InputError({{Location{path, 0, 0}, "--store", "this results store holds no runs"}});
    return s;
  }
  // WAL: readers never block the writer, and a crash at any moment leaves the last committed state. The
  // mode is kept in the file; switching needs a moment alone with it, which SQLite does not wait for when
  // another process is creating the store at the same time, so wait here.
  for (int attempt = 0;; ++attempt) {
    const int rc = sqlite3_exec(s.db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) break;
    if ((rc & 0xff) != SQLITE_BUSY || attempt >= 6000)
      sqlite_failure(s.db_, path, "switch it to write-ahead logging");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  s.exec("PRAGMA synchronous=NORMAL", "set its durability");
  s.exec("PRAGMA foreign_keys=ON", "turn on its key checks");
  if (empty) {
    Transaction t(s.db_, path);
    // Another process may have created the schema between our check and our lock.
    if (single_integer("SELECT count(*) FROM sqlite_master") == 0) {
      s.exec(schema_statements().c_str(), "create its tables");
    }
    t.commit();
  }
  return s;
}

RunStore::RunStore(RunStore&& o) noexcept
    : path_(std::move(o.path_)),
      db_(o.db_),
      device_(o.device_),
      inode_(o.inode_),
      counted_(o.counted_),
      sealed_ok_(std::move(o.sealed_ok_)),
      writer_check_(std::move(o.writer_check_)) {
  o.db_ = nullptr;
  o.counted_ = false;
}
RunStore& RunStore::operator=(RunStore&& o) noexcept {
  std::swap(path_, o.path_);
  std::swap(db_, o.db_);
  std::swap(device_, o.device_);
  std::swap(inode_, o.inode_);
  std::swap(counted_, o.counted_);
  std::swap(sealed_ok_, o.sealed_ok_);
  std::swap(writer_check_, o.writer_check_);
  return *this;
}
bool RunStore::replaced() const {
  struct stat st {};
  return ::stat(path_.c_str(), &st) != 0 || st.st_dev != device_ || st.st_ino != inode_;
}
std::optional<std::string> RunStore::fold_log() const {
  // PASSIVE: never waits for another process; what it cannot fold now, the last process to close does.
  int log_frames = 0, folded = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &folded);
  if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return std::nullopt;
  return std::string(sqlite3_errmsg(db_));
}

RunStore::~RunStore() {
  if (db_) sqlite3_close_v2(db_);
  if (counted_) open_stores().add({device_, inode_}, -1);
}

void RunStore::exec(const char* sql, const char* doing) const {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) sqlite_failure(db_, path_, doing);
}

std::int64_t RunStore::begin_run(const RunInfo& info, const std::vector<StoredScenario>& scenarios,
                                 const std::vector<StoredLabel>& payers,
                                 const std::vector<StoredLabel>& agencies, std::optional<RunLock>* lock,
                                 const StoredCalibration* calibration,
                                 const std::vector<std::pair<std::string, std::string>>& run_settings) {
  Transaction t(db_, path_);
  Statement r(db_, path_,
              "INSERT INTO runs (started_at, version, seed, command, command_line, status, replications, "
              "first_replication, years, draws) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)");
  r.bind(1, now_utc())
      .bind(2, info.version)
      .bind(3, info.seed)
      .bind(4, info.command)
      .bind(5, info.command_line);
  r.bind(6, info.replications).bind(7, info.first_replication).bind(8, info.years).bind(9, info.draws).run();
  const std::int64_t id = sqlite3_last_insert_rowid(db_);
  Statement s(db_, path_, "INSERT INTO scenarios VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  Statement set(db_, path_, "INSERT INTO settings VALUES (?, ?, ?, ?, ?)");
  for (const StoredScenario& sc : scenarios) {
    s.bind(1, id).bind(2, sc.index).bind(3, sc.name).bind(4, sc.file).bind(5, sc.role);
    if (sc.comparator >= 0)
      s.bind(6, sc.comparator);
    else
      s.bind_null(6);
    s.bind(7, sc.households).bind(8, sc.coach_fte).bind(9, sc.caseload_norm_per_fte);
    s.bind(10, sc.caseload_cap_per_fte).bind(11, sc.resolved_yaml).bind(12, sc.hash);
    s.bind(13, sc.description).bind(14, sc.willingness_to_pay).bind(15, sc.sets_hash);
    s.bind(16, sc.targets_hash).run();
    for (std::size_t k = 0; k < sc.settings.size(); ++k)
      set.bind_all(id, sc.index, static_cast<int>(k), sc.settings[k].first, sc.settings[k].second).run();
  }
  for (std::size_t k = 0; k < run_settings.size(); ++k)
    set.bind_all(id, kRunSettings, static_cast<int>(k), run_settings[k].first, run_settings[k].second).run();
  for (const auto& [table, labels] : {std::pair{"payers", &payers}, std::pair{"agencies", &agencies}}) {
    Statement l(db_, path_, fmt::format("INSERT INTO {} VALUES (?, ?, ?, ?)", table));
    for (std::size_t i = 0; i < labels->size(); ++i)
      l.bind(1, id).bind(2, static_cast<int>(i)).bind(3, (*labels)[i].key).bind(4, (*labels)[i].label).run();
  }
  if (calibration) {
    Statement c(db_, path_, "INSERT INTO calibrations VALUES (?, ?, ?, ?)");
    c.bind_all(id, calibration->targets_file, calibration->targets_hash, calibration->households).run();
  }
  Statement seal(db_, path_, "INSERT INTO seals VALUES (?, ?, ?)");
  seal.bind_all(id, kIdentitySeal, identity_digest(db_, path_, id)).run();
  // Locked before the commit makes the run visible: no other process can resume it before we hold it.
  if (lock) {
    *lock = RunLock::try_lock(path_, id);
    if (!*lock)
      throw Error(
          fmt::format("results store '{}': the new run {} is locked by another process (a run of that "
                      "number was deleted while it was being resumed?)",
                      path_, id));
  }
  t.commit();
  return id;
}

StoredCalibration RunStore::calibration(std::int64_t run) const {
  check_sealed(run, {"calibrations"});
  Statement q(db_, path_, "SELECT targets_file, targets_hash, households FROM calibrations WHERE run_id = ?");
  q.bind(1, run);
  if (!q.step())
    throw InputError({{Location{path_, 0, 0}, "run", fmt::format("run {} is not a calibrate run", run)}});
  return {q.text(0), q.text(1), static_cast<int>(q.integer(2))};
}

void RunStore::write_candidate(std::int64_t run, const StoredCandidate& c) {
  Transaction t(db_, path_);
  check_writer();
  Statement v(db_, path_, "INSERT INTO candidates VALUES (?, ?, ?, ?, ?, ?)");
  // NaN and -infinity bind as NULL: a figure the candidate could not show.
  auto put = [&](const char* quantity, const std::string& name, double x) {
    v.bind(1, run).bind(2, c.candidate).bind(3, c.round).bind(4, quantity).bind(5, name);
    if (std::isfinite(x))
      v.bind(6, x);
    else
      v.bind_null(6);
    v.run();
  };
  for (const auto& [name, x] : c.parameters) put("parameter", name, x);
  if (!c.rejected)
    for (std::size_t i = 0; i < c.targets.size(); ++i) {
      put("model", c.targets[i], c.model[i]);
      put("model_se", c.targets[i], c.model_se[i]);
    }
  put("log_likelihood", "", c.log_likelihood);
  Statement seal(db_, path_, "INSERT OR REPLACE INTO seals VALUES (?, ?, ?)");
  seal.bind_all(run, candidate_seal_name(c.candidate), candidate_digest(db_, path_, run, c.candidate)).run();
  t.commit();
}

void RunStore::check_identity(std::int64_t run) {
  if (this->run(run).status == "complete") return;  // sealed whole (check_sealed)
  const std::string sealed = identity_seal(db_, path_, run);
  // Every store of this schema version seals a run's own rows as it begins, in the transaction that makes
  // it: one without that seal had it removed, and its rows, changed with it, were taken as the run's own (a
  // store with every seal deleted was trusted as an earlier wijksim's).
  if (sealed.empty())
    damaged(path_, run,
            "lacks the seal of its own rows (its seed, command, scenarios, settings, payers, "
            "agencies or calibration), which every run gets as it begins");
  if (sealed != identity_digest(db_, path_, run))
    changed_since_sealed(
        path_,
        fmt::format("run {}'s own rows (its seed, command, scenarios, settings, payers, agencies "
                    "or calibration) are other than those it began with",
                    run),
        "them", "and the draws it stored say what they are only beside them");
}

std::size_t RunStore::discard_unsealed_candidates(std::int64_t run) {
  if (this->run(run).status == "complete") return 0;  // sealed whole (check_sealed)
  std::vector<std::int64_t> unsealed;
  {
    Statement q(db_, path_, "SELECT DISTINCT candidate FROM candidates WHERE run_id = ? ORDER BY candidate");
    q.bind(1, run);
    while (q.step())
      if (const std::int64_t c = q.integer(0);
          !unit_sealed(db_, path_, run, candidate_seal_name(c), candidate_digest(db_, path_, run, c)))
        unsealed.push_back(c);
  }
  Transaction t(db_, path_);
  check_writer();
  Statement d(db_, path_, "DELETE FROM candidates WHERE run_id = ? AND candidate = ?");
  for (std::int64_t c : unsealed) d.bind_all(run, c).run();
  t.commit();
  return unsealed.size();
}

std::vector<StoredCandidate> RunStore::candidates(std::int64_t run) const {
  check_sealed(run, {"candidates"});
  Statement q(db_, path_,
              "SELECT candidate, round, quantity, name, value FROM candidates WHERE run_id = ? "
              "ORDER BY candidate, quantity, name");
  q.bind(1, run);
  std::vector<StoredCandidate> out;
  while (q.step()) {
    const auto index = static_cast<std::uint32_t>(q.integer(0));
    if (out.empty() || out.back().candidate != index) {
      out.emplace_back();
      out.back().candidate = index;
      out.back().round = static_cast<int>(q.integer(1));
      out.back().rejected = true;  // until a figure is found
    }
    StoredCandidate& c = out.back();
    const std::string quantity = q.text(2);
    const double x = q.null(4) ? kNaN : q.real(4);
    if (quantity == "parameter") {
      c.parameters.emplace_back(q.text(3), x);
    } else if (quantity == "model") {
      c.targets.push_back(q.text(3));
      c.model.push_back(x);
      c.rejected = false;
    } else if (quantity == "model_se") {
      c.model_se.push_back(x);
    } else {
      c.log_likelihood = std::isnan(x) ? -std::numeric_limits<double>::infinity() : x;
    }
  }
  return out;
}

RunInfo RunStore::run(std::int64_t id) const {
  Statement q(db_, path_, std::string(kRunColumns) + " WHERE runs.run_id = ?");
  q.bind(1, id);
  if (!q.step())
    throw InputError({{Location{path_, 0, 0}, "run",
                       fmt::format("the results store has no run {} (`wijksim runs --store {}` lists them)",
                                   id, shell_word(path_))}});
  return read_run(q, path_);
}

std::vector<RunInfo> RunStore::runs() const {
  Statement q(db_, path_, std::string(kRunColumns) + " ORDER BY runs.run_id");
  std::vector<RunInfo> out;
  while (q.step()) out.push_back(read_run_row(q));
  // `runs` offered `--resume` for a run that show called damaged (outside attack 53).
  for (RunInfo& r : out)
    if (r.damage.empty()) r.damage = completion_damage(r);
  return out;
}

std::string RunStore::completion_damage(const RunInfo& info) const {
  // A complete calibration is resumed to write its sets again, and is marked running meanwhile.
  if (info.status == "complete" || info.command == "calibrate") return "";
  Statement t(db_, path_, "SELECT 1 FROM reports WHERE run_id = ? LIMIT 1");
  t.bind(1, info.id);
  return t.step() ? fmt::format("holds its tables but is marked {}, not complete", info.status) : "";
}

namespace {
// What `show` reads of a run before its tables: the run's own rows and the tables.
const std::vector<std::string_view> kShownTables = {"runs",     "scenarios",    "settings", "payers",
                                                    "agencies", "calibrations", "reports"};
}  // namespace

void RunStore::check_shown(std::int64_t run) const {
  check_sealed(run, kShownTables);
}

void RunStore::refuse_damaged(const RunInfo& info) const {
  // A row read by run() has no damage set; runs() sets the completion's too.
  const std::string damage = info.damage.empty() ? completion_damage(info) : info.damage;
  if (!damage.empty()) damaged(path_, info.id, damage);
}

std::vector<StoredScenario> RunStore::scenarios(std::int64_t run) const {
  check_sealed(run, {"runs", "scenarios"});  // what `runs` lists of it, too
  Statement q(db_, path_,
              "SELECT scenario, name, file, role, comparator, households, coach_fte, caseload_norm_per_fte, "
              "caseload_cap_per_fte, resolved_yaml, hash, description, willingness_to_pay, sets_hash, "
              "targets_hash FROM scenarios WHERE run_id = ? ORDER BY scenario");
  q.bind(1, run);
  std::vector<StoredScenario> out;
  while (q.step()) {
    StoredScenario s;
    s.index = static_cast<int>(q.integer(0));
    s.name = q.text(1);
    s.file = q.text(2);
    s.role = q.text(3);
    s.comparator = q.null(4) ? -1 : static_cast<int>(q.integer(4));
    s.households = static_cast<int>(q.integer(5));
    s.coach_fte = q.real(6);
    s.caseload_norm_per_fte = q.real(7);
    s.caseload_cap_per_fte = q.real(8);
    s.resolved_yaml = q.text(9);
    s.hash = q.text(10);
    s.description = q.text(11);
    s.willingness_to_pay = q.real(12);
    s.sets_hash = q.text(13);
    s.targets_hash = q.text(14);
    // Readers index the scenarios by their number and their comparators by it.
    if (s.index != static_cast<int>(out.size()))
      damaged(path_, run, fmt::format("numbers its scenario {} as {}", out.size(), q.integer(0)));
    if (q.integer(5) < 1 || static_cast<double>(q.integer(5)) > kMaxHouseholds)
      damaged(path_, run, fmt::format("gives scenario {} {} households", s.index, q.integer(5)));
    out.push_back(std::move(s));
  }
  for (const StoredScenario& s : out)
    if (s.comparator != -1 &&
        (s.comparator < 0 || s.comparator >= static_cast<int>(out.size()) || s.comparator == s.index))
      damaged(path_, run,
              fmt::format("gives scenario {} the comparator {}, none of its {} other scenarios", s.index,
                          s.comparator, out.size() - 1));
  return out;
}

namespace {
std::vector<StoredLabel> labels(sqlite3* db, const std::string& path, const char* sql, std::int64_t run) {
  Statement q(db, path, sql);
  q.bind(1, run);
  std::vector<StoredLabel> out;
  while (q.step()) out.push_back({q.text(0), q.text(1)});
  return out;
}
}  // namespace

std::vector<StoredLabel> RunStore::payers(std::int64_t run) const {
  check_sealed(run, {"payers"});
  return labels(db_, path_, "SELECT payer, label FROM payers WHERE run_id = ? ORDER BY position", run);
}
std::vector<StoredLabel> RunStore::agencies(std::int64_t run) const {
  check_sealed(run, {"agencies"});
  return labels(db_, path_, "SELECT agency, label FROM agencies WHERE run_id = ? ORDER BY position", run);
}

// Per policy year (a week's year as the costs': (week - 1) / 52 + 1): the household-weeks with k active
// problems, k = 0 to the number of domains, and the escalations of each event, summed over its domains. What
// a run's quality-adjusted household-years and escalations by type are made of (docs/model.md 13.2), so
// that they can be checked from an export (an independent re-implementation could check neither).
std::map<std::pair<int, std::string>, std::int64_t> yearly_counts(const RunResult& r,
                                                                  const std::vector<std::string>& events) {
  // Summed per year first, named once per year.
  struct Year {
    std::array<std::int64_t, kMaxDomains + 1> by_problems{};
    std::array<std::int64_t, kMaxDomains> escalations{};
  };
  std::map<int, Year> years;
  for (std::size_t k = 1; k < r.weeks.size(); ++k) {
    const WeekRecord& wk = r.weeks[k];
    Year& y = years[(wk.week - 1) / kWeeksPerYear + 1];
    for (std::size_t problems = 0; problems <= events.size(); ++problems)
      y.by_problems[problems] += wk.households.by_problems[problems];
    for (std::size_t d = 0; d < events.size(); ++d) y.escalations[d] += wk.escalations[d];
  }
  std::map<std::pair<int, std::string>, std::int64_t> out;
  for (const auto& [year, y] : years) {
    for (std::size_t problems = 0; problems <= events.size(); ++problems)
      out[{year, fmt::format("household_weeks_with_{}_problems", problems)}] = y.by_problems[problems];
    for (std::size_t d = 0; d < events.size(); ++d)
      if (!events[d].empty()) out[{year, "escalations." + events[d]}] += y.escalations[d];
  }
  return out;
}

void RunStore::write_draw(std::int64_t run, std::uint32_t draw,
                          const std::vector<std::vector<std::pair<std::string, double>>>& parameters,
                          const std::vector<StoredRun>& runs) {
  const std::vector<StoredLabel> payer_labels = payers(run);
  const std::vector<StoredLabel> agency_labels = agencies(run);
  Transaction t(db_, path_);
  check_writer();
  Statement p(db_, path_, "INSERT INTO draws VALUES (?, ?, ?, ?, ?)");
  for (std::size_t s = 0; s < parameters.size(); ++s)
    for (const auto& [key, value] : parameters[s])
      p.bind(1, run).bind(2, static_cast<int>(s)).bind(3, draw).bind(4, key).bind(5, value).run();

  Statement c(db_, path_, "INSERT INTO costs VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  Statement w(
      db_, path_,
      "INSERT INTO weekly VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?)");
  Statement a(db_, path_, "INSERT INTO agency_weekly VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  Statement y(db_, path_, "INSERT INTO yearly VALUES (?, ?, ?, ?, ?, ?, ?)");
  Statement f(db_, path_, "INSERT INTO figures VALUES (?, ?, ?, ?, ?)");
  for (const StoredRun& sr : runs) {
    const RunResult& r = *sr.result;
    // Cost per policy year, payer and category: summed exactly in cents.
    std::map<std::tuple<int, int, int>, Cents> cost;
    for (std::size_t k = 1; k < r.weeks.size(); ++k) {
      const WeekRecord& wk = r.weeks[k];
      const int year = (wk.week - 1) / kWeeksPerYear + 1;
      for (std::size_t payer = 0; payer < payer_labels.size(); ++payer)
        for (int cat = 0; cat < kCostCategories; ++cat)
          cost[{year, static_cast<int>(payer), cat}] +=
              wk.cost[payer * kCostCategories + static_cast<std::size_t>(cat)];
    }
    for (const auto& [key, cents] : cost) {
      const auto& [year, payer, cat] = key;
      c.bind(1, run).bind(2, sr.scenario).bind(3, draw).bind(4, sr.replication).bind(5, year);
      c.bind(6, payer_labels[static_cast<std::size_t>(payer)].key);
      c.bind(7, kCostCategoryNames[static_cast<std::size_t>(cat)])
          .bind(8, static_cast<std::int64_t>(cents))
          .run();
    }
    for (const WeekRecord& wk : r.weeks) {
      const HouseholdMeasures& h = wk.households;
      // What the series read back (week_rows.h: the caseloads per FTE, NaN bound as NULL; the escalations).
      const StoredWeek row = stored_week(r, wk, draw, sr.replication);
      w.bind_all(run, sr.scenario, draw, sr.replication, wk.week, h.with_problem, h.multi_problem,
                 h.professionals[0], h.professionals[1], h.professionals[2], h.professionals[3], h.with_help,
                 h.with_help_low_trust, h.with_help_bounced, static_cast<double>(h.trust_sum) / 255.0,
                 h.rung_sum, wk.new_problems, wk.resolved, wk.resolved_by_coach, wk.bounces, row.escalations,
                 wk.coach_caseload, row.caseload_per_fte, row.caseload_per_fte_max, wk.coach_waiting,
                 wk.coach_admitted, wk.coach_wait_weeks)
          .run();
      for (std::size_t ag = 0; ag < agency_labels.size(); ++ag) {
        const AgencyWeek& aw = wk.agencies[ag];
        a.bind_all(run, sr.scenario, draw, sr.replication, wk.week, agency_labels[ag].key, aw.waiting,
                   aw.in_treatment, aw.capacity, aw.referrals, aw.coach_referrals, aw.admitted, aw.wait_weeks,
                   aw.intakes)
            .run();
      }
    }
    for (const auto& [key, count] : yearly_counts(r, sr.escalation_events)) {
      const auto& [year, measure] = key;
      y.bind_all(run, sr.scenario, draw, sr.replication, year, measure, count).run();
    }
    const std::vector<double> flat = flatten(sr.measures->figures);
    f.bind(1, run).bind(2, sr.scenario).bind(3, draw).bind(4, sr.replication);
    f.bind_blob(5, flat.data(), flat.size() * sizeof(double)).run();
  }
  // Each replication of the draw sealed in the same transaction (unit_digest).
  std::set<std::uint32_t> replications;
  for (const StoredRun& sr : runs) replications.insert(sr.replication);
  Statement seal(db_, path_, "INSERT OR REPLACE INTO seals VALUES (?, ?, ?)");
  for (std::uint32_t r : replications)
    seal.bind_all(run, unit_seal_name(draw, r), unit_digest(db_, path_, run, draw, r)).run();
  test_hooks::at_draw(test_hooks::DrawPoint::BeforeCommit);
  t.commit();
  test_hooks::at_draw(test_hooks::DrawPoint::AfterCommit);
}

std::map<std::uint32_t, std::vector<std::vector<RunMeasures>>> RunStore::completed(
    std::int64_t run, const std::vector<ScenarioShape>& shapes) const {
  check_sealed(run, {"figures"});
  Statement q(db_, path_,
              "SELECT draw, scenario, replication, figures FROM figures WHERE run_id = ? "
              "ORDER BY draw, scenario, replication");
  q.bind(1, run);
  std::map<std::uint32_t, std::vector<std::vector<RunMeasures>>> out;
  // A resume has compared the scenario files with the run's (their hashes) before it reads their figures:
  // figures of another shape are damage of the store (bad input, exit 1), not other scenario files.
  std::vector<std::size_t> numbers;
  for (const ScenarioShape& shape : shapes) numbers.push_back(flatten(sized_measures(shape)).size());
  while (q.step()) {
    const std::int64_t draw_number = q.integer(0), scenario_number = q.integer(1), replication = q.integer(2);
    if (scenario_number < 0 || static_cast<std::uint64_t>(scenario_number) >= shapes.size())
      damaged(path_, run,
              fmt::format("holds figures of scenario {}, which it does not have", scenario_number));
    if (draw_number < 0 || draw_number > std::numeric_limits<std::uint32_t>::max() || replication < 0 ||
        replication > std::numeric_limits<std::uint32_t>::max())
      damaged(path_, run, fmt::format("holds figures of draw {}, replication {}", draw_number, replication));
    const auto scenario = static_cast<std::size_t>(scenario_number);
    const std::size_t bytes = q.bytes(3);
    if (bytes != numbers[scenario] * sizeof(double))
      damaged(path_, run,
              fmt::format("holds {} bytes of figures for scenario {} in draw {}, replication {}, where its "
                          "scenario file's figures take {}",
                          bytes, scenario, draw_number, replication, numbers[scenario] * sizeof(double)));
    const auto draw = static_cast<std::uint32_t>(draw_number);
    auto& d = out[draw];
    d.resize(shapes.size());
    RunMeasures m;
    m.draw = draw;
    m.replication = static_cast<std::uint32_t>(replication);
    m.figures = unflatten(shapes[scenario], q.doubles(3));
    d[scenario].push_back(std::move(m));
  }
  return out;
}

RunStore::DiscardedUnits RunStore::discard_partial_units(
    std::int64_t run, int scenarios, const std::set<std::pair<std::uint32_t, std::uint32_t>>& whole) {
  using Unit = std::pair<std::uint32_t, std::uint32_t>;
  constexpr const char* kTables[] = {"figures", "weekly", "agency_weekly", "yearly", "costs"};
  // Per table, the scenarios each unit has rows of; a table with no row of the run is not asked for.
  std::vector<std::map<Unit, std::set<std::int64_t>>> in_table;
  std::set<Unit> seen;
  for (const char* table : kTables) {
    Statement q(db_, path_,
                fmt::format("SELECT DISTINCT draw, replication, scenario FROM {} WHERE run_id = ?", table));
    q.bind(1, run);
    auto& units = in_table.emplace_back();
    while (q.step()) {
      const Unit u{static_cast<std::uint32_t>(q.integer(0)), static_cast<std::uint32_t>(q.integer(1))};
      units[u].insert(q.integer(2));
      seen.insert(u);
    }
  }
  const RunInfo info = this->run(run);
  // One of the run's: a unit beyond its draws or replications (copied in from a run of more, with its
  // seal) was kept, and the complete run then refused as holding more draws than it has (outside attack
  // 54); rows of such a unit were said as a draw "simulated again" that was not (outside attack).
  const auto ours = [&](const Unit& u) {
    return (info.draws > 0 ? u.first >= 1 && u.first <= static_cast<std::uint32_t>(info.draws)
                           : u.first == 0) &&
           u.second >= static_cast<std::uint32_t>(info.first_replication) &&
           u.second - static_cast<std::uint32_t>(info.first_replication) <
               static_cast<std::uint32_t>(info.replications);
  };
  // The units sealed: a seal without rows had its rows deleted by hand, or was put in (it was taken in
  // silence; an outside attack).
  std::set<Unit> sealed_units;
  {
    Statement q(db_, path_,
                "SELECT table_name FROM seals WHERE run_id = ? AND table_name LIKE 'draw % replication %'");
    q.bind(1, run);
    while (q.step()) {
      unsigned draw = 0, replication = 0;
      char rest = 0;
      if (std::sscanf(q.text(0).c_str(), "draw %u replication %u%c", &draw, &replication, &rest) == 2)
        sealed_units.insert({draw, replication});
    }
  }
  std::set<Unit> partial, foreign;
  for (const Unit& u : sealed_units)
    if (!seen.contains(u)) (ours(u) ? partial : foreign).insert(u);
  for (const Unit& u : seen) {
    bool complete = whole.contains(u);
    for (const auto& units : in_table)
      if (!units.empty()) {
        const auto it = units.find(u);
        complete = complete && it != units.end() && std::ssize(it->second) == scenarios;
      }
    if (!ours(u)) {
      foreign.insert(u);
      continue;
    }
    // Whole, and as it was stored: a unit without its seal is simulated again, one whose rows differ from
    // it is refused (unit_sealed).
    if (!complete || !unit_sealed(db_, path_, run, unit_seal_name(u.first, u.second),
                                  unit_digest(db_, path_, run, u.first, u.second)))
      partial.insert(u);
  }
  // A parameter draw is simulated again whole: its parameters are written with its first replication, so
  // one replication discarded beside another kept failed on them ("UNIQUE constraint failed", exit 3;
  // outside attack 54). (The base case's replications, draw 0, have no parameters and stand alone.)
  for (const Unit& u : std::set<Unit>(partial))
    if (u.first != 0)
      for (const Unit& other : seen)
        if (other.first == u.first) partial.insert(other);
  std::set<std::uint32_t> kept_draws;
  for (const Unit& u : seen)
    if (!partial.contains(u) && !foreign.contains(u)) kept_draws.insert(u.first);
  std::set<std::uint32_t> parameter_draws;
  {
    Statement q(db_, path_, "SELECT DISTINCT draw FROM draws WHERE run_id = ?");
    q.bind(1, run);
    while (q.step()) parameter_draws.insert(static_cast<std::uint32_t>(q.integer(0)));
  }
  Transaction t(db_, path_);
  check_writer();
  for (const std::set<Unit>* units : {&partial, &foreign}) {
    for (const char* table : kTables) {
      Statement d(db_, path_,
                  fmt::format("DELETE FROM {} WHERE run_id = ? AND draw = ? AND replication = ?", table));
      for (const Unit& u : *units) d.bind(1, run).bind(2, u.first).bind(3, u.second).run();
    }
    Statement unseal(db_, path_, "DELETE FROM seals WHERE run_id = ? AND table_name = ?");
    for (const Unit& u : *units) unseal.bind_all(run, unit_seal_name(u.first, u.second)).run();
  }
  Statement d(db_, path_, "DELETE FROM draws WHERE run_id = ? AND draw = ?");
  for (std::uint32_t draw : parameter_draws)
    if (!kept_draws.contains(draw)) {
      d.bind(1, run).bind(2, draw).run();
      const auto of_draw = [&](const Unit& u) { return u.first == draw; };
      // Only its parameters were left: a draw of the run's, simulated again, or one beyond its draws.
      if (std::none_of(partial.begin(), partial.end(), of_draw) &&
          std::none_of(foreign.begin(), foreign.end(), of_draw))
        (ours({draw, static_cast<std::uint32_t>(info.first_replication)}) ? partial : foreign)
            .insert({draw, 0});
    }
  t.commit();
  return {partial, foreign};
}

void RunStore::complete_run(std::int64_t run, const std::vector<StoredEvaluation>& evaluation,
                            const std::vector<std::pair<std::string, std::string>>& reports) {
  Transaction t(db_, path_);
  check_writer();
  // Only what this completion writes: rows put in by hand while the run was interrupted were kept beside
  // them and sealed as the run's own (a point of a draw 99 on the report's plane; outside attack 54).
  // So are the rows of the other command's kind: a calibration's candidates in a study, a study's draws in
  // a calibration.
  const bool calibration = this->run(run).command == "calibrate";
  for (const char* table : calibration
                               ? std::vector<const char*>{"evaluation", "reports", "draws", "costs", "weekly",
                                                          "agency_weekly", "yearly", "figures"}
                               : std::vector<const char*>{"evaluation", "reports", "candidates"}) {
    Statement d(db_, path_, fmt::format("DELETE FROM {} WHERE run_id = ?", table));
    d.bind(1, run).run();
  }
  Statement e(db_, path_, "INSERT OR REPLACE INTO evaluation VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const StoredEvaluation& v : evaluation) {
    e.bind(1, run).bind(2, v.comparator).bind(3, v.option).bind(4, v.draw).bind(5, v.replication);
    e.bind(6, v.cost).bind(7, v.effect).run();
  }
  Statement r(db_, path_, "INSERT OR REPLACE INTO reports VALUES (?, ?, ?)");
  for (const auto& [format, body] : reports) r.bind(1, run).bind(2, format).bind(3, body).run();
  Statement s(db_, path_, "UPDATE runs SET status = 'complete', finished_at = ? WHERE run_id = ?");
  s.bind(1, now_utc()).bind(2, run).run();
  // Sealed last, in the same transaction: a complete run is never written again, so rows that differ from
  // their seal were changed outside wijksim (check_sealed).
  Statement seal(db_, path_, "INSERT OR REPLACE INTO seals VALUES (?, ?, ?)");
  for (const SchemaTable& table : schema())
    if (sealed(table)) seal.bind_all(run, table.name, table_digest(db_, path_, table, run)).run();
  t.commit();
  // Folded into the file at once: a signal while the outputs are written ends the process without closing
  // the store, and the complete run was in the log beside it alone, so a copy of the file held no run
  // (outside attack 39). A failure to fold is said where the run is said as stored (say_stored folds again).
  (void)fold_log();
}

void RunStore::check_sealed(std::int64_t run, const std::vector<std::string_view>& tables) const {
  std::vector<const SchemaTable*> unchecked;
  for (std::string_view name : tables)
    if (!sealed_ok_.contains({run, std::string(name)})) {
      const SchemaTable& table = schema_table(name);
      if (!sealed(table)) throw InternalError(fmt::format("no sealed table '{}'", name));
      unchecked.push_back(&table);
    }
  if (unchecked.empty()) return;
  {
    Statement q(db_, path_, "SELECT status FROM runs WHERE run_id = ?");
    q.bind(1, run);
    if (!q.step() || q.text(0) != "complete") return;  // sealed only when complete; it may still be written
  }
  check_whole(this->run(run));  // rows deleted or a count out of range: said as such first
  for (const SchemaTable* table : unchecked) {
    const std::string seal = stored_seal(db_, path_, run, table->name);
    if (seal.empty())
      damaged(path_, run, fmt::format("is complete but lacks the seal of its {} rows", table->name));
    if (seal != table_digest(db_, path_, *table, run))
      changed_since_sealed(
          path_, fmt::format("run {} has {} rows other than those it completed with", run, table->name),
          "a complete run", "and they no longer say what the run gave");
    sealed_ok_.insert({run, table->name});
  }
}

void RunStore::write_sensitivity(std::int64_t run, const StoredSensitivity& st) {
  Transaction t(db_, path_);
  check_writer();
  for (const char* table : {"one_way", "two_way", "thresholds", "evppi", "virtual_evaluation"}) {
    Statement d(db_, path_, fmt::format("DELETE FROM {} WHERE run_id = ?", table));
    d.bind(1, run).run();
  }
  Statement o(db_, path_, "INSERT INTO one_way VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const StoredOneWay& r : st.one_way)
    o.bind_all(run, r.comparator, r.option, r.parameter, r.outcome, r.rank, r.low_value, r.high_value,
               r.at_low, r.base, r.at_high)
        .run();
  Statement w(db_, path_, "INSERT INTO two_way VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const StoredTwoWay& r : st.two_way)
    w.bind_all(run, r.comparator, r.x_parameter, r.y_parameter, r.x, r.y, r.option, r.inmb, r.delta_cost,
               r.preferred)
        .run();
  Statement h(db_, path_, "INSERT INTO thresholds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const StoredThreshold& r : st.thresholds)
    h.bind_all(run, r.comparator, r.option, r.parameter, r.outcome, r.target, r.from, r.to, r.value, r.lo,
               r.hi, r.crossings, r.crossed, r.replications, r.status)
        .run();
  Statement e(db_, path_, "INSERT INTO evppi VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const StoredEvppi& r : st.evppi)
    e.bind_all(run, r.comparator, r.name, r.kind, r.parameters, r.willingness_to_pay, r.per_household, r.se,
               r.r_squared)
        .run();
  Statement v(db_, path_, "INSERT INTO virtual_evaluation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const StoredVirtualEvaluation& r : st.virtual_evaluation)
    v.bind_all(run, r.comparator, r.option, r.measure, r.sample, r.studies, r.true_effect, r.mean_estimate,
               r.lo, r.hi, r.power, r.power_right_sign, r.analytic_power)
        .run();
  t.commit();
}

StoredSensitivity RunStore::sensitivity(std::int64_t run) const {
  check_sealed(run, {"one_way", "two_way", "thresholds", "evppi", "virtual_evaluation"});
  StoredSensitivity st;
  const auto real = [](const Statement& q, int c) { return q.null(c) ? kNaN : q.real(c); };
  {
    Statement q(
        db_, path_,
        "SELECT comparator, option, parameter, outcome, rank, low_value, high_value, at_low, base, at_high "
        "FROM one_way WHERE run_id = ? ORDER BY comparator, option, outcome, rank");
    q.bind(1, run);
    while (q.step())
      st.one_way.push_back({static_cast<int>(q.integer(0)), static_cast<int>(q.integer(1)), q.text(2),
                            q.text(3), static_cast<int>(q.integer(4)), real(q, 5), real(q, 6), real(q, 7),
                            real(q, 8), real(q, 9)});
  }
  {
    Statement q(
        db_, path_,
        "SELECT comparator, x_parameter, y_parameter, x, y, option, inmb, delta_cost, preferred FROM two_way "
        "WHERE run_id = ? ORDER BY comparator, y, x, option");
    q.bind(1, run);
    while (q.step())
      st.two_way.push_back({static_cast<int>(q.integer(0)), q.text(1), q.text(2), q.real(3), q.real(4),
                            static_cast<int>(q.integer(5)), real(q, 6), real(q, 7),
                            static_cast<int>(q.integer(8))});
  }
  {
    Statement q(db_, path_,
                "SELECT comparator, option, parameter, outcome, target, range_from, range_to, value, lo, hi, "
                "crossings, crossed, replications, status FROM thresholds WHERE run_id = ? "
                "ORDER BY comparator, option, parameter, outcome");
    q.bind(1, run);
    while (q.step())
      st.thresholds.push_back({static_cast<int>(q.integer(0)), static_cast<int>(q.integer(1)), q.text(2),
                               q.text(3), q.real(4), q.real(5), q.real(6), real(q, 7), real(q, 8), real(q, 9),
                               static_cast<int>(q.integer(10)), static_cast<int>(q.integer(11)),
                               static_cast<int>(q.integer(12)), q.text(13)});
  }
  {
    Statement q(
        db_, path_,
        "SELECT comparator, name, kind, parameters, willingness_to_pay, evppi_per_household, se, r_squared "
        "FROM evppi WHERE run_id = ? ORDER BY comparator, name");
    q.bind(1, run);
    while (q.step())
      st.evppi.push_back({static_cast<int>(q.integer(0)), q.text(1), q.text(2), q.text(3), q.real(4),
                          real(q, 5), real(q, 6), real(q, 7)});
  }
  {
    Statement q(
        db_, path_,
        "SELECT comparator, option, measure, sample, studies, true_effect, mean_estimate, lo, hi, power, "
        "power_right_sign, analytic_power FROM virtual_evaluation WHERE run_id = ? "
        "ORDER BY comparator, option, measure");
    q.bind(1, run);
    while (q.step())
      st.virtual_evaluation.push_back({static_cast<int>(q.integer(0)), static_cast<int>(q.integer(1)),
                                       q.text(2), static_cast<int>(q.integer(3)),
                                       static_cast<int>(q.integer(4)), real(q, 5), real(q, 6), real(q, 7),
                                       real(q, 8), real(q, 9), real(q, 10), real(q, 11)});
  }
  return st;
}

std::string RunStore::set_status(std::int64_t run, const std::string& status, bool only_if_running) {
  {
    Statement q(db_, path_,
                only_if_running
                    ? "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ? AND status = 'running'"
                    : "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?");
    q.bind(1, status).bind(2, now_utc()).bind(3, run).run();
  }
  Statement q(db_, path_, "SELECT status FROM runs WHERE run_id = ?");
  q.bind(1, run);
  return q.step() ? q.text(0) : std::string();
}

namespace {
// Whether `s` is well-formed UTF-8 throughout (what wijksim writes).
bool well_formed_utf8(std::string_view s) {
  for (std::size_t i = 0, n = 0; i < s.size(); i += n)
    if ((n = utf8_length(s, i)) == 0) return false;
  return true;
}
}  // namespace

void RunStore::check_whole(const RunInfo& info) const {
  if (info.status != "complete" || (info.command != "run" && info.command != "compare")) return;
  auto count = [&](const char* sql) {
    Statement q(db_, path_, sql);
    q.bind(1, info.id);
    return q.step() ? q.integer(0) : 0;
  };
  const std::int64_t scenarios = count("SELECT count(*) FROM scenarios WHERE run_id = ?");
  if (scenarios < 1) damaged(path_, info.id, "is complete but holds no scenarios");

  if (count("SELECT count(*) FROM payers WHERE run_id = ?") < 1)
    damaged(path_, info.id, "is complete but holds no payers");
  if (count("SELECT count(*) FROM agencies WHERE run_id = ?") < 1)
    damaged(path_, info.id, "is complete but holds no agencies");
  // Each scenario's rows: as many as every other scenario's (they share draws, replications, weeks and
  // agencies), and some. Costs differ by category between scenarios (coaches), so only some are asked of
  // them.
  const std::pair<const char*, bool> tables[] = {
      {"weekly", true}, {"agency_weekly", true}, {"figures", true}, {"costs", false}, {"yearly", false}};
  for (const auto& [table, same] : tables) {
    Statement q(
        db_, path_,
        fmt::format("SELECT s.scenario, (SELECT count(*) FROM {} t WHERE t.run_id = s.run_id AND "
                    "t.scenario = s.scenario) FROM scenarios s WHERE s.run_id = ? ORDER BY s.scenario",
                    table));
    q.bind(1, info.id);
    std::int64_t first = -1;
    while (q.step()) {
      const std::int64_t n = q.integer(1);
      if (n == 0)
        damaged(path_, info.id,
                fmt::format("is complete but holds no {} rows of scenario {}", table, q.integer(0)));
      if (same && first >= 0 && n != first)
        damaged(path_, info.id,
                fmt::format("holds {} {} rows of scenario {} and {} of scenario 0", n, table, q.integer(0),
                            first));
      if (first < 0) first = n;
    }
  }
}

std::string RunStore::report(std::int64_t run, const std::string& format) const {
  const RunInfo info = this->run(run);
  // What the stored tables came from, and the tables themselves (check_sealed checks the run whole first).
  check_shown(run);
  Statement q(db_, path_, "SELECT body FROM reports WHERE run_id = ? AND format = ?");
  q.bind(1, run).bind(2, format);
  // Outside attack 9: a stored report damaged by hand or by the disk was printed as it was (invalid JSON with
  // exit 0), or failed to parse later as a bug of wijksim (exit 4). It is the store that is damaged.
  auto damaged = [&](std::string_view what) {
    return InputError({{Location{path_, 0, 0}, "run",
                        fmt::format("cannot use run {}: the results store is damaged: {}; {}, or run the "
                                    "command again",
                                    run, what, save_rows_advice(path_))}});
  };
  if (!q.step()) {
    if (info.status == "complete")
      throw damaged(fmt::format("the run is complete, but its {} tables are missing", format));
    throw InputError({{Location{path_, 0, 0}, "run", why_unfinished(info, "has no tables yet")}});
  }
  // Tables are written with the run's completion, in one transaction: tables of a run marked otherwise are
  // a store changed by hand (attack 19: a complete run marked interrupted was shown as complete).
  if (info.status != "complete" && info.command != "calibrate")
    throw damaged(fmt::format("the run holds its tables but is marked {}, not complete", info.status));
  std::string body = q.text(0);
  if (body.empty() || !well_formed_utf8(body) || (format == "json" && !nlohmann::json::accept(body)))
    throw damaged(fmt::format("its stored {} tables are not what wijksim writes", format));
  return body;
}

std::string progress_of(const RunInfo& r) {
  if (r.command == "calibrate") return fmt::format("{} candidates evaluated", r.candidates_done);
  if (r.draws == 0)
    return fmt::format("{} of {} replications done (the base case)", r.replications_done, r.replications);
  return fmt::format("{} of {} draws done", r.draws_done, r.draws);
}

namespace {
// The results store a stored command line names: the word after --store, or after --output / -o when it
// ends in .db (or joined to either by '='), unquoted when a plain '...' quotes it; results.db when none.
std::string store_named_in(const std::string& command_line) {
  // Each word as the process was given it: a name quoted as 'it'\''s.db' or $'a\x0ab.db' was compared
  // quoted, and the store said to be another file than the one it names (outside attack 33).
  std::vector<std::string> words = command_words(command_line);
  for (std::string& w : words) w = shell_unquoted(w);
  std::string named = "results.db";
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "--") break;
    std::string value;
    bool store = false;
    for (const char* option : {"--store", "--output", "-o"}) {
      const std::string o = option;
      if (w == o && i + 1 < words.size())
        value = words[i + 1];
      else if (w.starts_with(o + "="))
        value = w.substr(o.size() + 1);
      else
        continue;
      store = o == "--store" || value.ends_with(".db");
      break;
    }
    if (store) named = value;
  }
  return named;
}
}  // namespace

std::string RunStore::why_unfinished(const RunInfo& info, std::string_view what) const {
  // Tables are written with the completion, in one transaction, and a complete run or comparison is never
  // resumed: one that holds them but is marked otherwise was changed by hand (export and report said
  // "--resume completes it" where show said damaged; outside attack 21). A complete calibration is resumed
  // to write its sets again, and is marked running, then maybe interrupted or failed, meanwhile.
  if (info.status != "complete" && info.command != "calibrate") {
    Statement q(db_, path_, "SELECT 1 FROM reports WHERE run_id = ? LIMIT 1");
    q.bind(1, info.id);
    if (q.step())
      return fmt::format(
          "cannot use run {}: the results store is damaged: the run holds its tables but is marked {}, not "
          "complete; {}, or run the command again",
          info.id, info.status, save_rows_advice(path_));
  }
  if (info.status == "running" && RunLock::held(path_, info.id))
    return fmt::format(
        "run {} is being written by another process right now ({}), so it {}: wait until it "
        "ends (`wijksim runs --store {}` shows how far it is)",
        info.id, progress_of(info), what, shell_word(path_));
  const std::string state = info.status == "running"
                                ? "unfinished (the process writing it ended before completing it)"
                                : info.status + ", not complete";
  // The command as the run stored it, shown (never run) with its control characters escaped; a store copied
  // or moved since is not the one it names (outside attack 9), so this one's name is added then.
  // By the word that names it (--store, or --output X.db), not a part of the line: a store renamed to a part
  // of its old name was taken for the one the command names (outside attack 31).
  const bool names_this_store = store_named_in(info.command_line) == path_;
  return fmt::format("run {} is {}, so it {}; `{}` completes it{}", info.id, state, what,
                     printable(with_resume(info.command_line, info.id)),
                     names_this_store
                         ? ""
                         : fmt::format(" (for this store: with --store {} in place of the store it "
                                       "names, where that is another file, as for a copy, and from the "
                                       "directory the run was started in, as its scenarios are named "
                                       "relative to it)",
                                       printable(shell_word(path_))));
}

std::vector<std::string> RunStore::export_csv(std::int64_t run, const std::string& dir) const {
  // An unknown or unfinished run is refused before anything is written (tables.csv is the complete run's
  // report).
  const RunInfo info = this->run(run);
  if (info.status != "complete")
    throw InputError({{Location{path_, 0, 0}, "run", why_unfinished(info, "cannot be exported yet")}});
  // Every row exported as it was stored, or nothing (check_sealed checks the run whole first).
  std::vector<std::string_view> every_table;
  for (const SchemaTable& table : schema())
    if (sealed(table)) every_table.push_back(table.name);
  check_sealed(run, every_table);
  const std::pair<const char*, const char*> files[] = {
      // The seed is kept as its 64 bits in SQLite's signed integer: exported as the unsigned number it is (a
      // seed from 2^63 on read back negative, which --seed refuses).
      {"runs.csv",
       "SELECT run_id, started_at, finished_at, version, printf('%llu', seed) AS seed, command, "
       "command_line, "
       "status, replications, first_replication, years, draws FROM runs WHERE run_id = ?"},
      {"scenarios.csv",
       "SELECT run_id, scenario, name, file, role, comparator, households, coach_fte, caseload_norm_per_fte, "
       "caseload_cap_per_fte, hash, description, willingness_to_pay, sets_hash, targets_hash FROM scenarios "
       "WHERE run_id = ? ORDER BY "
       "scenario"},
      {"payers.csv", "SELECT * FROM payers WHERE run_id = ? ORDER BY position"},
      {"agencies.csv", "SELECT * FROM agencies WHERE run_id = ? ORDER BY position"},
      {"draws.csv", "SELECT * FROM draws WHERE run_id = ? ORDER BY scenario, draw, parameter"},
      {"costs.csv",
       "SELECT * FROM costs WHERE run_id = ? ORDER BY scenario, draw, replication, year, payer, category"},
      {"weekly.csv", "SELECT * FROM weekly WHERE run_id = ? ORDER BY scenario, draw, replication, week"},
      {"agency_weekly.csv",
       "SELECT * FROM agency_weekly WHERE run_id = ? ORDER BY scenario, draw, replication, week, agency"},
      {"yearly.csv",
       "SELECT * FROM yearly WHERE run_id = ? ORDER BY scenario, draw, replication, year, measure"},
      {"evaluation.csv",
       "SELECT * FROM evaluation WHERE run_id = ? ORDER BY comparator, option, draw, replication"},
      {"one_way.csv", "SELECT * FROM one_way WHERE run_id = ? ORDER BY comparator, option, outcome, rank"},
      {"two_way.csv", "SELECT * FROM two_way WHERE run_id = ? ORDER BY comparator, y, x, option"},
      {"thresholds.csv",
       "SELECT * FROM thresholds WHERE run_id = ? ORDER BY comparator, option, parameter, outcome"},
      {"evppi.csv", "SELECT * FROM evppi WHERE run_id = ? ORDER BY comparator, name"},
      {"virtual_evaluation.csv",
       "SELECT * FROM virtual_evaluation WHERE run_id = ? ORDER BY comparator, option, measure"},
      {"candidates.csv", "SELECT * FROM candidates WHERE run_id = ? ORDER BY candidate, quantity, name"},
  };
  std::vector<std::string> names;
  for (const auto& f : files) names.emplace_back(f.first);
  names.emplace_back("tables.csv");
  // Every file or none: each target is checked first (a directory or a link named tables.csv is refused
  // before anything is written), the files go to a staging directory, and only then into place.
  std::vector<KeptFile> kept = store_files(path_);
  for (const StoredScenario& sc : scenarios(run))
    kept.push_back({sc.file, "a scenario file of run " + std::to_string(run)});
  DirectoryWrite out(dir, names, "--csv", kept);
  auto write = [&](const std::string& name, const std::string& text) { out.write(name, text); };
  std::vector<std::string> written;
  for (const auto& [name, sql] : files) {
    Statement q(db_, path_, sql);
    q.bind(1, run);
    std::string text;
    for (int c = 0; c < q.columns(); ++c) {
      if (c) text += ',';
      text += csv_field(q.name(c));
    }
    text += '\n';
    while (q.step()) {
      for (int c = 0; c < q.columns(); ++c) {
        if (c) text += ',';
        text += csv_field(q.value_text(c));
      }
      text += '\n';
    }
    write(name, text);
    written.emplace_back(name);
  }
  write("tables.csv", report(run, "csv"));
  written.emplace_back("tables.csv");
  out.commit();
  return written;
}

std::vector<double> flatten(const Measures<double>& m) {
  std::vector<double> flat;
  Measures<double> copy = m;
  zip(copy, m, [&](double&, const double& x) { flat.push_back(x); });
  return flat;
}

Measures<double> unflatten(const ScenarioShape& shape, const std::vector<double>& flat) {
  Measures<double> m = sized_measures(shape);
  std::size_t i = 0;
  const Measures<double> sized = m;
  const auto mismatch = [&] {
    return Error(
        fmt::format("the stored figures of '{}' do not have its shape ({} numbers stored): the store was "
                    "written for other scenario files",
                    shape.name, flat.size()));
  };
  zip(m, sized, [&](double& x, const double&) {
    if (i >= flat.size()) throw mismatch();
    x = flat[i++];
  });
  if (i != flat.size()) throw mismatch();
  return m;
}

std::vector<std::pair<std::string, std::string>> RunStore::settings(std::int64_t run, int scenario) const {
  check_sealed(run, {"settings"});
  Statement q(db_, path_,
              "SELECT setting, value FROM settings WHERE run_id = ? AND scenario = ? ORDER BY position");
  q.bind_all(run, scenario);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.text(0), q.text(1));
  return out;
}

void RunStore::for_each_week(std::int64_t run, int scenario,
                             const std::function<void(const StoredWeek&)>& visit) const {
  check_sealed(run, {"weekly"});
  Statement q(db_, path_,
              "SELECT week, draw, replication, with_problem, multi_problem, rung_sum, coach_waiting, "
              "coach_caseload_per_fte, coach_caseload_per_fte_max, coach_admitted, coach_wait_weeks, "
              "escalations FROM weekly WHERE run_id = ? AND scenario = ? ORDER BY week, draw, replication");
  q.bind_all(run, scenario);
  StoredWeek w;
  while (q.step()) {
    w.week = static_cast<int>(q.integer(0));
    w.draw = q.integer(1);
    w.replication = q.integer(2);
    w.with_problem = q.integer(3);
    w.multi_problem = q.integer(4);
    w.rung_sum = q.integer(5);
    w.coach_waiting = q.integer(6);
    w.caseload_per_fte = q.null(7) ? kNaN : q.real(7);
    w.caseload_per_fte_max = q.null(8) ? kNaN : q.real(8);
    w.coach_admitted = q.integer(9);
    w.coach_wait_weeks = q.integer(10);
    w.escalations = q.integer(11);
    visit(w);
  }
}

void RunStore::for_each_agency_week(std::int64_t run, int scenario, const std::string& agency,
                                    const std::function<void(const StoredAgencyWeek&)>& visit) const {
  check_sealed(run, {"agency_weekly"});
  Statement q(db_, path_,
              "SELECT week, draw, replication, admitted, wait_weeks, capacity FROM agency_weekly WHERE "
              "run_id = ? AND "
              "scenario = ? AND agency = ? AND week >= 1 ORDER BY week, draw, replication");
  q.bind_all(run, scenario, agency);
  StoredAgencyWeek w;
  while (q.step()) {
    w.week = static_cast<int>(q.integer(0));
    w.draw = q.integer(1);
    w.replication = q.integer(2);
    w.admitted = q.integer(3);
    w.wait_weeks = q.integer(4);
    w.capacity = q.integer(5);
    visit(w);
  }
}

std::vector<StoredEvaluation> RunStore::evaluation(std::int64_t run, int comparator,
                                                   bool means_of_draws) const {
  check_sealed(run, {"evaluation"});
  Statement q(
      db_, path_,
      "SELECT option, draw, replication, cost_per_household, effect_per_household FROM evaluation "
      "WHERE run_id = ? AND comparator = ? AND (CASE WHEN ? THEN replication = -1 ELSE replication >= 0 "
      "END) ORDER BY draw, replication, option");
  q.bind_all(run, comparator, means_of_draws ? 1 : 0);
  std::vector<StoredEvaluation> out;
  while (q.step()) {
    StoredEvaluation e;
    e.comparator = comparator;
    e.option = static_cast<int>(q.integer(0));
    e.draw = static_cast<std::uint32_t>(q.integer(1));
    e.replication = static_cast<int>(q.integer(2));
    e.cost = q.real(3);
    e.effect = q.real(4);
    out.push_back(e);
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<double>>> RunStore::drawn_parameters(std::int64_t run,
                                                                                    int scenario) const {
  check_sealed(run, {"draws"});
  Statement q(
      db_, path_,
      "SELECT parameter, value FROM draws WHERE run_id = ? AND scenario = ? ORDER BY parameter, draw");
  q.bind_all(run, scenario);
  std::vector<std::pair<std::string, std::vector<double>>> out;
  while (q.step()) {
    std::string p = q.text(0);
    if (out.empty() || out.back().first != p) out.emplace_back(std::move(p), std::vector<double>{});
    out.back().second.push_back(q.real(1));
  }
  return out;
}

}  // namespace wijksim
