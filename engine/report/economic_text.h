// The words of the economic evaluation, in Dutch notation like every figure of the report: what an ICER
// means ("dominant (saves € 1.000, gains 0,5)") and which role a payer has.
#pragma once

#include <array>
#include <string>

#include "wijksim/analysis/cost_effectiveness.h"
#include "wijksim/analysis/economic_evaluation.h"

namespace wijksim {

// The key of a table's row at a willingness to pay: "wtp_20000", "wtp_0.004" (C notation, the decimals it
// has; the HTML report reads the amount back from it). Whole euros alone made every point of a grid below a
// euro "wtp_0" (outside attack 28).
std::string wtp_row_key(double wtp);

// "€ 20.000 per problem-free household-year", "dominant (saves € 1.000, gains 0,5)",
// "dominated (costs € 1.000 more, loses 0,5)", "saves € 2.000 per problem-free household-year forgone
// (cheaper, less effective)", "no difference in cost or effect". `effect_unit` names one unit of effect.
std::string icer_text(const Icer& i, const std::string& effect_unit = "unit of effect");

// The same, saying how often the quadrant holds over the draws (or runs, `noun`): "dominant in 91% of draws
// (mean: saves € 1.000, gains 0,5)", "dominated in 3 of 5 runs (mean: ...)". A trade-off (NE, SW) adds
// "(more costly and more effective in 80% of draws)".
std::string icer_text(const Icer& i, const std::string& effect_unit,
                      const std::array<double, 5>& quadrant_share, int n, const std::string& noun);

// The same in short, for a narrow column beside the cost and effect it is made of (the terminal's At a
// glance, where the whole text took seven lines of a 120-column screen): the ICER's amount and how often its
// quadrant holds, "€ 7.944 (costs more and gains in 5 of 5 runs)", "dominant in 5 of 5 runs"; the mean cost
// and effect in brackets are left out. A text it does not know is returned as it is.
std::string icer_short_text(const std::string& icer_text);

// The break-even verdict of an intervention: "breaks even in year 2 (...)" only when the cumulative
// difference's interval lies below zero from that year on; otherwise why none is shown, with how often the
// draws (runs) have broken even by the last year.
std::string break_even_text(const InterventionFigures& x, int years, int n, const std::string& noun);

// "no change", "pays", "saves", "no clear change" (the interval holds zero).
const char* to_string(PayerRole r);

}  // namespace wijksim
