// A number for one key path of a scenario: a free parameter of calibration, a column of a parameter set
// (ScenarioSource::reread_with sets them).
#pragma once

#include <string>

#include "wijksim/core/error.h"

namespace wijksim {

struct KeyValue {
  // Keys joined by '.', a list item as "[i]" ("economics.utility_by_problems[1]"); a key '*' stands for every
  // entry of that map ("domains.*.incidence_per_year": every domain's, the same value).
  std::string key_path;
  double value = 0;
  Location where;  // where the key path is written (the targets file's free parameter, a sets file's column)
};

}  // namespace wijksim
