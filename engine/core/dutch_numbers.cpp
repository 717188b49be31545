#include "wijksim/core/dutch_numbers.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace wijksim {

std::string format_dutch(double x, int decimals) {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // Round in integer units of 10^-decimals, half away from zero (as llround), then group the digits.
  const double scale = std::pow(10.0, decimals);
  const double scaled = std::round(std::fabs(x) * scale);
  std::string digits;
  if (scaled < 0x1p53) {
    digits = fmt::format("{:.0f}", scaled);
  } else {
    // Past 2^53 the product is not exact (1e25 was printed 10.000.000.000.000.000.476.472.934,4) and may
    // overflow (1.7e308 with a decimal was "in,f"; outside attack 61): the double's own digits, which fmt
    // gives exactly, its decimal point taken out.
    digits = fmt::format("{:.{}f}", std::fabs(x), decimals);
    if (decimals > 0) digits.erase(digits.size() - static_cast<std::size_t>(decimals) - 1, 1);
  }
  if (static_cast<int>(digits.size()) <= decimals)
    digits.insert(0, static_cast<std::size_t>(decimals + 1) - digits.size(), '0');
  const std::string whole = digits.substr(0, digits.size() - static_cast<std::size_t>(decimals));
  std::string out;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += '.';
    out += whole[i];
  }
  if (decimals > 0) {
    out += ',';
    out.append(digits, whole.size());
  }
  if (x < 0 && scaled != 0) out.insert(out.begin(), '-');
  return out;
}

std::string format_dutch_short(double x, int decimals) {
  std::string s = format_dutch(x, decimals);
  if (decimals > 0 && std::isfinite(x)) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == ',') s.pop_back();
    if (s == "-0") s = "0";
  }
  return s;
}

std::string format_euros(double euros) {
  return "\u20AC " + format_dutch(euros, 0);
}

int decimals_of(double x) {
  if (!std::isfinite(x)) return 0;
  for (int d = 0; d < 9; ++d) {
    const double scaled = x * std::pow(10.0, d);
    if (std::fabs(scaled - std::round(scaled)) <= 1e-9 * std::max(1.0, std::fabs(scaled))) return d;
  }
  return 9;
}

std::string format_euros_as_given(double euros) {
  const int exact = decimals_of(euros);
  // From a euro on, cents only where the amount has them (2.500,5), else whole euros (the mean of drawn
  // thresholds); below a euro, to two digits past the first that is not zero (0,004; 0,333 for 1/3).
  const double size = std::fabs(euros);
  const int decimals = size >= 1 || size == 0 || !std::isfinite(euros)
                           ? (exact <= 2 ? exact : 0)
                           : std::min(exact, static_cast<int>(-std::floor(std::log10(size))) + 2);
  return "\u20AC " + format_dutch(euros, decimals);
}

std::string format_euro_cents(double euros) {
  return "\u20AC " + format_dutch(euros, 2);
}

}  // namespace wijksim
