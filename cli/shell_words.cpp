#include "shell_words.h"

#include <fmt/format.h>

#include <vector>

#include "wijksim/core/command_line.h"

namespace wijksim::cli {

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
