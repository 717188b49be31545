#include "console.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "terminal.h"
#include "wijksim/core/error.h"

namespace wijksim::cli {
namespace {

std::atomic<bool> g_out_pending{false};  // written since the last flush that succeeded (stdout_unfinished)
bool g_out_failure_said = false;  // an Error already said that stdout could not be written

[[noreturn]] void out_failed(int error) {
  g_out_failure_said = true;
  throw Error(fmt::format("cannot write to standard output: {}", std::strerror(error)));
}

// Why standard output failed when the failed write's errno is no longer at hand (a write through std::cout,
// such as CLI11's --version, leaves only the stream's error flag): a pipe whose reader went away shows
// POLLERR; otherwise `earlier`, errno as it stood, when it is an error a write gives.
int lost_out_error(int earlier = 0) {
  pollfd p{STDOUT_FILENO, POLLOUT, 0};
  if (::poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0) return EPIPE;
  for (const int write_error : {ENOSPC, EDQUOT, EFBIG, EIO, EPIPE})
    if (earlier == write_error) return earlier;
  return EIO;
}

}  // namespace

void open_standard_streams() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // open() returns the lowest free descriptor, which is fd: the ones below it are open by now.
    const int opened = open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY);
    if (opened != fd && opened >= 0) close(opened);  // not expected; never leave a stray descriptor
  }
}

void write_out(std::string_view text) {
  if (text.empty()) return;
  g_out_pending.store(true);
  errno = 0;
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size())
    out_failed(errno ? errno : lost_out_error());
}

void flush_out() {
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) out_failed(errno ? errno : lost_out_error());
  g_out_pending.store(false);
}

bool stdout_unfinished() {
  return g_out_pending.load();
}

bool stdout_complete() {
  const int earlier = errno;
  errno = 0;
  const bool ok = std::fflush(stdout) == 0 && !std::ferror(stdout);
  if (ok) g_out_pending.store(false);
  if (!ok && !g_out_failure_said)
    write_err(fmt::format("error: cannot write to standard output: {}; what was printed is incomplete\n",
                          std::strerror(errno ? errno : lost_out_error(earlier))));
  return ok;
}

void write_err(std::string_view text) noexcept {
  // Broken at words to the terminal's width when a person watches (fit_to_width); to a file or a pipe each
  // message stays one line, for grep and logs.
  std::string fitted;
  if (is_terminal(stderr)) {
    try {
      fitted = fit_to_width(text, output_width(stderr));
      text = fitted;
    } catch (...) {
      // Out of memory: the message as it is.
    }
  }
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace wijksim::cli
