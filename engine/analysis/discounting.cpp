#include "wijksim/analysis/discounting.h"

#include <fmt/format.h>

#include <cmath>

#include "wijksim/core/error.h"

namespace wijksim {

DiscountRates discount_rates(DiscountGuideline g) {
  switch (g) {
    case DiscountGuideline::Dutch2024:
      return {0.03, 0.015};
    case DiscountGuideline::Dutch2016:
      return {0.04, 0.015};
  }
  throw Error(fmt::format("unknown discount guideline {}", static_cast<int>(g)));
}

const char* to_string(DiscountGuideline g) {
  switch (g) {
    case DiscountGuideline::Dutch2024:
      return "dutch-2024";
    case DiscountGuideline::Dutch2016:
      return "dutch-2016";
  }
  return "unknown";
}

bool parse_discount_guideline(const std::string& name, DiscountGuideline& out) {
  for (DiscountGuideline g : {DiscountGuideline::Dutch2024, DiscountGuideline::Dutch2016}) {
    if (name == to_string(g)) {
      out = g;
      return true;
    }
  }
  return false;
}

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
