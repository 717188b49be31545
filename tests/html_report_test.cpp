// The HTML report (html_report.h) and its series over time (run_series.h): the series are the mean and the
// 2.5-97.5% percentiles over runs, blocks are ratios of sums; the page holds every chart, every library
// and every stored figure it shows, refers to nothing outside itself, and refuses a run it cannot report.
// tests/html_report_test.mjs checks the same page in a real browser.
#include <fmt/format.h>

#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "store_sql.h"
#include "temp_dir.h"
#include "wijksim/core/dutch_numbers.h"
#include "wijksim/core/error.h"
#include "wijksim/report/html_report.h"
#include "wijksim/report/render.h"
#include "wijksim/report/report_assets.h"
#include "wijksim/report/run_series.h"
#include "wijksim/report/study_report.h"
#include "wijksim/store/run_store.h"
#include "wijksim/store/study_recorder.h"
#include "wijksim/study/study.h"

using namespace wijksim;

namespace {

// A run of one scenario with three replications, whose weekly rows the test writes itself.
struct HandMadeRun {
  test::TempDir dir{"report-series"};
  RunStore store = RunStore::open(dir.file("s.db"));
  std::int64_t id = 0;
  StoredScenario scenario;

  HandMadeRun() {
    RunInfo info;
    info.version = "test";
    info.seed = 1;
    info.command = "run";
    info.command_line = "wijksim run x.yaml";
    info.replications = 3;
    info.years = 1;
    scenario.name = "x";
    scenario.file = "x.yaml";
    scenario.role = "scenario";
    scenario.households = 100;
    scenario.coach_fte = 2;
    id =
        store.begin_run(info, {scenario}, {{"municipality", "Municipality"}}, {{"debt", "Debt counselling"}});
  }
  // A week of one replication: households with a problem, coach caseload per FTE (NaN: NULL), coach
  // admissions and their summed waits, escalations.
  void week(int replication, int week, int with_problem, double per_fte, int admitted, int wait_weeks,
            int escalations) {
    const test::StoreSql db(store.path());
    Statement q = db.statement(
        "INSERT INTO weekly (run_id, scenario, draw, replication, week, with_problem, multi_problem, "
        "professionals_0, professionals_1, professionals_2, professionals_3_or_more, with_help, "
        "with_help_low_trust, with_help_bounced, trust_sum, rung_sum, new_problems, resolved, "
        "resolved_by_coach, bounces, escalations, coach_caseload, coach_caseload_per_fte, "
        "coach_caseload_per_fte_max, coach_waiting, coach_admitted, coach_wait_weeks) VALUES (?, 0, 0, "
        "?, ?, ?, 0, 100, 0, 0, 0, 0, 0, 0, 0, 300, 0, 0, 0, 0, ?, 0, ?, ?, 0, ?, ?)");
    q.bind(1, id).bind(2, replication).bind(3, week).bind(4, with_problem).bind(5, escalations);
    if (std::isnan(per_fte))
      q.bind_null(6).bind_null(7);
    else
      q.bind(6, per_fte).bind(7, per_fte);
    q.bind(8, admitted).bind(9, wait_weeks).run();
  }
};

using test::shipped;

// `scenario` compared with its comparator, stored in `dir`/s.db and written as `dir`/report.html: the run
// and the page.
struct StoredPage {
  std::int64_t run = 0;
  std::string page;
};
StoredPage stored_comparison_page(const test::TempDir& dir, const std::vector<std::string>& scenarios,
                                  const StudyOverrides& o) {
  const Study study = plan_study(scenarios, o, true);
  std::int64_t id = 0;
  {
    std::string command = "wijksim compare";
    for (const std::string& s : scenarios) command += " " + s;
    StudyRecorder recorder(study, {dir.file("s.db"), "compare", command, std::nullopt, {}});
    const StudyResult result = run_study(study, nullptr, recorder.sink());
    recorder.complete(result, render_all(study_report("compare", study, result)));
    id = recorder.run_id();
  }
  write_html_report(dir.file("s.db"), id, dir.file("report.html"));
  std::ifstream in(dir.file("report.html"));
  return {id, std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>())};
}

StoredPage stored_comparison_page(const test::TempDir& dir, const std::string& scenario,
                                  const StudyOverrides& o) {
  return stored_comparison_page(dir, std::vector<std::string>{scenario}, o);
}

// The wait for a coach of a stored scenario, recomputed from its weekly rows as the glance weighs it: per run
// its summed waits over its admissions (in the period, index 0, or in policy year y, index y), then the mean
// over the runs that admitted anyone.
std::vector<double> coach_wait_by_year(const RunStore& store, std::int64_t id, int scenario, int replications,
                                       int years) {
  std::map<std::pair<std::int64_t, int>, std::pair<double, double>> sums;  // (replication, year; 0: all)
  store.for_each_week(id, scenario, [&](const StoredWeek& w) {
    if (w.week < 1) return;
    for (const int y : {0, (w.week - 1) / 52 + 1}) {
      auto& [waits, admitted] = sums[{w.replication, y}];
      waits += static_cast<double>(w.coach_wait_weeks), admitted += static_cast<double>(w.coach_admitted);
    }
  });
  std::vector<double> wait(static_cast<std::size_t>(years + 1), 0.0);
  for (int y = 0; y <= years; ++y) {
    int n = 0;
    for (std::int64_t r = 0; r < replications; ++r)
      if (const auto& [waits, admitted] = sums[{r, y}]; admitted > 0)
        wait[static_cast<std::size_t>(y)] += waits / admitted, ++n;
    wait[static_cast<std::size_t>(y)] = n > 0 ? wait[static_cast<std::size_t>(y)] / n : std::nan("");
  }
  return wait;
}

}  // namespace

TEST_CASE("a point over runs: mean and the spread of the defined values", "[report]") {
  SeriesPoint p;
  // Fewer than 40 runs: the band is the lowest to the highest (type 7 would give 1.05 to 2.95).
  REQUIRE(summarise_point({3.0, 1.0, kNaN, 2.0}, p));
  CHECK(p.mean == Approx(2.0));
  CHECK(p.lo == 1.0);
  CHECK(p.hi == 3.0);
  CHECK(p.n == 3);
  // 40 runs 1, 2, ..., 40: type 7 at 0.025 is 1 + 0.975 (2 - 1) (h = 39 x 0.025 = 0.975), at 0.975 it is
  // 39 + 0.025 (40 - 39) (h = 38.025).
  std::vector<double> forty;
  for (int i = 40; i >= 1; --i) forty.push_back(i);
  REQUIRE(summarise_point(forty, p));
  CHECK(p.lo == Approx(1.975));
  CHECK(p.hi == Approx(39.025));
  CHECK_FALSE(summarise_point({kNaN, kNaN}, p));
  CHECK_FALSE(summarise_point({}, p));
}

TEST_CASE("series over time: per week over runs, waits and escalations per block of weeks", "[report]") {
  HandMadeRun r;
  // Replications 0, 1, 2: 10, 20, 30 households with a problem in week 0 and every policy week.
  for (int rep = 0; rep < 3; ++rep) {
    r.week(rep, 0, 10 * (rep + 1), kNaN, 0, 0, 0);
    for (int w = 1; w <= 52; ++w) {
      // Replication 0: in weeks 1-4 two admissions waiting 2 and 4 weeks; replication 1: one waiting 6;
      // replication 2: none, so its wait is undefined in that block.
      int admitted = 0, waits = 0;
      if (w == 1 && rep == 0) admitted = 1, waits = 2;
      if (w == 3 && rep == 0) admitted = 1, waits = 4;
      if (w == 2 && rep == 1) admitted = 1, waits = 6;
      r.week(rep, w, 10 * (rep + 1), 5.0 * (rep + 1), admitted, waits, w <= 4 ? rep : 0);
    }
  }
  const ScenarioSeries s = read_series(r.store, r.id, r.store.scenarios(r.id).front());

  REQUIRE(s.with_problem.size() == 53);
  CHECK(s.with_problem[0].week == 0);
  CHECK(s.with_problem[0].mean == Approx(0.2));  // (10 + 20 + 30) / 3 / 100 households
  CHECK(s.with_problem[0].lo == Approx(0.1));    // three runs: the band is the lowest to the highest
  CHECK(s.with_problem[0].hi == Approx(0.3));
  CHECK(s.with_problem[0].n == 3);
  // Caseload per FTE is NULL in week 0: no point there.
  REQUIRE(s.caseload_per_fte.size() == 52);
  CHECK(s.caseload_per_fte.front().week == 1);
  CHECK(s.caseload_per_fte.front().mean == Approx(10.0));

  // Later blocks: nobody admitted in any run, so no point at all (a gap, not a wait of 0).
  REQUIRE(s.coach_wait.size() == 1);
  CHECK(s.coach_wait[0].week == 2.5);  // the middle of weeks 1-4
  CHECK(s.coach_wait[0].n == 2);       // replication 2 admitted nobody
  CHECK(s.coach_wait[0].mean == Approx((3.0 + 6.0) / 2));

  // Escalations in weeks 1-4: 0, 4 and 8 per replication, per 1,000 households per year.
  REQUIRE(s.escalations.size() == 13);
  CHECK(s.escalations[0].mean == Approx(4.0 / 100 / 4 * 52 * 1000));
  CHECK(s.escalations[1].mean == Approx(0.0));
}

TEST_CASE("a comparator without a survey of professionals gets no survey bars and no survey in the legend",
          "[report]") {
  // The city's targets have no survey of professionals (the seeds surveyed Velve-Lindenhof only); before,
  // the legend showed "survey 2010 (N = n/a)" (now "baseline survey") and the caption spoke of the survey.
  test::TempDir dir("report-unsurveyed");
  dir.write("u/targets.yaml",
            "population: test\n\ntargets:\n  with_problem:\n    label: households with at least one problem\n"
            "    measure: share.with_problem\n    at: start\n    value: 0.49\n    n: 168\n"
            "    unit: share of households\n    source: a test\n");
  dir.write("u/base.yaml",
            "extends: " + shipped("baseline-velve.yaml") + "\nname: unsurveyed\ntargets: targets.yaml\n");
  const std::string pilot = dir.write(
      "u/pilot.yaml", "extends: " + shipped("pilot.yaml") + "\nname: pilot-u\ncomparator: base.yaml\n");
  StudyOverrides o;
  o.replications = 2;
  o.years = 1;
  const std::string page = stored_comparison_page(dir, pilot, o).page;
  CHECK(page.find("How many professionals does a household see?") != std::string::npos);
  CHECK(page.find("baseline survey (N") == std::string::npos);
  CHECK(page.find("N = n/a") == std::string::npos);
  CHECK(page.find("in the model (unsurveyed has no survey of it to compare with)") != std::string::npos);
}

TEST_CASE("the report refuses a run it cannot report, with the reason", "[report]") {
  HandMadeRun r;
  CHECK_THROWS_AS(html_report(r.store, r.id + 1), InputError);
  CHECK_THROWS_WITH(html_report(r.store, r.id + 1), Catch::Contains("has no run 2"));
  // Begun and never completed: 'running', with no process writing it (nobody holds its lock).
  CHECK_THROWS_AS(html_report(r.store, r.id), InputError);
  CHECK_THROWS_WITH(
      html_report(r.store, r.id),
      Catch::Contains("run 1 is unfinished (the process writing it ended before completing it)") &&
          Catch::Contains("--resume 1"));
  CHECK_THROWS_AS(write_html_report(r.dir.file("none.db"), 1, r.dir.file("r.html")), InputError);
  CHECK(!std::filesystem::exists(r.dir.file("none.db")));
  r.dir.write("text.db", std::string(4096, 'x'));
  CHECK_THROWS_AS(write_html_report(r.dir.file("text.db"), 1, r.dir.file("r.html")), InputError);
  CHECK(!std::filesystem::exists(r.dir.file("r.html")));
}

TEST_CASE("the report of a comparison holds every chart, library and figure, and nothing outside",
          "[report]") {
  test::TempDir dir("report");
  StudyOverrides o;
  o.replications = 2;
  o.years = 1;
  o.draws = 2;
  const auto [id, page] = stored_comparison_page(dir, shipped("pilot.yaml"), o);
  // Written whole, through a temporary file that is gone.
  for (const auto& e : std::filesystem::directory_iterator(dir.path))
    CHECK(e.path().filename().string().find(".tmp") == std::string::npos);

  // The pilot has coaches: 11 charts for it against its baseline, and the decision's acceptability curve and
  // (with draws) its acceptability frontier.
  CHECK(page.find("data-charts=\"13\"") != std::string::npos);
  // The survey the baseline is set against, by its N (the legend said "survey 2010"; neither seed dates it).
  CHECK(page.find("baseline survey (N = 168)") != std::string::npos);
  const std::string chart_div = "<div class=\"chart\" id=\"chart-";
  int divs = 0;
  for (std::size_t at = page.find(chart_div); at != std::string::npos; at = page.find(chart_div, at + 1))
    ++divs;
  CHECK(divs == 13);

  // The answer in words first, under the title (page 1 held the title and how to read; a policy advisor's
  // reading), then the contents and the figures side by side, then how to read the details.
  const auto at = [&](const std::string& anchor) { return page.find("id=\"" + anchor + "\""); };
  REQUIRE(at("in-short") != std::string::npos);
  CHECK(page.find("</header>") < at("in-short"));
  CHECK(at("in-short") < page.find("<nav class=\"contents\""));
  // Between two sections, not inside In short's last sentence (it was put at a byte offset taken before the
  // page's text was made breakable).
  CHECK(page.find("</section>\n<nav class=\"contents\">") != std::string::npos);
  CHECK(page.find("<nav class=\"contents\"") < at("side-by-side"));
  CHECK(at("side-by-side") < at("how-to-read"));
  CHECK(page.find("<strong>pilot</strong>: pays more in cash: Coach fund") > at("in-short"));
  // The glance's verdicts at the scenario's willingness to pay, said (baseline-velve.yaml: EUR 20,000), and
  // over the draws; the acceptability curve's title asks how sure (advisor review 56).
  CHECK(page.find(
            "Probability it is worth the money at \u20AC&nbsp;20.000 per problem-free household-year (over "
            "the parameter draws)") != std::string::npos);
  CHECK(
      page.find("Net monetary benefit per household at \u20AC&nbsp;20.000 per problem-free household-year") !=
      std::string::npos);
  CHECK(page.find("How sure can we be that it is worth the money?") != std::string::npos);
  // The probability it saves money is of society's view, as the extra cost it sits under, not of the
  // pay-back's cash below it (22% beside 49% of draws read as two answers; a policy advisor's reading).
  CHECK(page.find("Probability it saves money (society&#39;s view, as the extra cost above)") !=
        std::string::npos);
  // The funded pilot cuts no places: its capacity heading points at no row of places funded below, and its
  // pay-back chart says no price in places.
  CHECK(page.find("The coaches are paid by cutting places") == std::string::npos);
  CHECK(page.find("mean over the policy weeks; negative: fewer used, capacity freed") != std::string::npos);
  CHECK(page.find("(row below)") == std::string::npos);
  // How to read defines the terms as the terminal does (report/terms.h).
  CHECK(page.find("<em>ICER (incremental cost-effectiveness ratio)</em>: the difference in cost over the "
                  "difference in problem-free household-years",
                  at("how-to-read")) != std::string::npos);
  CHECK(page.find("<em>Society&#39;s view</em>: every payer", at("how-to-read")) != std::string::npos);
  // The caseload chart's caption names the weekly intake limit too (households waited below the cap).
  CHECK(page.find("at the cap new households wait, and below it once a team has taken on its new households "
                  "of the week (1 per FTE)") != std::string::npos);

  // The who-pays chart's caption says what its bars' labels say, and not the probability of saving or the
  // words for a fixed difference, which the page does not show (an independent check of the report on A4).
  const auto who_caption = page.find("data-kind=\"who_pays\"");
  REQUIRE(who_caption != std::string::npos);
  const std::string who_note = page.substr(who_caption, page.find("</figure>", who_caption) - who_caption);
  CHECK(who_note.find("Each bar&#39;s label says &#39;pays&#39; or &#39;saves&#39; when the interval of the "
                      "payer&#39;s nominal difference excludes zero") != std::string::npos);
  CHECK(who_note.find("probability it saves") == std::string::npos);
  CHECK(who_note.find("no chance in it") == std::string::npos);
  // The pilot's coaches are paid from a fund the model does not fill: its bar beside the municipality's read,
  // printed alone, as the municipality saving that much net (a policy advisor's reading on A4).
  // Then what the municipality's cash would be were the fund its money (advisor review 56).
  CHECK(who_note.find(
            "Who pays for the coaches: Coach fund (additional money, outside the other payers&#39; "
            "budgets; who fills that fund is not modelled); were the fund the Municipality&#39;s money, "
            "the Municipality would ") != std::string::npos);
  // With draws, its spread over them (it gave the mean alone, "on average"; an advisor's reading of a PSA).
  CHECK(who_note.find(" (its spread over the 2 draws) (its ") != std::string::npos);
  CHECK(who_note.find(" on average (its ") == std::string::npos);
  CHECK(who_note.find("). A payer that fills the fund itself saves that much less than its bar shows.") !=
        std::string::npos);

  // Two replications are named as such, not as "replications 0-1" (one read "0-0" as none).
  CHECK(page.find("2 replications (numbers 0\u20131)") != std::string::npos);

  // The yearly budget difference spans the draws, as the money beside it (it gave the interval of the
  // mean over runs, seven times narrower than the glance's spread; a steering group's reading).
  const auto yearly = page.find("<h4>What does it cost each payer per year?</h4>");
  REQUIRE(yearly != std::string::npos);
  CHECK(page.find("from the lowest to the highest draw (fewer than 40 draws: too few for a 95% percentile "
                  "interval)",
                  yearly) < page.find("</p>", yearly));
  // 2 draws x 2 replications: 4 runs, too few for a 95% band; every band says what it spans instead.
  CHECK(page.find("Band: 95% of runs") == std::string::npos);
  CHECK(page.find("Band: the lowest to the highest of the 4 runs.") != std::string::npos);
  CHECK(page.find("spans the lowest to the highest of the 4 runs") != std::string::npos);

  // Each targets table has its own note below it, the comparator's too: one note for both, the last
  // table's, dropped the baseline's calibration caveats (an advisor's reading of the report on A4).
  const std::string targets_table = "<table class=\"targets\">";
  std::vector<std::string> target_notes;
  for (auto t = page.find(targets_table); t != std::string::npos; t = page.find(targets_table, t + 1)) {
    const std::string after = "</table>\n<p class=\"note\">Targets from the targets file";
    const auto end = page.find("</table>", t);
    REQUIRE(page.compare(end, after.size(), after) == 0);
    target_notes.push_back(page.substr(end, page.find("</p>", end) - end));
  }
  REQUIRE(target_notes.size() == 2);
  // baseline-velve's targets file, then the pilot's.
  CHECK(target_notes[0].find("Notes of the targets file: of those with help: little or no trust in "
                             "professionals: the model counts trust below 0.4") != std::string::npos);
  CHECK(target_notes[1].find("Notes of the targets file: heard of the coaches: not in the model") !=
        std::string::npos);

  // Every library inlined, byte for byte; nothing loaded from elsewhere.
  for (const ReportAsset& a : report_assets()) CHECK(page.find(a.script) != std::string::npos);
  CHECK(page.find("<script src") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  CHECK(page.find("default-src 'none'") != std::string::npos);

  // The chart data cannot end its <script> element early.
  const std::string open = "<script type=\"application/json\" id=\"wijksim-charts\">";
  const std::size_t blob = page.find(open);
  REQUIRE(blob != std::string::npos);
  const std::size_t blob_end = page.find("</script>", blob);
  const std::string data = page.substr(blob + open.size(), blob_end - blob - open.size());
  const auto charts = nlohmann::json::parse(data);
  CHECK(charts["charts"].size() == 13);

  // A stored figure appears with its stored value and as the tables print it.
  const RunStore store = RunStore::open(dir.file("s.db"), RunStore::Mode::ReadOnly);
  const auto report = nlohmann::json::parse(store.report(id, "json"));
  for (const auto& t : report["tables"])
    if (t["id"] == "cost_effectiveness") {
      const double stored = t["rows"][0]["cells"]["delta_cost"]["mean"];
      CHECK(page.find(fmt::format("data-column=\"delta_cost\" data-value=\"{}\"", stored)) !=
            std::string::npos);
      // The pilot's baseline weighs household-weeks by their problems: the quality-adjusted years and their
      // ICER are at a glance, as stored (they were only in the terminal's tables).
      const double qaly = t["rows"][0]["cells"]["delta_qaly"]["mean"];
      CHECK(page.find("<th scope=\"row\">Extra quality-adjusted years per household (policy year 1, "
                      "discounted)</th>") != std::string::npos);
      CHECK(page.find(fmt::format("data-column=\"delta_qaly\" data-value=\"{}\"", qaly)) !=
            std::string::npos);
      CHECK(page.find("<th scope=\"row\">Cost per extra quality-adjusted household-year (not judged: no "
                      "willingness to pay is set for it)</th>") != std::string::npos);
    }

  // Rendering again gives the same page: nothing in it depends on when it was made.
  CHECK(html_report(store, id) == page);
}

TEST_CASE("the caseload chart names the coaches' FTE of each step of a scale-up", "[report]") {
  // The store keeps the full scale (coach_fte 4) and the schedule among the settings; a caption of "4 FTE"
  // would describe year 1's caseload against coaches who were not yet there.
  test::TempDir dir("report-steps");
  dir.write("steps.yaml", "extends: " + shipped("pilot.yaml") +
                              "\nname: steps\ncoaches:\n  teams: 3\n  fte: null\n  schedule:\n"
                              "    - {year: 0, teams: 2, fte: 2}\n    - {year: 1, teams: 3, fte: 4.75}\n"
                              "    - {year: 2, teams: 3, fte: 6}\n");
  StudyOverrides o;
  o.replications = 1;
  o.years = 2;
  const std::string page = stored_comparison_page(dir, dir / "steps.yaml", o).page;
  // The step of year 3 lies beyond the run's 2 policy years: not named.
  CHECK(page.find("per coach FTE working that week (2 FTE in policy year 1, 4,75 from year 2)") !=
        std::string::npos);
  // The settings give the schedule as the file writes it, its years counted from 0, so they say how those
  // read against the policy years; a key path breaks between its parts, not after 24 letters
  // ("coaches.going_native_pro bability" was printed).
  CHECK(page.find(
            "<td><code>coaches.<wbr>schedule</code> <span class=\"missing\">(year y: from policy year y + "
            "1)</span></td>") != std::string::npos);
  CHECK(page.find("<td><code>coaches.<wbr>going_<wbr>native_<wbr>probability</code></td>") !=
        std::string::npos);
  CHECK(page.find("going_native_pro<wbr>") == std::string::npos);
}

TEST_CASE("In short names a queue still growing at the end, by its first, second-last and last year",
          "[report]") {
  // A pilot of 0.2 coach FTE (a cap of 6 households): its waiting list grows over the three policy years.
  // The figures are recomputed here from the store's weekly rows: per week the mean over the runs, then the
  // mean of weeks 1-52 and of weeks 105-156.
  test::TempDir dir("report-growing");
  dir.write("thin.yaml", "extends: " + shipped("pilot.yaml") + "\nname: thin\ncoaches:\n  fte: 0.2\n");
  StudyOverrides o;
  o.replications = 2;
  o.years = 3;
  const auto [id, page] = stored_comparison_page(dir, dir / "thin.yaml", o);
  const RunStore store = RunStore::open(dir.file("s.db"), RunStore::Mode::ReadOnly);
  int thin = -1;
  for (const StoredScenario& s : store.scenarios(id))
    if (s.name == "thin") thin = s.index;
  REQUIRE(thin >= 0);
  std::map<int, double> by_week;  // summed over the runs
  store.for_each_week(id, thin, [&](const StoredWeek& w) { by_week[w.week] += w.coach_waiting; });
  double first = 0, second = 0, last = 0;
  for (int w = 1; w <= 52; ++w) first += by_week[w] / 2 / 52;
  for (int w = 53; w <= 104; ++w) second += by_week[w] / 2 / 52;
  for (int w = 105; w <= 156; ++w) last += by_week[w] / 2 / 52;
  REQUIRE(last > 1.5 * first);
  REQUIRE(last > 1.05 * second);
  const std::string said =
      fmt::format("households waiting for a coach: about {} households in year 1, {} in year 2, {} in year 3",
                  format_dutch(first, 0), format_dutch(second, 0), format_dutch(last, 0));
  const auto in_short = page.find("id=\"in-short\"");
  CHECK(
      page.find(
          "Still growing (the scenario&#39;s own figures, not a difference; the glance gives means over the "
          "period)",
          in_short) < page.find("id=\"side-by-side\""));
  CHECK(page.find(said, in_short) < page.find("id=\"side-by-side\""));
  // Said of the intervention only: one scenario in In short.
  const std::string section = page.substr(in_short, page.find("</section>", in_short) - in_short);
  CHECK(section.find("<strong>thin</strong>") != std::string::npos);
  CHECK(section.find("<strong>baseline-velve</strong>") == std::string::npos);
  // The terminal's In short says it too (a policy advisor who read only the terminal never learnt of the
  // growing wait): `wijksim show` reads it from the same store. Its lines joined again where they wrap.
  TextOptions text(120);
  text.at_the_end = at_the_end(store, id);
  const std::string wrapped = render_table(report_from_json(store.report(id, "json")), text);
  std::string glance;
  for (std::size_t i = 0; i < wrapped.size();)
    if (wrapped.compare(i, 5, "\n    ") == 0)
      glance += ' ', i += 5;
    else
      glance += wrapped[i++];
  const auto words = glance.find("In short:");
  REQUIRE(words != std::string::npos);
  CHECK(
      glance.find("thin (Funded pilot of neighbourhood coaches in Velve-Lindenhof): ", words) <
      glance.find(fmt::format("Still growing (the scenario's own figures, not a difference; the glance gives "
                              "means over the period): {}",
                              said),
                  words));
  CHECK(glance.find(said) < glance.find("Terms:"));
  // The wait for a coach by year is weighed by admissions, as the glance weighs the period: per run its
  // summed waits over its admissions in the year, then the mean over the runs (the blocks' points weighed
  // alike put a period's 16,4 weeks below its years' 17,1 and 28,4; a policy advisor's reading). Recomputed
  // from the weekly rows; named by the rule of model.md 13.6 or not at all.
  const std::vector<double> wait = coach_wait_by_year(store, id, thin, 2, 3);  // the period, years 1-3
  const bool grows = wait[3] > 1.1 * wait[0] && wait[3] - wait[0] > 1 && wait[3] > wait[1] &&
                     wait[3] > 1.05 * wait[2] && wait[3] - wait[2] > 0.5;
  const std::string wait_said =
      fmt::format("the wait for a coach: about {} weeks in year 1, {} in year 2, {} in year 3",
                  format_dutch(wait[1], 1), format_dutch(wait[2], 1), format_dutch(wait[3], 1));
  INFO(wait_said << (grows ? " (growing)" : " (not growing)"));
  CHECK((glance.find(wait_said, words) != std::string::npos) == grows);
  CHECK((glance.find("the wait for a coach: about", words) != std::string::npos) == grows);
  // Without the weeks (none handed to the table), nothing is claimed. A run not kept (--no-store) reads
  // them from memory instead (kept_weeks.h; terminal_test.sh: the same words as a stored run's).
  CHECK(render_table(report_from_json(store.report(id, "json")), TextOptions(120)).find("Still growing") ==
        std::string::npos);
}

TEST_CASE("In short gives the places a reallocation leaves in the last week against the comparator's",
          "[report]") {
  // The pilot paid from the agencies' budgets: the glance's places funded are means over the period, while
  // the cut is what the agencies have at its end (a policy advisor found 519 of 1.343 places cut, 39%, only
  // in the store). Recomputed here from the store's weekly rows: the last week's capacity, mean over runs.
  test::TempDir dir("report-cut");
  dir.write("realloc.yaml",
            "extends: " + shipped("pilot.yaml") + "\nname: realloc\ncoaches:\n  funding: reallocated\n");
  StudyOverrides o;
  o.replications = 2;
  o.years = 2;
  const auto [id, page] = stored_comparison_page(dir, dir / "realloc.yaml", o);
  const RunStore store = RunStore::open(dir.file("s.db"), RunStore::Mode::ReadOnly);
  int mine = -1, theirs = -1;
  for (const StoredScenario& s : store.scenarios(id)) (s.name == "realloc" ? mine : theirs) = s.index;
  REQUIRE(mine >= 0);
  REQUIRE(theirs >= 0);
  const auto last_week_places = [&](int scenario, const std::string& agency) {
    std::map<int, std::pair<double, int>> by_week;  // capacity summed over the runs, and the runs
    store.for_each_agency_week(id, scenario, agency, [&](const StoredAgencyWeek& w) {
      by_week[w.week].first += static_cast<double>(w.capacity);
      ++by_week[w.week].second;
    });
    REQUIRE(by_week.rbegin()->first == 104);
    return by_week.rbegin()->second.first / by_week.rbegin()->second.second;
  };
  const double cut = last_week_places(mine, "debt_counselling"),
               kept = last_week_places(theirs, "debt_counselling");
  REQUIRE(cut < kept - 0.5);
  const std::string said = fmt::format("Debt counselling {} against {} ({}% fewer)", format_dutch(cut, 0),
                                       format_dutch(kept, 0), format_dutch(100 * (1 - cut / kept), 0));
  const auto in_short = page.find("id=\"in-short\"");
  CHECK(page.find("Places funded in the last week (the glance gives means over the period)", in_short) <
        page.find("id=\"side-by-side\""));
  CHECK(page.find(said, in_short) < page.find("id=\"side-by-side\""));
  // The terminal's In short says the same.
  TextOptions text(120);
  text.at_the_end = at_the_end(store, id);
  REQUIRE(text.at_the_end.count("realloc") == 1);
  CHECK(text.at_the_end.at("realloc").find(said) != std::string::npos);
  // Mental-health care has no reallocation share: not cut, not named.
  CHECK(text.at_the_end.at("realloc").find("Mental-health care") == std::string::npos);
  // On paper an agency's row and its places funded under it are one body a page does not split (A4 began a
  // page with "places funded -503", its agency on the page before; a policy advisor's reading).
  const auto side = page.find("id=\"side-by-side\"");
  const auto capacity = page.find("Capacity: freed or cut?", side);
  const auto agency = page.find("<td class=\"indent-1\">Debt counselling</td>", capacity);
  const auto funded = page.find("<td class=\"indent-2\">places funded</td>", agency);
  REQUIRE(funded != std::string::npos);
  const auto body = page.rfind("<tbody class=\"keep\">", agency);
  REQUIRE(body != std::string::npos);
  CHECK(body > page.rfind("</tr>", agency - 1));
  CHECK(page.substr(agency, funded - agency).find("</tbody>") == std::string::npos);
  CHECK(page.find(", tbody.keep { break-inside: avoid; }") != std::string::npos);
  // The waits' caption gives the cut as the cause, not outreach (it asked the run's scenario row for its
  // settings, which the store keeps apart, and said "outreach" under every scale-up; advisor review 56).
  const auto waits = page.find("Where do the waits change most?");
  REQUIRE(waits != std::string::npos);
  CHECK(page.find("Here places are cut to pay the coaches: that lengthens the queues.", waits) !=
        std::string::npos);
  CHECK(page.find("Outreach can lengthen") == std::string::npos);
  // Dominant beside waits that grow says so in the glance, for both ICERs (the problem-free one and the
  // quality-adjusted one): both are dominant on the means here, and debt counselling's wait grows.
  std::size_t dominant_said = 0;
  for (auto at = page.find(", yet households wait longer at agencies, by up to "); at != std::string::npos;
       at = page.find(", yet households wait longer at agencies, by up to ", at + 1)) {
    ++dominant_said;
    CHECK(page.find(" weeks (below)", at) < page.find("</td>", at));
  }
  CHECK(dominant_said == 2);
  // Without draws, the probabilities count runs of the households' luck: the glance and the curve say so
  // and do not ask "how sure can we be" (advisor review 56).
  CHECK(page.find(
            "Runs in which it is worth the money at \u20AC&nbsp;20.000 per problem-free household-year (they "
            "differ in the households&#39; luck only: no parameter draws)") != std::string::npos);
  CHECK(page.find("Runs in which it saves money (society&#39;s view") != std::string::npos);
  CHECK(page.find("Probability it is worth the money") == std::string::npos);
  CHECK(page.find("Probability it saves money") == std::string::npos);
  CHECK(page.find("In how many runs is each option the best? (the households&#39; luck only)") !=
        std::string::npos);
  CHECK(page.find("How sure can we be") == std::string::npos);
  // The pay-back chart is of money: its caption says that the coaches' price here is places cut, and
  // where (its "no outlay to earn back" read as a scale-up that costs nothing; a policy advisor's reading
  // on A4). The agencies with a reallocation share, all but mental-health care.
  const auto payback = page.find("data-kind=\"payback\"");
  REQUIRE(payback != std::string::npos);
  CHECK(
      page.find("The coaches are paid by cutting places at Social services (work and income), Debt "
                "counselling, Housing corporations (social management), Youth care and General social work: "
                "that price is not money, and so not in this chart",
                payback) < page.find("</figure>", payback));
  // Said for a pointer on a screen, not printed.
  CHECK(page.find("<li class=\"screen-only\">Point at a chart for its exact numbers.</li>") !=
        std::string::npos);
}

TEST_CASE("the side-by-side table gives each group's euros in one unit", "[report]") {
  // The pilot over 3 years: the fund's bill in millions, the housing corporations' difference in thousands;
  // a row's own unit put EUR million beside EUR thousand in one column (a policy advisor's reading).
  test::TempDir dir("report-units");
  StudyOverrides o;
  o.replications = 2;
  o.years = 3;
  const std::string page = stored_comparison_page(dir, shipped("pilot.yaml"), o).page;
  const auto who_pays = page.find("Who pays?", page.find("id=\"side-by-side\""));
  REQUIRE(who_pays != std::string::npos);
  const std::string group = page.substr(who_pays, page.find("class=\"group\"", who_pays) - who_pays);
  CHECK(group.find("Coach fund (EUR million)") != std::string::npos);
  CHECK(group.find("Housing corporations (EUR million)") != std::string::npos);
  CHECK(group.find("(EUR thousand)") == std::string::npos);
}

TEST_CASE("the report gives each payer's difference year by year, nominal, on paper, in one unit",
          "[report]") {
  // A steering group found the yearly difference only in the terminal; the report gave five years' total
  // and a chart. The pilot's fund pays its 5 coach FTE at EUR 75,000 a year (pilot.yaml): EUR 375,000 a
  // year, 1,125,000 over 3 years, the same in every run (the base case draws no parameters).
  test::TempDir dir("report-by-year");
  StudyOverrides o;
  o.replications = 2;
  o.years = 3;
  const std::string page = stored_comparison_page(dir, shipped("pilot.yaml"), o).page;
  const auto heading = page.find("<h4>What does it cost each payer per year?</h4>");
  REQUIRE(heading != std::string::npos);
  // Up to what follows the table: the pay-back chart.
  const std::string part = page.substr(heading, page.find("<figure", heading) - heading);
  // What the brackets are and the sign, before the figures (after them they fell onto the next page).
  CHECK(part.find("<p class=\"note\">") < part.find("<table"));
  // Every column in the one unit its largest figure needs, named in its head.
  for (const char* head : {"year 1 (EUR million)", "year 3 (EUR million)", "years 1-3 (EUR million)"})
    CHECK(part.find(fmt::format("<th class=\"num\">{}</th>", head)) != std::string::npos);
  const auto fund = part.find("<td>Coach fund</td>");
  REQUIRE(fund != std::string::npos);
  const std::string year = fmt::format("{} (same in all runs)", format_dutch(5 * 75000 / 1e6, 2));
  CHECK(part.find(fmt::format("<td class=\"num\">{}</td>", year), fund) ==
        part.find("<td class=\"num\">", fund));
  CHECK(part.find(fmt::format("<td class=\"num\">{} (same in all runs)</td>",
                              format_dutch(3 * 5 * 75000 / 1e6, 2))) != std::string::npos);
  CHECK(part.find("All payers") != std::string::npos);
  CHECK(part.find("Base case, no parameter draws: the mean over its 2 replications, with the 95% interval of "
                  "that mean") != std::string::npos);
  CHECK(part.find("nominal (not discounted)") != std::string::npos);
}

TEST_CASE("In short names a wait far longer in an earlier year than over the period", "[report]") {
  // The pilot's coaches start with a backlog: households waited 25 to 30 weeks for a coach in its first
  // years, where the glance gave 10,3 over five (a steering group's reading). Recomputed from the store's
  // weekly rows: the longest of the years before the last, named when above 1,5 times the period's and more
  // than 2 weeks above it (docs/model.md 13.6).
  test::TempDir dir("report-earlier");
  StudyOverrides o;
  o.replications = 2;
  // Four years, so that the backlog's early years stand out from the period (with three the calibrated
  // pilot of 7 December 2026 put year 2's 14,3 weeks just under 1,5 times the period's 9,6).
  o.years = 4;
  const auto [id, page] = stored_comparison_page(dir, shipped("pilot.yaml"), o);
  const RunStore store = RunStore::open(dir.file("s.db"), RunStore::Mode::ReadOnly);
  int pilot = -1;
  for (const StoredScenario& s : store.scenarios(id))
    if (s.name == "pilot") pilot = s.index;
  REQUIRE(pilot >= 0);
  const std::vector<double> wait = coach_wait_by_year(store, id, pilot, 2, 4);
  std::size_t longest = 1;  // of the years before the last
  for (std::size_t y = 2; y < 4; ++y)
    if (wait[y] > wait[longest]) longest = y;
  INFO("period " << wait[0] << ", years " << wait[1] << ", " << wait[2] << ", " << wait[3] << ", "
                 << wait[4]);
  REQUIRE(wait[longest] > 1.5 * wait[0]);
  REQUIRE(wait[longest] - wait[0] > 2);
  const std::string said = fmt::format("the wait for a coach: about {} weeks in year {}, {} over the period",
                                       format_dutch(wait[longest], 1), longest, format_dutch(wait[0], 1));
  const auto in_short = page.find("id=\"in-short\"");
  CHECK(page.find("Longer in an early year than over the period (the scenario&#39;s own waits, not a "
                  "difference; the glance "
                  "gives means over the period): " +
                      said,
                  in_short) < page.find("id=\"side-by-side\""));
}

// A run stored before who pays was of the nominal cash (model.md 14.7, 2026-12-05) holds roles decided on the
// discounted difference: its chart draws that, not the nominal bars beside discounted roles (a review: a bar
// could read "Municipality: pays" in the colour of "saves"), and its note is kept whole.
TEST_CASE("a run stored with discounted roles keeps its discounted who-pays bars", "[report]") {
  test::TempDir dir("old-who-pays");
  StudyOverrides o;
  o.replications = 2;
  o.years = 1;
  const std::string pilot = shipped("pilot.yaml");
  const Study study = plan_study({pilot}, o, true);
  std::int64_t id = 0;
  const std::string now = "'pays' or 'saves' when the interval of its nominal difference excludes zero";
  const std::string before = "'pays' or 'saves' when its interval excludes zero";
  {
    StudyRecorder recorder(study,
                           {dir.file("s.db"), "compare", "wijksim compare " + pilot, std::nullopt, {}});
    const StudyResult result = run_study(study, nullptr, recorder.sink());
    auto renders = render_all(study_report("compare", study, result));
    int replaced = 0;
    for (auto& [format, text] : renders)
      for (auto at = text.find(now); at != std::string::npos; at = text.find(now, at)) {
        text.replace(at, now.size(), before);
        ++replaced;
      }
    REQUIRE(replaced > 0);  // the note as an earlier version wrote it
    recorder.complete(result, renders);
    id = recorder.run_id();
  }
  write_html_report(dir.file("s.db"), id, dir.file("report.html"));
  std::ifstream in(dir.file("report.html"));
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string open = "<script type=\"application/json\" id=\"wijksim-charts\">";
  const std::size_t blob = page.find(open);
  REQUIRE(blob != std::string::npos);
  const auto charts = nlohmann::json::parse(
      page.substr(blob + open.size(), page.find("</script>", blob) - blob - open.size()))["charts"];
  bool seen = false;
  for (const auto& c : charts)
    if (c["spec"]["usermeta"]["kind"] == "who_pays") {
      seen = true;
      const std::string spec = c["spec"].dump();
      CHECK(spec.find("(euros, discounted)") != std::string::npos);
      CHECK(spec.find("(euros, nominal)") == std::string::npos);
    }
  CHECK(seen);
  const auto caption = page.find("data-kind=\"who_pays\"");
  REQUIRE(caption != std::string::npos);
  const std::string note = page.substr(caption, page.find("</figure>", caption) - caption);
  CHECK(note.find("over year 1, discounted.") != std::string::npos);
  CHECK(note.find("nominal (not discounted)") == std::string::npos);
  CHECK(note.find("Each bar&#39;s label says") == std::string::npos);
}
