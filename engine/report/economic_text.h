// The words of the economic evaluation, in Dutch notation like every figure of the report: what an ICER
// means ("dominant (saves € 1.000, gains 0,5)") and which role a payer has.
#pragma once

#include <string>

#include "wijksim/analysis/cost_effectiveness.h"
#include "wijksim/analysis/economic_evaluation.h"

namespace wijksim {

// "€ 20.000 per problem-free household-year", "dominant (saves € 1.000, gains 0,5)",
// "dominated (costs € 1.000 more, loses 0,5)", "saves € 2.000 per problem-free household-year forgone
// (cheaper, less effective)", "no difference in cost or effect". `effect_unit` names one unit of effect.
std::string icer_text(const Icer& i, const std::string& effect_unit = "unit of effect");

// "no change", "pays", "saves", "pays (uncertain)", "saves (uncertain)".
const char* to_string(PayerRole r);

}  // namespace wijksim
