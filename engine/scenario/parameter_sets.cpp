#include "wijksim/scenario/parameter_sets.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "wijksim/core/content_hash.h"
#include "wijksim/core/random_streams.h"
#include "wijksim/scenario/extends.h"
#include "wijksim/scenario/parameter_reader.h"

namespace wijksim {
namespace {

// The fields of one CSV line with their columns (from 1). Key paths and numbers hold no quotes, so a field in
// double quotes, as a spreadsheet may save every field, is its text between them (outside attack 13:
// '"0.02"' was "expected a number"); a comma between quotes is the field's (a decimal comma, '"0,02"', which
// is then said to be one, not counted as a field too many; attack 19).
std::size_t field_end(std::string_view line, std::size_t start) {
  bool quoted = false;
  for (std::size_t i = start; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == ',' && !quoted) return i;
  }
  return line.size();
}

std::vector<std::pair<std::string_view, int>> fields(std::string_view line) {
  std::vector<std::pair<std::string_view, int>> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = field_end(line, start);
    std::string_view f = line.substr(start, comma - start);
    int column = static_cast<int>(start) + 1;
    while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.remove_prefix(1), ++column;
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.remove_suffix(1);
    if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2), ++column;
    out.emplace_back(f, column);
    if (comma == line.size()) return out;
    start = comma + 1;
  }
}

}  // namespace

std::vector<KeyValue> ParameterSets::values(std::size_t k) const {
  std::vector<KeyValue> out;
  for (std::size_t j = 0; j < keys.size(); ++j) out.push_back({keys[j], rows.at(k)[j], cell_where.at(k)[j]});
  return out;
}

ParameterSets read_parameter_sets(const std::string& path) {
  std::string text, why;
  if (!loader::read_file(path, text, why))
    throw InputError({{Location{path, 0, 0}, "", "cannot read the parameter sets: " + why}});
  if (const std::string kind = loader::binary_kind(text); !kind.empty())
    throw InputError(
        {{Location{path, 0, 0}, "",
          fmt::format("this is {}, not parameter sets (CSV text: 'set,<key path>,...')", kind)}});
  ParameterSets sets;
  sets.path = path;
  // A byte-order mark, which a spreadsheet may write before the first line (a file saved twice: two), is not
  // part of the header.
  while (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  std::vector<Diagnostic> problems;
  auto problem = [&](int line, int column, std::string key, std::string message) {
    if (problems.size() < loader::kMaxDiagnostics)
      problems.push_back({Location{path, line, column}, std::move(key), std::move(message)});
  };
  bool header = false;
  std::unordered_map<int, int> first_line_of;  // set number -> the line that gave it first
  std::size_t start = 0;
  for (int line = 1; start < text.size(); ++line) {
    // A line ends at LF, CR LF or a lone CR (an old Mac's spreadsheet): a file of lone CRs is many lines, not
    // one header with carriage returns in its key paths.
    const std::size_t end = std::min(text.find_first_of("\r\n", start), text.size());
    std::string_view l(text.data() + start, end - start);
    start = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    // A line of blanks is an empty line; a comment may be indented.
    const std::size_t first = l.find_first_not_of(" \t");
    if (first == std::string_view::npos || l[first] == '#') continue;
    // A quote not closed joins every field after it into one: said at the quote, not as a count of fields
    // (a stray quote in the header was blamed on every row; outside attack 21). A header is still needed.
    if (const std::size_t quotes = static_cast<std::size_t>(std::count(l.begin(), l.end(), '"'));
        quotes % 2 != 0) {
      problem(
          line, static_cast<int>(l.rfind('"')) + 1, "",
          "a double quote that is not closed (a field in quotes ends with one; key paths and numbers hold "
          "none)");
      if (!header) throw InputError(std::move(problems));  // no columns to read the rows against
      continue;
    }
    const auto f = fields(l);
    if (!header) {
      header = true;
      // A first field with a ':' ("population: Velve, Enschede", "cost: {dist: ...") is YAML's key, and a
      // first line without a comma no CSV header: every later line would be read against it, so this one
      // problem says it. A misspelt header ('sets,...') still has its columns read.
      const bool yaml = f[0].first.find(':') != std::string_view::npos;
      if (f[0].first != "set")
        problem(line, 1, "",
                fmt::format("expected the header 'set,<key path>,...' (after the '#' comments), found '{}'{}",
                            f[0].first,
                            yaml ? ": this looks like YAML (a scenario or targets file), not parameter sets" : ""));
      if (f[0].first != "set" && (yaml || f.size() == 1)) break;
      for (std::size_t j = 1; j < f.size(); ++j) {
        const std::string key(f[j].first);
        if (key.empty()) problem(line, f[j].second, "", fmt::format("column {} has no key path", j + 1));
        if (std::find(sets.keys.begin(), sets.keys.end(), key) != sets.keys.end())
          problem(line, f[j].second, key, "this key path is given twice");
        sets.keys.push_back(key);
        sets.key_where.push_back({path, line, f[j].second});
      }
      if (sets.keys.empty()) problem(line, 1, "", "the header names no key path after 'set'");
      continue;
    }
    if (f.size() != sets.keys.size() + 1) {
      problem(line, 1, "",
              fmt::format("expected {} fields (the set and {} value{}), found {}", sets.keys.size() + 1,
                          sets.keys.size(), sets.keys.size() == 1 ? "" : "s", f.size()));
      continue;
    }
    int number = 0;
    auto [p, ec] = std::from_chars(f[0].first.data(), f[0].first.data() + f[0].first.size(), number);
    if (ec != std::errc() || p != f[0].first.data() + f[0].first.size() || number < 1) {
      problem(line, f[0].second, "set",
              fmt::format("expected a set number (a whole number from 1, as calibrate numbers them), found '{}'",
                          f[0].first));
    } else if (const auto [same, fresh] = first_line_of.emplace(number, line); !fresh) {
      // A set given twice is drawn twice as often: a copy made by hand, or two files pasted together. (Looked
      // up in a map: a scan of the numbers so far made a file of a million sets take minutes; attack 9.)
      problem(line, f[0].second, "set",
              fmt::format("set {} is given twice (first at line {}): each set has a number of its own",
                          number, same->second));
    }
    std::vector<double> row;
    std::vector<Location> where;
    for (std::size_t j = 1; j < f.size(); ++j) {
      where.push_back({path, line, f[j].second});
      double v = 0;
      if (!loader::parse_double(f[j].first, v) || !std::isfinite(v))
        problem(line, f[j].second, sets.keys[j - 1], loader::not_a_number(std::string(f[j].first)));
      row.push_back(v);
    }
    sets.numbers.push_back(number);
    sets.rows.push_back(std::move(row));
    sets.cell_where.push_back(std::move(where));
  }
  if (!header)
    problem(1, 1, "", "the file holds no header 'set,<key path>,...' (is it a file of parameter sets?)");
  else if (sets.rows.empty() && problems.empty())
    problem(1, 1, "", "the file holds no parameter sets");
  if (!problems.empty()) throw InputError(std::move(problems));
  // What the sets say, not how the file spells it: their key paths and values (hex floats, exact).
  std::string said;
  for (const std::string& k : sets.keys) said += k + "\n";
  for (std::size_t k = 0; k < sets.rows.size(); ++k) {
    said += fmt::format("{}", sets.numbers.at(k));
    for (double v : sets.rows[k]) said += fmt::format(",{:a}", v);
    said += "\n";
  }
  sets.content_hash = content_hash(said);
  return sets;
}

std::string format_parameter_sets(const std::vector<std::string>& comments,
                                  const std::vector<std::string>& keys,
                                  const std::vector<std::vector<double>>& rows) {
  std::string out;
  // A comment is one line: a line break in it (a scenario's path may hold one) would start a line read as
  // the header or a set (outside attack 36); printable() writes it as \x0A.
  for (const std::string& c : comments) out += fmt::format("# {}\n", printable(c));
  out += "set";
  for (const std::string& k : keys) out += "," + k;
  out += "\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out += fmt::format("{}", i + 1);
    for (double v : rows[i]) out += fmt::format(",{}", v);  // fmt's "{}": the shortest exact form
    out += "\n";
  }
  return out;
}

std::size_t parameter_set_of_draw(std::uint64_t seed, std::uint32_t draw, std::size_t sets) {
  const RandomStreams::Block b = RandomStreams(seed, draw, 0).block(0, 0, Stream::ParameterSet);
  const auto k = static_cast<std::size_t>(uniform53(b[0], b[1]) * static_cast<double>(sets));
  return std::min(k, sets - 1);
}

}  // namespace wijksim
