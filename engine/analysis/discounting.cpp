#include "wijksim/analysis/discounting.h"

#include <fmt/format.h>

#include <cmath>

#include "wijksim/core/error.h"

namespace wijksim {

double discount_factor(double rate, int year) {
  if (!std::isfinite(rate) || !(rate > -1.0)) {
    throw Error(fmt::format("discount rate must be a number above -1 (-100%), got {}", rate));
  }
  if (year < 0) throw Error(fmt::format("discounting: year must be 0 or later, got {}", year));
  return std::pow(1.0 + rate, -year);
}

std::vector<double> discounted(const std::vector<double>& yearly, double rate) {
  std::vector<double> out(yearly.size());
  for (std::size_t t = 0; t < yearly.size(); ++t)
    out[t] = yearly[t] * discount_factor(rate, static_cast<int>(t));
  return out;
}

double discounted_sum(const std::vector<double>& yearly, double rate) {
  double sum = 0.0;
  for (double v : discounted(yearly, rate)) sum += v;
  return sum;
}

}  // namespace wijksim
