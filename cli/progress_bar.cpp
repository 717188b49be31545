#include "progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "console.h"
#include "terminal.h"

namespace wijksim::cli {

ProgressBar::ProgressBar(std::string label, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      enabled_(redraws(stderr)),
      columns_(terminal_width(stderr)),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  finish();
}

void ProgressBar::update(std::size_t done, std::size_t total) {
  if (!enabled_ || total == 0) return;
  std::lock_guard lock(mutex_);
  // Threads count their units before they take the lock: a later count can arrive first (33, 35, 34 were
  // drawn; outside attack 34). Never drawn backwards.
  if (done < shown_) return;
  shown_ = done;
  const double f = static_cast<double>(done) / static_cast<double>(total);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double left = done > 0 ? elapsed * (1 - f) / f : 0;
  const std::string tail = fmt::format(" {}/{} {}, {:.0f} s left", done, total, unit_, left);
  // One line shorter than the terminal: a line that wrapped would not be cleared by "\r\033[K".
  const std::size_t room = columns_ > 0 ? columns_ - 1 : 80;
  const std::size_t used = label_.size() + tail.size() + 3;
  const int width = static_cast<int>(std::min<std::size_t>(30, room > used ? room - used : 0));
  std::string line = width >= 5
                         ? fmt::format("{} [{:=<{}}{: <{}}]{}", label_, "", static_cast<int>(f * width), "",
                                       width - static_cast<int>(f * width), tail)
                         : label_ + tail;
  if (line.size() > room) line.resize(room);
  err("\r{}\033[K", line);
  drawn_ = true;
}

void ProgressBar::finish() {
  std::lock_guard lock(mutex_);
  if (!drawn_) return;
  err("\r\033[K");  // clear the line before anything else is printed: the results follow
  drawn_ = false;
}

}  // namespace wijksim::cli
