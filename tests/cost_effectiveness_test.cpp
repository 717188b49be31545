// Cost-effectiveness formulas against hand calculations and closed forms.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "standard_normal.h"
#include "wijksim/analysis/cost_effectiveness.h"
#include "wijksim/core/error.h"
#include "wijksim/report/economic_text.h"

using namespace wijksim;

TEST_CASE("ICER and quadrant on hand-made increments", "[economics]") {
  // NE: 1,000 more for 0.5 more: 1000 / 0.5 = 2,000 per unit. A swapped ratio would give 0.0005.
  const Icer ne = icer(1000, 0.5);
  CHECK(ne.quadrant == Quadrant::NE);
  CHECK(ne.value == 2000);
  CHECK(ne.has_ratio());
  CHECK(icer_text(ne, "problem-free household-year") == "€ 2.000 per problem-free household-year");

  // SE: cheaper and more effective. No ratio (-1000/0.5 = -2000 would mislead), the text says dominant.
  const Icer se = icer(-1000, 0.5);
  CHECK(se.quadrant == Quadrant::SE);
  CHECK(std::isnan(se.value));
  CHECK_FALSE(se.has_ratio());
  CHECK(icer_text(se) == "dominant (saves € 1.000, gains 0,5 units of effect)");
  CHECK(icer_text(se).find('-') == std::string::npos);
  // With its unit, in the plural (the report's "gains 0,0185" had none).
  CHECK(icer_text(se, "problem-free household-year") ==
        "dominant (saves € 1.000, gains 0,5 problem-free household-years)");

  // NW: dearer and less effective.
  const Icer nw = icer(1234.4, -0.25);
  CHECK(nw.quadrant == Quadrant::NW);
  CHECK(std::isnan(nw.value));
  CHECK(icer_text(nw) == "dominated (costs € 1.234 more, loses 0,25 units of effect)");

  // SW: saves 1,000 and loses 0.5: 2,000 saved per unit forgone (a positive ratio).
  const Icer sw = icer(-1000, -0.5);
  CHECK(sw.quadrant == Quadrant::SW);
  CHECK(sw.value == 2000);
  CHECK(icer_text(sw) == "saves € 2.000 per unit of effect forgone (cheaper, less effective)");

  // On the axes: a zero difference is "no worse", so dominance decides.
  CHECK(icer(0, 0.5).quadrant == Quadrant::SE);
  CHECK(icer_text(icer(0, 0.5)) == "dominant (same cost, gains 0,5 units of effect)");
  // Three significant digits, never in exponent form: 6.87e-06 is 0,00000687; 123.4 whole.
  CHECK(icer_text(icer(-9.69, 6.87e-6)) == "dominant (saves € 9,69, gains 0,00000687 units of effect)");
  CHECK(icer_text(icer(-9.69, 0.0575)) == "dominant (saves € 9,69, gains 0,0575 units of effect)");
  CHECK(icer_text(icer(-9.69, 123.4)) == "dominant (saves € 9,69, gains 123 units of effect)");
  CHECK(icer(-500, 0).quadrant == Quadrant::SE);
  CHECK(icer_text(icer(-12.5, 0)) == "dominant (saves € 12,50, same effect)");
  CHECK(icer(500, 0).quadrant == Quadrant::NW);
  CHECK(icer(0, -0.5).quadrant == Quadrant::NW);
  CHECK(icer(0, 0).quadrant == Quadrant::Origin);
  CHECK(std::isnan(icer(500, 0).value));  // never an infinite ratio
  CHECK_THROWS_AS(icer(NAN, 1), Error);
}

TEST_CASE("Net monetary benefit", "[economics]") {
  // cost 1,000, effect 0.5, WTP 5,000: 5000 * 0.5 - 1000 = 1,500. Swapping cost and effect would give
  // 5000 * 1000 - 0.5, swapping the sign -1,500.
  CHECK(nmb(1000, 0.5, 5000) == 1500);
  CHECK(nmb(1000, 0.5, 0) == -1000);
  // Incremental NMB equals the difference of the options' NMBs: option (3000, 1.2) vs (2000, 0.7) at
  // 5,000: (6000 - 3000) - (3500 - 2000) = 1,500 = 5000 * 0.5 - 1000.
  CHECK(incremental_nmb(1000, 0.5, 5000) == 1500);
  CHECK(nmb(3000, 1.2, 5000) - nmb(2000, 0.7, 5000) == Approx(incremental_nmb(1000, 0.5, 5000)));
  // Positive incremental NMB exactly when the NE ICER (2,000) is below WTP.
  CHECK(incremental_nmb(1000, 0.5, 1999) < 0);
  CHECK(incremental_nmb(1000, 0.5, 2001) > 0);
}

TEST_CASE("Efficiency frontier with strong and extended dominance", "[economics]") {
  // Options (cost, effect), given out of order:
  //   A (0, 0)          reference, cheapest
  //   B (10000, 0.5)    ICER vs A: 10000 / 0.5 = 20,000
  //   C (12000, 0.4)    dearer than B and less effective: dominated
  //   E (25000, 0.7)    ICER vs B: 15000 / 0.2 = 75,000
  //   D (30000, 1.0)    ICER vs E: 5000 / 0.3 = 16,667 < 75,000, so E is extendedly dominated:
  //                     a mix of B and D gives E's effect for less. Without E, ICER of D vs B:
  //                     20000 / 0.5 = 40,000 > 20,000, so the frontier is A, B, D.
  // Input order: D, A, C, E, B (indices 0..4).
  const std::vector<double> cost = {30000, 0, 12000, 25000, 10000};
  const std::vector<double> effect = {1.0, 0, 0.4, 0.7, 0.5};
  const Frontier f = efficiency_frontier(cost, effect);
  REQUIRE(f.options.size() == 5);
  CHECK(f.order == std::vector<std::size_t>{1, 4, 0});  // A, B, D
  CHECK(f.options[1].status == FrontierStatus::Frontier);
  CHECK(f.options[4].status == FrontierStatus::Frontier);
  CHECK(f.options[0].status == FrontierStatus::Frontier);
  CHECK(f.options[2].status == FrontierStatus::Dominated);
  CHECK(f.options[3].status == FrontierStatus::ExtendedlyDominated);

  CHECK(std::isnan(f.options[1].icer));
  CHECK(f.options[1].previous == FrontierOption::npos);
  CHECK(f.options[4].previous == 1);
  CHECK(f.options[4].icer == Approx(20000));
  CHECK(f.options[4].delta_cost == 10000);
  CHECK(f.options[4].delta_effect == 0.5);
  CHECK(f.options[0].previous == 4);
  CHECK(f.options[0].icer == Approx(40000));
  CHECK(std::isnan(f.options[2].icer));
  CHECK(std::isnan(f.options[3].icer));
  CHECK(std::string(to_string(FrontierStatus::ExtendedlyDominated)) == "extendedly dominated");
}

TEST_CASE("Extended dominance is found again after each removal", "[economics]") {
  // A (0, 0), B (10, 1), C (22, 1.4), D (24, 1.6), E (30, 2). Successive ICERs:
  //   A-B 10, B-C 12/0.4 = 30, C-D 2/0.2 = 10, D-E 6/0.4 = 15: C (30 > 10) is extendedly dominated.
  //   Without C: A-B 10, B-D 14/0.6 = 23.3, D-E 15: now D (23.3 > 15) is.
  //   Without D: A-B 10, B-E 20/1 = 20: increasing; frontier A, B, E.
  const Frontier f = efficiency_frontier({0, 10, 22, 24, 30}, {0, 1, 1.4, 1.6, 2});
  CHECK(f.order == std::vector<std::size_t>{0, 1, 4});
  CHECK(f.options[2].status == FrontierStatus::ExtendedlyDominated);
  CHECK(f.options[3].status == FrontierStatus::ExtendedlyDominated);
  CHECK(f.options[4].icer == Approx(20));
  CHECK(f.options[1].icer == Approx(10));
}

TEST_CASE("Frontier edge cases", "[economics]") {
  // One option: on the frontier, no ICER.
  const Frontier one = efficiency_frontier({5}, {1});
  CHECK(one.order == std::vector<std::size_t>{0});
  CHECK(std::isnan(one.options[0].icer));
  // Identical options: the first listed stays, the second is dominated (dampack: equal or lower effect
  // at equal or higher cost).
  const Frontier same = efficiency_frontier({5, 5}, {1, 1});
  CHECK(same.order == std::vector<std::size_t>{0});
  CHECK(same.options[1].status == FrontierStatus::Dominated);
  // Equal cost, less effect: dominated whatever the order.
  const Frontier tie = efficiency_frontier({5, 5}, {1, 2});
  CHECK(tie.order == std::vector<std::size_t>{1});
  CHECK(tie.options[0].status == FrontierStatus::Dominated);
  // A cheaper, more effective option dominates everything else.
  const Frontier dom = efficiency_frontier({100, 50, 80}, {1, 2, 1.5});
  CHECK(dom.order == std::vector<std::size_t>{1});
  CHECK(efficiency_frontier({}, {}).order.empty());
  CHECK_THROWS_AS(efficiency_frontier({1, 2}, {1}), Error);
}

TEST_CASE("CEAC, CEAF, EVPI and cost-saving on a four-draw example by hand", "[economics]") {
  // Option 0 costs 0 and gains 0 in every draw; option 1 per draw (cost, effect):
  //   (100, 1), (300, 1), (-50, 0.5), (200, -1).
  // WTP 0:   NMB1 = -100, -300, 50, -200. Option 1 best in 1 of 4 draws; mean NMB1 = -137.5 < 0.
  //          EVPI = mean(max(0, NMB1)) - max(0, -137.5) = 50/4 = 12.5.
  // WTP 200: NMB1 = 100, -100, 150, -400. Best in 2 of 4; mean NMB1 = -62.5 < 0, so option 0 is chosen
  //          with probability of being optimal 0.5. EVPI = (100 + 150)/4 = 62.5.
  // WTP 400: NMB1 = 300, 100, 250, -600. Best in 3 of 4; mean 12.5 > 0: option 1 chosen.
  //          EVPI = mean(max(0, NMB1)) - 12.5 = 650/4 - 12.5 = 150.
  const DrawMatrix costs = {{0, 100}, {0, 300}, {0, -50}, {0, 200}};
  const DrawMatrix effects = {{0, 1}, {0, 1}, {0, 0.5}, {0, -1}};
  const std::vector<double> wtp = {0, 200, 400};

  const AcceptabilityCurves c = ceac(costs, effects, wtp);
  CHECK(c.probability[0] == std::vector<double>{0.75, 0.25});
  CHECK(c.probability[1] == std::vector<double>{0.5, 0.5});
  CHECK(c.probability[2] == std::vector<double>{0.25, 0.75});

  const auto f = ceaf(costs, effects, wtp);
  CHECK(f[0].option == 0);
  CHECK(f[0].probability_optimal == 0.75);
  CHECK(f[1].option == 0);
  CHECK(f[1].probability_optimal == 0.5);
  CHECK(f[1].expected_nmb == 0);
  CHECK(f[2].option == 1);
  CHECK(f[2].expected_nmb == Approx(12.5));
  CHECK(f[2].probability_optimal == 0.75);

  const std::vector<double> v = evpi(costs, effects, wtp);
  CHECK(v[0] == Approx(12.5));
  CHECK(v[1] == Approx(62.5));
  CHECK(v[2] == Approx(150));

  // Option 1 costs less than option 0 only in draw 3; option 0 costs less than option 1 in draws 1, 2, 4.
  // A swapped option/reference would give 0.75 for 0.25.
  CHECK(probability_cost_saving(costs, 1, 0) == 0.25);
  CHECK(probability_cost_saving(costs, 0, 1) == 0.75);
  CHECK(probability_cost_saving(costs, 0, 0) == 0);
}

TEST_CASE("CEAC ties are shared and identical options carry no information value", "[economics]") {
  const DrawMatrix costs = {{10, 10}, {20, 20}};
  const DrawMatrix effects = {{1, 1}, {2, 2}};
  const AcceptabilityCurves c = ceac(costs, effects, {0, 100});
  CHECK(c.probability[0] == std::vector<double>{0.5, 0.5});
  CHECK(c.probability[1] == std::vector<double>{0.5, 0.5});
  CHECK(evpi(costs, effects, {0, 100}) == std::vector<double>{0, 0});
  CHECK_THROWS_AS(ceac({{1, 2}, {1}}, {{1, 2}, {1}}, {0}), Error);
  CHECK_THROWS_AS(ceac({}, {}, {0}), Error);
  CHECK_THROWS_AS(evpi({{1, 2}}, {{1, NAN}}, {0}), Error);
}

TEST_CASE("CEAC and EVPI against the closed form for normal incremental net benefit", "[economics]") {
  // Two options. Option 0: cost ~ N(5000, 500), effect ~ N(1, 0.2). Option 1 = option 0 plus an increment
  // dc ~ N(1000, 400), de ~ N(0.05, 0.04), all independent. Then the incremental NMB at WTP l is
  //   X = l de - dc ~ N(mu, sigma^2), mu = 0.05 l - 1000, sigma^2 = 0.0016 l^2 + 160000,
  // whatever option 0's values, and (Briggs et al. 2006, ch. 7):
  //   P(option 1 optimal) = P(X > 0) = Phi(mu/sigma);
  //   EVPI = E[max(0, X)] - max(0, E X) = mu Phi(mu/sigma) + sigma phi(mu/sigma) - max(0, mu).
  // The draws come from the standard library's generator, independent of the code under test.
  constexpr int n = 200000;
  std::mt19937_64 gen(424242);
  std::normal_distribution<double> c0(5000, 500), e0(1, 0.2), dc(1000, 400), de(0.05, 0.04);
  DrawMatrix costs(n), effects(n);
  for (int d = 0; d < n; ++d) {
    const double cost0 = c0(gen), effect0 = e0(gen);
    costs[d] = {cost0, cost0 + dc(gen)};
    effects[d] = {effect0, effect0 + de(gen)};
  }
  // mu = -1000, -500, 0, 500, 1500.
  const std::vector<double> wtp = {0, 10000, 20000, 30000, 50000};
  const AcceptabilityCurves c = ceac(costs, effects, wtp);
  const auto f = ceaf(costs, effects, wtp);
  const std::vector<double> v = evpi(costs, effects, wtp);

  for (std::size_t w = 0; w < wtp.size(); ++w) {
    const double l = wtp[w];
    const double mu = 0.05 * l - 1000;
    const double sigma = std::sqrt(0.0016 * l * l + 160000);
    const double z = mu / sigma;
    const double p1 = normal_cdf(z);
    INFO("WTP " << l << ", mu " << mu << ", sigma " << sigma);

    // CEAC: a binomial share, four standard errors.
    CHECK(std::abs(c.probability[w][1] - p1) < 4 * std::sqrt(p1 * (1 - p1) / n) + 1e-12);
    CHECK(c.probability[w][0] + c.probability[w][1] == Approx(1.0));

    // EVPI. The estimate is the mean of the regret max(0, X) - X [option 1 chosen]: for mu < 0 that is
    // max(0, X), for mu > 0 it is max(0, -X). With Y ~ N(m, s^2) and z = m/s,
    // E max(0, Y) = m Phi(z) + s phi(z) and E max(0, Y)^2 = (m^2 + s^2) Phi(z) + m s phi(z), which give
    // the regret's sd and so the standard error. At mu = 0 the choice itself is a coin flip, which adds up
    // to about sigma/sqrt(n) more.
    const double expected = mu * normal_cdf(z) + sigma * normal_pdf(z) - std::max(0.0, mu);
    const double m = -std::abs(mu), zm = m / sigma;
    const double first = m * normal_cdf(zm) + sigma * normal_pdf(zm);
    const double second = (m * m + sigma * sigma) * normal_cdf(zm) + m * sigma * normal_pdf(zm);
    double tol = 4 * std::sqrt((second - first * first) / n);
    if (std::abs(mu) < 1e-9) tol += 4 * sigma / std::sqrt(double(n));
    CHECK(first == Approx(expected));  // the two forms of the closed form agree
    CHECK(std::abs(v[w] - expected) < tol);

    // CEAF: option 1 when mu > 0 (expected NMB favours it), option 0 when mu < 0.
    if (mu < 0) CHECK(f[w].option == 0);
    if (mu > 0) CHECK(f[w].option == 1);
    CHECK(f[w].probability_optimal == c.probability[w][f[w].option]);
  }
  // WTP 30,000: Phi(500 / 1264.9) = Phi(0.3953) = 0.6537, by table.
  CHECK(c.probability[3][1] == Approx(0.6537).margin(4 * std::sqrt(0.6537 * 0.3463 / n) + 1e-4));

  // Probability cost-saving: P(dc < 0) = Phi(-1000/400) = Phi(-2.5) = 0.00621.
  const double p_save = normal_cdf(-2.5);
  CHECK(std::abs(probability_cost_saving(costs, 1, 0) - p_save) < 4 * std::sqrt(p_save * (1 - p_save) / n));
  CHECK(std::abs(probability_cost_saving(costs, 0, 1) - (1 - p_save)) <
        4 * std::sqrt(p_save * (1 - p_save) / n));
}

TEST_CASE("Three options: CEAC rows sum to one and a dominated option is never chosen", "[economics]") {
  // Option 2 = option 1 plus 100 in cost, same effect: it never has the highest NMB.
  std::mt19937_64 gen(7);
  std::normal_distribution<double> noise(0, 1);
  DrawMatrix costs, effects;
  for (int d = 0; d < 5000; ++d) {
    const double c1 = 1000 + 200 * noise(gen), e1 = 1 + 0.3 * noise(gen);
    costs.push_back({1000 + 100 * noise(gen), c1, c1 + 100});
    effects.push_back({1 + 0.1 * noise(gen), e1, e1});
  }
  const std::vector<double> wtp = wtp_grid(0, 5000, 11);
  const AcceptabilityCurves c = ceac(costs, effects, wtp);
  const std::vector<double> v = evpi(costs, effects, wtp);
  for (std::size_t w = 0; w < wtp.size(); ++w) {
    CHECK(c.probability[w][0] + c.probability[w][1] + c.probability[w][2] == Approx(1.0));
    CHECK(c.probability[w][2] == 0);
    CHECK(v[w] >= 0);
  }
}

TEST_CASE("Willingness-to-pay grid and column means", "[economics]") {
  CHECK(wtp_grid(0, 50000, 6) == std::vector<double>{0, 10000, 20000, 30000, 40000, 50000});
  CHECK(wtp_grid(7, 9, 1) == std::vector<double>{7});
  CHECK(column_means({{1, 10}, {3, 20}}) == std::vector<double>{2, 15});
}

TEST_CASE("The acceptability grid holds the frontier's ICERs, where the best on average changes",
          "[economics]") {
  // Three options: (cost 0, effect 0), (1000, 0.1), (2833.3, 0.2). Frontier ICERs by hand: 1000 / 0.1 =
  // 10000 (already a point of the grid) and 1833.3 / 0.1 = 18333 (added, in whole euros).
  const Frontier f = efficiency_frontier({0, 1000, 2833.3}, {0, 0.1, 0.2});
  REQUIRE(f.order.size() == 3);
  std::vector<double> grid = wtp_grid(0, 100000, 11);
  add_frontier_icers(grid, f);
  CHECK(grid ==
        std::vector<double>{0, 10000, 18333, 20000, 30000, 40000, 50000, 60000, 70000, 80000, 90000, 100000});
  // Below that ICER the cheaper of the two has the higher expected net benefit, above it the dearer: at
  // 18000, 1800 - 1000 = 800 against 3600 - 2833.3 = 766.7; at 19000, 900 against 966.7.
  const auto at = ceaf({{0, 1000, 2833.3}}, {{0, 0.1, 0.2}}, {18000.0, 19000.0});
  CHECK(at[0].option == 1);
  CHECK(at[1].option == 2);
  // An ICER beyond the grid's end is not added; nor one of a dominated option (off the frontier).
  std::vector<double> small = wtp_grid(0, 10000, 11);
  add_frontier_icers(small, f);
  CHECK(small == wtp_grid(0, 10000, 11));
}

TEST_CASE("Quantiles by R's type 7 and the percentile interval", "[economics]") {
  // x = 1..10 (given shuffled). h = 9p. p = 0.025: h = 0.225, 1 + 0.225 = 1.225; p = 0.975: h = 8.775,
  // 9 + 0.775 = 9.775. R: quantile(1:10, c(0.025, 0.975)) gives 1.225 and 9.775.
  const std::vector<double> x = {7, 3, 10, 1, 5, 9, 2, 8, 4, 6};
  const Interval ci = percentile_interval(x, 0.025, 0.975);
  CHECK(ci.lower == Approx(1.225));
  CHECK(ci.upper == Approx(9.775));
  CHECK(quantile({1, 2, 3, 4}, 0.5) == 2.5);
  CHECK(quantile({3, 1, 2}, 0.5) == 2);
  CHECK(quantile({3, 1, 2}, 0) == 1);
  CHECK(quantile({3, 1, 2}, 1) == 3);
  CHECK(quantile({42}, 0.975) == 42);
  CHECK_THROWS_AS(quantile({}, 0.5), Error);
  CHECK_THROWS_AS(quantile({1, 2}, 1.5), Error);
  CHECK_THROWS_AS(percentile_interval(x, 0.9, 0.1), Error);
}

TEST_CASE("Mean, sd and Monte Carlo standard error", "[economics]") {
  // {2, 4, 4, 4, 5, 5, 7, 9}: mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32; sample variance 32/7;
  // sd sqrt(32/7) = 2.13809; standard error of the mean sqrt(32/7/8) = sqrt(4/7) = 0.755929.
  const std::vector<double> x = {2, 4, 4, 4, 5, 5, 7, 9};
  CHECK(mean(x) == 5);
  CHECK(sd(x) == Approx(std::sqrt(32.0 / 7)));
  CHECK(mc_standard_error(x) == Approx(std::sqrt(4.0 / 7)));
  CHECK(std::isnan(sd({1.0})));
  CHECK(std::isnan(mc_standard_error({1.0})));
  CHECK_THROWS_AS(mean({}), Error);
  // Ten equal values spread by nothing, though their mean rounds off them (the sum of ten 0.455 over 10 is
  // not 0.455 in doubles, so a plain two-pass sd gave 5.9e-17).
  const std::vector<double> same(10, 0.455);
  double plain = 0;
  for (const double v : same) plain += v;
  REQUIRE(plain / 10 != 0.455);  // the premise: a plain mean misses them
  CHECK(mean(same) == 0.455);    // the mean of equal values is that value (model.md 13.3)
  CHECK(sd(same) == 0);
  CHECK(mc_standard_error(same) == 0);
}

TEST_CASE("probability best: each draw at its own willingness to pay, ties shared", "[cea]") {
  // By hand, NMB = w x effect - cost per option:
  //   draw 1, w 10:  {0, 10 - 5, 10 - 8} = {0, 5, 2}       -> option 1
  //   draw 2, w 10:  {0, 10 - 10, 20 - 20} = {0, 0, 0}     -> a tie of all three, a third each
  //   draw 3, w 100: {0, 100 - 5, 100 - 8} = {0, 95, 92}   -> option 1
  //   draw 4, w 100: {0, 100 - 50, 200 - 60} = {0, 50, 140} -> option 2
  const DrawMatrix costs = {{0, 5, 8}, {0, 10, 20}, {0, 5, 8}, {0, 50, 60}};
  const DrawMatrix effects = {{0, 1, 1}, {0, 1, 2}, {0, 1, 1}, {0, 1, 2}};
  const std::vector<double> p = probability_best(costs, effects, {10, 10, 100, 100});
  REQUIRE(p.size() == 3);
  CHECK(p[0] == Approx(1.0 / 12));
  CHECK(p[1] == Approx((1 + 1.0 / 3 + 1) / 4));
  CHECK(p[2] == Approx((1.0 / 3 + 1) / 4));
  // One willingness to pay for every draw is a point of the acceptability curves.
  const AcceptabilityCurves at_10 = ceac(costs, effects, {10});
  CHECK(at_10.probability.at(0) == probability_best(costs, effects, {10, 10, 10, 10}));
  CHECK_THROWS_AS(probability_best(costs, effects, {10}), Error);
}
