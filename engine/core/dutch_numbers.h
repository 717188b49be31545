// Numbers as Dutch readers write them: '.' between thousands, ',' before decimals. Every output for people
// uses these (the text tables, the HTML report, `wijksim trace`), so an amount reads the same everywhere.
#pragma once

#include <string>

namespace wijksim {

// Dutch notation: '.' between thousands, ',' before decimals, rounded half away from zero; "-0" never.
std::string format_dutch(double x, int decimals);
// The same with at most `decimals` decimals and no trailing zeros: 2.5 -> "2,5", 3.75 -> "3,75", 4 -> "4".
std::string format_dutch_short(double x, int decimals);
// "€ 1.234.568" (whole euros), "€ -1.234".
std::string format_euros(double euros);
// "€ 1.234,50": an amount to the cent (a household's costs in `wijksim trace`).
std::string format_euro_cents(double euros);

}  // namespace wijksim
