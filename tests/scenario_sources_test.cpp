// Every number in a shipped scenario or targets file says where it comes from: a source (docs/sources.md, a
// target's `source:`), a calibration, a run setting, or "assumption". Outside checkers put each figure next
// to public statistics; a number that says nothing cannot be checked, and one added later without a word
// would pass unnoticed. The rule reads the files as text, as a person does: a number is covered by the
// comment on its own line and the comment lines directly above it, or by the same of the key it sits under
// (one explained key over a block of values: `notice_per_week:  # ...; assumption`), or by a `source:`
// beside it (a target). Not by a key further up: a word about other values 30 lines above covered a whole
// section (outside attack 57).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
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

// A line's key (quotes kept, "" for none) and what follows its colon; a list item's "- " is passed over.
std::pair<std::string, std::string> key_and_value(const std::string& code) {
  std::size_t at = code.find_first_not_of(' ');
  if (at == std::string::npos) return {"", code};
  if (code.compare(at, 2, "- ") == 0) at = code.find_first_not_of(' ', at + 2);
  if (at == std::string::npos || code[at] == '{' || code[at] == '[') return {"", code};
  char quote = 0;
  for (std::size_t i = at; i < code.size(); ++i) {
    const char c = code[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ':' && (i + 1 == code.size() || code[i + 1] == ' ')) {
      return {code.substr(at, i - at), code.substr(i + 1)};
    }
  }
  return {"", code};
}

// Whether `value` holds a number outside quotes: a digit that starts a word ("0.3", "-5", "[1, 2]"), not
// one inside a name ("dutch-2024", "x2").
bool holds_number(const std::string& value) {
  char quote = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) continue;
    std::size_t before = i;
    if (before > 0 && (value[before - 1] == '-' || value[before - 1] == '.')) --before;
    const bool in_word = before > 0 && (std::isalnum(static_cast<unsigned char>(value[before - 1])) ||
                                        value[before - 1] == '_' || value[before - 1] == '-');
    if (!in_word) return true;
  }
  return false;
}

// Keys whose values are words, names or file names, not figures (a label's "0 professionals" is not one).
bool is_text_key(const std::string& key) {
  static const std::set<std::string> text{"name",    "description", "label",      "note",    "source",
                                          "unit",    "extends",     "comparator", "targets", "parameter_sets",
                                          "measure", "guideline",   "population", "funding", "funding_payer"};
  return text.count(key) > 0;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Words that say where a figure comes from. "setting" as a word ("a run setting"), not "settings";
// "calibrated" or "posterior", not the command `wijksim calibrate`.
bool says_where_from(const std::string& text) {
  const std::string t = lower(text);
  for (const char* word : {"assumption", "docs/sources.md", "calibrated", "posterior", "source (sibling)"})
    if (t.find(word) != std::string::npos) return true;
  for (std::size_t at = t.find("setting"); at != std::string::npos; at = t.find("setting", at + 1))
    if (at + 7 == t.size() || !std::isalpha(static_cast<unsigned char>(t[at + 7]))) return true;
  return false;
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
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const TextLine& line = lines[i];
    if (line.indent < 0) continue;
    const auto [key, value] = key_and_value(line.code);
    if (is_text_key(key) || !holds_number(value)) continue;
    std::string origin = line.comment + block_above(i);
    // The key it sits under (or the line that opened the list it continues), one level up.
    std::size_t parent = lines.size();
    for (std::size_t j = i; j-- > 0;)
      if (lines[j].indent >= 0 && lines[j].indent < line.indent) {
        parent = j;
        break;
      }
    if (parent < lines.size()) {
      origin += ' ' + lines[parent].comment + block_above(parent);
      // A `source:` beside it, under the same key (a target's value and interval).
      for (std::size_t k = parent + 1; k < lines.size(); ++k) {
        if (lines[k].indent >= 0 && lines[k].indent <= lines[parent].indent) break;
        if (key_and_value(lines[k].code).first == "source") origin += " source (sibling)";
      }
    }
    if (!says_where_from(origin)) missing.push_back(std::to_string(i + 1) + ": " + raw[i]);
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
      "# The coaches (an assumption about all of them).\n"
      "coaches:\n"
      "  team:\n"
      "    fte: 12              # FTE a team\n"                // 4: nothing (the word is two up)
      "  max_weeks: 10          # weeks; assumption\n"         // 5: its own comment
      "  label: \"team # 4 of 9\"  # a label, not a figure\n"  // 6: text
      "  # Read from the audit office (docs/sources.md item 11).\n"
      "  wait: {mean: 5, sd: 1}\n"  // 8: the comment above it
      "notice_per_week:         # chance a week; assumption\n"
      "  money: 0.3\n"  // 10: its key's comment
      "schedule:\n"
      "  - {year: 0, fte: 40}\n"  // 12: nothing
      "targets:\n"
      "  wait:\n"
      "    value: 5\n"  // 15: a source beside it
      "    source: audit office\n"
      "  caseload:\n"
      "    value: 35\n"  // 18: nothing
      "    note: \"a norm, 30-40 # a\"\n"
      "guideline: dutch-2024\n"  // 20: a name, no number
      "free:\n"
      "  domains.*.rate: {dist: uniform, min: 0.1, max: 0.5}\n"          // 22: a key with '*'
      "  \"work-income\": 7\n"                                           // 23: a quoted key
      "weights: [1.0, 0.9,     # assumption\n"                           // 24: its own comment
      "  0.8, 0.7]\n"                                                    // 25: continues line 24
      "shares: [0.5,\n"                                                  // 26: nothing
      "  0.5]\n"                                                         // 27: nothing
      "runs: 5                  # a run setting\n"                       // 28: a setting
      "priors: 3                # the settings of wijksim calibrate\n";  // 29: neither word
  const std::vector<std::string> missing = numbers_without_origin(yaml);
  std::vector<std::string> lines;
  for (const std::string& m : missing) lines.push_back(m.substr(0, m.find(':')));
  CHECK(lines == std::vector<std::string>{"4", "12", "18", "22", "23", "26", "27", "29"});
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
  // The numbered sections: "## 11. ..." at a line's start.
  std::set<int> items;
  std::istringstream in(sources);
  for (std::string l; std::getline(in, l);)
    if (l.rfind("## ", 0) == 0 && l.size() > 3 && std::isdigit(static_cast<unsigned char>(l[3])))
      items.insert(std::stoi(l.substr(3)));
  REQUIRE(items.count(0) == 1);
  REQUIRE(items.count(14) == 1);
  // "docs/sources.md item 11", "items 6 and 8", "item 9, its notes": each number in the list that follows.
  std::string unknown;
  int count = 0;
  for (const auto& f : shipped_yaml()) {
    const std::string text = read_file(f);
    for (std::size_t at = text.find("sources.md"); at != std::string::npos;
         at = text.find("sources.md", at + 1)) {
      std::size_t i = at + 10;
      if (i < text.size() && text[i] == ',') ++i;
      if (text.compare(i, 6, " item ") == 0)
        i += 6;
      else if (text.compare(i, 7, " items ") == 0)
        i += 7;
      else
        continue;
      // Numbers joined by ", " or " and ".
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        std::size_t end = i;
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
        const int n = std::stoi(text.substr(i, end - i));
        ++count;
        if (items.count(n) == 0) unknown += f.filename().string() + ": item " + std::to_string(n) + "\n";
        i = end;
        if (text.compare(i, 2, ", ") == 0 && i + 2 < text.size() &&
            std::isdigit(static_cast<unsigned char>(text[i + 2])))
          i += 2;
        else if (text.compare(i, 5, " and ") == 0)
          i += 5;
        else if (text.compare(i, 6, ", and ") == 0)
          i += 6;
        else
          break;
      }
    }
  }
  CHECK(count >= 30);  // the files cite about 40 items; a reading that stopped matching would find none
  INFO("cited items that docs/sources.md does not have:\n" << unknown);
  CHECK(unknown.empty());
}
