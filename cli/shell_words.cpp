#include "shell_words.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "wijksim/core/command_line.h"
#include "wijksim/core/error.h"

namespace wijksim::cli {

std::string shell_word(const std::string& a) {
  constexpr const char* kPlain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-";
  if (!a.empty() && a.find_first_not_of(kPlain) == std::string::npos) return a;
  // Each byte that a terminal would not show as it is: a control character, or a byte outside valid UTF-8.
  std::vector<bool> raw(a.size(), false);
  for (std::size_t i = 0; i < a.size();) {
    const std::size_t n = utf8_length(a, i);
    const auto c = static_cast<unsigned char>(a[i]);
    if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f))) raw[i] = true;
    i += std::max<std::size_t>(n, 1);
  }
  if (std::find(raw.begin(), raw.end(), true) != raw.end()) {
    // A tab, a newline, an escape or a stray byte in a name: bash's $'...' with each such byte as \xHH, so
    // that the line shows them (a terminal would act on an escape, and a copied tab becomes spaces).
    std::string q = "$'";
    for (std::size_t i = 0; i < a.size(); ++i) {
      const char c = a[i];
      if (raw[i])
        q += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
      else if (c == '\'' || c == '\\')
        q += std::string("\\") + c;
      else
        q += c;
    }
    return q + "'";
  }
  std::string q = "'";
  for (const char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string quoted_args(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) {
    if (i) s += ' ';
    s += shell_word(argv[i]);
  }
  return s;
}

std::string wrap_shell_line(const std::string& line, std::size_t indent, std::size_t width) {
  const std::vector<std::string> words = command_words(line);
  // The first line starts after `indent` columns too (the caller's indentation); " \" takes 2 columns.
  std::string out, current;
  for (const std::string& w : words) {
    if (!current.empty() && indent + current.size() + 1 + w.size() + 2 > width) {
      out += current + " \\\n" + std::string(indent, ' ');
      current.clear();
    }
    current += (current.empty() ? "" : " ") + w;
  }
  return out + current;
}

}  // namespace wijksim::cli
