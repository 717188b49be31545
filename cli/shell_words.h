// A command line as a POSIX shell reads it back: how each argument is quoted for the results store and the
// resume message, and how a long stored line is laid out for a terminal without changing what a shell reads.
#pragma once

#include <cstddef>
#include <string>

#include "wijksim/core/command_line.h"

namespace wijksim::cli {

using wijksim::shell_word;  // core/command_line: the messages of the library quote with it too

// The command line as a shell would take it back: the stored run's command and the one that resumes it.
std::string quoted_args(int argc, char** argv);

// `line` (words as quoted_args writes them) broken at the spaces between words so that no line but one
// holding a single longer word runs past `width` columns: each line after the first starts with `indent`
// spaces and each line before the last ends with " \", so a shell still reads the same words (a stored
// command of 145 columns is copied back whole from a 120-column terminal). A space inside quotes never
// breaks a line.
std::string wrap_shell_line(const std::string& line, std::size_t indent, std::size_t width);

}  // namespace wijksim::cli
