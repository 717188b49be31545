// The words of the output that a policy advisor may not know, each with its meaning: one list for the
// report's How to read and the terminal's glance, so that the two define a word the same way.
#pragma once

#include <span>
#include <string_view>

namespace wijksim {

struct Term {
  std::string_view word;     // as the tables use it, capitalised to begin a sentence (pp stays pp)
  std::string_view meaning;  // plain text, one or more clauses, no final full stop
};

// In the order a reader meets them in the glance.
std::span<const Term> terms();

}  // namespace wijksim
