#include "shell_words.h"

#include <vector>

namespace wijksim::cli {

std::string shell_word(const std::string& a) {
  constexpr const char* kPlain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-";
  if (!a.empty() && a.find_first_not_of(kPlain) == std::string::npos) return a;
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
  bool quoted = false, escaped = false;
  for (const char c : line) {
    const bool plain = escaped;  // the character after a backslash outside quotes stands for itself
    escaped = false;
    if (!plain && !quoted && c == '\\') escaped = true;
    if (!plain && c == '\'') quoted = !quoted;
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
