#include "wijksim/report/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <clocale>
#include <cmath>
#include <cwchar>

#include "wijksim/core/csv_field.h"
#include "wijksim/core/error.h"
#include "wijksim/core/output_path.h"
#include "wijksim/report/glance_view.h"
#include "wijksim/report/sensitivity_tables.h"
#include "wijksim/report/terms.h"
#include "wijksim/report/text_layout.h"

#include "wijksim/analysis/honest_uncertainty.h"

namespace wijksim {

namespace {

// Each unit's own rule; a Unit::Value's `decimals_at_least` is part of its rule of significant digits.
int unit_decimals(const Cell& c) {
  const double m = c.stat.mean;
  switch (c.unit) {
    case Unit::Euro:  // whole euros, but cents for amounts under € 100 that are not whole (per household)
      return std::fabs(m) >= 100 || m == std::floor(m) ? 0 : 2;
    case Unit::Share:
    case Unit::SharePoints:
      return 1;  // of a percentage
    case Unit::Count:
    case Unit::PerYear: {
      const bool whole = m == std::floor(m) && std::isnan(c.stat.lo);
      return whole || std::fabs(m) >= 100 ? 0 : 1;
    }
    case Unit::Weeks:
    case Unit::PerThousandYear:
    case Unit::PerThousand:
    case Unit::PerFte:
    case Unit::Fte:
      return 1;
    case Unit::Trust:
    case Unit::Rung:
      return 2;
    case Unit::Years:
      // Three decimals for a gain per household (0,041); two from one year up, where "4,700" for a spell
      // of 4.7 years read as four thousand seven hundred beside an English source text (outside review).
      return std::fabs(m) >= 1 ? 2 : 3;
    case Unit::Value: {
      // Three significant digits, whole numbers from 100 up.
      const double a = std::fabs(m);
      if (a >= 100 || a == 0 || std::isnan(a)) return c.decimals_at_least;
      return std::max(c.decimals_at_least, std::clamp(2 - static_cast<int>(std::floor(std::log10(a))), 0, 6));
    }
  }
  return 1;
}

}  // namespace

int display_decimals(const Cell& c) {
  return c.unit == Unit::Euro ? unit_decimals(c) : std::max(c.decimals_at_least, unit_decimals(c));
}

namespace {

// ---- CSV ----

// Shortest text that reads back as the same double; empty for an undefined figure.
std::string csv_number(double x) {
  return std::isnan(x) ? std::string() : fmt::format("{}", x);
}

// ---- JSON ----

using json = nlohmann::ordered_json;

json number(double x) {
  return std::isnan(x) ? json(nullptr) : json(x);
}

json cell_json(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::Empty:
      return nullptr;
    case Cell::Kind::Text:
      return json{{"text", c.text}};
    case Cell::Kind::Number:
      break;
  }
  json j;
  j["unit"] = to_string(c.unit);
  j["mean"] = number(c.stat.mean);
  j["sd"] = number(c.stat.sd);
  j["se"] = number(c.stat.se);
  j["lo"] = number(c.stat.lo);
  j["hi"] = number(c.stat.hi);
  j["n"] = c.stat.n;
  if (c.stat.cut != 0) j["cut"] = c.stat.cut;  // kCutLow | kCutHigh
  if (!c.counted.empty()) j["counted"] = c.counted;
  if (c.ends) j["ends"] = true;
  if (c.decimals_at_least > 0) j["decimals"] = c.decimals_at_least;
  if (c.significant > 0) j["significant"] = c.significant;
  if (c.one_value) j["one_value"] = true;
  if (!c.interval.empty()) j["interval"] = c.interval;
  if (!c.shown.empty()) j["shown"] = c.shown;
  return j;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_all(const Report& r) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* f : {"table", "csv", "json"}) out.emplace_back(f, render(r, *parse_format(f)));
  return out;
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") return Format::Table;
  if (name == "csv") return Format::Csv;
  if (name == "json") return Format::Json;
  return std::nullopt;
}

std::size_t display_width(std::string_view s) {
  // The C library's wcwidth under a UTF-8 locale of this thread only: a CJK character takes 2 columns, a
  // combining accent (a decomposed "é") and a zero-width joiner none. Without C.UTF-8, one a code point.
  static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  std::size_t n = 0;
  if (utf8 == static_cast<locale_t>(nullptr)) {
    for (unsigned char ch : s)
      if ((ch & 0xC0) != 0x80) ++n;
    return n;
  }
  const locale_t before = uselocale(utf8);
  std::mbstate_t state{};
  for (std::size_t i = 0; i < s.size();) {
    wchar_t wc = 0;
    const std::size_t len = std::mbrtowc(&wc, s.data() + i, s.size() - i, &state);
    if (len == 0 || len > s.size() - i) {  // NUL, or a byte that is not UTF-8: one column, and on
      state = std::mbstate_t{};
      ++n;
      ++i;
      continue;
    }
    n += static_cast<std::size_t>(std::max(0, wcwidth(wc)));
    i += len;
  }
  uselocale(before);
  return n;
}

std::string format_probability(double p, int n, const std::string& noun) {
  if (std::isnan(p)) return "n/a";
  if (!few_runs(n)) {
    // k of n as round(1000 k / n) / 10 percent, half away from zero, in whole numbers (model.md 14.3): 100 p
    // in binary put 395 of 400 a hair below 98.75. A share that is no count of n (a tie shared in a CEAC)
    // is rounded as it is.
    const double count = std::round(p * n);
    if (std::fabs(p * n - count) < 1e-6 && count >= 0) {
      const auto k = static_cast<long long>(count), runs = static_cast<long long>(n);
      const std::string percent =
          format_dutch(static_cast<double>((2000 * k + runs) / (2 * runs)) / 10.0, 1) + "%";
      if (n >= kCountShownBelow && k != 0 && k != runs) return percent;
      // With the exact (Clopper-Pearson) 95% interval the count allows: all or none of them as a bound,
      // 0.025^(1/n) ("100,0% (20 of 20 draws)" read as certainty; a policy advisor's reading), the others as
      // both ends ("75,0% (15 of 20 draws)" claimed a precision of a tenth of a percent without a bound; a
      // policy advisor's reading of a PSA).
      // Counts in Dutch notation, as every number shown ("1000 of 1000 draws" beside "1.000 parameter
      // draws"; a review).
      const Interval ci = clopper_pearson_95(k, runs);
      const std::string of = fmt::format("{} of {} {}", format_dutch(static_cast<double>(k), 0),
                                         format_dutch(static_cast<double>(n), 0), noun);
      if (k == runs || k == 0)
        return fmt::format("{} ({}; 95%: {} {}%)", percent, of, k == 0 ? "at most" : "at least",
                           format_dutch(100 * (k == 0 ? ci.upper : ci.lower), 1));
      return fmt::format("{} ({}; 95%: {} to {}%)", percent, of, format_dutch(100 * ci.lower, 1),
                         format_dutch(100 * ci.upper, 1));
    }
    return format_dutch(100 * p, 1) + "%";
  }
  const double k = p * n;
  const double whole = std::round(k);
  const bool is_whole = std::fabs(k - whole) < 1e-9;
  // A share that is no whole count: runs in which options tie exactly share them (a CEAC's ties), said so
  // (outside attack 13: "1,5 of 3 runs" for a scenario identical to its comparator).
  return fmt::format("{} of {} {}{}", format_dutch(is_whole ? whole : k, is_whole ? 0 : 1), n, noun,
                     is_whole ? "" : " (ties shared)");
}

std::string format_cell(const Cell& c) {
  // Euros as display_decimals says: whole from 100 on, cents below for an amount that is not whole.
  const text::CellText t = text::cell_text(
      c, display_decimals(c) == 2 && c.unit == Unit::Euro ? text::EuroScale::Cents : text::EuroScale::Euro);
  if (c.kind != Cell::Kind::Number || t.value == "n/a") return t.value;
  const std::string value = c.unit == Unit::Euro ? "\u20AC " + t.value : t.value;
  return t.interval.empty() ? value : value + " " + t.interval;
}

std::pair<std::string, std::string> format_range(double low, double high, Unit u) {
  // The style of the end farther from zero, as a table column takes the style of its largest figure.
  Cell c = Cell::of_ends(std::fabs(low) >= std::fabs(high) ? low : high, low, high, u);
  auto [lo, hi] = text::ends_text(
      c, display_decimals(c) == 2 && u == Unit::Euro ? text::EuroScale::Cents : text::EuroScale::Euro);
  if (u == Unit::Euro) lo = "\u20AC " + lo, hi = "\u20AC " + hi;
  return {lo, hi};
}

// ---- Sections ----

const std::vector<std::string>& section_names() {
  static const std::vector<std::string> names = {"glance",     "economics",   "budget", "agencies",
                                                 "households", "calibration", "other"};
  return names;
}

std::vector<std::string> parse_sections(std::string_view list) {
  std::vector<std::string> out;
  bool seen_all = false;
  std::string known;
  for (const std::string& n : section_names()) known += (known.empty() ? "" : ", ") + n;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    std::string name(list.substr(start, end - start));
    start = end + 1;
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    // "glance,,budget" or a comma at an end: a mistake in the list, said rather than passed over.
    if (name.empty() && !list.empty())
      throw InputError({{Location{}, "--sections",
                         fmt::format("an empty section name in '{}' (two commas, or one at an end): the "
                                     "sections are {} and all",
                                     list, known)}});
    // A name given twice, or beside all, is said, as a parameter or threshold given twice is (outside attack
    // 12): the list may hold something else than was meant.
    if (name == "all" || seen_all) {
      if (seen_all || !out.empty())
        throw InputError({{Location{}, "--sections",
                           fmt::format("'{}': all is every section, and no other name goes with it", list)}});
      seen_all = true;
      out = section_names();
      continue;
    }
    if (std::find(section_names().begin(), section_names().end(), name) == section_names().end())
      throw InputError({{Location{}, "--sections",
                         fmt::format("there is no section '{}': the sections are {} and all", name, known)}});
    if (std::find(out.begin(), out.end(), name) != out.end())
      throw InputError(
          {{Location{}, "--sections", fmt::format("'{}' names the section {} twice", list, name)}});
    out.push_back(name);
  }
  if (out.empty())
    throw InputError(
        {{Location{}, "--sections", fmt::format("name at least one section of {} or all", known)}});
  return out;
}

std::string section_of(const Table& t) {
  static const std::pair<const char*, const char*> ids[] = {{"headline", "glance"},
                                                            {"cost_effectiveness", "economics"},
                                                            {"efficiency_frontier", "economics"},
                                                            {"acceptability", "economics"},
                                                            {"budget_by_year", "economics"},
                                                            {"budget_impact", "economics"},
                                                            {"who_pays_who_saves", "economics"},
                                                            {"budget", "budget"},
                                                            {"budget_difference", "budget"},
                                                            {"caseload", "agencies"},
                                                            {"agencies", "agencies"},
                                                            {"agencies_difference", "agencies"},
                                                            {"households", "households"},
                                                            {"households_difference", "households"},
                                                            {"events", "households"},
                                                            {"events_difference", "households"},
                                                            {"calibration", "calibration"},
                                                            // A calibration's own tables (they were
                                                            // "other"; outside attack 33).
                                                            {"calibration_run", "calibration"},
                                                            {"posterior", "calibration"},
                                                            {"calibration_fit", "calibration"}};
  for (const auto& [id, section] : ids)
    if (t.id == id) return section;
  return "other";
}

// ---- Text ----

namespace {

bool alike_runs(const Report& r) {
  return std::all_of(r.scenarios.begin(), r.scenarios.end(), [&](const ScenarioRef& s) {
    const ScenarioRef& f = r.scenarios.front();
    return s.seed == f.seed && s.first_replication == f.first_replication &&
           s.replications == f.replications && s.draws == f.draws && s.years == f.years;
  });
}

std::string runs_of(const ScenarioRef& s) {
  // How many runs first, then their numbers (--first-replication): "replications 0 to 4" read as a range
  // to look up, not as five runs.
  const std::string replications =
      s.replications == 1 ? fmt::format("1 replication (number {})", s.first_replication)
                          : fmt::format("{} replications ({} to {})", s.replications, s.first_replication,
                                        s.first_replication + s.replications - 1);
  // Each parameter draw runs the same replication numbers (docs/model.md, section 16).
  const std::string runs =
      s.draws == 0 ? replications
                   : fmt::format("{} parameter draw{} of {}", s.draws, s.draws == 1 ? "" : "s", replications);
  return fmt::format("seed {}, {}, {} policy year{}", s.seed, runs, s.years, s.years == 1 ? "" : "s");
}

// The first line: the command and its runs.
std::string text_header(const Report& r, std::size_t width) {
  std::string first = fmt::format("wijksim {} {}", r.version, r.command);
  if (r.command == "calibrate" && !r.scenarios.empty()) {
    // Its runs are its candidates' (it said "replication 0" of a calibration of thousands of runs).
    const ScenarioRef& s = r.scenarios.front();
    first += fmt::format(": seed {}, each candidate {} replication{} of {} policy year{}", s.seed,
                         s.replications, s.replications == 1 ? "" : "s", s.years, s.years == 1 ? "" : "s");
  } else if (alike_runs(r) && !r.scenarios.empty()) {
    first += ": " + runs_of(r.scenarios.front());
  }
  return text::wrap(first, width, "", "  ") + "\n";
}

// How to read a figure.
std::string text_notation(const Report& r, std::size_t width) {
  // One run of each scenario has no interval: the note said how one is computed above figures that had
  // none (outside attack 10). Runs of several parameter draws, one replication each, have one: over the
  // draws (it said "one replication ... no interval" above intervals over 10 draws; outside attack 14).
  const bool one_run = !r.scenarios.empty() &&
                       std::all_of(r.scenarios.begin(), r.scenarios.end(),
                                   [](const ScenarioRef& s) { return s.replications == 1 && s.draws <= 1; });
  // A calibration's figures are of its candidates and its posterior, not runs of the scenario.
  constexpr std::string_view kPosterior = "posterior: ";  // how calibration_report begins its interval
  const std::string how =
      r.command == "calibrate"
          ? "Each figure of the posterior: mean (low to high) " +
                (r.interval.starts_with(kPosterior) ? r.interval.substr(kPosterior.size()) : r.interval)
      : one_run
          ? "Each figure: one run of each scenario, so no interval"
          : "Each figure: mean (low to high), the " + r.interval +
                "; (same in all runs): the figure was the same in every run, or parameter draw, it is over";
  return text::wrap(how +
                        ". Numbers in Dutch notation (1.234,5); euros in the unit the column or row names "
                        "(EUR, EUR thousand, EUR million).",
                    width, "", "");
}

// Each scenario with its file and comparator (a comparator of another is named with it).
std::string text_scenarios(const Report& r, std::size_t width) {
  std::string out = "== Scenarios ==\n";
  auto is_comparator = [&](const ScenarioRef& s) {
    return std::any_of(r.scenarios.begin(), r.scenarios.end(),
                       [&](const ScenarioRef& o) { return o.comparator == s.file; });
  };
  for (const ScenarioRef& s : r.scenarios) {
    if (is_comparator(s)) continue;
    // A file name may hold any byte but '/' and NUL: an escape or a line break in one is shown as \xHH, not
    // sent to the terminal (outside attack 9). Names are checked when read (no control characters).
    std::string line = fmt::format("{} ({})", s.name, printable(s.file));
    if (!s.comparator.empty()) {
      const auto c = std::find_if(r.scenarios.begin(), r.scenarios.end(),
                                  [&](const ScenarioRef& o) { return o.file == s.comparator; });
      line += c == r.scenarios.end() ? fmt::format(" against {}", printable(s.comparator))
                                     : fmt::format(" against {} ({})", c->name, printable(c->file));
    }
    if (!alike_runs(r)) line += ": " + runs_of(s);
    out += text::wrap(line, width, "   ", "     ");
    // Where the draws' values come from: a calibrated sets file replaces the scenario file's values of its
    // parameters in every draw, which the file itself does not show (it was said nowhere in the output).
    const auto c = std::find_if(r.scenarios.begin(), r.scenarios.end(),
                                [&](const ScenarioRef& o) { return o.file == s.comparator; });
    const bool same_sets = c != r.scenarios.end() && c->sets_file == s.sets_file;
    for (const ScenarioRef* x : {&s, same_sets || c == r.scenarios.end() ? nullptr : &*c}) {
      if (x == nullptr || x->sets_file.empty()) continue;
      out += text::wrap(
          fmt::format("in each parameter draw {} the values of {} parameters from one of the {} calibrated "
                      "sets in {}{}; the other uncertain parameters are drawn from the scenario files' "
                      "distributions; the base case keeps the scenario files' values",
                      x == &s ? (same_sets ? "both take" : "it takes") : "its comparator takes",
                      x->set_parameters, x->sets, printable(x->sets_file),
                      same_sets ? " (the same set)" : ""),
          width, "     ", "     ");
    }
  }
  return out;
}

// The words a policy advisor may not know that `shown` uses (report/terms.h; the report's How to read lists
// them all).
// `explained`: text whose terms were explained before, not repeated.
std::string text_terms(std::string_view shown, std::size_t width,
                       const std::string& heading = "Terms:", std::string_view explained = {}) {
  const std::vector<Term> before = terms_used_in(explained);
  std::string out;
  for (const Term& t : terms_used_in(shown))
    if (std::none_of(before.begin(), before.end(), [&](const Term& b) { return b.word == t.word; }))
      out += text::wrap(fmt::format("{}: {}.", t.word, t.meaning), width, "  ", "    ");
  return out.empty() ? "" : heading + "\n" + out;
}

std::string text_glance(const Report& r, std::size_t width,
                        const std::map<std::string, std::string>& at_the_end, const std::string& unsaid) {
  std::optional<GlanceView> v = glance_view(r);
  // Without a glance, "nothing compared here" only where nothing is: a sweep compares, along a parameter,
  // in its one table (it said the opposite above its planning curve).
  const bool compares = std::any_of(r.scenarios.begin(), r.scenarios.end(),
                                    [](const ScenarioRef& s) { return !s.comparator.empty(); });
  // A calibration compares nothing, and is not meant to: its own tables follow.
  if (!v && (compares || r.command == "calibrate")) return "";
  if (!v)
    return text::wrap(
               "At a glance: nothing compared here (`wijksim compare` compares each scenario "
               "with its comparator).",
               width, "", "") +
           "\n";
  const std::string note = v->grid.note;
  v->grid.note.clear();
  std::string out = text::layout(v->grid, width);
  out.pop_back();  // the blank line after the grid: the words and the note belong to it
  // With parameter draws a change is named where it holds across the draws, which the detailed tables'
  // interval of the mean over all runs may show where this does not ("waits less: nobody" above a table
  // of waits with -1,8 (-2,0 to -1,5); a policy advisor's reading of a PSA): said where the words begin.
  const std::uint32_t draws = r.scenarios.empty() ? 0 : r.scenarios.front().draws;
  out += draws > 1 ? text::wrap(fmt::format("In short (named where it holds across the {} draws, as in the "
                                            "brackets above; the tables below may show more):",
                                            format_dutch(draws, 0)),
                                width, "", "  ")
                   : std::string("In short:\n");
  for (const InShort& s : v->in_short) {
    // What the period's means hide, as the report says it: a queue still growing at the end, a cut larger.
    const auto it = at_the_end.find(s.scenario);
    out += text::wrap(s.named() + ": " + s.words + "." + (it == at_the_end.end() ? "" : " " + it->second),
                      width, "  ", "    ");
  }
  for (const std::string& choice : v->choices) out += text::wrap(choice + ".", width, "  ", "    ");
  for (const std::string& caveat : v->caveats) out += text::wrap(caveat, width, "  ", "    ");
  if (!v->calibration_misses.empty()) out += text::wrap(v->calibration_misses, width, "  ", "    ");
  if (!unsaid.empty()) out += text::wrap(unsaid, width, "  ", "    ");
  out += text::wrap(note, width, "   ", "   ");
  out += text_notation(r, width);
  out += text_terms(out, width);
  return out + "\n";
}

}  // namespace

std::string render_table(const Report& r, const TextOptions& o) {
  const std::size_t width = std::max(o.width, text::kMinWidth);
  const std::vector<std::string>& sections = o.sections.empty() ? section_names() : o.sections;
  std::string out = text_header(r, width);
  bool named = false;  // the scenarios are named once, before the first section of details
  // How to read a figure is said once: under At a glance, or else with the scenarios.
  const bool has_glance =
      std::find(sections.begin(), sections.end(), "glance") != sections.end() &&
      std::any_of(r.tables.begin(), r.tables.end(), [](const Table& t) { return t.id == "headline"; });
  const bool asked = !o.sections.empty() && o.sections != section_names();  // sections named on the command
  std::string glance, details;  // what the terms at the end explain: the details', less the glance's
  for (const std::string& s : sections) {
    if (s == "glance") {
      glance = text_glance(r, width, o.at_the_end, o.at_the_end_unsaid);
      out += glance;
      // Asked for by name, a glance a run does not have is said, as any other section is (a calibration's
      // printed its header alone; outside attack 33).
      if (glance.empty() && asked) out += "This run has no tables in the glance section.\n\n";
      continue;
    }
    if (!named) out += text_scenarios(r, width) + (has_glance ? "" : text_notation(r, width)) + "\n";
    named = true;
    bool any = false;
    for (const Table& t : r.tables)
      if (section_of(t) == s) {
        const std::string table = text::layout(text::grid_of(t), width);
        out += table;
        details += table;
        any = true;
      }
    // A section asked for by name and absent is said (outside attack 9: a calibration's `--sections budget`
    // printed the header alone, as if the budget were empty).
    if (!any && asked) out += fmt::format("This run has no tables in the {} section.\n\n", s);
  }
  // The words of the detailed tables a policy advisor may not know (bounces, escalations, rungs), where the
  // glance's terms did not explain them (a policy advisor's reading: the terminal never defined them).
  const std::string terms = text_terms(details, width, "Terms of the tables above:", glance);
  return terms.empty() ? out : out + terms + "\n";
}

// What a cell's lo and hi are, by name (interval_kind, table.h); empty where it has neither.
std::string interval_of(const Table& t, const Cell& c) {
  if (std::isnan(c.stat.lo) && std::isnan(c.stat.hi)) return "";
  if (c.ends) return interval_kind::kEnds;
  return c.interval.empty() ? t.interval : c.interval;
}

std::string render_csv(const Report& r) {
  // `counted`: what n counts for a probability ("runs" or "draws"; the README promised it with n, and only
  // the JSON had it: outside attack 15). Last, so a reader of the earlier columns reads them as before.
  // `interval`: what lo and hi are (interval_kind in table.h), last for the same reason. `cut`: which end
  // is cut at the limit of what the figure can be ("lo", "hi" or "lo hi"; the text marks it with *), which
  // the JSON had and the CSV did not.
  std::string out = kTablesCsvHeader;
  for (const Table& t : r.tables) {
    for (const Row& row : t.rows) {
      for (std::size_t c = 0; c < row.cells.size() && c < t.columns.size(); ++c) {
        const Cell& cell = row.cells[c];
        if (cell.kind == Cell::Kind::Empty || t.columns[c].terminal_only) continue;
        out += fmt::format("{},{},{},{},{},", csv_field(t.scenario), csv_field(t.comparator), csv_field(t.id),
                           csv_field(row.key), csv_field(t.columns[c].key));
        if (cell.kind == Cell::Kind::Text) {
          out += ",,,,,,," + csv_field(cell.text) + ",,,\n";
          continue;
        }
        // The numbers for a program, and the cell as the table shows it: its interval's meaning with it (a
        // one-way range's lo and hi are the figure at the parameter's two ends, "lo → hi", not an interval:
        // outside attack 13 read them as one).
        const Stat& s = cell.stat;
        const std::string cut = (s.cut & kCutLow) && (s.cut & kCutHigh) ? "lo hi"
                                : (s.cut & kCutLow)                     ? "lo"
                                : (s.cut & kCutHigh)                    ? "hi"
                                                                        : "";
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", to_string(cell.unit), csv_number(s.mean),
                           csv_number(s.sd), csv_number(s.se), csv_number(s.lo), csv_number(s.hi), s.n,
                           csv_field(format_cell(cell)), csv_field(cell.counted), interval_of(t, cell), cut);
      }
    }
  }
  return out;
}

std::string render_json(const Report& r) {
  json j;
  j["wijksim"] = r.version;
  j["command"] = r.command;
  j["interval"] = r.interval;
  json scenarios = json::array();
  for (const ScenarioRef& s : r.scenarios) {
    json o;
    o["name"] = s.name;
    o["file"] = s.file;
    o["hash"] = s.hash;
    o["comparator"] = s.comparator;
    o["seed"] = s.seed;
    o["first_replication"] = s.first_replication;
    o["replications"] = s.replications;
    o["draws"] = s.draws;
    o["years"] = s.years;
    if (!s.sets_file.empty())
      o["parameter_sets"] = {{"file", s.sets_file}, {"sets", s.sets}, {"parameters", s.set_parameters}};
    scenarios.push_back(std::move(o));
  }
  j["scenarios"] = std::move(scenarios);
  json tables = json::array();
  for (const Table& t : r.tables) {
    json o;
    o["id"] = t.id;
    o["title"] = t.title;
    o["scenario"] = t.scenario;
    o["comparator"] = t.comparator;
    o["note"] = t.note;
    if (t.unit_in_title) o["unit_in_title"] = true;  // only where set: other tables' JSON is unchanged
    json columns = json::array();
    for (const Column& c : t.columns)
      if (!c.terminal_only) columns.push_back(json{{"key", c.key}, {"label", c.label}});
    o["columns"] = std::move(columns);
    json rows = json::array();
    for (const Row& row : t.rows) {
      json cells = json::object();
      for (std::size_t c = 0; c < row.cells.size() && c < t.columns.size(); ++c)
        if (!t.columns[c].terminal_only) {
          Cell cell = row.cells[c];
          if (cell.kind == Cell::Kind::Number) cell.interval = interval_of(t, cell);
          cells[t.columns[c].key] = cell_json(cell);
        }
      rows.push_back(
          json{{"key", row.key}, {"label", row.label}, {"indent", row.indent}, {"cells", std::move(cells)}});
    }
    o["rows"] = std::move(rows);
    tables.push_back(std::move(o));
  }
  j["tables"] = std::move(tables);
  // Never throws on text that is not UTF-8 (a file name is bytes): such a byte becomes U+FFFD. Text from a
  // scenario cannot reach here unchecked (the reader refuses it, with its location).
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

const json& json_member(const json& j, const char* key) {
  static const json none;
  if (!j.is_object()) return none;
  const auto it = j.find(key);
  return it == j.end() ? none : *it;
}

std::string json_text(const json& j) {
  return j.is_string() ? j.get<std::string>() : std::string();
}

namespace {

constexpr auto& member = json_member;

double number_of(const json& j) {
  return j.is_number() ? j.get<double>() : kNaN;
}
template <class T>
T integer_of(const json& j) {
  return j.is_number() ? j.get<T>() : T{};
}

}  // namespace

Cell cell_from_json(const json& j) {
  if (j.is_null()) return Cell::empty();
  if (j.contains("text")) return Cell::of_text(json_text(member(j, "text")));
  Stat s;
  s.mean = number_of(member(j, "mean"));
  s.sd = number_of(member(j, "sd"));
  s.se = number_of(member(j, "se"));
  s.lo = number_of(member(j, "lo"));
  s.hi = number_of(member(j, "hi"));
  s.n = integer_of<int>(member(j, "n"));
  s.cut = static_cast<std::uint8_t>(integer_of<int>(member(j, "cut")) & (kCutLow | kCutHigh));
  Cell c = Cell::of(s, unit_from_string(json_text(member(j, "unit"))));
  c.counted = json_text(member(j, "counted"));
  c.ends = member(j, "ends").is_boolean() && member(j, "ends").get<bool>();
  if (member(j, "decimals").is_number_integer())
    c.decimals_at_least = std::clamp(member(j, "decimals").get<int>(), 0, 17);
  if (member(j, "significant").is_number_integer())
    c.significant = std::clamp(member(j, "significant").get<int>(), 0, 17);
  c.one_value = member(j, "one_value").is_boolean() && member(j, "one_value").get<bool>();
  c.interval = json_text(member(j, "interval"));  // absent in reports stored before 2026-12-06
  c.shown = json_text(member(j, "shown"));
  return c;
}

Report report_from_json(const std::string& text) {
  const json j = json::parse(text);
  Report r;
  r.version = json_text(member(j, "wijksim"));
  r.command = json_text(member(j, "command"));
  r.interval = json_text(member(j, "interval"));
  for (const json& o : member(j, "scenarios")) {
    ScenarioRef s;
    s.name = json_text(member(o, "name"));
    s.file = json_text(member(o, "file"));
    s.hash = json_text(member(o, "hash"));
    s.comparator = json_text(member(o, "comparator"));
    s.seed = integer_of<std::uint64_t>(member(o, "seed"));
    s.first_replication = integer_of<std::uint32_t>(member(o, "first_replication"));
    s.replications = integer_of<std::uint32_t>(member(o, "replications"));
    s.draws = integer_of<std::uint32_t>(member(o, "draws"));
    s.years = integer_of<int>(member(o, "years"));
    {  // absent without sets, and in reports stored before 2026-12-03: then none
      const json& p = member(o, "parameter_sets");
      s.sets_file = json_text(member(p, "file"));
      s.sets = integer_of<std::uint32_t>(member(p, "sets"));
      s.set_parameters = integer_of<std::uint32_t>(member(p, "parameters"));
    }
    r.scenarios.push_back(std::move(s));
  }
  for (const json& o : member(j, "tables")) {
    Table t;
    t.id = json_text(member(o, "id"));
    t.title = json_text(member(o, "title"));
    t.scenario = json_text(member(o, "scenario"));
    t.comparator = json_text(member(o, "comparator"));
    t.note = json_text(member(o, "note"));
    // Each stored cell names what its low and high are; one stored before it did (2026-12-06) says nothing,
    // rather than the default's "mean_95ci", which a PSA's spread over the draws is not.
    t.interval.clear();
    const json& unit_in_title = member(o, "unit_in_title");
    t.unit_in_title = unit_in_title.is_boolean() && unit_in_title.get<bool>();
    for (const json& c : member(o, "columns"))
      t.columns.push_back({json_text(member(c, "key")), json_text(member(c, "label"))});
    for (const json& row : member(o, "rows")) {
      Row x{json_text(member(row, "key")),
            json_text(member(row, "label")),
            {},
            integer_of<int>(member(row, "indent"))};
      for (const Column& c : t.columns)
        x.cells.push_back(cell_from_json(member(member(row, "cells"), c.key.c_str())));
      t.rows.push_back(std::move(x));
    }
    add_tornado_bars(t);  // a picture for the terminal, which the JSON does not keep
    r.tables.push_back(std::move(t));
  }
  return r;
}

std::string render(const Report& r, Format f, const TextOptions& text) {
  // Names and paths come from files, which may hold anything: a control character (an escape sequence a
  // terminal would act on) is shown as \xHH in text meant for a terminal. JSON escapes them itself.
  switch (f) {
    case Format::Table:
      return printable(render_table(r, text), true);
    case Format::Csv:
      return printable(render_csv(r), true);
    case Format::Json:
      return render_json(r);
  }
  return printable(render_table(r, text), true);
}

}  // namespace wijksim
