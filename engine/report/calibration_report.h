// What `wijksim calibrate` prints (and the store keeps): each free parameter's prior and posterior, each
// target next to the model at the posterior with a fit verdict, and how the sampling went.
#pragma once

#include <optional>

#include "wijksim/report/table.h"
#include "wijksim/study/calibration_run.h"

namespace wijksim {

// `as_stored`: the files as a resumed run began with them (CalibrationFiles, calibration_run.h).
Report calibration_report(const CalibrationPlan& plan, const CalibrationResult& result,
                          const std::optional<CalibrationFiles>& as_stored = std::nullopt);

// A prior in words: "uniform 0,005 to 0,05", "normal mean 0,5 sd 0,1" (a range in the words every interval
// is written in).
std::string prior_text(const Distribution& d);

}  // namespace wijksim
