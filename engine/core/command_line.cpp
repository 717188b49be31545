#include "wijksim/core/command_line.h"

#include <fmt/format.h>

namespace wijksim {

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
