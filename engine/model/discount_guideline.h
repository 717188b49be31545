// The discount rates of the Dutch guideline for economic evaluation in health care (Zorginstituut
// Nederland), which a scenario names in `economics.guideline` (analysis/discounting.h applies them).
#pragma once

#include <string>

namespace wijksim {

// Annual discount rates for costs and for effects, as fractions (0.03 = 3%).
struct DiscountRates {
  double costs = 0.03;
  double effects = 0.015;
};

// Presets of the Dutch guideline for economic evaluation in health care (Zorginstituut Nederland).
enum class DiscountGuideline {
  Dutch2024,  // January 2024 update: costs 3%, effects 1.5%
  Dutch2016,  // 2016 guideline: costs 4%, effects 1.5%
};

DiscountRates discount_rates(DiscountGuideline g);
const char* to_string(DiscountGuideline g);  // "dutch-2024", "dutch-2016"
// Parses "dutch-2024" / "dutch-2016"; returns false when the name is unknown.
bool parse_discount_guideline(const std::string& name, DiscountGuideline& out);

}  // namespace wijksim
