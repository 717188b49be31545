#include "terminal.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace wijksim::cli {

bool is_terminal(std::FILE* stream) {
  return isatty(fileno(stream)) == 1;
}

std::size_t terminal_width(std::FILE* stream) {
  if (!is_terminal(stream)) return 0;
  winsize ws{};
  if (ioctl(fileno(stream), TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_col;
}

std::size_t output_width(std::FILE* out) {
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    errno = 0;
    const long n = std::strtol(columns, &end, 10);
    // Out of range is not a width, as "abc" is not (COLUMNS=99999999999999999999 gave lines of 731
    // characters; outside attack 42).
    if (end != columns && *end == '\0' && n > 0 && errno != ERANGE) return static_cast<std::size_t>(n);
  }
  if (out != nullptr)
    if (const std::size_t w = terminal_width(out)) return w;
  return kPipeWidth;
}

namespace {

// Display columns of UTF-8 text: one per character (what the messages hold: Latin text, the euro sign).
std::size_t columns_of(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Whether a line echoes the command line, as the messages of main.cpp and calibrate_command.cpp write it:
// "(command: ARGUMENTS)", the program as it was called first. Told by that opening, not by the program's
// name: a directory called wijksim in a file's path left prose whole, and a program called by another name
// ('/opt/sp ace/wijksim', ./wijksim-0.1) had its echo broken (outside attacks 56 and 57).
bool echoes_command(std::string_view line) {
  return line.starts_with("(command: ");
}

// One line broken at spaces. A command to type is never broken: a line indented by two spaces or echoing
// the command line is left whole, and a command in backquotes (`wijksim show 1 ...`) is one piece of the
// line it stands in: a terminal breaks a long line without breaking a copy of it, and a command pasted in
// pieces runs its first piece (outside attack 21). The prose around a command in backquotes is broken as
// any other (a line with one was left whole, 110 columns on a terminal of 60; outside attack 57). So is a
// line the progress bar redraws (\r) left whole.
void fit_line(std::string_view line, std::size_t width, std::string& out) {
  if (columns_of(line) <= width || line.starts_with("  ") || line.find('\r') != std::string_view::npos ||
      echoes_command(line)) {
    out += line;
    return;
  }
  // A backquote opens a command where a word starts and closes it where a word ends; one inside a word (a
  // file named a`b.db) is neither, which broke the command after it and left the prose unbroken (outside
  // attack 58).
  const auto opens = [&](std::size_t i) {
    return i == 0 || line[i - 1] == ' ' || line[i - 1] == '(' || line[i - 1] == '"';
  };
  const auto closes = [&](std::size_t i) {
    return i + 1 == line.size() || std::string_view(" ),.;:").find(line[i + 1]) != std::string_view::npos;
  };
  std::size_t used = 0, start = 0;
  bool quoted = false;  // inside `...`
  while (start < line.size()) {
    // The piece up to the next space outside backquotes, with the space before it.
    std::size_t end = start;
    do {
      if (line[end] == '`' && (quoted ? closes(end) : opens(end))) quoted = !quoted;
      ++end;
    } while (end < line.size() && (line[end] != ' ' || quoted));
    std::string_view piece = line.substr(start, end - start);
    if (used > 0 && used + columns_of(piece) > width) {
      out += '\n';  // no indent: lines indented by two spaces are commands
      piece.remove_prefix(1);
      used = 0;
    }
    out += piece;
    used += columns_of(piece);
    start = end;
  }
}

}  // namespace

std::string fit_to_width(std::string_view text, std::size_t width) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    fit_line(text.substr(start, end - start), std::max<std::size_t>(width, 20), out);
    if (end == text.size()) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

bool redraws(std::FILE* stream) {
  const char* term = std::getenv("TERM");
  return is_terminal(stream) && !(term != nullptr && std::string_view(term) == "dumb");
}

bool same_terminal() {
  if (!is_terminal(stdout) || !is_terminal(stderr)) return false;
  struct stat out {
  }, err{};
  if (fstat(fileno(stdout), &out) != 0 || fstat(fileno(stderr), &err) != 0) return false;
  return out.st_dev == err.st_dev && out.st_ino == err.st_ino;
}

}  // namespace wijksim::cli
