#include "wijksim/core/test_hooks.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <thread>

#include "wijksim/core/error.h"

namespace wijksim::test_hooks {
namespace {

struct Hooks {
  long kill_at = 0;  // 0: off
  bool kill_before = false;
  long pause_at = 0;
  std::string pause_file;
  std::string loading_file;  // "": off
  std::string output_file;   // "": off
  std::string store_file;    // "": off
  std::string complete_file;  // "": off
  std::string moving_file;    // "": off
  std::string outputs_file;   // "": off
  bool report_out_of_memory = false;
};

// "N:REST" with N >= 1; false when malformed.
bool split(const char* value, long& n, std::string& rest) {
  const std::string v = value;
  const auto colon = v.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  char* end = nullptr;
  n = std::strtol(v.c_str(), &end, 10);
  if (end != v.c_str() + colon || n < 1) return false;
  rest = v.substr(colon + 1);
  return true;
}

Hooks read_hooks() {
  Hooks h;
  if (const char* k = std::getenv("WIJKSIM_TEST_KILL_IN_DRAW")) {
    std::string when;
    if (!split(k, h.kill_at, when) || (when != "before" && when != "after"))
      throw Error(fmt::format("WIJKSIM_TEST_KILL_IN_DRAW={}: expected N:before or N:after (a test hook)", k));
    h.kill_before = when == "before";
  }
  if (const char* p = std::getenv("WIJKSIM_TEST_PAUSE_AFTER_DRAW")) {
    if (!split(p, h.pause_at, h.pause_file) || h.pause_file.empty())
      throw Error(fmt::format("WIJKSIM_TEST_PAUSE_AFTER_DRAW={}: expected N:FILE (a test hook)", p));
  }
  if (const char* l = std::getenv("WIJKSIM_TEST_PAUSE_IN_LOADING")) {
    if (!*l) throw Error("WIJKSIM_TEST_PAUSE_IN_LOADING is empty: expected FILE (a test hook)");
    h.loading_file = l;
  }
  if (const char* o = std::getenv("WIJKSIM_TEST_PAUSE_IN_OUTPUT")) {
    if (!*o) throw Error("WIJKSIM_TEST_PAUSE_IN_OUTPUT is empty: expected FILE (a test hook)");
    h.output_file = o;
  }
  if (const char* c = std::getenv("WIJKSIM_TEST_PAUSE_IN_STORE_CREATION")) {
    if (!*c) throw Error("WIJKSIM_TEST_PAUSE_IN_STORE_CREATION is empty: expected FILE (a test hook)");
    h.store_file = c;
  }
  if (const char* c = std::getenv("WIJKSIM_TEST_PAUSE_WHILE_MOVING_EXPORT")) {
    if (!*c) throw Error("WIJKSIM_TEST_PAUSE_WHILE_MOVING_EXPORT is empty: expected FILE (a test hook)");
    h.moving_file = c;
  }
  if (const char* c = std::getenv("WIJKSIM_TEST_PAUSE_AFTER_COMPLETING")) {
    if (!*c) throw Error("WIJKSIM_TEST_PAUSE_AFTER_COMPLETING is empty: expected FILE (a test hook)");
    h.complete_file = c;
  }
  if (const char* c = std::getenv("WIJKSIM_TEST_PAUSE_AFTER_OUTPUTS")) {
    if (!*c) throw Error("WIJKSIM_TEST_PAUSE_AFTER_OUTPUTS is empty: expected FILE (a test hook)");
    h.outputs_file = c;
  }
  if (const char* m = std::getenv("WIJKSIM_TEST_OUT_OF_MEMORY_IN_REPORT")) {
    if (std::string(m) != "1") throw Error("WIJKSIM_TEST_OUT_OF_MEMORY_IN_REPORT: expected 1 (a test hook)");
    h.report_out_of_memory = true;
  }
  return h;
}

const Hooks& hooks() {
  static const Hooks h = read_hooks();
  return h;
}

// Creates FILE.paused, then waits until FILE exists. Waits for an event (the file), not for a time: the
// poll interval only sets how soon it notices.
void pause(const std::string& file, const std::string& where) {
  std::ofstream(file + ".paused") << "paused " << where << "\n";
  while (!std::filesystem::exists(file)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace

void at_draw(DrawPoint point) {
  const Hooks& h = hooks();
  static std::atomic<long> draws{0};  // draws this process has begun to commit
  if (!h.kill_at && !h.pause_at) return;
  const long n = point == DrawPoint::BeforeCommit ? ++draws : draws.load();
  if (n == h.kill_at && h.kill_before == (point == DrawPoint::BeforeCommit)) std::raise(SIGKILL);
  if (point == DrawPoint::AfterCommit && n == h.pause_at)
    pause(h.pause_file, "after draw " + std::to_string(n));
}

void while_writing_output() {
  const Hooks& h = hooks();
  if (!h.output_file.empty()) pause(h.output_file, "while writing an output");
}

void while_moving_export() {
  static std::atomic<bool> done{false};
  const Hooks& h = hooks();
  if (h.moving_file.empty() || done.exchange(true)) return;
  pause(h.moving_file, "while moving an export's files into place");
}

void while_creating_store() {
  const Hooks& h = hooks();
  if (!h.store_file.empty()) pause(h.store_file, "while creating a results store");
}

void while_writing_report() {
  if (hooks().report_out_of_memory) throw std::bad_alloc();
}

void after_completing_run() {
  const Hooks& h = hooks();
  if (!h.complete_file.empty()) pause(h.complete_file, "after completing a run");
}

void after_outputs() {
  const Hooks& h = hooks();
  if (!h.outputs_file.empty()) pause(h.outputs_file, "after writing every output");
}

void while_loading() {
  static std::atomic<bool> done{false};
  const Hooks& h = hooks();
  if (h.loading_file.empty() || done.exchange(true)) return;
  pause(h.loading_file, "while loading");
}

}  // namespace wijksim::test_hooks
