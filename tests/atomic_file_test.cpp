// Writing outputs once a signal's exit has begun (engine/core/atomic_file.h, cli/interrupts.h): the exit
// removes the temporary files and staging directories of the outputs in progress, and nothing is made after
// that. Before, a thread writing an export made its next staged file while the exit removed the staging
// directory, which was then left behind, hidden, with a truncated CSV in it, after "interrupted", exit 130
// (outside attack 43: 8 of 40 exports stopped by SIGTERM).
//
// Each case runs in a child process, since the exit's state is for the rest of a process: the child begins
// the exit (remove_unfinished_outputs) and then tries to make an output; the parent looks at the directory.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "temp_dir.h"
#include "wijksim/core/atomic_file.h"

namespace {

namespace fs = std::filesystem;
using wijksim::test::TempDir;

// Runs `make` in a child process after the exit has begun, and returns the names `dir` holds 1 second later,
// when the child is stopped (it waits for the process to end: the exit ends it) if it has not ended itself.
// `ended` says whether it ended (before the mend: having made its output).
std::vector<std::string> after_the_exit(const fs::path& dir, const std::function<void()>& make, bool& ended) {
  const pid_t child = ::fork();
  if (child == 0) {
    wijksim::remove_unfinished_outputs();
    try {
      make();
    } catch (...) {
      std::_Exit(2);
    }
    std::_Exit(0);
  }
  REQUIRE(child > 0);
  int status = 0;
  ended = false;
  for (int i = 0; i < 100 && !ended; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ended = ::waitpid(child, &status, WNOHANG) == child;
  }
  if (!ended) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("once a signal's exit has begun, no output file or staging directory is made", "[output]") {
  SECTION("a file written whole") {
    TempDir dir("exit-file");
    bool ended = true;
    const auto names = after_the_exit(
        dir.path, [&] { wijksim::write_file_atomically(dir / "late.txt", "made after the exit began\n"); },
        ended);
    CHECK_FALSE(ended);  // it waits for the process to end
    CHECK(names.empty());
  }
  SECTION("an export's staging directory") {
    TempDir dir("exit-export");
    bool ended = true;
    const auto names = after_the_exit(
        dir.path,
        [&] {
          wijksim::DirectoryWrite write(dir / "export", {"a.csv"}, "--csv", {});
          write.write("a.csv", "run_id\n1\n");
          write.commit();
        },
        ended);
    CHECK_FALSE(ended);
    CHECK(names.empty());  // neither the export nor a hidden .wijksim-...staging directory
  }
}
