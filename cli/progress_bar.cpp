#include "progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace wijksim::cli {

ProgressBar::ProgressBar(std::string label, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  finish();
}

void ProgressBar::update(std::size_t done, std::size_t total) {
  if (!enabled_ || total == 0) return;
  std::lock_guard lock(mutex_);
  constexpr int kWidth = 30;
  const double f = static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(f * kWidth);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double left = done > 0 ? elapsed * (1 - f) / f : 0;
  fmt::print(stderr, "\r{} [{:=<{}}{: <{}}] {}/{} {}, {:.0f} s left ", label_, "", filled, "",
             kWidth - filled, done, total, unit_, left);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  std::lock_guard lock(mutex_);
  if (!drawn_) return;
  fmt::print(stderr, "\r\033[K");  // clear the line: the results follow on stdout
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace wijksim::cli
