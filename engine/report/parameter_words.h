// A scenario parameter's key path in plain words, for the rows of the tables that name parameters (the
// tornado, the one-way table, the EVPPI): "agencies.*.success_probability" alone told a policy advisor
// nothing (a reading of two PSAs). The key path stays beside the words: it is what --parameters and
// --evppi-group take.
#pragma once

#include <string>
#include <string_view>

namespace wijksim {

// What the parameter at the end of `key_path` is, in a few plain words beginning with a capital ("Chance a
// treatment succeeds"), or "" for a key without words here (a section, a group, a key added later).
std::string_view parameter_words(std::string_view key_path);

// The words and whose the parameter is ("Cost of an escalation, money"), without the key path; the key
// path alone where there are no words for it. For a table whose rows another table names with key paths.
std::string parameter_name(const std::string& key_path);

// A row's label: "Chance a treatment succeeds (agencies.*.success_probability)", or the key path alone
// where there are no words for it. The two-way and threshold tables name their parameters so too.
std::string parameter_label(const std::string& key_path);

// The label within a sentence ("the preferred option by coach FTE (coaches.fte) (columns)"): its first
// letter in lower case unless the word is an abbreviation ("FTE"); the key path alone is left as it is.
std::string parameter_label_in_sentence(const std::string& key_path);

}  // namespace wijksim
