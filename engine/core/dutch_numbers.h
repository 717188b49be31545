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
// "€ 20.000", "€ 2.500,5", "€ 0,004": an amount a user gave or a grid made of it (a willingness to pay),
// with the decimals it has, so that a small one is not shown as "€ 0" (outside attack 28): from a euro
// on, cents where it has them, else whole euros; below a euro, two digits past its first that is not zero.
std::string format_euros_as_given(double euros);
// The fewest decimals, at most 9, that show x to within 1e-9 of itself: 20000 -> 0, 0.25 -> 2, 1/3 -> 9.
int decimals_of(double x);
// "€ 1.234,50": an amount to the cent (a household's costs in `wijksim trace`).
std::string format_euro_cents(double euros);

}  // namespace wijksim
