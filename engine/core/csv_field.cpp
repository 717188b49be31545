#include "wijksim/core/csv_field.h"

#include <cstdlib>

#include "wijksim/core/error.h"

namespace wijksim {
namespace {

// Read whole by strtod, as a number (not "inf" or "nan", which a spreadsheet reads as text anyway).
bool is_number(std::string_view s) {
  const std::string t(s);
  char* end = nullptr;
  std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size() && t.find_first_of("0123456789") != std::string::npos;
}

bool looks_like_formula(std::string_view s) {
  if (s.empty()) return false;
  const char c = s.front();
  const bool starts = c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
  return starts && !is_number(s) && s != "-";  // "-" alone: the tables' "no figure", text to a spreadsheet
}

}  // namespace

std::string csv_field(std::string_view s) {
  std::string text;
  text.reserve(s.size() + 1);
  if (looks_like_formula(s)) text += '\'';
  // A byte that is not part of valid UTF-8 (a file name in Latin-1) as U+FFFD, as the JSON writes it: the
  // CSV is UTF-8, and one raw byte made a reader refuse the whole file (outside attack 38).
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      text += "\xEF\xBF\xBD";
      ++i;
    } else {
      text.append(s, i, n);
      i += n;
    }
  }
  const bool quote = text.find_first_of(",\"\n\r") != std::string::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return text;
  std::string q = "\"";
  for (const char ch : text) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + "\"";
}

}  // namespace wijksim
