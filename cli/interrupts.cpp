#include "interrupts.h"

#include <fmt/format.h>
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <mutex>
#include <system_error>
#include <thread>

#include "console.h"
#include "shell_words.h"
#include "terminal.h"
#include "wijksim/core/atomic_file.h"
#include "wijksim/core/error.h"
#include "wijksim/store/run_store.h"

namespace wijksim::cli {
namespace {

struct State {
  std::mutex m;
  bool study = false;
  bool worker = false;  // a worker rank of an MPI job (Interrupts::worker)
  int signals = 0;      // received while the study runs
  bool written = false;   // every output written (Interrupts::outputs_written)
  int after_written = 0;  // signals received since
  std::string store, resume, units, message = "interrupted";
  std::int64_t run = 0;
};

State& state() {
  static State s;
  return s;
}

std::atomic<bool> g_stop{false};

extern "C" void ignore_signal(int) {}

// Never throws (cli/console.h): an exception on this thread would abort the process.
void say(const std::string& message) {
  // A terminal's line may hold the progress bar or the "^C" the terminal echoed: the message starts a line of
  // its own. A file or a pipe holds neither, and got an empty line before "interrupted" (outside attack 46).
  if (is_terminal(stderr)) write_err("\n");
  write_err(message);
  write_err("\n");
}

[[noreturn]] void exit_now(const std::string& message) {
  // No temporary file of an output left behind; an export being moved into place is finished first, and
  // then said to be whole (an outside attack: "interrupted" alone, of an export complete in its directory).
  const std::vector<std::string> whole = remove_unfinished_outputs();
  // An export finished first: its own message ("nothing was exported") no longer holds.
  std::string said = whole.empty() ? message : std::string("interrupted");
  // The tables were being printed: what reached standard output (a file it was redirected to) is cut short.
  if (stdout_unfinished()) said += "; what was printed on standard output is incomplete";
  for (const std::string& dir : whole)
    said +=
        fmt::format("; the export into {} was being put in place and was finished first: it holds every file",
                    printable(dir));
  say(said);
  std::_Exit(130);
}

// `at_once`: SIGQUIT (Ctrl-\), which asks to quit now: as a second Ctrl-C, the run kept and marked
// interrupted (it was left "running", with no temporary file removed, by the default action).
void on_signal(int sig) {
  const bool at_once = sig == SIGQUIT;
  State& s = state();
  std::unique_lock lock(s.m);
  if (s.written) {
    if (++s.after_written == 1 && !at_once) return;
    std::_Exit(0);
  }
  if (s.worker) {
    if (++s.signals == 1 && !at_once) return;  // rank 0 stops the study and tells this rank
    std::_Exit(130);               // silent: rank 0 speaks for the job
  }
  if (!s.study) exit_now(s.message);
  if (++s.signals == 1 && !at_once) {
    g_stop.store(true);
    // Said as what came: a SIGTERM from a scheduler or a script is not a Ctrl-C at the keyboard. Should the
    // last ones in flight complete the run, it ends complete (exit 0), as asked of it.
    // "Which are kept" only where a run keeps them: a sweep, or --no-store, then said that nothing was
    // kept (outside attack 41: the two lines contradicted each other).
    const std::string kept = s.run != 0 ? ", which are kept" : "";
    say(sig == SIGINT
            ? fmt::format("interrupted: stopping after the {} in flight{} (Ctrl-C again to stop at once)",
                          s.units, kept)
            : fmt::format("{}: stopping after the {} in flight{} (a second signal stops at once)",
                          sig == SIGTERM ? "terminated (SIGTERM)" : "the terminal hung up (SIGHUP)", s.units,
                          kept));
    return;
  }
  // No run: --no-store, or a command that keeps none (sweep names no store).
  if (s.run == 0)
    exit_now(s.store.empty() ? "stopped at once; nothing was kept"
                             : "stopped at once; nothing was kept (--no-store)");
  // A run whose lock this process no longer holds where the lock file's name leads (removed or moved while
  // it wrote) may be another process's now: left as it is (outside attack 60: marked "interrupted" while
  // another process wrote it, with a --resume that was then refused).
  if (!RunLock::held_here(s.store, s.run))
    exit_now("stopped at once: " + RunLock::left_as_it_is(s.store, s.run));
  std::string marked;
  try {
    // Only a run still "running" (a run that completed meanwhile stays complete). The process's own
    // connection may be inside a transaction: this one waits for it (the busy timeout), then the exit
    // rolls back whatever that connection had not committed.
    // A signal in the transaction that completes the run finds it complete once that commits: then there is
    // nothing to continue (outside attack 17: this said to resume a run that --resume refuses as complete).
    if (RunStore::open(s.store).set_status(s.run, "interrupted", true) == "complete")
      exit_now(
          fmt::format("stopped at once: run {} of {} is complete (`wijksim show {} --store {}` prints it)",
                      s.run, shown_name(s.store), s.run, shell_word(s.store)));
  } catch (const std::exception& e) {
    marked = fmt::format(
        " (it could not be marked interrupted: {}; `wijksim runs` shows it as no longer written)", e.what());
  }
  exit_now(fmt::format("stopped at once: run {} of {} keeps the {} completed before{}. To continue:\n  {}",
                       s.run, shown_name(s.store), s.units, marked, s.resume));
}

}  // namespace

// The signals that stop a command as Ctrl-C does (install).
constexpr int kCaught[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};

void Interrupts::install() {
  // SIGINT (Ctrl-C), SIGQUIT (Ctrl-\) and SIGHUP (the terminal closed, an ssh session dropped) are taken as
  // Ctrl-C is, so a long study stops with its draws kept and marked interrupted; SIGTERM too. Unless the
  // process was started to ignore one: a background job of a script is started with SIGINT and SIGQUIT
  // ignored, so that a Ctrl-C meant for the script's foreground does not stop it (outside attack 29), and
  // `nohup` ignores SIGHUP. Such a signal stays ignored and the command runs on. A caught one is given a
  // handler besides being blocked: a signal whose action is to be ignored is discarded even while blocked,
  // so sigwait would never receive it.
  struct sigaction sa {};
  sa.sa_handler = ignore_signal;
  sigemptyset(&sa.sa_mask);
  sigset_t set;
  sigemptyset(&set);
  for (const int sig : kCaught) {
    struct sigaction given {};
    sigaction(sig, nullptr, &given);
    if (sig != SIGTERM && given.sa_handler == SIG_IGN) continue;
    sigaction(sig, &sa, nullptr);
    sigaddset(&set, sig);
  }
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  try {
    std::thread([set] {
      for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) == 0) on_signal(sig);
      }
    }).detach();
  } catch (const std::system_error&) {
    // No thread to be had (ulimit -u, too little address space): the signals keep their usual effect, ending
    // the process, rather than being held for a thread that is not there. A command that needs threads then
    // says that the system refused them (exit 3); one that does not (--help, validate, runs) works.
    sa.sa_handler = SIG_DFL;
    for (const int sig : kCaught)
      if (sigismember(&set, sig) == 1) sigaction(sig, &sa, nullptr);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  }
}

const std::atomic<bool>* Interrupts::stop_flag() {
  return &g_stop;
}

void Interrupts::study(const std::string& store, std::int64_t run, const std::string& resume,
                       const std::string& units) {
  State& s = state();
  std::lock_guard lock(s.m);
  s.study = true;
  s.signals = 0;
  s.store = store;
  s.run = run;
  s.resume = resume;
  s.units = units;
}

void Interrupts::worker() {
  State& s = state();
  std::lock_guard lock(s.m);
  s.worker = true;
  s.signals = 0;
}

void Interrupts::outputs_written() {
  State& s = state();
  std::lock_guard lock(s.m);
  s.written = true;
}

bool Interrupts::at_once(const std::string& message) {
  State& s = state();
  std::lock_guard lock(s.m);
  const bool asked = s.study && s.signals > 0;
  s.study = false;
  s.message = message;
  return asked;
}

}  // namespace wijksim::cli
