// Discounting of yearly cost and effect streams.
//
// Convention: start of year. Year 0 is the first simulated year and is not discounted; year t is
// discounted by 1 / (1 + r)^t, as if all of a year's costs and effects fell on its first day. This is the
// usual convention of models with yearly cycles (Drummond et al., Methods for the Economic Evaluation of
// Health Care Programmes, 4th ed., 2015). It gives slightly higher present values than a mid-year
// convention, which would multiply every factor by 1/(1+r)^0.5. Only one convention is offered, so that
// the figures of one run compare with another's.
#pragma once

#include <string>
#include <vector>

#include "wijksim/model/discount_guideline.h"

namespace wijksim {

// 1 / (1 + rate)^year, year counted from 0 (undiscounted). Throws wijksim::Error when year < 0 or
// rate <= -1 (a rate of -100% or below has no meaning).
double discount_factor(double rate, int year);

// Each year's value times its discount factor: out[t] = yearly[t] / (1 + rate)^t.
std::vector<double> discounted(const std::vector<double>& yearly, double rate);

// Present value of a yearly stream: sum over t of yearly[t] / (1 + rate)^t.
double discounted_sum(const std::vector<double>& yearly, double rate);

}  // namespace wijksim
