#include "wijksim/report/economic_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>

#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/core/dutch_numbers.h"
#include "wijksim/report/render.h"

namespace wijksim {
namespace {

// A non-negative amount of money in Dutch notation, as the tables print euros: whole euros from € 100 up,
// cents below (a saving of € 3,50 per household should not print as € 4).
std::string euros(double v) {
  if (v >= 100.0) return format_euros(v);
  return "€ " + format_dutch(v, 2);
}

// A non-negative amount of effect: three significant digits in Dutch notation, never in exponent form
// (6,87e-06 reads as nothing to a policy advisor: 0,00000687), whole numbers from 100 up.
std::string effect_amount(double v) {
  if (!(v > 0) || v >= 100.0) return format_dutch(v, 0);
  return format_dutch_short(v, std::clamp(2 - static_cast<int>(std::floor(std::log10(v))), 0, 12));
}

// A unit of effect in the plural, as an amount of it is written ("0,5 problem-free household-years", "0,5
// units of effect").
std::string units(const std::string& unit) {
  if (unit.starts_with("unit of ")) return "units" + unit.substr(4);
  return unit + "s";
}

}  // namespace

std::string wtp_row_key(double wtp) {
  return fmt::format("wtp_{:.{}f}", wtp, decimals_of(wtp));
}

std::string icer_text(const Icer& i, const std::string& effect_unit) {
  const double dc = i.delta_cost, de = i.delta_effect;
  switch (i.quadrant) {
    case Quadrant::Origin:
      return "no difference in cost or effect";
    case Quadrant::SE:
      // The effect with its unit ("gains 0,0185" had none; a policy advisor's reading).
      return fmt::format("dominant ({}, {})", dc < 0 ? "saves " + euros(-dc) : "same cost",
                         de > 0 ? "gains " + effect_amount(de) + " " + units(effect_unit) : "same effect");
    case Quadrant::NW:
      return fmt::format("dominated ({}, {})", dc > 0 ? "costs " + euros(dc) + " more" : "same cost",
                         de < 0 ? "loses " + effect_amount(-de) + " " + units(effect_unit) : "same effect");
    case Quadrant::NE:
      return fmt::format("{} per {}", euros(i.value), effect_unit);
    case Quadrant::SW:
      // The ratio is positive: euros saved per unit of effect given up. Unlike NE, a higher ratio is better
      // here (accept when it exceeds willingness to pay), so the text says so.
      return fmt::format("saves {} per {} forgone (cheaper, less effective)", euros(i.value), effect_unit);
  }
  return "";
}

std::string icer_text(const Icer& i, const std::string& effect_unit,
                      const std::array<double, 5>& quadrant_share, int n, const std::string& noun) {
  const std::string plain = icer_text(i, effect_unit);
  const double share = quadrant_share[static_cast<std::size_t>(i.quadrant)];
  const std::string how_often = format_probability(share, n, noun);
  const std::string in = how_often.ends_with("%") ? fmt::format("in {} of {}", how_often, noun)
                                                  : fmt::format("in {}", how_often);
  switch (i.quadrant) {
    case Quadrant::SE:
    case Quadrant::NW: {
      // "dominant (saves ...)" -> "dominant in 91% of draws (mean: saves ...)": the quadrant is the means',
      // and the share says how often a draw falls in it, so a saving of the mean is not read as certain.
      const std::size_t open = plain.find(" (");
      return plain.substr(0, open) + " " + in + " (mean: " + plain.substr(open + 2);
    }
    case Quadrant::NE:
      return fmt::format("{} (more costly and more effective {})", plain, in);
    case Quadrant::SW:
      return fmt::format("{}; cheaper and less effective {}", plain, in);
    case Quadrant::Origin:
      break;
  }
  return plain;
}

std::string icer_short_text(const std::string& text) {
  // "dominant in 5 of 5 runs (mean: ...)" -> "dominant in 5 of 5 runs"; the same for "dominated".
  if (text.starts_with("dominant") || text.starts_with("dominated")) {
    const std::size_t mean = text.find(" (mean: ");
    return mean == std::string::npos ? text : text.substr(0, mean);
  }
  // "€ X per UNIT (more costly and more effective in S)" -> "€ X (costs more and gains in S)" ("costs more,
  // gains: 3 of 5 runs" read as gains in 3 of 5 runs only; a policy advisor's reading).
  constexpr std::string_view kTradeOff = " (more costly and more effective in ";
  const std::size_t per = text.find(" per "), trade = text.find(kTradeOff);
  if (text.starts_with("\u20AC") && per != std::string::npos && trade != std::string::npos &&
      text.ends_with(")"))
    return fmt::format("{} (costs more and gains in {})", text.substr(0, per),
                       text.substr(trade + kTradeOff.size(), text.size() - 1 - trade - kTradeOff.size()));
  return text;
}

std::string break_even_text(const InterventionFigures& x, int years, int n, const std::string& noun) {
  // What the interval is: over draws their spread, and from fewer than kPercentileDraws every draw (the
  // words said "the 95% interval" of the lowest to the highest draw; an independent check). The subject
  // alone, for "(... below zero)", and with its verb, for "... lies below zero".
  const std::string interval_of = noun != "draws"         ? "the 95% interval"
                                  : n >= kPercentileDraws ? "the 2,5 to 97,5 percentiles of the draws"
                                                          : "every draw";
  const std::string interval = interval_of + (interval_of.ends_with("draws") ? " lie" : " lies");
  const auto by_last = [&] {
    if (x.p_broken_even.empty()) return std::string();
    const std::string p = format_probability(x.p_broken_even.back(), n, noun);
    return fmt::format("; below zero by year {} in {}", years, p.ends_with("%") ? p + " of " + noun : p);
  };
  if (const BreakEven b = break_even_of(x.cumulative); b.year >= 0) {
    // In the last simulated year "from then on" promised years nothing simulated (an independent check).
    const bool last = b.year + 1 == static_cast<int>(x.cumulative.size());
    // Nothing to earn back when no year before it costs more on average (a scale-up paid by cutting
    // agencies' places): "breaks even" would suggest an outlay that was never made.
    if (!b.outlay)
      return last ? fmt::format(
                        "saves from year {}, the last simulated year, with no outlay to earn back (the "
                        "cumulative "
                        "mean is never above zero; {} below zero in that year only{})",
                        b.year + 1, interval, by_last())
                  : fmt::format(
                        "saves from year {} on, with no outlay to earn back (the cumulative mean is never "
                        "above "
                        "zero; {} below zero from year {} on{})",
                        b.year + 1, interval, b.year + 1, by_last());
    return last ? fmt::format(
                      "breaks even in year {}, the last simulated year ({} below zero in that year; later "
                      "years "
                      "are not simulated{})",
                      b.year + 1, interval, by_last())
                : fmt::format("breaks even in year {} ({} below zero from then on{})", b.year + 1, interval,
                              by_last());
  }
  if (x.cumulative.empty() || x.cumulative.front().n < 2)
    return "no break-even shown: one run has no interval";
  bool all_include_zero = true, last_above = false;
  for (const Stat& c : x.cumulative) {
    const bool includes = !(c.lo > 0) && !(c.hi < 0);
    all_include_zero = all_include_zero && includes;
  }
  if (!x.cumulative.empty()) last_above = x.cumulative.back().lo > 0;
  if (last_above) {
    // Whether the outlay is being earned back: the yearly balance of all payers may already save while the
    // sum stays above zero (the funded scale-up's all payers save 1,49 million in year 5 beside 8,18 still to
    // earn back; an advisor read "no break-even" as never). From the earliest year on from which every yearly
    // interval lies below zero.
    std::string earning;
    if (!x.budget_impact.empty() && x.budget_impact.back().size() >= x.cumulative.size()) {
      const std::vector<Stat>& yearly = x.budget_impact.back();
      int from = static_cast<int>(x.cumulative.size());
      while (from > 0 && yearly[static_cast<std::size_t>(from - 1)].hi < 0) --from;
      const int last_year = static_cast<int>(x.cumulative.size());
      if (from < last_year)
        earning = fmt::format(
            "; all payers together save {} ({} below zero), so it breaks even after the simulated years, "
            "if at all",
            from + 1 == last_year ? fmt::format("in year {}, the last", last_year)
                                  : fmt::format("each year from year {} on", from + 1),
            interval_of);
    }
    return fmt::format("no break-even within {} year{}: the interval lies above zero{}{}", years,
                       years == 1 ? "" : "s", earning, by_last());
  }
  if (all_include_zero)
    return fmt::format("no break-even shown: the interval includes zero in every year{}", by_last());
  return fmt::format("no break-even shown: the interval includes zero in year {}{}", years, by_last());
}

const char* to_string(PayerRole r) {
  switch (r) {
    case PayerRole::NoChange:
      return "no change";
    case PayerRole::Pays:
      return "pays";
    case PayerRole::Saves:
      return "saves";
    case PayerRole::Unclear:
      return "no clear change";
  }
  return "";
}

}  // namespace wijksim
