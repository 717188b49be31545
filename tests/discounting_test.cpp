// Discounting against hand calculations.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "wijksim/analysis/discounting.h"
#include "wijksim/core/error.h"

using namespace wijksim;

TEST_CASE("A known stream discounted by hand", "[discounting]") {
  // 100 a year for 3 years at 3%, start-of-year convention:
  // 100 + 100/1.03 + 100/1.03^2 = 100 + 97.08738 + 94.25959 = 291.34697.
  const std::vector<double> stream = {100, 100, 100};
  CHECK(discounted_sum(stream, 0.03) == Approx(291.34697).epsilon(1e-7));
  const std::vector<double> each = discounted(stream, 0.03);
  REQUIRE(each.size() == 3);
  CHECK(each[0] == 100);  // year 0 undiscounted
  CHECK(each[1] == Approx(97.08738).epsilon(1e-7));
  CHECK(each[2] == Approx(94.25959).epsilon(1e-7));
  // A rate of zero leaves the stream as it is.
  CHECK(discounted_sum(stream, 0.0) == 300);
  CHECK(discounted_sum({}, 0.03) == 0);
}

TEST_CASE("Discount factors", "[discounting]") {
  CHECK(discount_factor(0.03, 0) == 1);
  // 1.04^10 = 1.4802443; 1 / 1.4802443 = 0.6755642.
  CHECK(discount_factor(0.04, 10) == Approx(0.6755642).epsilon(1e-7));
  // 1 / 1.015^2 = 1 / 1.030225 = 0.9706617.
  CHECK(discount_factor(0.015, 2) == Approx(0.9706617).epsilon(1e-7));
  // Costs falling later are worth less at the higher cost rate than effects at the lower effect rate.
  CHECK(discount_factor(0.03, 5) < discount_factor(0.015, 5));
  CHECK_THROWS_AS(discount_factor(0.03, -1), Error);
  CHECK_THROWS_AS(discount_factor(-1.0, 3), Error);
  CHECK_THROWS_AS(discount_factor(NAN, 3), Error);
}

TEST_CASE("Dutch guideline presets", "[discounting]") {
  // Zorginstituut Nederland: 2016 guideline costs 4%, effects 1.5%; January 2024 update costs 3%,
  // effects 1.5%.
  CHECK(discount_rates(DiscountGuideline::Dutch2024).costs == 0.03);
  CHECK(discount_rates(DiscountGuideline::Dutch2024).effects == 0.015);
  CHECK(discount_rates(DiscountGuideline::Dutch2016).costs == 0.04);
  CHECK(discount_rates(DiscountGuideline::Dutch2016).effects == 0.015);
  // The default-constructed rates are the current guideline's.
  CHECK(DiscountRates{}.costs == 0.03);
  CHECK(DiscountRates{}.effects == 0.015);

  for (DiscountGuideline g : {DiscountGuideline::Dutch2024, DiscountGuideline::Dutch2016}) {
    DiscountGuideline parsed = DiscountGuideline::Dutch2024;
    REQUIRE(parse_discount_guideline(to_string(g), parsed));
    CHECK(parsed == g);
  }
  DiscountGuideline out = DiscountGuideline::Dutch2016;
  CHECK_FALSE(parse_discount_guideline("uk-nice", out));
  CHECK(out == DiscountGuideline::Dutch2016);
}
