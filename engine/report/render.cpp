#include "wijksim/report/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace wijksim {
namespace {

constexpr const char* kEnDash = "\u2013";
constexpr std::size_t kTextWidth = 110;  // notes are wrapped to this width

// Decimals shown for a figure of this unit (the table renderer only; CSV and JSON keep full precision).
int decimals_for(const Cell& c) {
  const double m = c.stat.mean;
  switch (c.unit) {
    case Unit::Euro:  // whole euros, but cents for amounts under € 100 that are not whole (per household)
      return std::fabs(m) >= 100 || m == std::floor(m) ? 0 : 2;
    case Unit::Share:
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
      return 1;
    case Unit::Trust:
    case Unit::Rung:
      return 2;
    case Unit::Years:
      return 3;
    case Unit::Parameter:  // three significant digits of the mean: 0,0175, 1,28, 2.520
      return std::isfinite(m) && m != 0
                 ? std::clamp(2 - static_cast<int>(std::floor(std::log10(std::fabs(m)))), 0, 9)
                 : 3;
  }
  return 1;
}

std::string plain(double x, const Cell& c) {
  return format_dutch(c.unit == Unit::Share ? 100 * x : x, decimals_for(c));
}

// Word-wraps `text` to lines of at most `width` display columns, each starting with `prefix`.
std::string wrap(const std::string& text, const std::string& prefix, std::size_t width) {
  std::string out, line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && display_width(prefix + line + " " + word) > width) {
      out += prefix + line + "\n";
      line.clear();
    }
    line += line.empty() ? word : " " + word;
    start = end + 1;
  }
  if (!line.empty()) out += prefix + line + "\n";
  return out;
}

std::string pad(const std::string& s, std::size_t width, bool right) {
  const std::size_t w = display_width(s);
  const std::string fill(w < width ? width - w : 0, ' ');
  return right ? fill + s : s + fill;
}

void render_one(const Table& t, std::string& out) {
  out += fmt::format("== {} ==\n", t.title);
  out += t.comparator.empty()
             ? fmt::format("   scenario: {}\n", t.scenario)
             : fmt::format("   scenario: {} minus comparator: {}\n", t.scenario, t.comparator);
  // Cell texts first, to size the columns.
  std::vector<std::vector<std::string>> text(t.rows.size());
  std::vector<std::size_t> width(t.columns.size() + 1, 0);
  for (std::size_t c = 0; c < t.columns.size(); ++c) width[c + 1] = display_width(t.columns[c].label);
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const Row& row = t.rows[r];
    text[r].push_back(std::string(2 * static_cast<std::size_t>(row.indent), ' ') + row.label);
    for (const Cell& cell : row.cells) text[r].push_back(format_cell(cell));
    for (std::size_t c = 0; c < text[r].size() && c < width.size(); ++c)
      width[c] = std::max(width[c], display_width(text[r][c]));
  }
  std::string line = pad("", width[0], false);
  for (std::size_t c = 0; c < t.columns.size(); ++c)
    line += "  " + pad(t.columns[c].label, width[c + 1], true);
  out += line + "\n";
  std::size_t total = width[0];
  for (std::size_t c = 1; c < width.size(); ++c) total += 2 + width[c];
  out += std::string(total, '-') + "\n";
  for (const auto& cells : text) {
    line = pad(cells[0], width[0], false);
    for (std::size_t c = 1; c < cells.size() && c < width.size(); ++c)
      line += "  " + pad(cells[c], width[c], true);
    out += line + "\n";
  }
  if (!t.note.empty()) out += wrap(t.note, "   ", kTextWidth);
  out += "\n";
}

// ---- CSV ----

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos && (s.empty() || (s.front() != ' ' && s.back() != ' ')))
    return s;
  std::string q = "\"";
  for (char ch : s) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + "\"";
}

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
  std::size_t n = 0;
  for (unsigned char ch : s)
    if ((ch & 0xC0) != 0x80) ++n;
  return n;
}

std::string format_dutch(double x, int decimals) {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // Round in integer units of 10^-decimals, half away from zero (as llround), then group the digits.
  const double scale = std::pow(10.0, decimals);
  const double scaled = std::round(std::fabs(x) * scale);
  std::string digits = fmt::format("{:.0f}", scaled);
  if (static_cast<int>(digits.size()) <= decimals)
    digits.insert(0, static_cast<std::size_t>(decimals + 1) - digits.size(), '0');
  const std::string whole = digits.substr(0, digits.size() - static_cast<std::size_t>(decimals));
  std::string out;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += '.';
    out += whole[i];
  }
  if (decimals > 0) {
    out += ',';
    out.append(digits, whole.size());
  }
  if (x < 0 && scaled != 0) out.insert(out.begin(), '-');
  return out;
}

std::string format_euros(double euros) {
  return "\u20AC " + format_dutch(euros, 0);
}

std::string format_cell(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::Empty:
      return "";
    case Cell::Kind::Text:
      return c.text;
    case Cell::Kind::Number:
      break;
  }
  const Stat& s = c.stat;
  if (std::isnan(s.mean)) return "n/a";
  std::string out = c.unit == Unit::Euro    ? "€ " + plain(s.mean, c)
                    : c.unit == Unit::Share ? plain(s.mean, c) + "%"
                                            : plain(s.mean, c);
  if (!std::isnan(s.lo) && !std::isnan(s.hi)) out += " (" + plain(s.lo, c) + kEnDash + plain(s.hi, c) + ")";
  return out;
}

std::string render_table(const Report& r) {
  std::string out = fmt::format("wijksim {} {}\n", r.version, r.command);
  for (const ScenarioRef& s : r.scenarios) {
    out += fmt::format("  {} ({}): seed {}, replications {}-{}, {} policy year{}", s.name, s.file, s.seed,
                       s.first_replication, s.first_replication + s.replications - 1, s.years,
                       s.years == 1 ? "" : "s");
    if (!s.comparator.empty()) out += fmt::format(", compared with {}", s.comparator);
    out += "\n";
  }
  out +=
      wrap("Each figure: mean (" + r.interval + "). Numbers in Dutch notation: 1.234,5.", "  ", kTextWidth);
  out += "\n";
  for (const Table& t : r.tables) render_one(t, out);
  return out;
}

std::string render_csv(const Report& r) {
  std::string out = "scenario,comparator,table,row,column,unit,mean,sd,se,lo,hi,n,text\n";
  for (const Table& t : r.tables) {
    for (const Row& row : t.rows) {
      for (std::size_t c = 0; c < row.cells.size() && c < t.columns.size(); ++c) {
        const Cell& cell = row.cells[c];
        if (cell.kind == Cell::Kind::Empty) continue;
        out += fmt::format("{},{},{},{},{},", csv_field(t.scenario), csv_field(t.comparator), csv_field(t.id),
                           csv_field(row.key), csv_field(t.columns[c].key));
        if (cell.kind == Cell::Kind::Text) {
          out += ",,,,,,," + csv_field(cell.text) + "\n";
          continue;
        }
        const Stat& s = cell.stat;
        out += fmt::format("{},{},{},{},{},{},{},\n", to_string(cell.unit), csv_number(s.mean),
                           csv_number(s.sd), csv_number(s.se), csv_number(s.lo), csv_number(s.hi), s.n);
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
    o["years"] = s.years;
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
    json columns = json::array();
    for (const Column& c : t.columns) columns.push_back(json{{"key", c.key}, {"label", c.label}});
    o["columns"] = std::move(columns);
    json rows = json::array();
    for (const Row& row : t.rows) {
      json cells = json::object();
      for (std::size_t c = 0; c < row.cells.size() && c < t.columns.size(); ++c)
        cells[t.columns[c].key] = cell_json(row.cells[c]);
      rows.push_back(
          json{{"key", row.key}, {"label", row.label}, {"indent", row.indent}, {"cells", std::move(cells)}});
    }
    o["rows"] = std::move(rows);
    tables.push_back(std::move(o));
  }
  j["tables"] = std::move(tables);
  return j.dump(2) + "\n";
}

std::string render(const Report& r, Format f) {
  switch (f) {
    case Format::Table:
      return render_table(r);
    case Format::Csv:
      return render_csv(r);
    case Format::Json:
      return render_json(r);
  }
  return render_table(r);
}

}  // namespace wijksim
