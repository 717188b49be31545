#include "wijksim/core/dutch_numbers.h"

#include <fmt/format.h>

#include <cmath>

namespace wijksim {

std::string format_dutch(double x, int decimals) {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // Round in integer units of 10^-decimals, half away from zero (as llround), then group the digits.
  const double scale = std::pow(10.0, decimals);
  const double scaled = std::round(std::fabs(x) * scale);
  std::string digits = fmt::format("{:.0f}", scaled);
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

std::string format_euro_cents(double euros) {
  return "\u20AC " + format_dutch(euros, 2);
}

}  // namespace wijksim
