// Stage 3 of reading a scenario (scenario_source.h), its typed half: the parameter dictionary. Every value a
// scenario gives is read here, against what it may be (a probability, a share, euros, a whole number,
// a name of a payer...), as a number or a distribution, and reported with its location and key path when
// it is not. A map remembers every key asked for, so a key nobody asked for is an error with a suggestion,
// never silently ignored (the pbrt lesson, STYLE.md). scenario_schema.h says which keys a scenario has.
#pragma once

#include <algorithm>

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "wijksim/model/params.h"
#include "wijksim/scenario/distributions.h"
#include "wijksim/scenario/yaml_tree.h"

namespace wijksim {

// A parameter that a scenario gives as a distribution rather than a number.
struct UncertainParameter {
  std::string key_path;  // e.g. "agencies.debt_counselling.treatment_weeks"
  Location where;        // where the distribution is written
  std::variant<Distribution, Dirichlet> law;

  bool is_shares() const { return std::holds_alternative<Dirichlet>(law); }
};

using SetParameter = std::function<void(Scenario&, double)>;
using SetShares = std::function<void(Scenario&, const std::vector<double>&)>;

// How a sampled value of an uncertain parameter is written into a Scenario.
struct ParameterSetter {
  double lo = 0, hi = 0;  // the parameter's valid range: samples are clamped into it (normal tails)
  bool whole = false;     // integer parameter: samples are rounded
  SetParameter set;
  SetShares set_shares;
  bool lo_open = false;  // lo itself is not allowed ("(0, ...": a mean duration, FTE, a caseload)

  // `v` clamped into the range; at an open lower end, to the smallest double above it (a normal's far tail
  // clamped to 0 FTE or a mean duration of 0 weeks would be a value the loader refuses).
  double clamped(double v) const {
    v = std::clamp(v, lo, hi);
    return lo_open && v <= lo ? std::nextafter(lo, hi) : v;
  }
};

// A number of a scenario that a sensitivity analysis may set (a plain number or a distribution): every
// number read with a setter, except those that fix the model's size or structure.
struct ScenarioParameter {
  std::string key_path;
  Location where;
  ParameterSetter setter;  // its range, whether whole, and how it is written into a Scenario
};

}  // namespace wijksim

namespace wijksim::loader {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr double kShareTolerance = 1e-6;
// Upper bound on values converted to int or to cents, so a conversion can never overflow; bounds at or
// above this are not shown in messages ("a whole number >= 0").
inline constexpr double kHuge = 1e9;

bool parse_double(std::string_view s, double& v);
// How to write a number given with a comma, for its message; "" when no comma helps. A comma that can only be
// a decimal comma: "use a decimal point: 2.5". One that may group thousands ("2,800", "75,000") is read two
// ways a thousandfold apart, and the hint "5.000" was taken as 5 households (outside attack 38): both are
// given, "a comma between thousands, or a decimal comma? write 2800 or 2.8"; commas between thousands
// only ("1,234,567"): "no commas between thousands: write 1234567".
std::string comma_advice(std::string_view t);
// Why a whole numeral with a leading zero ("0100", "-07") is refused; "" for any other text. YAML 1.2 (our
// reader) takes 0100 as 100, YAML 1.1 (PyYAML, an analyst's check in Python) as the octal 64: the file would
// mean two numbers.
std::string leading_zero_advice(std::string_view t);
// Letters, digits, '_' or '-', at most 64: names of payers, domains and agencies.
bool valid_name(std::string_view s);

// Reads one map: remembers every key asked for, so that a key nobody asked for is reported (with the
// closest asked-for key as a suggestion) instead of being silently ignored. A missing key is reported by
// done(), unless an unknown key in the map is a likely typo of it: `incidence_per_yaer` gives one
// diagnostic ("did you mean 'incidence_per_year'?"), not a second one for the missing key.
class MapReader {
 public:
  MapReader(const Node& n, std::string path, Diags& d) : n_(n), path_(std::move(path)), d_(d) {}

  const Node* get(std::string_view k) {
    asked_.emplace_back(k);
    return n_.get(k);
  }
  const Node* need(std::string_view k, bool required = true) {
    const Node* v = get(k);
    if (!v && required) {
      // The last file of the chain to remove it (an earlier one's removal may have been given back since).
      const auto removed =
          std::find_if(n_.removed.rbegin(), n_.removed.rend(), [&](const auto& r) { return r.first == k; });
      if (removed != n_.removed.rend())
        d_.add(
            removed->second, sub(k),
            fmt::format(
                "missing required key '{}': the empty value here (~ or null) removes the value the file it "
                "extends gives it; give a value instead",
                k));
      else
        missing(k, fmt::format("missing required key '{}'", k));
    }
    return v;
  }
  // Reports `message` about missing key `k` at this map, unless an unknown key is a typo of `k` or of one
  // of `alternatives` (keys that would have done instead).
  void missing(std::string_view k, std::string message, std::vector<std::string> alternatives = {}) {
    alternatives.emplace_back(k);
    missing_.push_back({sub(k), std::move(message), std::move(alternatives)});
  }
  std::string sub(std::string_view k) const { return sub_path(path_, k); }
  const Node& node() const { return n_; }
  const std::string& path() const { return path_; }

  // Reports keys nobody asked for, and missing keys. `noun` names what the keys are ("key", "domain").
  void done(std::string_view noun = "key");

 private:
  struct Missing {
    std::string key, message;
    std::vector<std::string> alternatives;
    bool explained = false;
  };
  const Node& n_;
  std::string path_;
  Diags& d_;
  std::vector<std::string> asked_;
  std::vector<Missing> missing_;
};

// The valid values of a number.
struct Range {
  double lo = 0;
  double hi = kInf;
  bool lo_open = false;  // lo itself is not allowed
  bool whole = false;
  const char* what = "a number";

  bool contains(double v) const {
    if (whole && v != std::floor(v)) return false;
    return (lo_open ? v > lo : v >= lo) && v <= hi;
  }
  // An upper bound at or above kHuge is only a guard against overflow: shown only when `show_hi` (the
  // value found is above it), so "found 99999999999" never follows "a whole number >= 0".
  std::string describe(bool show_hi = false) const {
    const std::string w = whole ? "a whole number" : what;
    if ((hi < kHuge || show_hi) && hi < kInf && lo_open)
      return fmt::format("{} above {} and at most {}", w, count_text(lo), count_text(hi));
    if ((hi < kHuge || show_hi) && hi < kInf)
      return fmt::format("{} {} {} {} {}", w, whole ? "from" : "between", count_text(lo),
                         whole ? "to" : "and", count_text(hi));
    return fmt::format("{} {} {}", w, lo_open ? ">" : ">=", count_text(lo));
  }
};
// A setter's range as a Range, to check a value against it or describe it in a message.
inline Range range_of(const ParameterSetter& s) {
  return {s.lo, s.hi, s.lo_open, s.whole};
}
inline constexpr Range kProbability{0, 1, false, false, "a probability"};
inline constexpr Range kShare{0, 1, false, false, "a share"};
inline constexpr Range kFraction{0, 1, false, false, "a number"};
// A rate or a factor: bounded far beyond any real value (10^9 a year, or times), so that the model's products
// of them (an incidence times the rung factor to the fifth, the clustering factor to the sixth, the
// neighbourhood's factor: at most 10^126) stay finite; 1e62 as a rung factor overflowed to infinity and
// turned the results around without a word (outside attack 10).
inline constexpr Range kNonNeg{0, kHuge};
inline constexpr Range kPositive{0, kInf, true};
// Values that are multiplied (money by counts, FTE by caseloads) have bounds far beyond any real value, so
// no product can overflow: EUR 1 billion for one cost (a coach FTE-year, an intake, a case-week, an
// escalation), 100,000 coach FTE, 10,000 households per FTE (x 100,000 FTE still fits a 32-bit count), and
// 10,400 weeks (200 years) for a delay. A run whose costs could still pass what 64-bit cents hold is refused
// as a whole (ScenarioSchema::check_cost_bound).
inline constexpr Range kMoney{0, 1e9, false, false, "an amount in euros"};
inline constexpr Range kWhole{0, kHuge, false, true};
inline constexpr Range kWholePositive{1, kHuge, false, true};
inline constexpr Range kWeeks{0, 10400, false, true};
inline constexpr Range kWeeksPositive{1, 10400, false, true};
inline constexpr Range kFte{0, 1e5, true};
inline constexpr Range kFteOff{0, 1e5};  // a disabled coach block may say 0
inline constexpr Range kCaseload{0, 1e4, true};

// Why a scalar is not a number, with the fix for the two mistakes people make most.
// Why the text of a number is not one, where it looks like one written otherwise (a percentage, a decimal
// comma, Dutch notation, infinity, beyond what a double holds or too close to 0); "" otherwise.
std::string number_hint(const std::string& text);
std::string not_a_number(const Node& n);
std::string not_a_number(const std::string& text);  // the same for a number's text (a CSV field)

using Set = SetParameter;

// A setter for field `member` of the struct `get(s)` returns, converting a double to its type (euros
// to cents for money, rounding for integers).
template <class Get, class T, class S>
Set field(Get get, T S::*member) {
  return [get, member](Scenario& s, double v) {
    T& f = get(s).*member;
    if constexpr (std::is_same_v<T, Cents>)
      f = euros_to_cents(v);
    else if constexpr (std::is_integral_v<T>)
      f = static_cast<T>(std::llround(v));
    else
      f = v;
  };
}

// The longest text a scenario or targets file may give, in characters (UTF-8 code points): any text, a
// file's path among them, as long as the system's 4,096 bytes; names and labels (shown in tables) and
// descriptions less. A text is shown and stored with every run, many times over (a name of 5 MB took
// 2.4 GB; outside attack 25).
inline constexpr std::size_t kMaxText = 4096, kMaxName = 200, kMaxDescription = 2000;

// Said of a number written as YAML text (in quotes, a block scalar, or an alias of one): "found '2' ...".
inline constexpr const char* kNumberAsText =
    "in quotes or as a block (write the number plainly, without quotes)";

// What keeps a text from showing as written: "a control character (...)" or "a direction control (...)",
// "" when nothing does. `breaks`: line breaks and tabs are text here (a description).
std::string unshown_characters(std::string_view s, bool breaks);

// The value readers, with the scenario they fill and the uncertain parameters they find.
class ParameterReader {
 public:
  ParameterReader(Diags& d, const std::string& file) : d_(d) { s_.file = file; }

  Scenario& scenario() { return s_; }
  // The scenario with every uncertain parameter of bounded support (uniform, triangular, beta) at the
  // largest value a draw can give it; one of unbounded support (normal, lognormal, gamma) stays at its mean,
  // and each draw is checked as it is made (ScenarioSource::cost_overflow). For bounds on what a run costs.
  Scenario largest() const;
  std::vector<UncertainParameter>& uncertain() { return uncertain_; }
  std::vector<ParameterSetter>& setters() { return apply_; }
  std::vector<ScenarioParameter>& parameters() { return parameters_; }

 protected:
  // A section (a map) under `parent`; nullptr when absent (reported if required) or not a map.
  const Node* section(MapReader& parent, std::string_view key, bool required = true);

  // A text of at most `max_characters` (UTF-8 code points; kMaxText above).
  std::optional<std::string> text(const Node* n, const std::string& path,
                                  std::size_t max_characters = kMaxText);

  // A text that shows as written (unshown_characters): `lines` true lets it hold line breaks and tabs (a
  // description, a source), false keeps it to one line (a name, a label).
  std::optional<std::string> text_shown(const Node* n, const std::string& path, std::size_t max_characters,
                                        bool lines);
  // The same, and not empty or blank: a label, a unit, a source or an event name that a table prints (an
  // empty `label: ""` printed a row without a name, an empty `source: ""` a target of no source).
  std::optional<std::string> text_that_shows(const Node* n, const std::string& path,
                                             std::size_t max_characters, bool lines);

  std::optional<bool> boolean(const Node* n, const std::string& path);

  std::optional<std::string> choice(const Node* n, const std::string& path,
                                    const std::vector<std::string>& options);

  // A reference to a payer or domain by name. When the section that defines the names is missing or broken
  // (`known` false) it has its own diagnostic: references to it are not reported one by one.
  std::optional<int> ref(const Node* n, const std::string& path, const std::vector<std::string>& names,
                         std::string_view what, bool known);

  // A plain number (no distribution) within `r`.
  std::optional<double> plain(const Node& n, const std::string& path, const Range& r);

  // A number or a distribution for the parameter at `path`. Sets the base scenario (the mean) through
  // `set` and records a distribution as an uncertain parameter. `may_vary` false: a number only.
  std::optional<double> number(const Node& n, const std::string& path, const Range& r, const Set& set,
                               bool may_vary = true);

  std::optional<double> number_in(MapReader& m, std::string_view key, const Range& r, const Set& set,
                                  bool required = true, bool may_vary = true);

  // {dist: kind, ...own parameters or mean and sd}, checked for valid parameters and for lying inside
  // the parameter's range.
  std::optional<Distribution> distribution(const Node& n, const std::string& path, const Range& r);

  // A list of shares summing to one, or {dist: dirichlet, alpha: [...]}. `len` is the required length
  // (0: any from 1 to max_len).
  std::optional<std::vector<double>> shares(const Node* n, const std::string& path, std::size_t len,
                                            std::size_t max_len, const std::string& len_what,
                                            const SetShares& set);

  // A map keyed by user-chosen names (payers, domains, agencies): the names, checked; nullopt when there
  // are none or more than `limit` (then the section is not read further).
  std::optional<std::vector<std::string>> names_of(const Node& n, const std::string& path,
                                                   std::string_view what, std::string_view plural, int limit);

  // Why a distribution is refused where a fixed number belongs: a scenario's size or structure; a targets
  // file's figure (TargetsReader), which is no parameter (it said "size or structure"; outside attack 64).
  std::string fixed_reason_ =
      "this parameter sets the model's size or structure, so it cannot vary between draws";
  Diags& d_;
  Scenario s_;
  std::vector<UncertainParameter> uncertain_;
  std::vector<ParameterSetter> apply_;
  std::vector<ScenarioParameter> parameters_;
};

}  // namespace wijksim::loader
