// What the scenario reader says about a file: the problems it collects (each with file, line, column and
// key path; thrown together as one InputError) and the wording its messages share: counts with thousands
// separators, "did you mean" suggestions, key paths.
#pragma once

#include <algorithm>

#include <string>
#include <string_view>
#include <vector>

#include "wijksim/core/error.h"

namespace wijksim::loader {

inline constexpr std::size_t kMaxDiagnostics = 100;

class Diags {
 public:
  void add(const Location& w, std::string key, std::string msg) {
    list_.push_back({w, std::move(key), std::move(msg)});
  }
  bool empty() const { return list_.empty(); }
  // Whether this very problem (place, key and message) is listed already. A targets file's problem is said
  // "for scenario 'NAME' (FILE): ..."; that of a file a scenario and its comparator share is the same
  // problem whichever scenario it is said for (a review: a bad unit there was counted twice).
  bool holds(const Diagnostic& x) const {
    const auto what = [](std::string_view m) {
      if (m.starts_with("for scenario '"))
        if (const std::size_t at = m.find("): "); at != std::string_view::npos) return m.substr(at + 3);
      return m;
    };
    return std::any_of(list_.begin(), list_.end(), [&](const Diagnostic& y) {
      return y.where == x.where && y.key == x.key && what(y.message) == what(x.message);
    });
  }
  std::size_t size() const { return list_.size(); }
  // Whether a problem is listed at `w` already (a text not valid UTF-8 is not also a malformed name).
  bool any_at(const Location& w) const {
    return std::any_of(list_.begin(), list_.end(), [&](const Diagnostic& y) { return y.where == w; });
  }
  // In file order (the file the user named first), duplicates removed, at most kMaxDiagnostics (a file
  // that is not a scenario at all would otherwise bury the user, and the loader, in messages).
  std::vector<Diagnostic> sorted(const std::string& root_file) &&;

 private:
  std::vector<Diagnostic> list_;
};

// 12345678 -> "12,345,678"; non-integers and huge values in fmt's shortest form.
std::string count_text(double v);
// The closest candidate if it is close enough to be a likely typo, else "".
std::string suggest(std::string_view word, const std::vector<std::string>& candidates);
// "a payer", "an agency".
std::string with_article(std::string_view noun);
std::string join(const std::vector<std::string>& v, std::string_view sep = ", ");
// "unknown payer 'muncipality'; did you mean 'municipality'?" or "...; known payers: a, b".
std::string unknown_name(std::string_view what, std::string_view name, const std::vector<std::string>& known,
                         std::string_view known_label);
std::string sub_path(const std::string& base, std::string_view key);  // "agencies.debt"
std::string index_path(const std::string& base, std::size_t i);       // "rung_shares[2]"

}  // namespace wijksim::loader
