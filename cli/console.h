// Standard output and standard error as the command uses them.
//
// What goes to stdout (tables, a list of runs, a trace) is the user's result: a write that fails (a full
// disk, a closed stdout) is an Error, exit 3, never a silent exit 0 with the result lost. What goes to stderr
// (progress, "wrote FILE", errors) is said on a best-effort basis: when stderr itself cannot be written
// nothing else could report it, and the exit code still tells. So err() never throws: fmt::print would, and
// an exception thrown while another one is being reported ends the process with abort().
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "wijksim/core/error.h"

namespace wijksim::cli {

// First in main: file descriptors 0, 1 and 2 that are closed are opened on /dev/null, so that no file the
// command opens (a store, an output's temporary file) takes their number and receives what is printed.
// Descriptor 1 is opened for reading only: a write to a closed stdout still fails, and says so.
void open_standard_streams();

// Writes to stdout; throws Error ("cannot write to standard output: ...") when it cannot.
void write_out(std::string_view text);
// A text argument of a message as a terminal may show it (printable, its line breaks kept): a file name or
// a value from the command line may hold an escape or a byte that is not UTF-8. The format itself is the
// program's own (the progress bar's "\r\033[K").
template <class T>
decltype(auto) shown(T&& a) {
  if constexpr (std::is_convertible_v<const T&, std::string_view>)
    return printable(std::string_view(a), true);
  else
    return std::forward<T>(a);
}
template <class... Args>
std::string message(fmt::format_string<Args...> f, Args&&... args) {
  return fmt::vformat(fmt::string_view(f), fmt::make_format_args(shown(std::forward<Args>(args))...));
}

template <class... Args>
void out(fmt::format_string<Args...> f, Args&&... args) {
  write_out(message(f, std::forward<Args>(args)...));
}
// Writes stdout's buffer out; throws Error when it cannot.
void flush_out();
// Whether something written to stdout may not have reached it yet: written since the last flush that
// succeeded. A signal that ends the command at once then leaves what was printed incomplete (outside attack:
// tables redirected to a file were cut at 64 KiB, and the message said only that outputs not said as written
// were not written).
bool stdout_unfinished();
// Last in main: whether everything printed to stdout reached it. If not, and no Error said so yet, says so
// on stderr and returns false.
bool stdout_complete();

// Writes to stderr, ignoring a failure.
void write_err(std::string_view text) noexcept;
template <class... Args>
void err(fmt::format_string<Args...> f, Args&&... args) noexcept {
  try {
    write_err(message(f, std::forward<Args>(args)...));
  } catch (...) {  // out of memory while formatting a message: nothing left to say it with
  }
}

}  // namespace wijksim::cli
