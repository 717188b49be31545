#include "wijksim/report/economic_text.h"

#include <fmt/format.h>

#include "wijksim/report/render.h"

namespace wijksim {
namespace {

// A non-negative amount of money in Dutch notation, as the tables print euros: whole euros from € 100 up,
// cents below (a saving of € 3,50 per household should not print as € 4).
std::string euros(double v) {
  if (v >= 100.0) return format_euros(v);
  return "€ " + format_dutch(v, 2);
}

// A non-negative amount of effect: three significant digits (Dutch decimal comma), whole numbers from
// 1.000 up.
std::string effect_amount(double v) {
  if (v >= 1000.0) return format_dutch(v, 0);
  std::string s = fmt::format("{:.3g}", v);
  for (char& c : s)
    if (c == '.') c = ',';
  return s;
}

}  // namespace

std::string icer_text(const Icer& i, const std::string& effect_unit) {
  const double dc = i.delta_cost, de = i.delta_effect;
  switch (i.quadrant) {
    case Quadrant::Origin:
      return "no difference in cost or effect";
    case Quadrant::SE:
      return fmt::format("dominant ({}, {})", dc < 0 ? "saves " + euros(-dc) : "same cost",
                         de > 0 ? "gains " + effect_amount(de) : "same effect");
    case Quadrant::NW:
      return fmt::format("dominated ({}, {})", dc > 0 ? "costs " + euros(dc) + " more" : "same cost",
                         de < 0 ? "loses " + effect_amount(-de) : "same effect");
    case Quadrant::NE:
      return fmt::format("{} per {}", euros(i.value), effect_unit);
    case Quadrant::SW:
      // The ratio is positive: euros saved per unit of effect given up. Unlike NE, a higher ratio is better
      // here (accept when it exceeds willingness to pay), so the text says so.
      return fmt::format("saves {} per {} forgone (cheaper, less effective)", euros(i.value), effect_unit);
  }
  return "";
}

const char* to_string(PayerRole r) {
  switch (r) {
    case PayerRole::NoChange:
      return "no change";
    case PayerRole::Pays:
      return "pays";
    case PayerRole::Saves:
      return "saves";
    case PayerRole::PaysUncertain:
      return "pays (uncertain)";
    case PayerRole::SavesUncertain:
      return "saves (uncertain)";
  }
  return "";
}

}  // namespace wijksim
