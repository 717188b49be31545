// The starting population, drawn to reproduce the seeds' baseline survey table: the share of households
// with one or several problems and the number of professionals involved (Scenario::population).
#pragma once

#include <vector>

#include "wijksim/core/random_streams.h"
#include "wijksim/model/household.h"
#include "wijksim/model/model.h"
#include "wijksim/simulation/week_tally.h"

namespace wijksim {

// Fills `households` (one per Scenario::population.households). Problems that have a professional are
// placed on their agency's waiting list through `joins` (week 0); duplicates are opened directly.
void draw_population(const Model& m, const RandomStreams& rng, std::vector<Household>& households,
                     std::vector<QueueJoin>& joins);

// Index of the category a uniform u falls in, given shares that sum to one (the last absorbs rounding).
int draw_category(double u, const double* shares, int n);

}  // namespace wijksim
