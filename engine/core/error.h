// The three levels of error (README "Exit codes", docs/architecture.md):
//  - user input: InputError, a list of Diagnostics each with file, line, column and key path; the CLI
//    prints them all and exits 1;
//  - the library API: wijksim::Error, the one exception type the engine throws for everything else (a store
//    that cannot be written, a run that failed): exit 3;
//  - internal invariants: WIJKSIM_CHECK (always on) and WIJKSIM_DCHECK (debug builds only, for the hot
//    loop) throw InternalError, a bug in wijksim and never the user's doing: exit 4, with the command that
//    replays the failing run.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wijksim {

// What a command says when the machine refuses it memory (exit 3), wherever that is found.
inline constexpr const char* kOutOfMemory =
    "out of memory: the command needs more memory than this process may have (ulimit -v, a container's "
    "limit)";

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where in an input file something is. Lines and columns count from 1; 0 means "unknown".
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  bool operator==(const Location&) const = default;
};

// `s` as a terminal may show it: each control character (a tab, a newline, an escape, NUL) and each byte
// that is not part of valid UTF-8 as \xHH; valid UTF-8 as it is. With `keep_lines`, a newline stays one (a
// message of several lines). With `show_invisible` (an error message, which must show what the file holds),
// also a character that shows as nothing or as a plain space (a zero-width space, a non-breaking space, a
// direction mark, a byte-order mark) as \u{HHHH}, so "households" with one of them reads differently from
// "households"; tables and labels keep them (a label may hold a non-breaking space on purpose). A direction
// control and a control character beyond ASCII (unicode_control) are always shown as \u{HHHH}.
std::string printable(std::string_view s, bool keep_lines = false, bool show_invisible = false);
// `s` cut to its first characters, fewer than `at_most` bytes, and "..." (a key or name a file gave, quoted
// in a message: a key of a thousand characters would fill a terminal twice over); `s` when it is short.
std::string shortened(std::string_view s, std::size_t at_most = 80);
// `message` with each word (a run without spaces or line breaks) of more than `longest` characters shown by
// its first 60 and last 40 and its length: "/tmp/xx...xx.yaml (5005 characters)". A value given on the
// command line is echoed in its error, and a 100,000-character one filled the terminal many times over.
std::string long_words_shortened(std::string_view message, std::size_t longest = 200);
// The length of the valid UTF-8 sequence that starts at s[i] (1 to 4), or 0 when none starts there.
std::size_t utf8_length(std::string_view s, std::size_t i);
// The code point of the valid UTF-8 sequence of length n (utf8_length) at s[i].
char32_t code_point(std::string_view s, std::size_t i, std::size_t n);
// One of Unicode's direction embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a terminal or
// a page shows the text after it reordered, so it is never passed on as it is.
constexpr bool reorders_text(char32_t c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}
// A control character beyond ASCII's: C1 (U+0080-U+009F; U+009B begins an escape sequence on some
// terminals, U+0085 is a line break), or Unicode's line and paragraph separators (U+2028, U+2029), which
// break a line and ended a report chart's script (outside attack 36). Never passed on as it is either.
constexpr bool unicode_control(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029;
}
// A character beyond ASCII that shows as nothing or as a plain space: a non-breaking or ideographic space, a
// zero-width space or joiner, a direction mark, a byte-order mark, a Hangul filler (U+3164), a blank
// Braille pattern.
bool invisible(char32_t c);
// `s` shows as nothing but blank space (ASCII white space and invisible characters only; also "").
bool shows_blank(std::string_view s);
// `s` begins or ends with a character that shows as blank space (ASCII or beyond: a trailing U+00A0 or
// U+3000 made a name that differed from another only in what nobody sees; outside attack 37).
bool blank_at_ends(std::string_view s);

struct Diagnostic {
  Location where;
  std::string key;      // key path, e.g. "agencies.debt_counselling.capacity"
  std::string message;  // what was found and what was expected
  std::string to_string() const;
  bool operator==(const Diagnostic&) const = default;
};

// Bad user input: carries every problem found, not only the first.
class InputError : public Error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// A broken internal invariant: a bug, not bad input. Its message says where in the source it was found.
class InternalError : public Error {
 public:
  using Error::Error;
};

// An operating-system error (errno) said for a person: strerror's words, and for too many open files what
// to change.
std::string system_reason(int err);

[[noreturn]] void internal_failure(const char* file, int line, const char* condition,
                                   const std::string& what);

}  // namespace wijksim

// WIJKSIM_CHECK(condition, "format", args...): throws InternalError naming the condition, the source line and
// the formatted explanation when the condition is false.
#define WIJKSIM_CHECK(cond, ...)                                                          \
  do {                                                                                    \
    if (!(cond)) [[unlikely]]                                                             \
      ::wijksim::internal_failure(__FILE__, __LINE__, #cond, ::fmt::format(__VA_ARGS__)); \
  } while (false)

// The same, compiled only into debug builds: for checks in the hot loop.
#ifdef NDEBUG
#define WIJKSIM_DCHECK(cond, ...) \
  do {                            \
  } while (false)
#else
#define WIJKSIM_DCHECK(cond, ...) WIJKSIM_CHECK(cond, __VA_ARGS__)
#endif
