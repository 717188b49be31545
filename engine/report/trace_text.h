// One household's history as `wijksim trace` prints it: the warm-up in a few lines (or week by week when
// asked), the household's state at the policy start, then the policy period week by week, every line
// wrapped to the terminal's width, euros and decimals in Dutch notation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "wijksim/model/params.h"
#include "wijksim/simulation/run_result.h"

namespace wijksim {

struct TraceOptions {
  std::uint32_t household = 0;
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;
  std::string picked;   // why this household: "the first household coached in the policy period", or ""
  bool warmup = false;  // the warm-up week by week, not in short
  std::size_t width = 100;
};

std::string trace_text(const Scenario& s, const RunResult& r, const TraceOptions& o);

}  // namespace wijksim
