// A stored command line (the words of a run's command as a POSIX shell reads them back, as the command line
// tool quotes them) taken apart again: its words, and the command that continues the run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wijksim {

// One argument as a shell reads it back: as it is when no character of it means anything to a shell, else in
// single quotes, a quote inside written '\'' ('s-Hertogenbosch.yaml, a path with a space or a $); a name
// with a control character (a tab, a newline, an escape) in $'...' with each as \xHH (bash, zsh, ksh and
// POSIX.1-2024 sh read it; the line then shows the byte instead of acting on it). Every command a message
// prints to be pasted quotes its names with it (`wijksim runs --store 'my store.db'`).
std::string shell_word(const std::string& a);

// A file's name as a message names it: as printable() shows it, but in shell_word's quotes where a blank
// (a space, or an invisible one such as U+00A0) begins or ends it, it holds a control character or ": "
// (which reads as the end of a name before a message), or it is empty ("wrote x.db " hid the space a name
// ended with, and that the tables, not a store, went there; outside attack 59).
std::string shown_name(const std::string& name);

// The argument a word of command_words stands for, its quoting taken off: the inverse of shell_word ('...',
// a backslash outside quotes, $'...' with \xHH, \n, \t, \\ and \').
std::string shell_unquoted(const std::string& word);

// The words of `line`, each still quoted as written: split at the spaces outside quotes ('...', $'...', and
// a quote written '\'' as a backslash outside the quotes, then the quote it makes plain).
std::vector<std::string> command_words(const std::string& line);

// Whether the line continues a run already: a word --resume (or --resume=N) before any lone --, after which
// a word is a scenario's name (a store called rz--resume.db was taken for the option; outside attack 30).
bool resumes_a_run(const std::string& line);

// The line that continues run `run`: with `--resume RUN` before a lone -- (at the end it was read as a
// scenario's name: `run -- -w.yaml --resume 1` failed with "cannot read the scenario"), else at the end;
// the line as it is when it resumes already.
std::string with_resume(const std::string& line, std::int64_t run);

}  // namespace wijksim
