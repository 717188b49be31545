// Sizes and durations as a person reads them, for messages that refuse or estimate a run.
#pragma once

#include <string>

namespace wijksim {

std::string format_bytes(double bytes);       // "64 TB" (powers of 1,000, three significant digits)
std::string format_duration(double seconds);  // "3.2 hours"

}  // namespace wijksim
