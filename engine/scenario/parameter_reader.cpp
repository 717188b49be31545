#include "wijksim/scenario/parameter_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace wijksim::loader {

bool parse_double(std::string_view s, double& v) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  // A subnormal (4.9e-324) is "above 0" yet prints as 0 and loses its digits: read as too close to 0.
  return ec == std::errc() && end == s.data() + s.size() && std::fpclassify(v) != FP_SUBNORMAL;
}

std::string comma_advice(std::string_view t) {
  if (t.find(',') == std::string_view::npos) return "";
  // Digits grouped by commas in threes after a first group of one to three: "2,800", "-1,234,567".
  std::string_view digits = t;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) digits.remove_prefix(1);
  bool grouped = !digits.empty();
  int groups = 0;
  std::size_t first = digits.find(',');
  if (first == 0 || first > 3) grouped = false;
  for (std::size_t i = 0; grouped && i < digits.size(); ++i) {
    const bool comma_here = i >= first && (i - first) % 4 == 0;
    if (comma_here) {
      grouped = digits[i] == ',';
      ++groups;
    } else {
      grouped = std::isdigit(static_cast<unsigned char>(digits[i])) != 0;
    }
  }
  grouped = grouped && (digits.size() - first) % 4 == 0;
  std::string without(t);
  std::erase(without, ',');
  std::string point(t);
  std::replace(point.begin(), point.end(), ',', '.');
  double v = 0;
  if (grouped && groups > 1) return fmt::format("no commas between thousands: write {}", without);
  if (grouped && parse_double(point, v))
    return fmt::format("a comma between thousands, or a decimal comma? write {} or {}", without, v);
  if (parse_double(point, v)) return fmt::format("use a decimal point: {}", point);
  return "";
}

std::string leading_zero_advice(std::string_view t) {
  std::string_view digits = t;
  const bool minus = !digits.empty() && digits.front() == '-';
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) digits.remove_prefix(1);
  const bool whole =
      std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); });
  if (digits.size() < 2 || digits.front() != '0' || !whole) return "";
  const std::size_t first = std::min(digits.find_first_not_of('0'), digits.size() - 1);  // "00" is 0
  return fmt::format(
      "expected a number without leading zeros, found '{}' (YAML 1.1 readers take it as an octal number): "
      "write {}{}",
      t, minus ? "-" : "", digits.substr(first));
}

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// A section (a map) under `parent`; nullptr when absent (reported if required) or not a map.
void MapReader::done(std::string_view noun) {
  for (std::size_t i = 0; i < n_.keys.size(); ++i) {
    const std::string& k = n_.keys[i];
    if (std::find(asked_.begin(), asked_.end(), k) != asked_.end()) continue;
    std::string msg;
    if (k == "<<") {
      msg = "YAML merge keys ('<<') are not supported: use 'extends' to inherit from another scenario";
    } else {
      const std::string near = suggest(k, asked_);
      for (auto& m : missing_)
        if (!near.empty() &&
            std::find(m.alternatives.begin(), m.alternatives.end(), near) != m.alternatives.end())
          m.explained = true;
      // `cost: 7500,5` inside { } is two entries, `cost: 7500` and a key `5`: the number was cut at its
      // comma.
      // Only where it shares its line with the key before it: a number as a key of its own line is not that.
      if (!k.empty() && std::all_of(k.begin(), k.end(), [](unsigned char c) { return std::isdigit(c); }) &&
          i > 0 && n_.key_where[i].line == n_.key_where[i - 1].line)
        msg = fmt::format(
            "'{}' is not a key: inside {{ }} a decimal comma ends the number before it and YAML reads what "
            "follows as a key of its own; write a decimal point (2.5, not 2,5)",
            k);
      else
        msg =
            unknown_name(noun, k, asked_, noun == "key" ? "expected one of" : fmt::format("known {}s", noun));
    }
    d_.add(n_.key_where[i], sub(k), msg);
  }
  for (const auto& m : missing_)
    if (!m.explained) d_.add(n_.where, m.key, m.message);
  missing_.clear();
}

std::string number_hint(const std::string& t) {
  double v = 0;
  if (!t.empty() && t.back() == '%' && parse_double(std::string_view(t).substr(0, t.size() - 1), v))
    return fmt::format("expected a number, found '{}' (write a share as a fraction: {})", t, v / 100);
  if (const std::string advice = comma_advice(t); !advice.empty())
    return fmt::format("expected a number, found '{}' ({})", t, advice);
  // Dutch notation, 1.234,5: points group the thousands and the comma is the decimal sign.
  if (std::string c = t; std::erase(c, '.') > 0 && c.find(',') != std::string::npos) {
    std::replace(c.begin(), c.end(), ',', '.');
    if (parse_double(c, v))
      return fmt::format("expected a number, found '{}' (Dutch notation? write {})", t, c);
  }
  std::string lower = t;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (parse_double(t, v) || lower == ".inf" || lower == "-.inf" || lower == "+.inf" || lower == ".nan")
    return fmt::format("expected a finite number, found '{}'", t);
  // A numeral beyond what a double holds (1e400), or too close to 0 to hold (1e-400).
  if (!t.empty()) {
    errno = 0;
    char* end = nullptr;
    const double x = std::strtod(t.c_str(), &end);
    if (end == t.c_str() + t.size() && errno == ERANGE)
      return std::abs(x) > 1
                 ? fmt::format(
                       "expected a number, found '{}', which is beyond the largest a number can be "
                       "(about 1.8e308)",
                       t)
                 : fmt::format(
                       "expected a number, found '{}', which is too close to 0 to be held: write 0, "
                       "or a number of at least 1e-300",
                       t);
  }
  return "";
}

std::string not_a_number(const Node& n) {
  if (n.is(Node::Kind::Scalar))
    if (std::string hint = number_hint(n.text); !hint.empty()) return hint;
  return fmt::format("expected a number, found {}", found(n));
}

std::string not_a_number(const std::string& t) {
  const std::string hint = number_hint(t);
  return hint.empty() ? fmt::format("expected a number, found '{}'", t) : hint;
}

namespace {

// Where the values of a distribution lie, for checking against a parameter's range. A distribution with
// tails (normal, lognormal, gamma) is checked between its quantiles at Phi(-3) and Phi(3), a normal's mean
// -/+ 3 sd: all but 0,27% of its draws; the rest are clamped into the range (ParameterSetter::clamped).
// Checked over the whole support, a gamma for coach FTE (at most 100,000) was refused however far below
// the bound it lay, while money's bound was not checked at all (outside attack 39).
constexpr double kTailShare = 0.0013498980316300946;  // Phi(-3)
struct Support {
  double lo, hi;
  bool lo_open;
};
bool has_tails(const Distribution& d) {
  using K = Distribution::Kind;
  return d.kind == K::Normal || d.kind == K::LogNormal || d.kind == K::Gamma;
}
Support support_of(const Distribution& d) {
  using K = Distribution::Kind;
  switch (d.kind) {
    case K::Fixed:
      return {d.a, d.a, false};
    case K::Uniform:
      return {d.a, d.b, false};
    case K::Triangular:
      return {d.a, d.c, false};
    case K::Normal:
      return {d.a - 3 * d.b, d.a + 3 * d.b, false};  // checked at +-3 sd; tails are clamped
    case K::LogNormal:
    case K::Gamma:
      return {d.quantile(kTailShare), d.quantile(1 - kTailShare), false};
    case K::Beta:
      return {0, 1, true};
  }
  return {0, 0, false};
}

}  // namespace

Scenario ParameterReader::largest() const {
  Scenario w = s_;
  for (std::size_t i = 0; i < uncertain_.size(); ++i) {
    const auto* dist = std::get_if<Distribution>(&uncertain_[i].law);
    const ParameterSetter& a = apply_[i];
    if (!dist || !a.set || has_tails(*dist)) continue;
    double v = std::clamp(support_of(*dist).hi, a.lo, a.hi);
    if (a.whole) v = std::floor(v);
    a.set(w, v);
  }
  return w;
}

const Node* ParameterReader::section(MapReader& parent, std::string_view key, bool required) {
  const Node* n = parent.get(key);
  if (!n) {
    // At the top, a misspelt `extends` explains every section missing (they come from the file it would
    // name): said once, not once a section.
    if (required)
      parent.missing(
          key, fmt::format("missing required section '{}'", key),
          parent.path().empty() ? std::vector<std::string>{"extends"} : std::vector<std::string>{});
    return nullptr;
  }
  if (!n->is(Node::Kind::Map)) {
    d_.add(n->where, parent.sub(key), fmt::format("expected a map, found {}", found(*n)));
    return nullptr;
  }
  return n;
}

// What keeps a text from showing as written on a terminal: a control character (a line break in a label split
// a budget row over two lines; outside attack 8), or one of Unicode's direction embeddings, overrides and
// isolates (U+202A-U+202E, U+2066-U+2069), which reorder the text after them, or a control character beyond
// ASCII's (unicode_control: C1, U+2028, U+2029, which broke a report chart; outside attack 36). "" when
// there is none.
// `breaks`: line breaks and tabs are text here (a description).
std::string unshown_characters(std::string_view s, bool breaks) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    // Named (outside attack 39: a carriage return, "\r", was told "line breaks are fine" and "a control
    // character such as an escape").
    if ((c < 0x20 || c == 0x7f) && !(breaks && (c == '\n' || c == '\t')))
      return fmt::format("a control character (U+{:04X}{})", c,
                         c == '\r' ? ", a carriage return, which a terminal shows by writing over the line's "
                                     "start; a line break is \\n"
                         : c == '\n' ? ", a line break"
                         : c == '\t' ? ", a tab"
                         : c == 0x1b ? ", an escape"
                         : c == 0    ? ", a NUL"
                                     : "");
    if (const std::size_t n = utf8_length(s, i); n > 1) {
      const char32_t u = code_point(s, i, n);
      if (reorders_text(u))
        return fmt::format("a direction control (U+{:04X}), which reorders the text after it",
                           static_cast<std::uint32_t>(u));
      if (unicode_control(u))
        return fmt::format("a control character (U+{:04X}{})", static_cast<std::uint32_t>(u),
                           u == 0x2028 || u == 0x2029 || u == 0x85 ? ", a line break" : "");
      i += n - 1;
    }
  }
  return "";
}

std::optional<std::string> ParameterReader::text(const Node* n, const std::string& path,
                                                 std::size_t max_characters) {
  if (!n) return std::nullopt;
  if (!n->is(Node::Kind::Scalar)) {
    d_.add(n->where, path, fmt::format("expected a text, found {}", found(*n)));
    return std::nullopt;
  }
  // Counted in code points (kMaxText): a 5 MB name failed only in the store, with a resume that never could.
  std::size_t characters = 0;
  for (const char c : n->text) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  if (characters > max_characters) {
    d_.add(n->where, path,
           fmt::format("expected a text of at most {} characters, found one of {}",
                       count_text(max_characters), count_text(static_cast<double>(characters))));
    return std::nullopt;
  }
  return n->text;
}

std::optional<std::string> ParameterReader::text_shown(const Node* n, const std::string& path,
                                                       std::size_t max_characters, bool lines) {
  std::optional<std::string> t = text(n, path, max_characters);
  if (!t) return t;
  if (const std::string hidden = unshown_characters(*t, lines); !hidden.empty()) {
    d_.add(n->where, path,
           lines ? fmt::format("expected text: line breaks (\\n) and tabs are fine, other control characters "
                               "(such as an escape) and direction controls are not; it has {}",
                               hidden)
                 : fmt::format("expected text that shows on one line: it has {}; write it without", hidden));
    return std::nullopt;
  }
  return t;
}

std::optional<std::string> ParameterReader::text_that_shows(const Node* n, const std::string& path,
                                                            std::size_t max_characters, bool lines) {
  std::optional<std::string> t = text_shown(n, path, max_characters, lines);
  if (t && shows_blank(*t)) {
    d_.add(n->where, path, "expected text that shows, found an empty text (or blank space only)");
    return std::nullopt;
  }
  return t;
}

std::optional<bool> ParameterReader::boolean(const Node* n, const std::string& path) {
  if (!n) return std::nullopt;
  if (n->is(Node::Kind::Scalar) && n->quoted) {
    d_.add(n->where, path,
           fmt::format(
               "expected true or false, found {} in quotes or as a block (write it plainly, without quotes)",
               found(*n)));
    return std::nullopt;
  }
  // In the three spellings YAML gives each word (true, True, TRUE; YAML 1.1's yes and on as well): another
  // reader takes "tRUE" or "yEs" for a text, which this one took for a boolean (outside attack 64).
  if (n->is(Node::Kind::Scalar)) {
    const auto spelled = [&](std::string_view word) {
      std::string capital(word), upper(word);
      capital[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(capital[0])));
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      return n->text == word || n->text == capital || n->text == upper;
    };
    if (spelled("true") || spelled("yes") || spelled("on")) return true;
    if (spelled("false") || spelled("no") || spelled("off")) return false;
  }
  d_.add(n->where, path, fmt::format("expected true or false, found {}", found(*n)));
  return std::nullopt;
}

std::optional<std::string> ParameterReader::choice(const Node* n, const std::string& path,
                                                   const std::vector<std::string>& options) {
  auto t = text(n, path);
  if (!t) return std::nullopt;
  if (std::find(options.begin(), options.end(), *t) != options.end()) return t;
  std::string msg = fmt::format("expected one of {}, found '{}'", join(options), *t);
  if (std::string near = suggest(*t, options); !near.empty())
    msg += fmt::format("; did you mean '{}'?", near);
  d_.add(n->where, path, msg);
  return std::nullopt;
}

// A reference to a payer or domain by name. When the section that defines the names is missing or broken
// (`known` false) it has its own diagnostic: references to it are not reported one by one.
std::optional<int> ParameterReader::ref(const Node* n, const std::string& path,
                                        const std::vector<std::string>& names, std::string_view what,
                                        bool known) {
  if (!n) return std::nullopt;
  if (!n->is(Node::Kind::Scalar)) {
    d_.add(n->where, path, fmt::format("expected {} name, found {}", with_article(what), found(*n)));
    return std::nullopt;
  }
  auto it = std::find(names.begin(), names.end(), n->text);
  if (it != names.end()) return static_cast<int>(it - names.begin());
  if (!known) return std::nullopt;
  d_.add(n->where, path, unknown_name(what, n->text, names, fmt::format("known {}s", what)));
  return std::nullopt;
}

// A plain number (no distribution) within `r`.
std::optional<double> ParameterReader::plain(const Node& n, const std::string& path, const Range& r) {
  double v = 0;
  if (n.is(Node::Kind::Scalar) && n.quoted && parse_double(n.text, v)) {
    // YAML reads "2" as a text; taking it as the number would accept what the file does not say.
    d_.add(n.where, path, fmt::format("expected a number, found {} {}", found(n), kNumberAsText));
    return std::nullopt;
  }
  if (!n.is(Node::Kind::Scalar) || !parse_double(n.text, v) || !std::isfinite(v)) {
    d_.add(n.where, path, not_a_number(n));
    return std::nullopt;
  }
  if (std::string advice = leading_zero_advice(n.text); !advice.empty()) {
    d_.add(n.where, path, std::move(advice));
    return std::nullopt;
  }
  if (!r.contains(v)) {
    d_.add(n.where, path, fmt::format("expected {}, found {}", r.describe(v > r.hi), n.text));
    return std::nullopt;
  }
  return v;
}

// A number or a distribution for the parameter at `path`. Sets the base scenario (the mean) through
// `set` and records a distribution as an uncertain parameter. `may_vary` false: a number only.
std::optional<double> ParameterReader::number(const Node& n, const std::string& path, const Range& r,
                                              const Set& set, bool may_vary) {
  if (n.is(Node::Kind::Map)) {
    if (!may_vary) {
      // A map is a distribution only with its `dist:` key ({} was said as one; outside attack 14).
      d_.add(n.where, path,
             n.find("dist") >= 0
                 ? fmt::format("expected a fixed number, found a distribution ({})", fixed_reason_)
                 : fmt::format("expected a fixed number, found {}",
                               n.children.empty() ? "an empty map ({})" : "a map"));
      return std::nullopt;
    }
    std::optional<Distribution> dist = distribution(n, path, r);
    if (!dist) return std::nullopt;
    double mean = dist->mean();
    if (r.whole) mean = std::clamp(std::round(mean), std::ceil(r.lo), std::floor(r.hi));
    if (set) set(s_, mean);
    if (dist->kind != Distribution::Kind::Fixed && set) {
      uncertain_.push_back({path, n.where, *dist});
      apply_.push_back({r.lo, std::min(r.hi, kHuge), r.whole, set, nullptr, r.lo_open});
    }
    if (set)
      parameters_.push_back({path, n.where, {r.lo, std::min(r.hi, kHuge), r.whole, set, nullptr, r.lo_open}});
    return mean;
  }
  std::optional<double> v = plain(n, path, r);
  if (v && set) set(s_, *v);
  if (v && set && may_vary)
    parameters_.push_back({path, n.where, {r.lo, std::min(r.hi, kHuge), r.whole, set, nullptr, r.lo_open}});
  return v;
}

std::optional<double> ParameterReader::number_in(MapReader& m, std::string_view key, const Range& r,
                                                 const Set& set, bool required, bool may_vary) {
  const Node* n = m.need(key, required);
  if (!n) return std::nullopt;
  return number(*n, m.sub(key), r, set, may_vary);
}

// {dist: kind, ...own parameters or mean and sd}, checked for valid parameters and for lying inside
// the parameter's range.
std::optional<Distribution> ParameterReader::distribution(const Node& n, const std::string& path,
                                                          const Range& r) {
  using K = Distribution::Kind;
  MapReader m(n, path, d_);
  const Node* kind_node = m.get("dist");
  if (!kind_node) {
    d_.add(
        n.where, path,
        "expected a number or a distribution such as {dist: beta, mean: 0.5, sd: 0.1}, found a map without "
        "'dist'");
    return std::nullopt;
  }
  K kind{};
  auto name = text(kind_node, sub_path(path, "dist"));
  if (!name) return std::nullopt;
  if (!parse_distribution_kind(*name, kind)) {
    if (*name == "dirichlet") {
      d_.add(kind_node->where, sub_path(path, "dist"),
             "a dirichlet distribution is for a list of shares; a single number takes fixed, uniform, "
             "triangular, "
             "normal, lognormal, gamma or beta");
      return std::nullopt;
    }
    d_.add(kind_node->where, sub_path(path, "dist"),
           unknown_name("distribution", *name,
                        {"fixed", "uniform", "triangular", "normal", "lognormal", "gamma", "beta"},
                        "known distributions"));
    return std::nullopt;
  }
  bool ok = true;
  auto param = [&](std::string_view key) -> std::optional<double> {
    const Node* p = m.get(key);
    if (!p) return std::nullopt;
    auto v = plain(*p, m.sub(key), Range{-kInf, kInf});
    if (!v) ok = false;
    return v;
  };
  // Kinds given by their own parameters or by mean and sd: exactly one of the two pairs.
  auto by_pair = [&](const char* p1, const char* p2) -> std::optional<Distribution> {
    auto a = param(p1), b = param(p2);
    std::optional<double> mean, sd;
    if (kind != K::Normal) mean = param("mean"), sd = param("sd");
    if (!ok) return std::nullopt;
    const bool own = m.node().get(p1) || m.node().get(p2);
    const bool moments = kind != K::Normal && (m.node().get("mean") || m.node().get("sd"));
    if (own && moments) {
      d_.add(n.where, path, fmt::format("give {} and {}, or mean and sd, not both", p1, p2));
      return std::nullopt;
    }
    if (own && a && b) return Distribution{kind, *a, *b, 0};
    if (moments && mean && sd) {
      try {
        return Distribution::from_mean_sd(kind, *mean, *sd);
      } catch (const Error& e) {
        d_.add(n.where, path, e.what());
        return std::nullopt;
      }
    }
    d_.add(n.where, path,
           kind == K::Normal
               ? std::string("a normal distribution needs mean and sd")
               : fmt::format("a {} distribution needs {} and {}, or mean and sd", to_string(kind), p1, p2));
    return std::nullopt;
  };
  std::optional<Distribution> dist;
  auto need_all = [&](std::initializer_list<const char*> keys) -> std::optional<std::vector<double>> {
    std::vector<double> v;
    std::vector<std::string> missing;
    for (const char* k : keys) {
      auto x = param(k);
      if (x)
        v.push_back(*x);
      else if (!m.node().get(k))
        missing.push_back(k);
    }
    if (!missing.empty()) {
      d_.add(n.where, path,
             fmt::format("a {} distribution needs {}", to_string(kind), join(missing, " and ")));
      return std::nullopt;
    }
    if (!ok) return std::nullopt;
    return v;
  };
  switch (kind) {
    case K::Fixed:
      if (auto v = need_all({"value"})) dist = Distribution::fixed((*v)[0]);
      break;
    case K::Uniform:
      if (auto v = need_all({"min", "max"})) dist = Distribution{kind, (*v)[0], (*v)[1], 0};
      break;
    case K::Triangular:
      if (auto v = need_all({"min", "mode", "max"})) dist = Distribution{kind, (*v)[0], (*v)[1], (*v)[2]};
      break;
    case K::Normal:
      dist = by_pair("mean", "sd");
      break;
    case K::LogNormal:
      dist = by_pair("meanlog", "sdlog");
      break;
    case K::Gamma:
      dist = by_pair("shape", "scale");
      break;
    case K::Beta:
      dist = by_pair("alpha", "beta");
      break;
  }
  m.done();
  if (!dist) return std::nullopt;
  if (std::string why = dist->invalid_reason(); !why.empty()) {
    d_.add(n.where, path, fmt::format("invalid {} distribution: {}", to_string(kind), why));
    return std::nullopt;
  }
  // A mean beyond what the parameter can hold (cents, int) is said as such, before its spread.
  if (const double mean = dist->mean(); kind != K::Fixed && (!std::isfinite(mean) || mean > r.hi)) {
    d_.add(n.where, path,
           fmt::format("expected {}, found a {} distribution with mean {}", r.describe(true), to_string(kind),
                       count_text(mean)));
    return std::nullopt;
  }
  // The distribution must stay inside the parameter's range (one with tails, between its quantiles at
  // Phi(-3) and Phi(3)); an upper bound of kHuge guards against overflow and is checked as any other.
  const Support sp = support_of(*dist);
  const bool lo_ok = sp.lo > r.lo || (sp.lo == r.lo && (!r.lo_open || sp.lo_open));
  const bool hi_ok = sp.hi <= r.hi;
  if (kind == K::Fixed) {
    if (!r.contains(dist->a)) {
      d_.add(n.where, path, fmt::format("expected {}, found {}", r.describe(), dist->a));
      return std::nullopt;
    }
  } else if (!lo_ok || !hi_ok) {
    if (kind == K::Normal) {
      d_.add(n.where, path,
             fmt::format(
                 "a normal distribution with mean {} and sd {} goes outside the valid range (mean +- 3 sd "
                 "is {:.4g} to {:.4g}) but this parameter must be {}: use a {}distribution, or a smaller "
                 "sd",
                 dist->a, dist->b, sp.lo, sp.hi, r.describe(sp.hi > r.hi),
                 r.hi <= 1 ? "beta, gamma or lognormal " : "gamma or lognormal "));
    } else if (has_tails(*dist)) {
      d_.add(n.where, path,
             fmt::format(
                 "a {} distribution with mean {:.6g} and sd {:.6g} goes outside the valid range (its 0.135th "
                 "to 99.865th percentiles, as a normal's mean +- 3 sd, are {:.6g} to {:.6g}) but this "
                 "parameter must be {}: use a smaller sd",
                 to_string(kind), dist->mean(), dist->sd(), sp.lo, sp.hi, r.describe(sp.hi > r.hi)));
    } else {
      std::string values = sp.hi == kInf ? fmt::format("from {} to infinity", sp.lo)
                                         : fmt::format("from {} to {}", sp.lo, sp.hi);
      d_.add(n.where, path,
             fmt::format("a {} distribution takes values {}, but this parameter must be {}", to_string(kind),
                         values, r.describe(sp.hi > r.hi)));
    }
    return std::nullopt;
  }
  // Inside the range, and yet half the draws far from the stated mean, which the base case uses: a tail too
  // thin to reach the range's end carries the mean (gamma, mean 0.5, sd 1e10, on 0 to 1 passed the check
  // above and drew 0 in every draw of a PSA; a lognormal of mean 1 and sd 1e7 drew 0.002 on average from 40
  // draws; outside attacks 56 and 57). The median must lie at least a tenth of the way from the range's end
  // to the mean, from either end the range has (a success probability of mean 0.99 whose draws sit at
  // 0.9999 has a hundredth of its failures). Only the skewed kinds can fail it: a uniform's, triangular's
  // and normal's median lies near its mean.
  if (kind == K::Gamma || kind == K::LogNormal || kind == K::Beta) {
    const double mean = dist->mean();
    double median = mean;
    try {
      median = dist->quantile(0.5);
    } catch (const Error&) {
      median = std::numeric_limits<double>::quiet_NaN();  // beyond Boost.Math's reach: refused below
    }
    const auto too_far = [&](double end) {
      if (!std::isfinite(end)) return false;
      return !(std::fabs(median - end) >= std::fabs(mean - end) / 10);
    };
    for (const double end : {r.lo, r.hi < kHuge ? r.hi : kInf})
      if (too_far(end)) {
        d_.add(n.where, path,
               fmt::format("a {} distribution with mean {:.6g} and sd {:.6g} has its median at {:.9g}, less "
                           "than a tenth of the way from {} to its mean: half its draws would lie far from "
                           "the mean the base case uses; give a smaller spread",
                           to_string(kind), mean, dist->sd(), median, count_text(end)));
        return std::nullopt;
      }
  }
  return dist;
}

// A list of shares summing to one, or {dist: dirichlet, alpha: [...]}. `len` is the required length
// (0: any from 1 to max_len).
std::optional<std::vector<double>> ParameterReader::shares(const Node* n, const std::string& path,
                                                           std::size_t len, std::size_t max_len,
                                                           const std::string& len_what,
                                                           const SetShares& set) {
  if (!n) return std::nullopt;
  auto length_ok = [&](std::size_t k, const Location& w, std::string_view unit) {
    if ((len > 0 && k != len) || (len == 0 && (k < 1 || k > max_len))) {
      d_.add(w, path, fmt::format("expected {}, found {} {}", len_what, k, unit));
      return false;
    }
    return true;
  };
  if (n->is(Node::Kind::List)) {
    std::vector<double> v;
    bool ok = true;
    for (std::size_t i = 0; i < n->children.size(); ++i) {
      const Node& c = n->children[i];
      if (c.is(Node::Kind::Map)) {
        d_.add(c.where, index_path(path, i),
               "shares vary together: write the whole list as {dist: dirichlet, alpha: [...]}, not a "
               "distribution "
               "per share");
        ok = false;
        continue;
      }
      auto x = plain(c, index_path(path, i), kShare);
      if (x)
        v.push_back(*x);
      else
        ok = false;
    }
    if (!length_ok(n->children.size(), n->where, "shares") || !ok) return std::nullopt;
    double sum = 0;
    for (double x : v) sum += x;
    if (std::fabs(sum - 1) > kShareTolerance) {
      d_.add(n->where, path, fmt::format("shares sum to {:.6g}, expected 1", sum));
      return std::nullopt;
    }
    if (set) set(s_, v);
    return v;
  }
  if (n->is(Node::Kind::Map)) {
    MapReader m(*n, path, d_);
    const Node* kind = m.get("dist");
    const Node* alpha = m.get("alpha");
    m.done();
    if (!kind || !kind->is(Node::Kind::Scalar) || kind->text != "dirichlet") {
      d_.add(n->where, path,
             fmt::format("expected a list of shares or {{dist: dirichlet, alpha: [...]}}, found {}",
                         kind && kind->is(Node::Kind::Scalar) ? fmt::format("a {} distribution", kind->text)
                                                              : std::string("a map")));
      return std::nullopt;
    }
    if (!alpha) {
      d_.add(n->where, sub_path(path, "alpha"), "missing required key 'alpha' (one weight per share)");
      return std::nullopt;
    }
    if (!alpha->is(Node::Kind::List)) {
      d_.add(alpha->where, sub_path(path, "alpha"),
             fmt::format("expected a list of numbers, found {}", found(*alpha)));
      return std::nullopt;
    }
    Dirichlet dir;
    bool ok = true;
    for (std::size_t i = 0; i < alpha->children.size(); ++i) {
      auto x = plain(alpha->children[i], index_path(sub_path(path, "alpha"), i), Range{-kInf, kInf});
      if (x)
        dir.alpha.push_back(*x);
      else
        ok = false;
    }
    if (!ok || !length_ok(alpha->children.size(), alpha->where, "alphas")) return std::nullopt;
    if (std::string why = dir.invalid_reason(); !why.empty()) {
      d_.add(alpha->where, path, fmt::format("invalid dirichlet distribution: {}", why));
      return std::nullopt;
    }
    std::vector<double> mean = dir.mean();
    if (set) {
      set(s_, mean);
      uncertain_.push_back({path, n->where, dir});
      apply_.push_back({0, 1, false, nullptr, set});
    }
    return mean;
  }
  d_.add(n->where, path, fmt::format("expected a list of shares, found {}", found(*n)));
  return std::nullopt;
}

// A map keyed by user-chosen names (payers, domains, agencies): the names, checked; nullopt when there
// are none or more than `limit` (then the section is not read further).
std::optional<std::vector<std::string>> ParameterReader::names_of(const Node& n, const std::string& path,
                                                                  std::string_view what,
                                                                  std::string_view plural, int limit) {
  if (n.keys.empty()) {
    d_.add(n.where, path, fmt::format("at least one {} is needed, found none", what));
    return std::nullopt;
  }
  if (n.keys.size() > static_cast<std::size_t>(limit)) {
    d_.add(n.where, path, fmt::format("expected at most {} {}, found {}", limit, plural, n.keys.size()));
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n.keys.size(); ++i) {
    const std::string& k = n.keys[i];
    if (!valid_name(k))
      d_.add(
          n.key_where[i], sub_path(path, k),
          fmt::format("{} name must be ASCII letters (a-z, A-Z), digits, '_' or '-' (at most 64), found '{}'",
                      with_article(what), k));
    names.push_back(k);
  }
  return names;
}

}  // namespace wijksim::loader
