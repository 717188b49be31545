#include "wijksim/scenario/diagnostics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <tuple>

namespace wijksim::loader {

// 12345678 -> "12,345,678"; non-integers and huge values in fmt's shortest form.
std::string count_text(double v) {
  if (std::isinf(v)) return v > 0 ? "more than can be counted" : "less than can be counted";
  // Beyond 10^18 three digits say it ("5.2e+301", not 5.2000000000000005e+301; outside attack 39).
  if (!(std::fabs(v) < 1e18)) return fmt::format("{:.3g}", v);
  if (v != std::floor(v)) return fmt::format("{}", v);
  std::string digits = fmt::format("{}", static_cast<long long>(std::fabs(v)));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

namespace {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), for "did you mean".
// Case and '-' versus '_' do not count as differences.
int edit_distance(std::string_view a, std::string_view b) {
  auto norm = [](char c) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c == '-' ? '_' : c;
  };
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      int cost = norm(a[i - 1]) == norm(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && norm(a[i - 1]) == norm(b[j - 2]) && norm(a[i - 2]) == norm(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

// A candidate close enough to `word` to be a likely typo: at most 2 edits (fewer than its length), or
// at most a third of its length.
bool close_enough(int d, std::size_t a, std::size_t b) {
  const int len = static_cast<int>(std::max(a, b));
  return (d <= 2 && d < len) || d * 3 <= len;
}

}  // namespace

// The closest candidate if it is close enough to be a likely typo, else "".
std::string suggest(std::string_view word, const std::vector<std::string>& candidates) {
  constexpr std::size_t kLongest = 200;  // longer is not a typo; keeps the quadratic distance cheap
  if (word.size() > kLongest) return "";
  std::string best;
  int best_d = std::numeric_limits<int>::max();
  for (const auto& c : candidates) {
    // The distance is at least the difference in length: skip candidates that cannot be close enough.
    const std::size_t diff = c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
    if (c.size() > kLongest || !close_enough(static_cast<int>(diff), word.size(), c.size())) continue;
    int d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  if (best_d == std::numeric_limits<int>::max()) return "";
  return close_enough(best_d, word.size(), best.size()) ? best : "";
}

// "a payer", "an agency".
std::string with_article(std::string_view noun) {
  const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
  return fmt::format("{} {}", vowel ? "an" : "a", noun);
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += sep;
    s += x;
  }
  return s;
}

// "unknown payer 'muncipality'; did you mean 'municipality'?" or "...; known payers: a, b".
std::string unknown_name(std::string_view what, std::string_view name, const std::vector<std::string>& known,
                         std::string_view known_label) {
  std::string s = name.size() <= 80 ? fmt::format("unknown {} '{}'", what, name)
                                    : fmt::format("unknown {} '{}' ({} bytes)", what, shortened(name),
                                                  count_text(static_cast<double>(name.size())));
  if (std::string near = suggest(name, known); !near.empty()) {
    s += fmt::format("; did you mean '{}'?", near);
    // A letter from another alphabet that looks like a Latin one (a Cyrillic 'а' in "nаme") reads the same
    // as the suggestion: name it.
    for (std::size_t i = 0; i < name.size();) {
      const std::size_t n = std::max<std::size_t>(1, utf8_length(name, i));
      if (n > 1)
        return s +
               fmt::format(" ('{}' holds '{}', U+{:04X}, which is not the ASCII character it may look like)",
                           name, name.substr(i, n), static_cast<std::uint32_t>(code_point(name, i, n)));
      i += n;
    }
    return s;
  }
  if (known.empty()) return s;
  return s + fmt::format("; {}: {}", known_label, join(known));
}

std::string sub_path(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}
std::string index_path(const std::string& base, std::size_t i) {
  return fmt::format("{}[{}]", base, i);
}

std::vector<Diagnostic> Diags::sorted(const std::string& root_file) && {
  auto where = [&](const Diagnostic& d) {
    return std::make_tuple(d.where.file != root_file, std::cref(d.where.file), d.where.line, d.where.column);
  };
  std::stable_sort(list_.begin(), list_.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return where(a) < where(b); });
  std::vector<Diagnostic> out;
  std::set<std::tuple<std::string, int, int, std::string, std::string>> seen;
  std::size_t more = 0;
  for (auto& d : list_) {
    if (!seen.emplace(d.where.file, d.where.line, d.where.column, d.key, d.message).second) continue;
    if (out.size() < kMaxDiagnostics)
      out.push_back(std::move(d));
    else
      ++more;
  }
  if (more > 0)
    out.push_back({out.back().where, "",
                   fmt::format("{} more problem(s) not shown; fix the ones above first",
                               count_text(static_cast<double>(more)))});
  return out;
}

}  // namespace wijksim::loader
