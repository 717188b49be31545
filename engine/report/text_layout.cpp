#include "wijksim/report/text_layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/core/dutch_numbers.h"
#include "wijksim/core/error.h"
#include "wijksim/report/render.h"

namespace wijksim::text {
namespace {

constexpr double kThousand = 1e3, kMillion = 1e6;

std::size_t width_of(const std::string& s) {
  return display_width(s);
}

std::string pad(const std::string& s, std::size_t width, bool right) {
  const std::size_t w = width_of(s);
  const std::string fill(w < width ? width - w : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string rtrim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// The largest magnitude among a cell's mean and interval (0 for anything else).
double magnitude(const Cell& c) {
  if (c.kind != Cell::Kind::Number) return 0;
  double m = 0;
  for (double x : {c.stat.mean, c.stat.lo, c.stat.hi})
    if (!std::isnan(x) && !std::isinf(x)) m = std::max(m, std::fabs(x));
  return m;
}

// The longest word of a text (what a wrapped column cannot be narrower than).
std::size_t longest_word(const std::string& s) {
  std::size_t best = 0, start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(' ', start);
    if (end == std::string::npos) end = s.size();
    best = std::max(best, width_of(s.substr(start, end - start)));
    start = end + 1;
  }
  return best;
}

}  // namespace

// A CJK character takes two columns (counted as one, a name of 200 of them ran to 198 columns; outside
// attack 32), a combining accent none, so it stays with the character before it.
std::vector<std::string> cut(const std::string& word, std::size_t width) {
  std::vector<std::string> out(1);
  std::size_t w = 0;
  for (std::size_t i = 0; i < word.size();) {
    const std::size_t n = std::max<std::size_t>(utf8_length(word, i), 1);
    const std::string character = word.substr(i, n);
    const std::size_t cw = width_of(character);
    if (w > 0 && w + cw > width) {
      out.emplace_back();
      w = 0;
    }
    out.back() += character;
    w += cw;
    i += n;
  }
  return out;
}

// ---- Figures as text ----

bool no_spread(double mean, double lo, double hi) {
  return std::abs(hi - lo) <= 1e-9 * std::max(1.0, std::abs(mean));
}

bool no_spread(const Stat& s) {
  return !std::isnan(s.lo) && !std::isnan(s.hi) && no_spread(s.mean, s.lo, s.hi) &&
         !(s.sd > 1e-9 * std::max(1.0, std::abs(s.mean)));
}

EuroScale euro_scale(const std::vector<const Cell*>& cells) {
  bool euros = false, other = false;
  double m = 0;
  for (const Cell* c : cells) {
    if (c->kind != Cell::Kind::Number) continue;
    if (c->unit != Unit::Euro) {
      other = true;
      continue;
    }
    euros = true;
    m = std::max(m, magnitude(*c));
  }
  if (!euros) return EuroScale::Euro;
  if (other) return EuroScale::PerCell;
  if (m >= kMillion) return EuroScale::Million;
  if (m >= 10 * kThousand) return EuroScale::Thousand;
  if (m >= 100) return EuroScale::Euro;
  for (const Cell* c : cells)
    if (c->kind == Cell::Kind::Number && c->unit == Unit::Euro)
      for (double x : {c->stat.mean, c->stat.lo, c->stat.hi})
        if (!std::isnan(x) && x != std::floor(x)) return EuroScale::Cents;
  return EuroScale::Euro;
}

std::string with_euro_unit(const std::string& label, EuroScale s) {
  const char* unit = s == EuroScale::Million    ? "EUR million"
                     : s == EuroScale::Thousand ? "EUR thousand"
                     : s == EuroScale::PerCell  ? nullptr
                                                : "EUR";
  if (!unit) return label;
  std::size_t at = label.find("EUR");
  while (at != std::string::npos) {
    const bool word_start = at == 0 || !std::isalpha(static_cast<unsigned char>(label[at - 1]));
    const bool word_end = at + 3 >= label.size() || !std::isalpha(static_cast<unsigned char>(label[at + 3]));
    if (word_start && word_end) return label.substr(0, at) + unit + label.substr(at + 3);
    at = label.find("EUR", at + 1);
  }
  return label + " (" + unit + ")";
}

namespace {

// How one number of a cell is written: scaled by `divisor`, with `decimals`, the prefix and suffix around it.
struct NumberStyle {
  double divisor = 1;
  int decimals = 0;
  int significant = 0;  // Cell::significant
  std::string prefix, suffix;
  std::string operator()(double x) const {
    if (significant <= 0 || !std::isfinite(x)) return format_dutch(x / divisor, decimals);
    if (x == 0) return format_dutch(0, 0);
    // `significant` digits, in the column's unit: 73,63 as 74, 206.164 in EUR thousand as 210, 342,77 there
    // as 0,34 and 0,0044 as 0,0044: the column's decimals cut neither the digits nor a figure that is not 0
    // to "0,00" (outside attack 55).
    const double v = round_to_significant(x / divisor, significant);
    const int first = static_cast<int>(std::floor(std::log10(std::fabs(v))));
    return format_dutch(v, std::max(significant - 1 - first, 0));
  }
  std::string whole(double x) const {
    return std::isnan(x) ? std::string("n/a") : prefix + (*this)(x) + suffix;
  }
};

NumberStyle number_style(const Cell& c, EuroScale s) {
  NumberStyle n;
  n.decimals = display_decimals(c);
  n.significant = c.significant;
  if (c.unit == Unit::Euro) {
    const EuroScale e = s != EuroScale::PerCell           ? s
                        : magnitude(c) >= 100 * kThousand ? EuroScale::Million
                                                          : EuroScale::Euro;
    if (e == EuroScale::Million) n.divisor = kMillion, n.decimals = 2;
    if (e == EuroScale::Thousand) n.divisor = kThousand, n.decimals = 1;
    if (e == EuroScale::Euro && s != EuroScale::PerCell) n.decimals = 0;
    if (e == EuroScale::Cents) n.decimals = 2;
    if (s == EuroScale::PerCell) {
      n.prefix = "\u20AC ";
      if (e == EuroScale::Million) n.suffix = " mln";
    }
  } else if (c.unit == Unit::Share) {
    n.divisor = 0.01;
    n.suffix = "%";
  } else if (c.unit == Unit::SharePoints) {
    n.divisor = 0.01;
    n.suffix = " pp";
  }
  return n;
}

// A spread narrower than the last decimal is shown with the decimals that show it ("28,3 (28,3 to 28,3)"
// read as certainty; a policy advisor's reading), up to four more; a percentage one more at most, to
// hundredths of a percent ("100,003% (100,002 to 100,003)" for a utilisation was precision no capacity plan
// has; a policy advisor's reading). No spread at all is said in words.
void widen_to_spread(NumberStyle& number, const Stat& st, Unit unit) {
  if (std::isnan(st.lo) || std::isnan(st.hi) || no_spread(st.mean, st.lo, st.hi)) return;
  const int widest = unit == Unit::Share || unit == Unit::SharePoints ? 1 : 4;
  for (int more = 0; more < widest && number(st.lo) == number(st.hi); ++more) ++number.decimals;
}

}  // namespace

double euro_step(EuroScale s) {
  const NumberStyle n = number_style(Cell::of_value(1, Unit::Euro), s);
  return n.divisor * std::pow(10.0, -n.decimals);
}

int shown_decimals(const Cell& c) {
  NumberStyle number = number_style(c, EuroScale::PerCell);
  widen_to_spread(number, c.stat, c.unit);
  return number.decimals;
}

void same_decimals(const std::vector<Cell*>& cells) {
  int most = 0;
  for (const Cell* c : cells)
    if (c->kind == Cell::Kind::Number && !std::isnan(c->stat.mean)) most = std::max(most, shown_decimals(*c));
  for (Cell* c : cells) c->decimals_at_least = most;
}

std::pair<std::string, std::string> ends_text(const Cell& c, EuroScale s) {
  const NumberStyle n = number_style(c, s);
  return {n.whole(c.stat.lo), n.whole(c.stat.hi)};
}

CellText cell_text(const Cell& c, EuroScale s) {
  switch (c.kind) {
    case Cell::Kind::Empty:
      return {};
    case Cell::Kind::Text:
      return {c.text, "", false};
    case Cell::Kind::Number:
      break;
  }
  const Stat& st = c.stat;
  if (std::isnan(st.mean)) return {"n/a", "", true};
  if (!c.shown.empty()) return {c.shown, "", true};
  // A probability over few runs or draws is a count ("5 of 5 runs"), never a bare 100%.
  if (!c.counted.empty()) return {format_probability(st.mean, st.n, c.counted), "", true};
  const bool interval = !std::isnan(st.lo) && !std::isnan(st.hi);
  NumberStyle number = number_style(c, s);
  const int& decimals = number.decimals;
  const double divisor = number.divisor;
  const std::string& prefix = number.prefix;
  const std::string& suffix = number.suffix;
  if (c.ends) {  // a figure at the two ends of a parameter's range: "low -> high"
    return {number.whole(st.lo) + " \u2192 " + number.whole(st.hi), "", true};
  }
  // An end that is not zero is not shown as zero (a wait's difference 0,6 (0,0 to 1,2) was called "waits
  // longer" for an end of 0.027; an independent check): it takes the decimals of its first digit, up to
  // twelve more. So does the mean where its interval lies on one side of zero ("0,0 (0,02 to 0,04)" put
  // the mean below its own interval; outside attack 28).
  const auto not_zero = [&](double x) {
    std::string shown = number(x);
    for (int more = 1; more <= 12 && x != 0 && shown.find_first_of("123456789") == std::string::npos; ++more)
      shown = format_dutch(x / divisor, decimals + more);
    return shown;
  };
  const bool none = interval && no_spread(st);
  widen_to_spread(number, st, c.unit);
  const bool one_side = interval && (st.lo > 0 || st.hi < 0);
  CellText t{prefix + (one_side ? not_zero(st.mean) : number(st.mean)) + suffix, "", true};
  // No spread at all: the same figure in every run (a fund's bill, places cut by rule), said as such, not as
  // an interval of no width. Without a count: a figure's n is its runs or its parameter draws ("in all 3
  // runs" beside a header of 6 runs; outside attack 35).
  // A value given or derived once with an interval of no width (a target given as [2, 2], a posterior of
  // one set, an EVPPI of 0) is not over runs: "(same in all runs)" claimed runs there were not (outside
  // attack 38).
  if (none)
    t.interval = c.one_value ? kNoWidth : kNoSpread;
  else if (interval)
    // An end set at what the figure can be, the plain interval passing it, is marked (Stat::cut): "-0,02
    // (-0,02 to 0,05)" read as an interval that happened to start at its mean (a policy advisor's reading).
    t.interval = "(" + not_zero(st.lo) + ((st.cut & kCutLow) ? "*" : "") + " to " + not_zero(st.hi) +
                 ((st.cut & kCutHigh) ? "*" : "") + ")";
  return t;
}

std::string names_and(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i)
    s += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return s;
}

std::string one_line(const CellText& t) {
  return t.interval.empty() ? t.value : t.value + " " + t.interval;
}

// ---- Wrapping ----

std::vector<std::string> wrap_lines(const std::string& text, std::size_t width, bool whole_paths) {
  width = std::max<std::size_t>(width, 1);
  std::vector<std::string> lines;
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    // The euro sign stays with its amount: "between € -37,45 and €" ended a line with "-28,10" on the
    // next (an analyst's reading).
    static const std::string kEuro = "\u20AC";
    const std::size_t sign = text.compare(start, end - start, kEuro) == 0 ? end : std::string::npos;
    if (sign != std::string::npos && sign + 1 < text.size() && text[sign + 1] != ' ') {
      end = text.find(' ', sign + 1);
      if (end == std::string::npos) end = text.size();
    }
    const std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!line.empty() && width_of(line) + 1 + width_of(word) > width) {
      lines.push_back(line);
      line.clear();
    }
    if (line.empty() && width_of(word) > width && !(whole_paths && word.find('/') != std::string::npos)) {
      std::vector<std::string> pieces = cut(word, width);
      for (std::size_t i = 0; i + 1 < pieces.size(); ++i) lines.push_back(pieces[i]);
      line = pieces.back();
      continue;
    }
    line += line.empty() ? word : " " + word;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

std::string wrap(const std::string& text, std::size_t width, const std::string& first,
                 const std::string& rest) {
  std::string out;
  // The narrower prefix decides: every line must fit with its own.
  const std::size_t prefix = std::max(width_of(first), width_of(rest));
  const std::size_t room = width > prefix + 8 ? width - prefix : 8;
  const std::vector<std::string> lines = wrap_lines(text, room, true);
  for (std::size_t i = 0; i < lines.size(); ++i) out += rtrim((i == 0 ? first : rest) + lines[i]) + "\n";
  return out;
}

// ---- Grids ----

Grid grid_of(const Table& t) {
  Grid g;
  g.title = t.title;
  // A decision's table names its comparator as its scenario: said as the decision ("scenario: baseline-velve"
  // headed the pilot's acceptability curves; a policy advisor's reading).
  const bool decision =
      t.comparator.empty() && (t.id == "acceptability" || t.id == "efficiency_frontier" ||
                               t.id == "value_of_information" || t.id == "value_of_information_noise");
  g.context.push_back(
      decision ? fmt::format("decision: {} (the comparator) and the options compared with it", t.scenario)
      : t.comparator.empty() ? fmt::format("scenario: {}", t.scenario)
                             : fmt::format("scenario: {} minus comparator: {}", t.scenario, t.comparator));
  // What its brackets are, at the table: the tables of a scenario's figures came 400 to 1.400 lines after the
  // one sentence that said it, and in a PSA beside the glance's spread over the draws (a policy advisor's
  // reading at a 120-column terminal). Said where a figure of the table has an interval of the table's kind.
  // (Each cell's kind is its own or the table's: a table read back from JSON keeps it in the cells.) Not
  // where other brackets stand beside them (a target's given or sampling interval; a review).
  std::size_t of_mean = 0, of_other = 0;
  for (const Row& r : t.rows)
    for (const Cell& c : r.cells) {
      if (c.kind != Cell::Kind::Number || !std::isfinite(c.stat.lo) || !(c.stat.hi > c.stat.lo)) continue;
      const std::string kind = c.ends               ? std::string(interval_kind::kEnds)
                               : c.interval.empty() ? t.interval
                                                    : c.interval;
      if (kind == interval_kind::kMean) {
        of_mean += c.stat.n > 1 && !c.one_value;
      } else {
        ++of_other;
      }
    }
  if (of_mean > 0 && of_other == 0)
    g.context.back() += "; brackets: the 95% interval of the mean over its runs";
  for (const Column& c : t.columns) {
    g.columns.push_back(c.label);
    g.column_groups.push_back(c.euro_group);
  }
  for (const Row& r : t.rows) {
    Grid::Line l;
    l.label = r.label;
    l.indent = r.indent;
    l.cells = r.cells;
    l.cells.resize(t.columns.size());
    g.rows.push_back(std::move(l));
  }
  g.note = t.note;
  g.unit_in_title = t.unit_in_title;
  g.columns_own_units = t.id == "efficiency_frontier";
  // Each payer's year by year reads the same way for every scenario, payers down and years across: turned
  // where the payers were fewer than the years (the unfunded scale-up has no fund), it read years down
  // beside the others' payers down (an advisor's reading).
  if (t.id == "budget_by_year") g.may_transpose = false;
  return g;
}

namespace {

// A grid with every figure as text, the euro units chosen and named.
struct Prepared {
  std::string title;
  std::vector<std::string> columns;
  struct Line {
    std::string label;
    std::size_t indent = 0;  // in spaces
    bool heading = false;
    std::vector<CellText> cells;
  };
  std::vector<Line> rows;
};

Prepared prepare(const Grid& g) {
  Prepared p;
  p.title = g.title;
  p.columns = g.columns;
  std::vector<EuroScale> scale(g.by_row ? g.rows.size() : g.columns.size(), EuroScale::Euro);
  if (g.unit_in_title) {
    std::vector<const Cell*> cells;
    for (const Grid::Line& l : g.rows)
      for (const Cell& c : l.cells) cells.push_back(&c);
    std::fill(scale.begin(), scale.end(), euro_scale(cells));
    if (!scale.empty()) p.title = with_euro_unit(g.title, scale[0]);
  } else if (!g.by_row) {
    std::vector<std::vector<const Cell*>> cells(g.columns.size());
    std::vector<double> size(g.columns.size(), -1);  // the largest euro amount of a column of euros only
    for (std::size_t c = 0; c < g.columns.size(); ++c) {
      for (const Grid::Line& l : g.rows)
        if (c < l.cells.size()) cells[c].push_back(&l.cells[c]);
      scale[c] = euro_scale(cells[c]);
      const bool euros = std::any_of(cells[c].begin(), cells[c].end(), [](const Cell* x) {
        return x->kind == Cell::Kind::Number && x->unit == Unit::Euro;
      });
      if (euros && scale[c] != EuroScale::PerCell) {
        size[c] = 0;
        for (const Cell* x : cells[c]) size[c] = std::max(size[c], magnitude(*x));
      }
    }
    // Columns of like amounts (within a factor of 10 of each other, as a table's years and their total)
    // share the unit of the largest, so a row does not switch from thousands to millions.
    std::vector<std::size_t> order;
    for (std::size_t c = 0; c < size.size(); ++c)
      if (size[c] >= 0) order.push_back(c);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return size[a] < size[b]; });
    if (g.columns_own_units) order.clear();
    // Groups the table gave: each shares the unit of its largest, and no other column is joined to another.
    if (std::any_of(g.column_groups.begin(), g.column_groups.end(), [](int x) { return x >= 0; })) {
      order.clear();
      for (std::size_t c = 0; c < g.columns.size() && c < g.column_groups.size(); ++c) {
        if (g.column_groups[c] < 0 || size[c] < 0) continue;
        std::vector<const Cell*> like;
        for (std::size_t k = 0; k < g.columns.size() && k < g.column_groups.size(); ++k)
          if (g.column_groups[k] == g.column_groups[c])
            like.insert(like.end(), cells[k].begin(), cells[k].end());
        scale[c] = euro_scale(like);
      }
    }
    for (std::size_t i = 0; i < order.size();) {
      std::size_t j = i + 1;
      while (j < order.size() && size[order[j]] <= 10 * std::max(size[order[j - 1]], 1.0)) ++j;
      std::vector<const Cell*> like;
      for (std::size_t k = i; k < j; ++k)
        like.insert(like.end(), cells[order[k]].begin(), cells[order[k]].end());
      const EuroScale shared = euro_scale(like);
      for (std::size_t k = i; k < j; ++k) scale[order[k]] = shared;
      i = j;
    }
    for (std::size_t c = 0; c < g.columns.size(); ++c)
      if (std::any_of(cells[c].begin(), cells[c].end(),
                      [](const Cell* x) { return x->kind == Cell::Kind::Number && x->unit == Unit::Euro; }))
        p.columns[c] = with_euro_unit(p.columns[c], scale[c]);
  }
  // By row: a row's euros share a scale with the other rows of its group.
  std::vector<bool> euro_row(g.rows.size(), false);
  if (g.by_row && !g.unit_in_title) {
    for (std::size_t r = 0; r < g.rows.size(); ++r) {
      std::vector<const Cell*> cells;
      for (std::size_t k = 0; k < g.rows.size(); ++k) {
        const bool same = k == r || (g.rows[r].group >= 0 && g.rows[k].group == g.rows[r].group);
        if (!same) continue;
        for (const Cell& c : g.rows[k].cells) cells.push_back(&c);
      }
      scale[r] = euro_scale(cells);
      euro_row[r] = std::any_of(cells.begin(), cells.end(), [](const Cell* x) {
        return x->kind == Cell::Kind::Number && x->unit == Unit::Euro;
      });
    }
  }
  for (std::size_t r = 0; r < g.rows.size(); ++r) {
    const Grid::Line& l = g.rows[r];
    Prepared::Line out;
    out.label = l.label;
    out.indent = 2 * static_cast<std::size_t>(std::max(0, l.indent));
    out.heading = l.heading;
    if (g.by_row && euro_row[r]) {
      // The unit is named on the group's heading when it has one, else on the row.
      const bool has_heading =
          l.group >= 0 && std::any_of(g.rows.begin(), g.rows.end(),
                                      [&](const Grid::Line& x) { return x.heading && x.group == l.group; });
      if (l.heading || !has_heading) out.label = with_euro_unit(l.label, scale[r]);
    }
    for (std::size_t c = 0; c < l.cells.size(); ++c)
      out.cells.push_back(cell_text(l.cells[c], scale[g.by_row ? r : c]));
    p.rows.push_back(std::move(out));
  }
  return p;
}

// What a column needs: figures do not break; words do, down to the longest word.
struct Need {
  std::size_t fixed = 0;        // the widest figure
  std::size_t text = 0;         // the widest text cell, unwrapped
  std::size_t text_word = 0;    // its longest word
  std::size_t header_word = 0;  // the header's longest word
  std::size_t numbers = 0, words = 0;
};

Need need_of(const Prepared& p, std::size_t c, bool two_line) {
  Need n;
  n.header_word = longest_word(p.columns[c]);
  for (const Prepared::Line& l : p.rows) {
    if (l.heading || c >= l.cells.size()) continue;
    const CellText& t = l.cells[c];
    if (t.value.empty()) continue;
    if (t.number) {
      ++n.numbers;
      n.fixed = std::max(
          n.fixed, two_line ? std::max(width_of(t.value), width_of(t.interval)) : width_of(one_line(t)));
    } else {
      ++n.words;
      n.text = std::max(n.text, width_of(t.value));
      n.text_word = std::max(n.text_word, longest_word(t.value));
    }
  }
  return n;
}

struct Widths {
  std::size_t label = 0;
  std::vector<std::size_t> cols;
  std::size_t total() const {
    std::size_t t = label;
    for (std::size_t w : cols) t += 2 + w;
    return t;
  }
};

// Header lines of a column at a width.
std::size_t header_lines(const std::string& label, std::size_t width) {
  return wrap_lines(label, width).size();
}

// Column widths that fit `width`, or nothing. Text and labels are narrowed (wrapped) before anything else.
std::optional<Widths> fit(const Prepared& p, const std::vector<std::size_t>& cols, bool two_line,
                          std::size_t width) {
  constexpr std::size_t kTextFloor = 14, kLabelFloor = 16;
  Widths natural, least;
  for (const Prepared::Line& l : p.rows) {
    if (l.heading) continue;
    natural.label = std::max(natural.label, l.indent + width_of(l.label));
    least.label = std::max(least.label, l.indent + 1 + longest_word(l.label));
  }
  least.label = std::max(least.label, std::min(natural.label, kLabelFloor));
  for (std::size_t c : cols) {
    const Need n = need_of(p, c, two_line);
    const std::size_t floor = std::max(n.fixed, n.header_word);
    natural.cols.push_back(std::max(floor, n.text));
    least.cols.push_back(std::max(floor, std::min(n.text, std::max(n.text_word, kTextFloor))));
  }
  Widths w = natural;
  // Narrow the widest column that can still give way, one column at a time; the row labels last, since a
  // wrapped label is harder to follow along its row than a wrapped text cell.
  while (w.total() > width) {
    std::size_t* widest = nullptr;
    std::size_t room = 0;
    for (std::size_t i = 0; i < w.cols.size(); ++i)
      if (w.cols[i] > least.cols[i] && w.cols[i] > room) widest = &w.cols[i], room = w.cols[i];
    if (!widest && w.label > least.label) widest = &w.label;
    if (!widest) return std::nullopt;
    --*widest;
  }
  // Spend what is left on headers that wrap: lower the tallest one while the room lasts.
  std::size_t slack = width - w.total();
  for (;;) {
    std::size_t tallest = 0, at = 0;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const std::size_t h = header_lines(p.columns[cols[i]], w.cols[i]);
      if (h > tallest) tallest = h, at = i;
    }
    if (tallest <= 1) break;
    std::size_t grow = 1;
    while (grow <= slack && header_lines(p.columns[cols[at]], w.cols[at] + grow) >= tallest) ++grow;
    if (grow > slack) break;
    w.cols[at] += grow;
    slack -= grow;
  }
  return w;
}

// A column holds mostly figures: its cells and header are right-aligned.
bool numeric(const Prepared& p, std::size_t c) {
  const Need n = need_of(p, c, false);
  return n.numbers >= n.words;
}

// The lines of a cell in a column of width `w`.
std::vector<std::string> cell_lines(const CellText& t, std::size_t w, bool two_line) {
  if (t.number)
    return two_line && !t.interval.empty() ? std::vector<std::string>{t.value, t.interval}
                                           : std::vector<std::string>{one_line(t)};
  if (t.value.empty()) return {};
  return wrap_lines(t.value, w);
}

// The most lines a text cell takes at these widths.
std::size_t tallest_text(const Prepared& p, const std::vector<std::size_t>& cols, const Widths& w) {
  std::size_t most = 0;
  for (const Prepared::Line& l : p.rows)
    for (std::size_t i = 0; i < cols.size(); ++i)
      if (cols[i] < l.cells.size() && !l.cells[cols[i]].number)
        most = std::max(most, cell_lines(l.cells[cols[i]], w.cols[i], false).size());
  return most;
}

// Side by side; the columns `under` (long texts) go under each row as "column: text" lines.
void render_wide(const Prepared& p, const std::vector<std::size_t>& cols,
                 const std::vector<std::size_t>& under, const Widths& w, bool two_line, std::size_t width,
                 std::string& out) {
  std::vector<bool> right;
  for (std::size_t c : cols) right.push_back(numeric(p, c));
  // Header, bottom-aligned.
  std::vector<std::vector<std::string>> head;
  std::size_t height = 0;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    head.push_back(wrap_lines(p.columns[cols[i]], w.cols[i]));
    height = std::max(height, head.back().size());
  }
  for (std::size_t k = 0; k < height; ++k) {
    std::string line(w.label, ' ');
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const std::size_t skip = height - head[i].size();
      line += "  " + pad(k >= skip ? head[i][k - skip] : "", w.cols[i], right[i]);
    }
    out += rtrim(line) + "\n";
  }
  out += std::string(w.total(), '-') + "\n";
  for (const Prepared::Line& l : p.rows) {
    if (l.heading) {
      out += wrap(l.label, width, "", "  ");
      continue;
    }
    // A wrapped label's continuation lines are indented one column further.
    std::vector<std::string> label;
    const bool fits = l.indent + width_of(l.label) <= w.label;
    for (const std::string& s : wrap_lines(l.label, w.label - l.indent - (fits ? 0 : 1)))
      label.push_back(std::string(l.indent + (label.empty() ? 0 : 1), ' ') + s);
    std::vector<std::vector<std::string>> cells;
    std::size_t rows = label.size();
    for (std::size_t i = 0; i < cols.size(); ++i) {
      cells.push_back(cols[i] < l.cells.size() ? cell_lines(l.cells[cols[i]], w.cols[i], two_line)
                                               : std::vector<std::string>{});
      // A wrapped text among figures is right-aligned as one block, its lines starting together: each line
      // right-aligned on its own left the last word alone at the column's edge ("runs", advisor review 56).
      if (right[i] && cells.back().size() > 1 && !l.cells[cols[i]].number) {
        std::size_t block = 0;
        for (const std::string& s : cells.back()) block = std::max(block, width_of(s));
        for (std::string& s : cells.back()) s = pad(s, block, false);
      }
      rows = std::max(rows, cells.back().size());
    }
    for (std::size_t k = 0; k < rows; ++k) {
      std::string line = pad(k < label.size() ? label[k] : "", w.label, false);
      for (std::size_t i = 0; i < cols.size(); ++i)
        line += "  " + pad(k < cells[i].size() ? cells[i][k] : "", w.cols[i], right[i]);
      out += rtrim(line) + "\n";
    }
    const std::string indent(l.indent + 4, ' ');
    for (std::size_t u : under)
      if (u < l.cells.size() && !l.cells[u].value.empty())
        out += wrap(p.columns[u] + ": " + l.cells[u].value, width, indent, indent + "  ");
  }
}

void render_stacked(const Prepared& p, std::size_t width, std::string& out) {
  std::size_t longest = 0;
  for (const std::string& c : p.columns) longest = std::max(longest, width_of(c));
  const bool align = longest + 2 <= width / 3;
  for (const Prepared::Line& l : p.rows) {
    const std::string indent(l.indent, ' ');
    out += wrap(l.label, width, indent, indent + "  ");
    if (l.heading) continue;
    for (std::size_t c = 0; c < l.cells.size() && c < p.columns.size(); ++c) {
      const CellText& t = l.cells[c];
      if (t.value.empty()) continue;
      const std::string name = align ? pad(p.columns[c] + ":", longest + 1, false) : p.columns[c] + ":";
      const std::string first = indent + "    ", rest = indent + "      ";
      // A figure that does not fit beside its column's name goes on, whole, under it; so does its interval.
      if (width_of(first + name + " " + one_line(t)) <= width) {
        out += first + name + " " + one_line(t) + "\n";
      } else if (t.number && width_of(first + name + " " + t.value) <= width) {
        out += first + name + " " + t.value + "\n";
        if (!t.interval.empty()) out += wrap(t.interval, width, rest, rest);
      } else {
        out += wrap(name, width, first, rest);
        out += wrap(t.number ? one_line(t) : t.value, width, rest, rest);
      }
    }
  }
}

Grid transpose(const Grid& g) {
  Grid t;
  t.title = g.title;
  t.context = g.context;
  t.note = g.note;
  t.by_row = true;
  t.may_transpose = false;
  t.unit_in_title = g.unit_in_title;
  for (const Grid::Line& l : g.rows) t.columns.push_back(l.label);
  for (std::size_t c = 0; c < g.columns.size(); ++c) {
    Grid::Line l;
    l.label = g.columns[c];
    for (const Grid::Line& r : g.rows) l.cells.push_back(c < r.cells.size() ? r.cells[c] : Cell::empty());
    t.rows.push_back(std::move(l));
  }
  // The euro groups the table gave its columns go with them: a sweep's payers, one of its rows each, share
  // their unit (they read EUR million beside EUR thousand; a policy advisor's reading), while its euros per
  // household keep theirs.
  for (std::size_t c = 0; c < g.column_groups.size() && c < t.rows.size(); ++c)
    t.rows[c].group = g.column_groups[c];
  return t;
}

// A text cell taller than this makes a row hard to follow: another layout is tried first.
constexpr std::size_t kTidyLines = 3;

// Side by side (one or two lines a figure): the text, or nothing when it does not fit (or, `tidy`, when a
// text cell would wrap to more than kTidyLines lines). With `under`, columns of long texts alone go under
// each row instead.
std::optional<std::string> side_by_side(const Prepared& p, std::size_t width, bool tidy, bool under) {
  std::vector<std::size_t> cols, below;
  for (std::size_t c = 0; c < p.columns.size(); ++c) {
    const Need n = need_of(p, c, false);
    const bool long_text = n.numbers == 0 && n.text > width / 3;
    (under && long_text ? below : cols).push_back(c);
  }
  if (under && below.empty()) return std::nullopt;
  for (bool two_line : {false, true}) {
    const auto w = fit(p, cols, two_line, width);
    if (!w || (tidy && tallest_text(p, cols, *w) > kTidyLines)) continue;
    std::string out;
    render_wide(p, cols, below, *w, two_line, width, out);
    return out;
  }
  return std::nullopt;
}

// In two or three groups of neighbouring columns, each with the row labels.
std::optional<std::string> column_groups(const Prepared& p, std::size_t width) {
  const std::size_t n = p.columns.size();
  for (std::size_t groups = 2; groups <= 3; ++groups) {
    const std::size_t per = (n + groups - 1) / groups;
    if (per < 2 || n <= per * (groups - 1)) continue;
    for (bool two_line : {false, true}) {
      std::string out;
      bool fits = true;
      for (std::size_t first = 0; first < n && fits; first += per) {
        std::vector<std::size_t> cols;
        for (std::size_t c = first; c < std::min(n, first + per); ++c) cols.push_back(c);
        const auto w = fit(p, cols, two_line, width);
        if (!w) {
          fits = false;
          break;
        }
        if (first > 0) out += "\n";
        render_wide(p, cols, {}, *w, two_line, width, out);
      }
      if (fits) return out;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string layout(const Grid& g, std::size_t width) {
  width = std::max(width, kMinWidth);
  std::string out;
  const Prepared p = prepare(g);
  const std::string title = "== " + p.title + " ==";
  out += width_of(title) <= width ? title + "\n" : wrap(p.title, width, "== ", "   ");
  for (const std::string& c : g.context) out += wrap(c, width, "   ", "     ");
  const bool headings = std::any_of(p.rows.begin(), p.rows.end(), [](const auto& l) { return l.heading; });
  // A few options and many measures: the options as columns.
  const bool transposable =
      g.may_transpose && !g.by_row && !headings && g.rows.size() <= 6 && g.rows.size() < g.columns.size();
  const Prepared t = transposable ? prepare(transpose(g)) : Prepared{};
  std::optional<std::string> body;
  for (bool tidy : {true, false}) {
    if (!body) body = side_by_side(p, width, tidy, false);
    if (!body && transposable) body = side_by_side(t, width, tidy, false);
    if (!body) body = side_by_side(p, width, tidy, true);
  }
  if (!body && !headings) body = column_groups(p, width);
  if (!body) {
    body.emplace();
    render_stacked(p, width, *body);
  }
  out += *body;
  if (!g.note.empty()) out += wrap(g.note, width, "   ", "   ");
  out += "\n";
  return out;
}

}  // namespace wijksim::text
