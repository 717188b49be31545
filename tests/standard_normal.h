// The standard normal's density and distribution function in closed form (std::erfc), written here rather
// than taken from Boost.Math, which the engine uses: the tests' expected values stay independent of it.
#pragma once

#include <cmath>
#include <numbers>

inline double normal_pdf(double z) {
  return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
}
inline double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}
