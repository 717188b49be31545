// The results store: what goes in comes back out identical (figures bit for bit, money to the cent, the
// report byte for byte), CSV export holds the same numbers, and a store it cannot use is refused clearly.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <sstream>

#include "fixtures.h"
#include "store_sql.h"
#include "temp_dir.h"
#include "wijksim/core/error.h"
#include "wijksim/report/render.h"
#include "wijksim/report/study_report.h"
#include "wijksim/store/run_store.h"
#include "wijksim/store/study_recorder.h"
#include "wijksim/study/study.h"

using namespace wijksim;

namespace {

using test::shipped;

// The pilot against its baseline, small: 2 replications, 1 policy year, 2 parameter draws.
Study small_study() {
  StudyOverrides o;
  o.replications = 2;
  o.years = 1;
  o.draws = 2;
  return plan_study({shipped("pilot.yaml")}, o, true);
}

std::int64_t single_integer(const RunStore& store, const std::string& sql) {
  const test::StoreSql db(store.path());
  Statement q = db.statement(sql);
  REQUIRE(q.step());
  return q.integer(0);
}

// Bit for bit (NaN, for an undefined figure, equals itself here).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Sum of a CSV column (by name) over its rows.
double csv_column_sum(const std::string& path, const std::string& column) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream h(line);
  for (std::string f; std::getline(h, f, ',');) header.push_back(f);
  const auto at = std::find(header.begin(), header.end(), column) - header.begin();
  double sum = 0;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string f;
    for (long i = 0; i <= at; ++i) std::getline(row, f, ',');
    sum += std::stod(f);
  }
  return sum;
}

}  // namespace

TEST_CASE("a stored study reads back identical: figures, money, report, CSV", "[store]") {
  test::TempDir dir("store");
  const Study study = small_study();
  REQUIRE(study.scenarios.size() == 2);

  // Keep every run's result too, to check the store against it.
  std::vector<RunResult> kept;
  std::vector<int> kept_scenario;
  std::vector<RunMeasures> kept_measures;
  StudyRecorder recorder(study,
                         {dir.file("s.db"), "compare", "wijksim compare pilot.yaml", std::nullopt, {}});
  const DrawSink store_sink = recorder.sink();
  const DrawSink sink = [&](std::uint32_t draw, const std::vector<std::vector<RunResult>>& results,
                            const std::vector<std::vector<RunMeasures>>& measures) {
    for (std::size_t i = 0; i < results.size(); ++i)
      for (std::size_t r = 0; r < results[i].size(); ++r) {
        kept.push_back(results[i][r]);
        kept_scenario.push_back(static_cast<int>(i));
        kept_measures.push_back(measures[i][r]);
      }
    store_sink(draw, results, measures);
  };
  const StudyResult result = run_study(study, nullptr, sink);
  const Report report = study_report("compare", study, result);
  recorder.complete(result, render_all(report));

  const RunStore store = RunStore::open(dir.file("s.db"), RunStore::Mode::ReadOnly);
  const RunInfo info = store.run(recorder.run_id());
  CHECK(info.status == "complete");
  CHECK(info.draws == 2);
  CHECK(info.draws_done == 2);
  CHECK(store.scenarios(info.id).size() == 2);
  CHECK(store.payers(info.id).size() == study.scenarios[0].scenario.payers.size());

  SECTION("the figures of every run come back bit for bit") {
    std::vector<ScenarioShape> shapes;
    for (const StudyScenario& s : study.scenarios) shapes.push_back(shape_of(s.scenario));
    const auto completed = store.completed(info.id, shapes);
    REQUIRE(completed.size() == 2);
    std::size_t k = 0;
    for (const auto& [draw, per_scenario] : completed)
      for (const auto& runs : per_scenario)
        for (const RunMeasures& m : runs) {
          REQUIRE(k < kept_measures.size());
          CHECK(m.draw == kept_measures[k].draw);
          CHECK(m.replication == kept_measures[k].replication);
          CHECK(same_bits(flatten(m.figures), flatten(kept_measures[k].figures)));
          ++k;
        }
    CHECK(k == kept_measures.size());
  }

  SECTION("every cent of every run is in the costs table") {
    Cents total = 0;
    for (const RunResult& r : kept)
      for (std::size_t w = 1; w < r.weeks.size(); ++w)
        for (Cents c : r.weeks[w].cost) total += c;
    CHECK(single_integer(store, "SELECT sum(cost_cents) FROM costs WHERE run_id = 1") == total);
  }

  SECTION("weekly rows: one per run and week, each holding that week's counts") {
    // (That the professionals columns add up to the households holds by construction of the counts; the
    // stored values are compared with the runs themselves instead.)
    const std::int64_t weeks = static_cast<std::int64_t>(kept.front().weeks.size());  // policy start + 52
    CHECK(single_integer(store, "SELECT count(*) FROM weekly") ==
          static_cast<std::int64_t>(kept.size()) * weeks);
    const test::StoreSql db(store.path());
    Statement q = db.statement(
        "SELECT with_problem, multi_problem, professionals_2, with_help_bounced, rung_sum, new_problems, "
        "resolved, "
        "bounces, escalations, coach_caseload FROM weekly WHERE run_id = 1 AND scenario = ? AND draw = ? AND "
        "replication = ? AND week = ?");
    std::size_t rows = 0;
    for (std::size_t k = 0; k < kept.size(); ++k) {
      const RunResult& r = kept[k];
      for (const WeekRecord& w : r.weeks) {
        INFO("scenario " << kept_scenario[k] << ", draw " << r.draw << ", replication " << r.replication
                         << ", week " << w.week);
        int escalations = 0;
        for (int e : w.escalations) escalations += e;
        q.bind_all(kept_scenario[k], r.draw, r.replication, w.week);
        REQUIRE(q.step());
        CHECK(q.integer(0) == w.households.with_problem);
        CHECK(q.integer(1) == w.households.multi_problem);
        CHECK(q.integer(2) == w.households.professionals[2]);
        CHECK(q.integer(3) == w.households.with_help_bounced);
        CHECK(q.integer(4) == w.households.rung_sum);
        CHECK(q.integer(5) == w.new_problems);
        CHECK(q.integer(6) == w.resolved);
        CHECK(q.integer(7) == w.bounces);
        CHECK(q.integer(8) == escalations);
        CHECK(q.integer(9) == w.coach_caseload);
        q.run();
        ++rows;
      }
    }
    CHECK(rows == static_cast<std::size_t>(single_integer(store, "SELECT count(*) FROM weekly")));
  }

  SECTION("the stored report is the report, in every format") {
    for (const char* f : {"table", "csv", "json"})
      CHECK(store.report(info.id, f) == render(report, *parse_format(f)));
  }

  SECTION("cost-effectiveness points: one per option and draw, and one per run") {
    // 2 options x 2 draws x (1 mean + 2 replications)
    CHECK(single_integer(store, "SELECT count(*) FROM evaluation") == 12);
  }

  SECTION("CSV export holds the same money") {
    store.export_csv(info.id, dir.file("csv"));
    const double cents = csv_column_sum(dir.file("csv/costs.csv"), "cost_cents");
    CHECK(cents == static_cast<double>(single_integer(store, "SELECT sum(cost_cents) FROM costs")));
    std::ifstream tables(dir.file("csv/tables.csv"));
    std::stringstream text;
    text << tables.rdbuf();
    CHECK(text.str() == store.report(info.id, "csv"));
  }
}

TEST_CASE("a complete run changed outside wijksim is refused by every reader of what changed", "[store]") {
  test::TempDir dir("store-sealed");
  const Study study = small_study();
  StudyRecorder recorder(study,
                         {dir.file("s.db"), "compare", "wijksim compare pilot.yaml", std::nullopt, {}});
  const StudyResult result = run_study(study, nullptr, recorder.sink());
  recorder.complete(result, render_all(study_report("compare", study, result)));
  const std::int64_t run = recorder.run_id();
  auto read_weeks = [&](const RunStore& store) {
    int weeks = 0;
    store.for_each_week(run, 0, [&](const StoredWeek&) { ++weeks; });
    return weeks;
  };
  const std::string changed_weekly = fmt::format(
      "the results store is damaged: run {} has weekly rows other than those it completed with", run);
  {
    // As written, and with a value set to what it holds: every reader reads it.
    const test::StoreSql sql(dir.file("s.db"));
    REQUIRE(sql.change("UPDATE weekly SET with_problem = with_problem WHERE week = 3") > 0);
    const RunStore store = RunStore::open(dir.file("s.db"), RunStore::Mode::ReadOnly);
    // 2 draws x 2 replications x (week 0 and 52 policy weeks)
    CHECK(read_weeks(store) == 2 * 2 * 53);
    CHECK_NOTHROW(store.report(run, "json"));
    CHECK_NOTHROW(store.export_csv(run, dir.file("csv")));
  }
  SECTION("one count changed by hand: the weekly rows and the export are refused, the stored tables kept") {
    REQUIRE(test::StoreSql(dir.file("s.db"))
                .change("UPDATE weekly SET with_problem = with_problem + 1 WHERE week = 3 AND scenario = 0 "
                        "AND draw = 1 "
                        "AND replication = 0") == 1);
    const RunStore store = RunStore::open(dir.file("s.db"), RunStore::Mode::ReadOnly);
    CHECK_THROWS_AS(read_weeks(store), InputError);
    CHECK_THROWS_WITH(read_weeks(store), Catch::Contains(changed_weekly));
    CHECK_THROWS_WITH(store.export_csv(run, dir.file("csv2")), Catch::Contains(changed_weekly));
    CHECK(!std::filesystem::exists(dir.file("csv2")));
    CHECK_NOTHROW(store.report(run, "table"));  // what show prints did not change
  }
  SECTION("a number replaced by a text (which its reader read as 0): refused") {
    REQUIRE(
        test::StoreSql(dir.file("s.db"))
            .change(
                "UPDATE evaluation SET cost_per_household = 'about 5' WHERE (comparator, option, draw, "
                "replication) = (SELECT comparator, option, draw, replication FROM evaluation LIMIT 1)") ==
        1);
    const RunStore store = RunStore::open(dir.file("s.db"), RunStore::Mode::ReadOnly);
    CHECK_THROWS_WITH(store.evaluation(run, 1, true),
                      Catch::Contains("has evaluation rows other than those it completed with"));
  }
  SECTION("the stored tables replaced by other valid JSON: refused") {
    REQUIRE(test::StoreSql(dir.file("s.db")).change("UPDATE reports SET body = '{}' WHERE format = 'json'") ==
            1);
    const RunStore store = RunStore::open(dir.file("s.db"), RunStore::Mode::ReadOnly);
    CHECK_THROWS_WITH(store.report(run, "json"),
                      Catch::Contains("has reports rows other than those it completed with"));
  }
  SECTION("a seal deleted: the store is damaged") {
    REQUIRE(test::StoreSql(dir.file("s.db")).change("DELETE FROM seals WHERE table_name = 'draws'") == 1);
    const RunStore store = RunStore::open(dir.file("s.db"), RunStore::Mode::ReadOnly);
    CHECK_THROWS_WITH(store.drawn_parameters(run, 0),
                      Catch::Contains("the results store is damaged") &&
                          Catch::Contains("is complete but lacks the seal of its draws rows"));
  }
}

TEST_CASE("a store it cannot use is refused with the reason", "[store]") {
  test::TempDir dir("store-refused");
  SECTION("another schema version") {
    { RunStore::open(dir.file("old.db")); }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(dir.file("old.db").c_str(), &db) == SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 1", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    // Bad input (exit 1), for reading as for writing: before, exit 3 with a hint to replay the command.
    CHECK_THROWS_AS(RunStore::open(dir.file("old.db"), RunStore::Mode::ReadOnly), InputError);
    CHECK_THROWS_WITH(RunStore::open(dir.file("old.db")),
                      Catch::Contains("has schema version 1") &&
                          Catch::Contains(fmt::format("reads and writes version {}", kStoreSchemaVersion)));
  }
  SECTION("a file that is not a store") {
    dir.write("text.db", std::string(4096, 'x'));
    CHECK_THROWS_WITH(RunStore::open(dir.file("text.db")), Catch::Contains("not a wijksim results store"));
  }
  SECTION("a store that does not exist, opened to read") {
    CHECK_THROWS_WITH(RunStore::open(dir.file("none.db"), RunStore::Mode::ReadOnly),
                      Catch::Contains("there is no results store"));
    CHECK(!std::filesystem::exists(dir.file("none.db")));
  }
  SECTION("a directory") {
    CHECK_THROWS_WITH(RunStore::open(dir.file("")), Catch::Contains("is a directory"));
  }
  SECTION("a run it does not hold") {
    const RunStore s = RunStore::open(dir.file("empty.db"));
    CHECK_THROWS_WITH(s.run(3), Catch::Contains("has no run 3"));
  }
}

TEST_CASE("resuming a run with other scenarios or options is refused before anything runs", "[store]") {
  test::TempDir dir("store-resume");
  const Study study = small_study();
  std::int64_t id = 0;
  {
    StudyRecorder r(study, {dir.file("s.db"), "compare", "wijksim compare pilot.yaml", std::nullopt, {}});
    id = r.run_id();
  }
  StudyOverrides o;
  o.replications = 3;
  o.years = 1;
  o.draws = 2;
  const Study other = plan_study({shipped("pilot.yaml")}, o, true);
  CHECK_THROWS_WITH(StudyRecorder(other, {dir.file("s.db"), "compare", "x", id, {}}),
                    Catch::Contains("cannot be resumed") && Catch::Contains("it has 2 replications"));
  // The same study resumes, with nothing done yet.
  const StudyRecorder same(study, {dir.file("s.db"), "compare", "x", id, {}});
  CHECK(same.completed().empty());
}

TEST_CASE("an interrupted run whose seals were deleted is refused on resume, not trusted as older",
          "[store]") {
  test::TempDir dir("store-resume-unsealed");
  const Study study = small_study();
  std::int64_t id = 0;
  {
    StudyRecorder r(study, {dir.file("s.db"), "compare", "wijksim compare pilot.yaml", std::nullopt, {}});
    id = r.run_id();
  }
  const test::StoreSql db(dir.file("s.db"));
  // The control: as it was stored, it resumes.
  CHECK_NOTHROW(StudyRecorder(study, {dir.file("s.db"), "compare", "x", id, {}}));
  // Its seed changed by hand and every seal deleted with it: every run of this schema version is sealed as
  // it begins, so the missing seal is damage, not a store of an earlier wijksim to take as it is.
  REQUIRE(db.change("UPDATE runs SET seed = seed + 1") == 1);
  REQUIRE(db.change("DELETE FROM seals") >= 1);
  CHECK_THROWS_WITH(StudyRecorder(study, {dir.file("s.db"), "compare", "x", id, {}}),
                    Catch::Contains("the results store is damaged: run " + std::to_string(id) +
                                    " lacks the seal of its own rows"));
  // Nothing was sealed again by the refused resume.
  Statement seals = db.statement("SELECT count(*) FROM seals");
  REQUIRE(seals.step());
  CHECK(seals.integer(0) == 0);
}

TEST_CASE("resuming after the parameter sets changed names the sets, not the scenario", "[store]") {
  test::TempDir dir("store-resume-sets");
  StudyOverrides o;
  o.replications = 1;
  o.years = 1;
  o.draws = 2;
  o.parameter_sets = dir.write("sets.csv", "set,population.trust.mean\n1,0.5\n2,0.6\n");
  std::int64_t id = 0;
  {
    StudyRecorder r(plan_study({shipped("pilot.yaml")}, o, true),
                    {dir.file("s.db"), "compare", "wijksim compare pilot.yaml", std::nullopt, {}});
    id = r.run_id();
  }
  // The same values written otherwise (a comment, spaces, 0.50): the same sets, resumed (a comment in the
  // sets refused a resume that a comment in the scenario's YAML did not; outside attack 14).
  dir.write("sets.csv", "# the same sets\nset, population.trust.mean\n1,0.50\n2,0.6\n");
  CHECK_NOTHROW(StudyRecorder(plan_study({shipped("pilot.yaml")}, o, true),
                              {dir.file("s.db"), "compare", "x", id, {}}));
  dir.write("sets.csv", "set,population.trust.mean\n1,0.5\n2,0.7\n");  // the same scenario text
  const Study changed = plan_study({shipped("pilot.yaml")}, o, true);
  // The sets alone are named: the scenario's targets are as they were (it said "the parameter sets ... or the
  // calibration targets ...").
  CHECK_THROWS_WITH(StudyRecorder(changed, {dir.file("s.db"), "compare", "x", id, {}}),
                    Catch::Contains("the parameter sets " + *o.parameter_sets +
                                    " of scenario 'pilot' are not the run's "
                                    "(changed since, or --parameter-sets given otherwise") &&
                        !Catch::Contains("calibration targets") &&
                        !Catch::Contains("scenario 'pilot' (" + shipped("pilot.yaml") + ") has changed"));
}

TEST_CASE("flatten and unflatten are inverse, and a wrong shape is an error", "[store]") {
  const Study study = small_study();
  const ScenarioShape shape = shape_of(study.scenarios[0].scenario);
  std::vector<double> flat;
  {
    // A sized Measures with distinct values: 0, 1, 2, ...
    Measures<double> sized = sized_measures(shape);
    double i = 0;
    const Measures<double> copy = sized;
    zip(sized, copy, [&](double& x, const double&) { x = i++; });
    flat = flatten(sized);
  }
  CHECK(flatten(unflatten(shape, flat)) == flat);
  flat.pop_back();
  CHECK_THROWS_WITH(unflatten(shape, flat), Catch::Contains("do not have its shape"));
}

TEST_CASE("one live writer per run: a run being written cannot be resumed, and is free once its writer ends",
          "[store]") {
  test::TempDir dir("store-lock");
  const Study study = small_study();
  const std::string store = dir.file("s.db");
  std::optional<StudyRecorder> writer;
  writer.emplace(study, RecordOptions{store, "compare", "wijksim compare pilot.yaml", std::nullopt, {}});
  const std::int64_t id = writer->run_id();
  CHECK(RunLock::held(store, id));
  CHECK_FALSE(RunLock::held(store, id + 1));
  // Open-file-description locks: a second lock of the same run fails even within one process.
  CHECK_FALSE(RunLock::try_lock(store, id).has_value());
  CHECK_THROWS_WITH(StudyRecorder(study, {store, "compare", "x", id, {}}),
                    Catch::Contains("being written by another process"));
  // The writer's run is untouched by the refused resume.
  CHECK(RunStore::open(store, RunStore::Mode::ReadOnly).run(id).status == "running");
  writer.reset();
  CHECK_FALSE(RunLock::held(store, id));
  const StudyRecorder resumed(study, {store, "compare", "x", id, {}});
  CHECK(RunLock::held(store, id));
}
