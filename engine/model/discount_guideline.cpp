#include "wijksim/model/discount_guideline.h"

namespace wijksim {

DiscountRates discount_rates(DiscountGuideline g) {
  switch (g) {
    case DiscountGuideline::Dutch2024:
      return {0.03, 0.015};
    case DiscountGuideline::Dutch2016:
      return {0.04, 0.015};
  }
  return {};
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

}  // namespace wijksim
