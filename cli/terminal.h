// The terminal the command prints to: how wide a line may be, and whether a person is watching.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace wijksim::cli {

// The width text is laid out for when it goes to `out` (nullptr: a file): COLUMNS when it is set (a user's
// or a script's explicit choice; shells do not export it by default), else the width of the terminal `out`
// is (TIOCGWINSZ), else 100 (a pipe or a file).
std::size_t output_width(std::FILE* out);
// The width of the terminal on `stream`, or 0 when it is not a terminal.
std::size_t terminal_width(std::FILE* stream);
bool is_terminal(std::FILE* stream);
// A terminal that takes the progress bar's redraws (carriage return and erase to the end of the line): not
// one whose TERM says "dumb" (an editor's shell, a CI log), where ESC[K showed as text (outside attack 38).
bool redraws(std::FILE* stream);
// stdout and stderr are one terminal (what the progress bar draws on stderr shows between the tables).
bool same_terminal();

inline constexpr std::size_t kPipeWidth = 100;

// `text` (messages for stderr) with each line wider than `width` broken at spaces. Never broken: a line that
// holds a command to type (indented by two spaces, in backquotes, or naming wijksim), a word wider than the
// line, and a line the progress bar redraws (\r).
std::string fit_to_width(std::string_view text, std::size_t width);

}  // namespace wijksim::cli
