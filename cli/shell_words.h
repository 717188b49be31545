// A command line as a POSIX shell reads it back: how each argument is quoted for the results store and the
// resume message, and how a long stored line is laid out for a terminal without changing what a shell reads.
#pragma once

#include <cstddef>
#include <string>

namespace wijksim::cli {

// One argument as a shell reads it back: as it is when no character of it means anything to a shell, else in
// single quotes, a quote inside written '\'' ('s-Hertogenbosch.yaml, a path with a space or a $); a name
// with a control character (a tab, a newline, an escape) in $'...' with each as \xHH (bash, zsh, ksh and
// POSIX.1-2024 sh read it; the line then shows the byte instead of acting on it).
std::string shell_word(const std::string& a);

// The command line as a shell would take it back: the stored run's command and the one that resumes it.
std::string quoted_args(int argc, char** argv);

// `line` (words as quoted_args writes them) broken at the spaces between words so that no line but one
// holding a single longer word runs past `width` columns: each line after the first starts with `indent`
// spaces and each line before the last ends with " \", so a shell still reads the same words (a stored
// command of 145 columns is copied back whole from a 120-column terminal). A space inside quotes never
// breaks a line.
std::string wrap_shell_line(const std::string& line, std::size_t indent, std::size_t width);

}  // namespace wijksim::cli
