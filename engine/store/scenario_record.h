// What the store keeps of a scenario: its description, coaches and settings, and its payers' and agencies'
// labels. One description for a study's scenarios and a calibration's base, so the two are stored alike (a
// calibration's once stored no coaches, and export read 0 FTE from it).
#pragma once

#include <vector>

#include "wijksim/model/params.h"
#include "wijksim/scenario/scenario_source.h"
#include "wijksim/store/run_store.h"

namespace wijksim {

// The scenario as read from `source`; index, role and comparator are the caller's, and so are the hashes of
// its parameter sets and targets (a calibration's targets are its own file's).
StoredScenario scenario_record(const Scenario& scenario, const ScenarioSource& source);

// Each payer's and agency's key with the label the reports give it (the key where it has none).
std::vector<StoredLabel> payer_labels(const Scenario& scenario);
std::vector<StoredLabel> agency_labels(const Scenario& scenario);

}  // namespace wijksim
