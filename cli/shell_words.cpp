#include "shell_words.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace wijksim::cli {

std::string shell_word(const std::string& a) {
  constexpr const char* kPlain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-";
  if (!a.empty() && a.find_first_not_of(kPlain) == std::string::npos) return a;
  const auto control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; };
  if (std::any_of(a.begin(), a.end(), control)) {
    // A tab, a newline or an escape in a name: bash's $'...' with each such byte as \xHH, so that the line
    // shows them (a terminal would act on an escape, and a copied tab becomes spaces).
    std::string q = "$'";
    for (const char c : a) {
      if (control(c))
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
  // The words: split at spaces outside single quotes (shell_word quotes every other character that a
  // shell reads specially, and writes a quote as '\'': a backslash outside the quotes, then the quote it
  // makes plain).
  std::vector<std::string> words;
  std::string word;
  // Outside quotes, inside '...' (everything plain up to the next quote) or inside $'...' (a backslash
  // escapes the next character, a quote included).
  enum class In { Nothing, Single, Ansi } in = In::Nothing;
  bool escaped = false;
  char before = ' ';
  for (const char c : line) {
    const bool plain = escaped;  // the character after a backslash (outside quotes, or in $'...')
    escaped = false;
    if (!plain) {
      if (c == '\\' && in != In::Single)
        escaped = true;
      else if (c == '\'' && in == In::Nothing)
        in = before == '$' ? In::Ansi : In::Single;
      else if (c == '\'')
        in = In::Nothing;
    }
    before = plain ? ' ' : c;
    const bool quoted = in != In::Nothing;
    if (c == ' ' && !quoted && !plain) {
      words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  words.push_back(word);
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
