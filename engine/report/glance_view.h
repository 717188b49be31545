// The terminal's first screen: every compared scenario side by side, answering what a steering group asks
// first: is it worth the money (the decision), who pays in cash, who gains or loses capacity, who waits
// longer. It is a view of a report's own tables (the "At a glance" tables of headline.h, the
// cost-effectiveness table and the efficiency frontier), so it shows nothing CSV and JSON do not hold, and
// `wijksim show` draws it again from a stored run.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wijksim/report/table.h"
#include "wijksim/report/text_layout.h"

namespace wijksim {

struct InShort {
  std::string scenario;
  std::string description;  // what the scenario is, in its file's words ("" without)
  std::string words;        // who pays more, spends less, ... in words
  // "scaleup-funded (City-wide scale-up under pilot conditions with additional funding)": the names alone
  // did not say that the funded scale-up also has the pilot's conditions (a policy advisor's reading).
  std::string named() const { return description.empty() ? scenario : scenario + " (" + description + ")"; }
};

struct GlanceView {
  text::Grid grid;
  // Per compared scenario, its "in short" line.
  std::vector<InShort> in_short;
  // Where the compared scenarios' model misses its public figures (their calibration tables' "outside"
  // rows), said under In short ("" when it misses none): the answer rests on a model that does not
  // reproduce them there (a policy advisor's reading of a PSA: the misses were only in the tables).
  std::string calibration_misses;
  // Per decision whose efficiency frontier holds two options or more: which is the best at which willingness
  // to pay, in words (the frontier's ICERs), said under In short.
  std::vector<std::string> choices;
  // Each caveat the compared scenarios' files give (`caveats`, theirs and their comparators'), once, with
  // the scenarios it is given for: "A caveat in the scenario files (of scaleup and pilot, with their
  // comparators): ...".
  std::vector<std::string> caveats;
};

// Nothing when the report compares nothing (a `run` has no "At a glance" tables).
std::optional<GlanceView> glance_view(const Report& r);

}  // namespace wijksim
