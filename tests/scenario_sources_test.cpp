// Every number in a shipped scenario or targets file says where it comes from: a source (docs/sources.md, the
// brief, the seeds, a target's `source:`), a calibration, a run setting, or "assumption". Outside checkers
// put each figure next to public statistics; a number that says nothing cannot be checked, and one added
// later without a word would pass unnoticed. The rule reads the files as text, as a person does: a number is
// covered by the comment on its own line, the comment lines directly above it, and the same for each key it
// sits under (a block of values under one explained key), or by a `source:` beside it (a target).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct TextLine {
  std::string code;     // before the comment, trailing blanks removed
  std::string comment;  // after '#', empty if none
  int indent = -1;      // of the code; -1 for a line without code
};

// Splits at the first '#' that starts a YAML comment: at the line's start or after a blank, outside quotes.
TextLine split_line(const std::string& line) {
  TextLine t;
  char quote = 0;
  std::size_t cut = line.size();
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      cut = i;
      break;
    }
  }
  t.code = line.substr(0, cut);
  while (!t.code.empty() && (t.code.back() == ' ' || t.code.back() == '\t' || t.code.back() == '\r'))
    t.code.pop_back();
  if (cut < line.size()) t.comment = line.substr(cut + 1);
  const auto first = t.code.find_first_not_of(' ');
  if (first != std::string::npos) t.indent = static_cast<int>(first);
  return t;
}

// Keys whose values are words, names or file names, not figures (a label's "0 professionals" is not one).
bool is_text_key(const std::string& key) {
  static const std::set<std::string> text{"name",    "description", "label",      "note",    "source",
                                          "unit",    "extends",     "comparator", "targets", "parameter_sets",
                                          "measure", "guideline",   "population", "funding", "funding_payer"};
  return text.count(key) > 0;
}

bool says_where_from(const std::string& text) {
  static const std::regex marker(R"(assumption|docs/sources\.md|calibrat|setting)", std::regex::icase);
  return std::regex_search(text, marker);
}

// The lines (1-based, with their text) holding a number that nothing says the origin of.
std::vector<std::string> numbers_without_origin(const std::string& yaml) {
  std::vector<TextLine> lines;
  std::vector<std::string> raw;
  std::istringstream in(yaml);
  for (std::string l; std::getline(in, l);) {
    raw.push_back(l);
    lines.push_back(split_line(l));
  }
  // The comment lines directly above line i (a block ended by a blank or a line with code).
  auto block_above = [&](std::size_t i) {
    std::string text;
    for (std::size_t j = i; j-- > 0;) {
      if (lines[j].indent >= 0 || lines[j].comment.empty()) break;
      text += ' ' + lines[j].comment;
    }
    return text;
  };
  static const std::regex keyed(R"(^\s*(?:-\s+)?([\w.\[\]]+)\s*:(.*)$)");
  static const std::regex item(R"(^\s*-\s+(.*)$)");
  static const std::regex quoted(R"("[^"]*"|'[^']*')");
  static const std::regex number(R"((^|[^\w.\-])-?\d+(\.\d+)?([eE]-?\d+)?($|[^\w]))");
  static const std::regex source_key(R"(^\s*source\s*:)");
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const TextLine& line = lines[i];
    if (line.indent < 0) continue;
    std::smatch m;
    std::string value;
    if (std::regex_match(line.code, m, keyed)) {
      if (is_text_key(m[1].str())) continue;
      value = m[2].str();
    } else if (std::regex_match(line.code, m, item)) {
      value = m[1].str();
    } else {
      continue;
    }
    if (!std::regex_search(std::regex_replace(value, quoted, ""), number)) continue;
    std::string origin = line.comment + block_above(i);
    // The keys it sits under, each with its own comment and the block above it.
    int below = line.indent;
    std::size_t parent = lines.size();
    for (std::size_t j = i; j-- > 0 && below > 0;) {
      if (lines[j].indent < 0 || lines[j].indent >= below) continue;
      origin += ' ' + lines[j].comment + block_above(j);
      below = lines[j].indent;
      if (parent == lines.size()) parent = j;
    }
    // A `source:` beside it, under the same key (a target's value and interval).
    if (parent < lines.size()) {
      for (std::size_t k = parent + 1; k < lines.size(); ++k) {
        if (lines[k].indent >= 0 && lines[k].indent <= lines[parent].indent) break;
        if (std::regex_search(lines[k].code, source_key)) origin += " source (sibling)";
      }
    }
    if (!says_where_from(origin) && origin.find("source (sibling)") == std::string::npos)
      missing.push_back(std::to_string(i + 1) + ": " + raw[i]);
  }
  return missing;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::filesystem::path> shipped_yaml() {
  const std::filesystem::path root = std::filesystem::path(WIJKSIM_SOURCE_DIR) / "scenarios";
  std::vector<std::filesystem::path> files;
  for (const auto& dir : {root, root / "targets"})
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("the origin rule flags a bare number and accepts each way of citing one", "[scenario_sources]") {
  const std::string yaml =
      "coaches:\n"
      "  fte: 12                # FTE a team\n"                // 2: nothing says where from
      "  max_weeks: 10          # weeks; assumption\n"         // 3: its own comment
      "  label: \"team # 4 of 9\"  # a label, not a figure\n"  // 4: text
      "  # Read from the audit office (docs/sources.md item 11).\n"
      "  wait: {mean: 5, sd: 1}\n"  // 6: the comment above it
      "notice_per_week:         # chance a week; assumption\n"
      "  money: 0.3\n"  // 8: its key's comment
      "schedule:\n"
      "  - {year: 0, fte: 40}\n"  // 10: nothing
      "targets:\n"
      "  wait:\n"
      "    value: 5\n"  // 13: a source beside it
      "    source: audit office\n"
      "  caseload:\n"
      "    value: 35\n"  // 16: nothing
      "    note: \"a norm, 30-40 # a\"\n";
  const std::vector<std::string> missing = numbers_without_origin(yaml);
  REQUIRE(missing.size() == 3);
  CHECK(missing[0].rfind("2: ", 0) == 0);
  CHECK(missing[1].rfind("10: ", 0) == 0);
  CHECK(missing[2].rfind("16: ", 0) == 0);
}

TEST_CASE("every number in a shipped scenario or targets file says where it comes from",
          "[scenario_sources]") {
  const auto files = shipped_yaml();
  REQUIRE(files.size() >= 9);  // 5 scenarios and 4 targets files at least
  std::string report;
  for (const auto& f : files)
    for (const std::string& m : numbers_without_origin(read_file(f)))
      report += f.filename().string() + ":" + m + "\n";
  INFO("numbers that neither cite a source nor say \"assumption\" (or calibrated, or a setting):\n"
       << report);
  CHECK(report.empty());
}

TEST_CASE("every docs/sources.md item a shipped file cites exists", "[scenario_sources]") {
  const std::string sources = read_file(std::filesystem::path(WIJKSIM_SOURCE_DIR) / "docs" / "sources.md");
  std::set<int> items;
  static const std::regex heading(R"((^|\n)## (\d+)\. )");
  for (auto it = std::sregex_iterator(sources.begin(), sources.end(), heading); it != std::sregex_iterator();
       ++it)
    items.insert(std::stoi((*it)[2].str()));
  REQUIRE(items.count(0) == 1);
  REQUIRE(items.count(14) == 1);
  // "docs/sources.md item 11", "items 6 and 8", "item 9, its notes": each number that follows.
  static const std::regex cited(R"(sources\.md,? items? ((\d+)((, | and |, and )(\d+))*))");
  static const std::regex each(R"(\d+)");
  std::string unknown;
  int count = 0;
  for (const auto& f : shipped_yaml()) {
    const std::string text = read_file(f);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), cited); it != std::sregex_iterator();
         ++it) {
      const std::string list = (*it)[1].str();
      for (auto n = std::sregex_iterator(list.begin(), list.end(), each); n != std::sregex_iterator(); ++n) {
        ++count;
        if (items.count(std::stoi(n->str())) == 0)
          unknown += f.filename().string() + ": item " + n->str() + "\n";
      }
    }
  }
  CHECK(count >= 30);  // the files cite about 40 items; a pattern that stopped matching would find none
  INFO("cited items that docs/sources.md does not have:\n" << unknown);
  CHECK(unknown.empty());
}
