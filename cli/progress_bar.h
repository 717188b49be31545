// A progress bar on stderr, drawn only when stderr is a terminal (never in pipes, logs or CI).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace wijksim::cli {

class ProgressBar {
 public:
  // `unit`: what the counts count ("runs", "candidates").
  explicit ProgressBar(std::string label, std::string unit = "runs");
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const { return enabled_; }
  // Thread-safe: called by worker threads as runs finish.
  void update(std::size_t done, std::size_t total);
  void finish();

 private:
  std::string label_;
  std::string unit_;
  bool enabled_ = false;
  bool drawn_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace wijksim::cli
