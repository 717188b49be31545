// A stored command line taken apart: its words, and the command that continues the run (core/command_line.h).
// The lines are written here by hand as the command line tool quotes them (cli/shell_words.h).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "wijksim/core/command_line.h"

using namespace wijksim;

TEST_CASE("a stored command line splits into its words at the spaces outside quotes", "[input]") {
  using W = std::vector<std::string>;
  CHECK(command_words("wijksim run a.yaml -r 3") == W{"wijksim", "run", "a.yaml", "-r", "3"});
  CHECK(command_words("wijksim run 'my scenario.yaml'") == W{"wijksim", "run", "'my scenario.yaml'"});
  // A quote inside a name: '\'' closes the quotes, a plain quote, opens them again.
  CHECK(command_words("wijksim run ''\\''s Hertogenbosch.yaml' -y 1") ==
        W{"wijksim", "run", "''\\''s Hertogenbosch.yaml'", "-y", "1"});
  // $'...': a backslash escapes the next character, its quote included.
  CHECK(command_words("wijksim run $'a\\' b\\x09.yaml' -y 1") ==
        W{"wijksim", "run", "$'a\\' b\\x09.yaml'", "-y", "1"});
}

TEST_CASE("the command that continues a run puts --resume where the command reads it", "[input]") {
  CHECK(with_resume("wijksim run a.yaml -r 3", 4) == "wijksim run a.yaml -r 3 --resume 4");
  // After a lone --, --resume would be a scenario's name: it goes before it (outside attack 30).
  CHECK(with_resume("wijksim run -y1 -r3 --store si.db -- -w.yaml", 1) ==
        "wijksim run -y1 -r3 --store si.db --resume 1 -- -w.yaml");
  // A -- inside a quoted name is no separator.
  CHECK(with_resume("wijksim run 'a -- b.yaml'", 2) == "wijksim run 'a -- b.yaml' --resume 2");
  // A line that resumes already stays as it is; a name holding the text "--resume" does not resume.
  CHECK(with_resume("wijksim run a.yaml --resume 3", 3) == "wijksim run a.yaml --resume 3");
  CHECK(with_resume("wijksim run a.yaml --resume=3", 3) == "wijksim run a.yaml --resume=3");
  CHECK(with_resume("wijksim run a.yaml --store rz--resume.db", 1) ==
        "wijksim run a.yaml --store rz--resume.db --resume 1");
  CHECK(with_resume("wijksim run --store s.db -- --resume", 1) ==
        "wijksim run --store s.db --resume 1 -- --resume");
  CHECK_FALSE(resumes_a_run("wijksim run 'x --resume 3.yaml'"));
  CHECK(resumes_a_run("wijksim calibrate a.yaml --resume 2"));
}

TEST_CASE("a word's quoting taken off gives the argument it was written for", "[input]") {
  // Words written by hand as a POSIX shell reads them (bash gives the right-hand sides).
  CHECK(shell_unquoted("results.db") == "results.db");
  CHECK(shell_unquoted("'my store.db'") == "my store.db");
  CHECK(shell_unquoted("'it'\\''s $HOME.db'") == "it's $HOME.db");
  CHECK(shell_unquoted("'--store=my s.db'") == "--store=my s.db");
  CHECK(shell_unquoted("$'a\\x0ab.db'") == "a\nb.db");
  CHECK(shell_unquoted("$'\\xff\\xfe.db'") == "\xff\xfe.db");
  CHECK(shell_unquoted("$'tab\\there \\'q\\' \\\\'") == "tab\there 'q' \\");
  CHECK(shell_unquoted("a\\ b") == "a b");
  // And every name shell_word quotes comes back as it was.
  for (const std::string name : {"plain.db", "my store.db", "it's $HOME.db", "a\nb.db", "\xff\xfe.db",
                                 "x'\\y", "$'.db", "", "--", "\t'\\x41"})
    CHECK(shell_unquoted(shell_word(name)) == name);
}
