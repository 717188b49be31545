#include "wijksim/scenario/targets_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string_view>

#include "wijksim/core/content_hash.h"
#include "wijksim/core/statistics.h"
#include "wijksim/scenario/extends.h"
#include "wijksim/scenario/parameter_reader.h"

namespace wijksim {

using namespace loader;

namespace {

std::vector<std::string> parts_of(std::string_view measure) {
  std::vector<std::string> parts;
  for (std::size_t from = 0;;) {
    const std::size_t dot = measure.find('.', from);
    parts.emplace_back(
        measure.substr(from, dot == std::string_view::npos ? std::string_view::npos : dot - from));
    if (dot == std::string_view::npos) return parts;
    from = dot + 1;
  }
}

// What to add to an unknown measure's message. Its dot-separated parts are read left to right among the known
// measures of as many parts that begin as it does so far: a part not known there is offered the nearest name
// there ("agency.debt_hlp.wait_weeks": "agency.debt_help.wait_weeks"), or told the names there when none is
// near ("agency.nope.wait_weeks": the agencies). Matched as a whole string, "agency.nope.wait_weeks" was
// offered "agency.youth_care.wait_weeks" (outside attack 39). A first part, or a measure of a shape no known
// one has, is matched as a whole.
std::string near_measure(const std::string& measure, const std::vector<std::string>& known) {
  std::vector<std::string> fixed = parts_of(measure);
  bool changed = false;
  for (std::size_t i = 0; i < fixed.size(); ++i) {
    std::vector<std::string> there;
    for (const std::string& k : known)
      if (const std::vector<std::string> kp = parts_of(k);
          kp.size() == fixed.size() &&
          std::equal(kp.begin(), kp.begin() + static_cast<std::ptrdiff_t>(i), fixed.begin()) &&
          std::find(there.begin(), there.end(), kp[i]) == there.end())
        there.push_back(kp[i]);
    if (there.empty() || std::find(there.begin(), there.end(), fixed[i]) != there.end()) continue;
    if (i == 0) break;  // another kind of measure: matched as a whole
    const std::string near = suggest(fixed[i], there);
    if (near.empty()) return fmt::format("; known there: {}", join(there));
    fixed[i] = near;
    changed = true;
  }
  if (changed) return fmt::format("; did you mean '{}'?", join(fixed, "."));
  const std::string near = suggest(measure, known);
  return near.empty() || near == measure ? "" : fmt::format("; did you mean '{}'?", near);
}

class TargetsReader : public ParameterReader {
 public:
  TargetsReader(Diags& d, const std::string& file) : ParameterReader(d, file) {
    fixed_reason_ =
        "a target is a public figure, not a parameter: its value a number, its uncertainty its interval or n";
  }

  void read(const Node& root, TargetsFile& out) {
    MapReader top(root, "", d_);
    if (auto t = text_that_shows(top.need("population"), "population", kMaxName, false)) out.population = *t;
    if (const Node* ts = section(top, "targets")) targets(*ts, out);
    if (const Node* fs = section(top, "free", false)) free(*fs, out);
    if (const Node* cs = section(top, "calibration", false)) settings(*cs, out.settings);
    top.done();
  }

 private:
  void targets(const Node& n, TargetsFile& out) {
    MapReader all(n, "targets", d_);
    for (std::size_t i = 0; i < n.keys.size(); ++i) {
      all.get(n.keys[i]);
      const std::string path = sub_path("targets", n.keys[i]);
      const Node& v = n.children[i];
      if (!v.is(Node::Kind::Map)) {
        d_.add(v.where, path, fmt::format("expected a map (label, measure, value, ...), found {}", found(v)));
        continue;
      }
      // A target's key names it in the store, the export and JSON, as a payer's key names the payer: the
      // same letters (an escape or a direction control in one reached an export raw; outside attack 37).
      if (!valid_name(n.keys[i]))
        d_.add(n.key_where[i], path,
               fmt::format("a target's name must be ASCII letters (a-z, A-Z), digits, '_' or '-' (at most "
                           "64), found '{}'",
                           printable(n.keys[i], false, true)));
      CalibrationTarget t;
      t.key = n.keys[i];
      t.where = n.key_where[i];
      MapReader m(v, path, d_);
      if (auto x = text_that_shows(m.need("label"), m.sub("label"), kMaxName, false)) t.label = *x;
      if (auto x = text(m.need("measure"), m.sub("measure"))) {
        t.measure = *x;
        t.measure_where = m.node().get("measure")->where;
      }
      if (auto x = text(m.get("at"), m.sub("at"))) {
        t.at = *x;
        t.at_where = m.node().get("at")->where;
        // Left out, `at` is the policy start; given empty it was taken as left out (outside attack 61).
        if (x->empty())
          d_.add(t.at_where, m.sub("at"),
                 "expected start, period, end or year N, found an empty text (leave 'at' out for the policy "
                 "start)");
      }
      const auto value = number_in(m, "value", Range{-kInf, kInf}, nullptr, true, false);
      const auto size = number_in(m, "n", Range{1, 1e9, false, true}, nullptr, false, false);
      if (auto x = text_that_shows(m.need("unit"), m.sub("unit"), kMaxName, false)) {
        t.unit = *x;
        t.unit_where = m.node().get("unit")->where;
      }
      if (auto x = text_that_shows(m.need("source"), m.sub("source"), kMaxDescription, true)) t.source = *x;
      if (auto x = text_shown(m.get("note"), m.sub("note"), kMaxDescription, true)) t.note = *x;
      const Node* bound = m.get("bound");
      if (auto x = choice(bound, m.sub("bound"), {"upper", "lower"}))
        t.bound = *x == "upper" ? TargetBound::Upper : TargetBound::Lower;
      const Node* interval = m.get("interval");
      if (value) {
        t.value = *value;
        t.value_where = m.node().get("value")->where;
      }
      if (interval) t.interval_where = interval->where;
      if (size) {
        t.n = static_cast<int>(*size);
        t.n_where = m.node().get("n")->where;
      }
      if (interval) {
        if (!interval->is(Node::Kind::List) || interval->children.size() != 2) {
          d_.add(interval->where, m.sub("interval"),
                 fmt::format("expected [low, high], found {}", found(*interval)));
        } else {
          auto lo = plain(interval->children[0], index_path(m.sub("interval"), 0), Range{-kInf, kInf});
          auto hi = plain(interval->children[1], index_path(m.sub("interval"), 1), Range{-kInf, kInf});
          if (lo && hi && *lo > *hi)  // said as such: "must hold the value" alone hid the swapped ends
            d_.add(interval->where, m.sub("interval"),
                   fmt::format("expected [low, high] with low <= high, found [{}, {}]: its ends are swapped",
                               *lo, *hi));
          else if (lo && hi && value && !(*lo <= *value && *value <= *hi))
            d_.add(interval->where, m.sub("interval"),
                   fmt::format("the interval [{}, {}] must hold the value {}", *lo, *hi, *value));
          // A ceiling is the interval's upper end, a floor its lower end: the interval runs from the
          // bound to the other end of what the figure could be.
          if (const bool upper = t.bound == TargetBound::Upper;
              lo && hi && value && t.bound != TargetBound::None && *value != (upper ? *hi : *lo))
            d_.add(bound->where, m.sub("bound"),
                   fmt::format("{} bound must be the interval's {} end: value {}, interval [{}, {}]",
                               upper ? "an upper" : "a lower", upper ? "upper" : "lower", *value, *lo, *hi));
          if (lo) t.lo = *lo;
          if (hi) t.hi = *hi;
        }
      } else if (t.bound != TargetBound::None) {
        m.missing(
            "interval",
            "missing required key 'interval' ([low, high], the bound one of its ends): a bound needs one "
            "(a survey's n gives an estimate's interval, not a bound's)");
      } else if (size && value) {
        // A survey share: its sampling interval (survey_interval).
        if (!(*value >= 0 && *value <= 1))
          d_.add(m.node().get("value")->where, m.sub("value"),
                 "a figure with n (a survey share) must lie between 0 and 1");
        const Interval sampled = survey_interval(t.value, *size);
        t.lo = sampled.lower;
        t.hi = sampled.upper;
      } else if (t.measure != "none" && m.node().get("n") == nullptr) {  // a bad `n` is said at its line
        m.missing(
            "interval",
            "missing required key 'interval' ([low, high]; or n, the households asked, for a survey share)",
            {"n"});
      }
      m.done();
      out.targets.push_back(std::move(t));
    }
    all.done("target");
  }

  void free(const Node& n, TargetsFile& out) {
    MapReader all(n, "free", d_);
    for (std::size_t i = 0; i < n.keys.size(); ++i) {
      all.get(n.keys[i]);
      const std::string path = sub_path("free", n.keys[i]);
      const Node& v = n.children[i];
      if (!v.is(Node::Kind::Map)) {
        d_.add(v.where, path,
               fmt::format("expected a prior such as {{dist: uniform, min: 0.01, max: 0.05}}, found {}",
                           found(v)));
        continue;
      }
      if (auto prior = distribution(v, path, Range{-kInf, kInf}))
        out.free.push_back({n.keys[i], v.where, *prior});
    }
    all.done("free parameter");
  }

  void settings(const Node& n, CalibrationSettings& c) {
    MapReader m(n, "calibration", d_);
    auto whole = [&](const char* key, int& into, double lo, double hi) {
      if (auto x = number_in(m, key, Range{lo, hi, false, true}, nullptr, false, false))
        into = static_cast<int>(*x);
    };
    whole("households", c.households, 0, 1e7);  // 0: all the scenario's households (the default)
    if (const Node* h = n.get("households")) c.households_where = h->where;
    whole("replications", c.replications, 1, 1000);
    whole("years", c.years, 1, 50);
    whole("initial", c.initial, 2, 1e6);
    // At least 2: a round's normal takes its covariance from the per_round candidates nearest its centre,
    // the centre among them, with the divisor 1 - sum v^2, which is 0 for one (calibrate simulated its
    // initial candidates and its mode search, then failed with "does not factor"; an outside attack).
    whole("per_round", c.per_round, 2, 1e6);
    whole("rounds", c.rounds, 0, 1000);
    whole("sets", c.sets, 1, 1e6);
    whole("mode_search", c.mode_search, 0, 1e6);
    m.done();
  }
};

}  // namespace

TargetsFile read_targets_file(const std::string& path, std::vector<Diagnostic>& problems) {
  Diags d;
  std::string text, why;
  if (!read_file(path, text, why))
    throw InputError({{Location{path, 0, 0}, "", "cannot read the targets file: " + why}});
  std::optional<Node> root = parse_yaml(text, path, d, YamlFile::Targets);
  TargetsFile out;
  out.path = path;
  out.content_hash = content_hash(text);
  if (root) TargetsReader(d, path).read(*root, out);
  if (!d.empty()) problems = std::move(d).sorted(path);
  return out;
}

TargetsFile read_targets_file(const std::string& path) {
  std::vector<Diagnostic> problems;
  TargetsFile out = read_targets_file(path, problems);
  if (!problems.empty()) throw InputError(std::move(problems));
  return out;
}

std::vector<Diagnostic> measure_problems(const Scenario& s, const TargetsFile& file,
                                         const std::vector<Diagnostic>& file_problems,
                                         std::string_view horizon) {
  // Only the targets whose measure and `at` were read: a missing or unreadable one is already a problem of
  // the file, and checking what is left of it would say it twice.
  const auto read_whole = [&](const CalibrationTarget& t, const char* key) {
    const std::string path = "targets." + t.key + "." + key;
    return std::none_of(file_problems.begin(), file_problems.end(),
                        [&](const Diagnostic& x) { return x.key.starts_with(path); });
  };
  TargetsFile checked = file;
  std::erase_if(checked.targets, [&](const CalibrationTarget& t) {
    return t.measure_where.line == 0 || !read_whole(t, "measure") || !read_whole(t, "at");
  });
  std::vector<Diagnostic> out;
  try {
    targets_for(s, checked, horizon);
  } catch (const InputError& e) {
    for (const Diagnostic& x : e.diagnostics())
      if (x.key.ends_with(".measure") || x.key.ends_with(".at")) out.push_back(x);
  }
  return out;
}

namespace {

// A target's unit, checked against its kind of measure by its words (English or Dutch), since it is printed
// beside the public figure and the model's: "days" on a wait was printed beside the model's weeks and judged
// against an interval of days (outside attack 47). Whole words, not parts of words: "weekdays" is no week
// and "per 100000" no thousand (a review). The rule is docs/model.md 13.4's.
using Words = std::vector<std::string_view>;

// The unit's words: lower case, split at blanks, brackets and '/' ('/' a word itself), each word stripped of
// a trailing ',', '.',
// ';' or ':' (but "1.000" and "p.a." keep theirs inside); "1 000" (a space between the thousands) is one
// word.
std::vector<std::string> unit_words_of(const std::string& unit) {
  std::string lower;
  for (unsigned char c : unit) lower += static_cast<char>(std::tolower(c));
  for (std::size_t at = lower.find("1 000"); at != std::string::npos; at = lower.find("1 000", at))
    lower.replace(at, 5, "1000");
  std::vector<std::string> words;
  std::string w;
  const auto flush = [&] {
    while (!w.empty() &&
           (w.back() == ',' || w.back() == ';' || w.back() == ':' || (w.back() == '.' && w != "p.a.")))
      w.pop_back();
    if (!w.empty()) words.push_back(w);
    w.clear();
  };
  for (char c : lower) {
    if (c == ' ' || c == '\t' || c == '(' || c == ')' || c == '[' || c == ']' || c == '/') {
      flush();
      if (c == '/') words.emplace_back("/");  // a word of its own: "households/FTE" divides by FTE
    } else {
      w += c;
    }
  }
  flush();
  return words;
}

bool has_any(const std::vector<std::string>& words, const Words& of) {
  return std::any_of(words.begin(), words.end(),
                     [&](const std::string& w) { return std::find(of.begin(), of.end(), w) != of.end(); });
}

// A number word ("12", "4.3", "1.000.000"), not a thousand's own spelling.
bool is_number(const std::string& w) {
  return !w.empty() && std::isdigit(static_cast<unsigned char>(w.front())) &&
         w.find_first_not_of("0123456789.,") == std::string::npos;
}

std::optional<std::string> unit_problem(const CalibrationTarget& t, TargetMeasure::Kind kind) {
  using K = TargetMeasure::Kind;
  const Words share = {"share",      "shares",   "%",       "percent", "percentage",
                       "proportion", "fraction", "aandeel", "procent", "deel"};
  const Words week = {"week", "weeks", "wk", "wks", "weken"};
  const Words year = {"year",     "years",  "yr",   "yrs",  "annum", "annual",
                      "annually", "yearly", "p.a.", "jaar", "jaren", "jaarlijks"};
  const Words thousand = {"1.000", "1,000", "1000", "thousand", "duizend"};
  const Words fte = {"fte", "ftes", "full-time"};
  const Words euro = {"euro", "euros", "eur", "\u20AC"};
  const Words shorter = {"day", "days", "dag", "dagen", "weekday", "weekdays", "werkdag", "werkdagen"};
  const Words longer = {"month", "months", "maand", "maanden"};
  const Words scale = {"thousand", "thousands", "million", "millions", "mln",      "k",
                       "duizend",  "miljoen",   "cent",    "cents",    "eurocent", "eurocents"};
  const std::vector<std::string> words = unit_words_of(t.unit);
  const auto other_number = [&] {
    return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
      return is_number(w) && std::find(thousand.begin(), thousand.end(), w) == thousand.end();
    });
  };
  const auto fte_divides = [&] {  // "per FTE" or "/FTE": households per FTE, not FTE per 1,000 households
    for (std::size_t i = 1; i < words.size(); ++i)
      if (std::find(fte.begin(), fte.end(), words[i]) != fte.end() &&
          (words[i - 1] == "per" || words[i - 1] == "/"))
        return true;
    return false;
  };
  const char* expected = nullptr;
  switch (kind) {
    case K::Share:
    case K::DomainShare:
    case K::NotHelped:
      if (!has_any(words, share) || has_any(words, week) || has_any(words, shorter))
        expected = "a share (e.g. 'share of households', '%')";
      break;
    case K::EscalationRate:
    case K::AgencyReferrals:
      if (!has_any(words, thousand) || !has_any(words, year) || other_number() || has_any(words, longer) ||
          has_any(words, week) || has_any(words, shorter))
        expected = "a rate per 1,000 households a year (e.g. 'per 1.000 households a year')";
      break;
    case K::SpellStock:
      if (!has_any(words, thousand) || other_number())
        expected = "a number per 1,000 households (e.g. 'per 1.000 households')";
      break;
    case K::SpellYears:
      if (!has_any(words, year) || has_any(words, longer) || has_any(words, week)) expected = "years";
      break;
    case K::AgencyWait:
    case K::CoachWait:
    case K::CoachEpisode:
    case K::CoachRequest:
      if (!has_any(words, week) || has_any(words, shorter) || has_any(words, longer) || has_any(words, year))
        expected = "weeks";
      break;
    case K::CoachCaseload:
      if (!has_any(words, fte) || !fte_divides()) expected = "households per FTE";
      break;
    case K::Spending:
      if (!has_any(words, euro) || !has_any(words, year) || has_any(words, scale) || other_number())
        expected = "euros per household a year (e.g. 'EUR per household a year')";
      break;
    case K::None:
      break;
  }
  if (!expected) return std::nullopt;
  return fmt::format("expected {}, the unit of {}, found '{}'", expected, t.measure, t.unit);
}

}  // namespace

std::vector<CalibrationTarget> targets_for(const Scenario& s, const TargetsFile& file,
                                           std::string_view horizon) {
  std::vector<Diagnostic> problems;
  std::vector<CalibrationTarget> out;
  for (CalibrationTarget t : file.targets) {
    ParsedMeasure p = parse_target_measure(s, t.measure, t.at, horizon);
    if (!p.measure) {
      // Where the mistake is: at the `at` line when it is the `at`.
      if (p.at_is_wrong)
        problems.push_back(
            {t.at_where.line > 0 ? t.at_where : t.where, "targets." + t.key + ".at", p.problem});
      else {
        // A near miss is named, as a scenario's keys are (share.with_problme had no suggestion; outside
        // attack 30); a measure is not a misspelling of itself.
        problems.push_back({t.measure_where.line > 0 ? t.measure_where : t.where,
                            "targets." + t.key + ".measure",
                            p.problem + near_measure(t.measure, target_measure_names(s))});
        // An `at` wrong in itself is said as well: it was said only once the measure was mended.
        if (!t.at.empty())
          if (auto why = target_at_problem(s, t.at, horizon))
            problems.push_back(
                {t.at_where.line > 0 ? t.at_where : t.where, "targets." + t.key + ".at", *why});
      }
      continue;
    }
    // n is the households a survey asked: its interval is a share's sampling interval, which only a share
    // has (a measure in years took a "share" interval of 0 to 0.36). Said once the measure is known to be
    // one (a misspelt share is said as such, not as no share).
    const bool modelled = p.measure->kind != TargetMeasure::Kind::None, share = p.measure->is_share();
    if (t.n > 0 && modelled && !share) {
      problems.push_back(
          {t.n_where.line > 0 ? t.n_where : t.where, "targets." + t.key + ".n",
           fmt::format("n (the households a survey asked) is for a survey share (a share.* measure "
                       "or not_helped), not for {}: give its interval: [low, high]",
                       t.measure)});
      continue;
    }
    // What the measure can take: a share from 0 to 1, every other measure from 0 up (a share's interval to
    // 160% and a wait of -5 weeks were accepted and printed; outside attack 18).
    if (modelled) {
      const auto outside = [&](double x) { return x < 0 || (share && x > 1); };
      const std::string range = share ? "a share, from 0 to 1" : "a measure that cannot be negative";
      if (outside(t.value)) {
        problems.push_back({t.value_where.line > 0 ? t.value_where : t.where, "targets." + t.key + ".value",
                            fmt::format("{} is outside what {} can be: {}", t.value, t.measure, range)});
        continue;
      }
      if (t.interval_where.line > 0 && (outside(t.lo) || outside(t.hi))) {
        problems.push_back(
            {t.interval_where, "targets." + t.key + ".interval",
             fmt::format("[{}, {}] reaches outside what {} can be: {}", t.lo, t.hi, t.measure, range)});
        continue;
      }
    }
    if (modelled)
      if (auto why = unit_problem(t, p.measure->kind)) {
        problems.push_back(
            {t.unit_where.line > 0 ? t.unit_where : t.where, "targets." + t.key + ".unit", *why});
        continue;
      }
    t.parsed = *p.measure;
    out.push_back(std::move(t));
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  return out;
}

}  // namespace wijksim
