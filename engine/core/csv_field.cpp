#include "wijksim/core/csv_field.h"

#include <cstdlib>

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
  text.append(s);
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
