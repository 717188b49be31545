#include "wijksim/core/command_line.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "wijksim/core/error.h"

namespace wijksim {

std::string shown_name(const std::string& name) {
  // A control character too: printable() shows a newline as \x0A, as it shows the four characters \x0A of
  // another name ("r\x0Anl.html" named two files; outside attack 60); shell_word writes it $'r\x0Anl.html'.
  const bool control = std::any_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) == 0x7F;
  });
  // ": " too: "x: error: y.yaml:1:4: error:" read as two names, and "a: b.yaml: 1 error" as a file "a".
  if (name.empty() || control || blank_at_ends(name) || name.find(": ") != std::string::npos)
    return shell_word(name);
  return printable(name);
}

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

std::string shell_unquoted(const std::string& word) {
  std::string out;
  enum class In { Nothing, Single, Ansi } in = In::Nothing;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    switch (in) {
      case In::Nothing:
        if (c == '\\' && i + 1 < word.size())
          out += word[++i];
        else if (c == '$' && i + 1 < word.size() && word[i + 1] == '\'')
          in = In::Ansi, ++i;
        else if (c == '\'')
          in = In::Single;
        else
          out += c;
        break;
      case In::Single:
        if (c == '\'')
          in = In::Nothing;
        else
          out += c;
        break;
      case In::Ansi:
        if (c == '\'') {
          in = In::Nothing;
        } else if (c == '\\' && i + 1 < word.size()) {
          const char e = word[++i];
          const auto hex = [](char h) { return h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10; };
          if (e == 'x' && i + 2 < word.size() && std::isxdigit(static_cast<unsigned char>(word[i + 1])) &&
              std::isxdigit(static_cast<unsigned char>(word[i + 2]))) {
            out += static_cast<char>(hex(word[i + 1]) * 16 + hex(word[i + 2]));
            i += 2;
          } else {
            out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
          }
        } else {
          out += c;
        }
        break;
    }
  }
  return out;
}

std::vector<std::string> command_words(const std::string& line) {
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
    if (c == ' ' && in == In::Nothing && !plain) {
      words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  words.push_back(word);
  return words;
}

bool resumes_a_run(const std::string& line) {
  for (const std::string& w : command_words(line)) {
    if (w == "--") return false;
    if (w == "--resume" || w.starts_with("--resume=")) return true;
  }
  return false;
}

std::string with_resume(const std::string& line, std::int64_t run) {
  if (resumes_a_run(line)) return line;
  const std::string option = fmt::format("--resume {}", run);
  std::string out;
  bool placed = false;
  for (const std::string& w : command_words(line)) {
    if (w == "--" && !placed) {
      out += option + " ";
      placed = true;
    }
    out += w + " ";
  }
  if (!placed) out += option + " ";
  out.pop_back();
  return out;
}

}  // namespace wijksim
