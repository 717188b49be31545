// The sensitivity analyses of a study (study/sensitivity_study.h) as tables: per decision the tornado of
// each intervention (with sorted bars for the terminal), the one-way ranges of every outcome, the two-way
// grid, thresholds and their planning curves, the value of information with the noise in it, the expected
// incremental benefit, the PSA's convergence, and the evaluation the city would run.
#pragma once

#include <string>
#include <vector>

#include "wijksim/report/table.h"
#include "wijksim/study/sensitivity_study.h"

namespace wijksim {

std::vector<Table> sensitivity_tables(const SensitivityResult& s);

// A tornado's bar for the terminal: `width` characters centred on the base case, the low end's effect in
// light shade and the high end's in full, scaled so that `scale` (the largest distance from the base of any
// bar) fills a half.
std::string tornado_bar(double base, double at_low, double at_high, double scale, int width = 40);
// The tornado table's bars (a terminal-only column) from its net-benefit columns: when it is made, and when a
// stored run's tables are read back for `show` (the JSON keeps no picture).
void add_tornado_bars(Table& tornado);

// The tornado table's label of the parameter's low value when every parameter is at its 2.5th and 97.5th
// percentiles; with a range given on the command line (--parameters KEY=FROM:TO) the ends are named as such.
inline constexpr const char* kTornadoLowAtPercentile = "parameter at 2,5%";
// The tornado note's legend of the terminal's bars (a picture column of the text table only): the report's
// chart leaves it out of the note it shows.
inline constexpr const char* kTornadoTerminalBars =
    " Bars: light, the low end's effect; full, the high end's; '|' the base case.";

// The words of an outcome's unit in a column label ("EUR per household", "weeks").
const char* unit_words(OutcomeUnit u);
Unit table_unit(OutcomeUnit u);

// What a PSA's running mean says at its last point, all its draws: whether the t band of the mean net
// benefit per household over the comparator still spans zero, so that more draws could change its sign and
// the answer, or lies on one side, and since when ("more draws would not change the answer" stood beside a
// band across zero; a policy advisor's reading of a PSA; "€ -25 to € 0, lies below zero" rounded an end
// of -0,3 to zero, and the band had crossed zero two checkpoints before: an analyst's reading). `points` in
// the order of their draws; `option` names it where there are several.
struct ConvergencePoint {
  std::size_t draws = 0;
  double mean = 0, lo = 0, hi = 0;
};
std::string convergence_verdict(const std::string& option, const std::vector<ConvergencePoint>& points);

// The sweep command's planning curve.
std::vector<Table> sweep_tables(const SweepResult& s);

}  // namespace wijksim
