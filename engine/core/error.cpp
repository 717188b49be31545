#include "wijksim/core/error.h"

#include "wijksim/core/command_line.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace wijksim {

std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (n == 2 && c < 0xC2) return 0;                       // overlong
  if (n == 3 && c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (n == 3 && c == 0xED && b(i + 1) >= 0xA0) return 0;  // a surrogate
  if (n == 4 && (c > 0xF4 || (c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) >= 0x90))) return 0;
  return n;
}

char32_t code_point(std::string_view s, std::size_t i, std::size_t n) {
  const auto b = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k])); };
  if (n == 1) return b(0);
  char32_t c = b(0) & (n == 2 ? 0x1Fu : n == 3 ? 0x0Fu : 0x07u);
  for (std::size_t k = 1; k < n; ++k) c = (c << 6) | (b(k) & 0x3Fu);
  return c;
}

bool invisible(char32_t c) {
  return c == 0x00A0 || c == 0x00AD || c == 0x034F || c == 0x115F || c == 0x1160 || c == 0x180E ||
         (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F) ||
         c == 0x2800 || c == 0x3000 || c == 0x3164 || c == 0xFEFF || c == 0xFFA0;
}

bool shows_blank(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) return false;  // an invalid byte shows (as a replacement character)
    const char32_t u = code_point(s, i, n);
    if (!(n == 1 ? std::isspace(static_cast<unsigned char>(s[i])) != 0 : invisible(u))) return false;
    i += n;
  }
  return true;
}

bool blank_at_ends(std::string_view s) {
  if (s.empty()) return false;
  const std::size_t first = std::max<std::size_t>(1, utf8_length(s, 0));
  std::size_t last = 0;  // the start of the last sequence (an invalid byte is one)
  for (std::size_t i = 0; i < s.size(); i += std::max<std::size_t>(1, utf8_length(s, i))) last = i;
  return shows_blank(s.substr(0, first)) || shows_blank(s.substr(last));
}

std::string printable(std::string_view s, bool keep_lines, bool show_invisible) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_length(s, i);
    if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7F) && !(keep_lines && c == '\n'))) {
      out += fmt::format("\\x{:02X}", c);
      ++i;
    } else if (const char32_t u = n > 1 ? code_point(s, i, n) : 0;
               n > 1 && (reorders_text(u) || unicode_control(u) || (show_invisible && invisible(u)))) {
      // A direction control is never shown as it is (a file name with U+202E reordered the line after it).
      out += fmt::format("\\u{{{:04X}}}", static_cast<std::uint32_t>(u));
      i += n;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

std::string shortened(std::string_view s, std::size_t at_most) {
  if (s.size() <= at_most) return std::string(s);
  std::size_t end = 0;  // whole UTF-8 sequences (an invalid byte counts as one), below at_most - 3 bytes
  while (end < s.size()) {
    const std::size_t n = std::max<std::size_t>(1, utf8_length(s, end));
    if (end + n + 3 > at_most) break;
    end += n;
  }
  return std::string(s.substr(0, end)) + "...";
}

std::string long_words_shortened(std::string_view message, std::size_t longest) {
  constexpr std::size_t kHead = 60, kTail = 40;
  // Where one character as shown ends: a UTF-8 sequence, or an escape printable() wrote for one byte or
  // one invisible character ("\xFF", "\u{200B}"), so that a cut never splits one and the count is of
  // characters, not of the escape's letters.
  const auto unit = [&](std::size_t i) -> std::size_t {
    if (message[i] == '\\' && i + 3 < message.size() && message[i + 1] == 'x' &&
        std::isxdigit(static_cast<unsigned char>(message[i + 2])) &&
        std::isxdigit(static_cast<unsigned char>(message[i + 3])))
      return 4;
    if (message.substr(i).starts_with("\\u{"))
      if (const std::size_t close = message.find('}', i); close != std::string_view::npos && close - i <= 10)
        return close - i + 1;
    return std::max<std::size_t>(1, utf8_length(message, i));
  };
  std::string out;
  bool command = false;  // inside `...`: a command to run again, kept whole whatever its length
  std::size_t i = 0;
  while (i < message.size()) {
    if (message[i] == ' ' || message[i] == '\n') {
      out += message[i++];
      continue;
    }
    // A word: where each of its characters begins.
    std::vector<std::size_t> starts;
    std::size_t end = i;
    while (end < message.size() && message[end] != ' ' && message[end] != '\n') {
      starts.push_back(end);
      end += unit(end);
    }
    end = std::min(end, message.size());
    const std::string_view word = message.substr(i, end - i);
    const bool in_command = command || word.find('`') != std::string_view::npos;
    if (std::count(word.begin(), word.end(), '`') % 2 == 1) command = !command;
    // The punctuation of the sentence after it ("FILE: error:") follows the count; quotes around a value
    // stay around it, and neither counts: "'xx...xx' (5000 characters)", "/tmp/xx...xx (5001 characters):".
    std::size_t punctuation = 0, quotes = 0;
    while (punctuation < 2 && punctuation < starts.size() &&
           std::string_view(":;,.").find(message[end - 1 - punctuation]) != std::string_view::npos)
      ++punctuation;
    while (quotes < 2 && punctuation + quotes < starts.size() &&
           message[end - 1 - punctuation - quotes] == '\'')
      ++quotes;
    const std::size_t lead = message[i] == '\'' ? 1 : 0;
    if (in_command || starts.size() <= longest + punctuation + quotes + lead) {
      out.append(word);
      i = end;
      continue;
    }
    const std::size_t value_end = end - punctuation - quotes,
                      tail_from = starts[starts.size() - kTail - punctuation - quotes];
    out += fmt::format("{}...{}{} ({} characters){}", message.substr(i, starts[kHead + lead] - i),
                       message.substr(tail_from, value_end - tail_from), message.substr(value_end, quotes),
                       starts.size() - punctuation - quotes - lead,
                       message.substr(end - punctuation, punctuation));
    i = end;
  }
  return out;
}

std::string Diagnostic::to_string() const {
  // A problem of the command line (an option's value) has no file: "error: --threshold: ...". Some name the
  // option where a file would be (Location{"--from/--to"}): said the same way, not "--from/--to: error:". By
  // its shape: a file named in a scenario, `comparator: --b.yaml`, read as the option --b.yaml (an outside
  // review; a file typed after -- is named ./--NAME by the command line).
  const auto option_shaped = [](const std::string& f) {
    if (!f.starts_with("--") || f.size() < 3) return false;
    for (std::size_t i = 2; i < f.size(); ++i) {
      const char c = f[i];
      if (f.compare(i, 3, "/--") == 0) {
        i += 2;
        continue;
      }
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
            c == '-'))
        return false;
    }
    return true;
  };
  if (option_shaped(where.file) && where.line == 0)
    return long_words_shortened(
        printable(fmt::format("error: {}: {}{}", where.file,
                              key.empty() || key == where.file ? "" : shortened(key) + ": ", message),
                  false, true));
  // The file as a message names it (shown_name: quoted where a blank begins or ends it, " lead.db: error:"
  // hid its space, or it holds ": ", "x: error: y.yaml:1:4: error: ..."); a space inside a name is left
  // plain, as compilers leave it.
  std::string s = where.file.empty() ? std::string() : shown_name(where.file);
  if (where.line > 0) s += fmt::format(":{}", where.line);
  if (where.column > 0) s += fmt::format(":{}", where.column);
  s += s.empty() ? "error: " : ": error: ";
  if (!key.empty()) s += fmt::format("{}: ", shortened(key));
  s += message;
  // A message quotes what it found, and a file may hold anything: a terminal would act on an escape.
  return long_words_shortened(printable(s, false, true));
}

static std::string join_diagnostics(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) {
    if (!s.empty()) s += '\n';
    s += d.to_string();
  }
  return s;
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : Error(join_diagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

std::string system_reason(int err) {
  // Outside attack 9: under `ulimit -n 4` this was said as a directory that is not writable.
  if (err == EMFILE || err == ENFILE)
    return "too many open files (the limit of open files, `ulimit -n`, is too low)";
  return std::strerror(err);
}

void internal_failure(const char* file, int line, const char* condition, const std::string& what) {
  throw InternalError(
      fmt::format("internal error at {}:{} ({} does not hold): {}", file, line, condition, what));
}

}  // namespace wijksim
