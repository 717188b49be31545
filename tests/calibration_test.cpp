// The shipped baselines stay inside the public figures they were calibrated to: every target of the
// scenario's own targets file (model/targets.h; scenarios/targets/), as the program's calibration table
// reports it (analysis/calibration.h, `calibrate`), holds for the shipped baseline scenarios run as they are
// (the full population, the full warm-up). Few replications keep it quick; a target at the policy start does
// not depend on the years after it, but a wait is a mean over the policy years, so the neighbourhood, whose
// agencies see few households, runs the five years of its README table.
//
// The test never names a target itself: what the targets files hold, it checks. A target the model cannot
// show ("not in the model") is reported, not judged. README's calibration table is checked against the
// program's output by tests/readme_calibration_test.sh.
#include <catch2/catch.hpp>
#include <string>

#include "wijksim/analysis/calibration.h"
#include "wijksim/study/study.h"

using namespace wijksim;

namespace {

void check_inside_the_targets(const char* file, int replications, int years) {
  StudyOverrides o;
  o.replications = replications;
  o.years = years;
  const Study study = plan_study({std::string(WIJKSIM_SOURCE_DIR) + "/scenarios/" + file}, o, false);
  const StudyResult result = run_study(study);
  const std::vector<CalibrationRow> rows = calibrate(result.summaries.front());
  REQUIRE(!rows.empty());
  int judged = 0;
  for (const CalibrationRow& r : rows) {
    const CalibrationTarget& t = *r.target;
    INFO(file << ", " << t.label << " (" << t.measure << ", " << t.at << "): public " << t.value << " ("
              << t.lo << " to " << t.hi << "), model " << r.model.mean << ": " << to_string(r.fit));
    CHECK(t.lo <= t.value);
    CHECK(t.value <= t.hi);
    if (r.fit == Fit::NotModelled) continue;
    ++judged;
    CHECK(r.fit == Fit::Inside);
    CHECK(r.model.mean >= t.lo);
    CHECK(r.model.mean <= t.hi);
  }
  CHECK(judged > 0);
}

}  // namespace

TEST_CASE("the shipped Velve baseline stays inside its targets", "[calibration]") {
  check_inside_the_targets("baseline-velve.yaml", 5, 5);  // 2,800 households, as the README's table
}

TEST_CASE("the shipped Enschede baseline stays inside its targets", "[calibration]") {
  check_inside_the_targets("baseline-enschede.yaml", 2, 1);  // 77,160 households
}
