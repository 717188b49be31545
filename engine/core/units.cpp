#include "wijksim/core/units.h"

#include <fmt/format.h>

#include <cmath>

namespace wijksim {

// Beyond what a double holds (years: 1e308 gave "inf YB" and "inf years"; outside attack 22): said in words.
std::string format_bytes(double bytes) {
  if (!std::isfinite(bytes)) return "more than can be counted";
  static const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  int u = 0;
  while (bytes >= 1000 && u < 8) bytes /= 1000, ++u;
  return fmt::format("{:.3g} {}", bytes, units[u]);
}

std::string format_duration(double s) {
  if (!std::isfinite(s)) return "longer than can be counted";
  if (s < 120) return fmt::format("{:.3g} seconds", s);
  if (s < 2 * 3600) return fmt::format("{:.3g} minutes", s / 60);
  if (s < 2 * 86400) return fmt::format("{:.3g} hours", s / 3600);
  if (s < 2 * 365.25 * 86400) return fmt::format("{:.3g} days", s / 86400);
  return fmt::format("{:.3g} years", s / (365.25 * 86400));
}

}  // namespace wijksim
