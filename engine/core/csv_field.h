// One field of a CSV file (RFC 4180), for both the tables (report/render.cpp) and a run's export
// (store/run_store.cpp).
#pragma once

#include <string>
#include <string_view>

namespace wijksim {

// `s` as a CSV field: in double quotes (each " doubled) when it holds a comma, a quote, a line break or a
// space at either end. A text that a spreadsheet would take for a formula, beginning with =, +, -, @, a tab
// or a carriage return, gets a ' before it, which a spreadsheet shows as text: "=HYPERLINK(...)" as a
// scenario's name or a payer's label ran as a formula (outside attack 36), and a negative figure's text,
// "-5,2 (-8,9 to -1,5)", read as a broken one. A number ("-0.25", "+3") and a lone "-" (a table's "no
// figure") are written as they are. A byte that is not part of valid UTF-8 is written as U+FFFD.
std::string csv_field(std::string_view s);

}  // namespace wijksim
