// Ctrl-C, SIGTERM and SIGHUP (a closed terminal; left ignored under nohup). They are blocked in every
// thread (install() runs first in main, before any thread exists, and threads inherit the mask) and taken by
// one watcher thread, which acts by what the command is doing:
//  - at once (the default: reading scenarios, planning, listing a store, writing outputs): the process
//    exits with 130 and says what was (not) kept. Nothing is left half-written: the store changes only in
//    transactions, and outputs are renamed into place;
//  - while a study runs: the first signal asks it to stop after the units in flight (draws, or base-case
//    replications), which are kept and can be resumed; a second marks the run "interrupted" in the store
//    (through a connection of its own, so a run never stays "running" because of it) and exits with 130 at
//    once, whatever the threads are doing, printing the command that continues the run.
// Signals, not a handler's flag polled here and there: a process stuck in a long step (a warm-up, a large
// scenario file, a paused test hook) still stops at once when asked twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace wijksim::cli {

class Interrupts {
 public:
  // Blocks SIGINT, SIGTERM and SIGHUP and starts the watcher. Call first in main.
  static void install();
  // What the study polls: set by the first signal while a study runs.
  static const std::atomic<bool>* stop_flag();
  // A study runs from now on. `store` and `run` (0 for --no-store) name the run a second signal marks
  // interrupted, `resume` the command that continues it, `units` what a unit is ("draws", "replications").
  static void study(const std::string& store, std::int64_t run, const std::string& resume,
                    const std::string& units);
  // This process is a worker rank of an MPI job (mpirun sends every rank SIGTERM on Ctrl-C): the first
  // signal is left to rank 0, which stops the study and tells this rank to stop; a second ends this rank at
  // once, silently.
  static void worker();
  // From now on a signal stops the process at once, saying `message` (as the last line before exit 130).
  // True when a signal came while the study ran: it asked the study to stop, and saw it end (the last units
  // in flight completed it), so the command says that it is complete and writes its outputs; a signal
  // between the study's end and this call was announced ("stopping after ...") and then not acted on
  // (outside attack 29).
  static bool at_once(const std::string& message);
  // Every output is written and said: nothing is left to stop or to lose. A first signal from now on is
  // passed over (the command returns in a moment; under mpirun, MPI's shutdown waits for the other ranks),
  // a second ends the process at once with exit 0, silently: it said "interrupted while writing the
  // outputs" after "wrote" and "stored" had said them all (outside attack 42).
  static void outputs_written();
};

}  // namespace wijksim::cli
