// The words of the output that a policy advisor may not know, each with its meaning: one list for the
// report's How to read and the terminal's glance, so that the two define a word the same way.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace wijksim {

struct Term {
  std::string_view word;      // as the tables use it, capitalised to begin a sentence (pp stays pp)
  std::string_view meaning;   // plain text, one or more clauses, no final full stop
  std::string_view shown_as;  // the word as a text that uses it holds it (any case, a whole word)
};

// In the order a reader meets them in the glance.
std::span<const Term> terms();

// The terms that `text` uses (Term::shown_as found in it as a whole word, in any case): the terminal's
// glance defines only the words it shows (it defined EVPI above a glance without one; outside attack 37).
std::vector<Term> terms_used_in(std::string_view text);

}  // namespace wijksim
