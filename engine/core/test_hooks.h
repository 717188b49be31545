// Test hooks: faults and pauses injected at known points of writing a run, so tests/store_test.sh proves a
// fault happened where it says instead of racing the clock with kill -9. They are compiled in and inert
// unless their environment variable is set; they are for tests only (README, "Test hooks"), never for
// users.
//
//   WIJKSIM_TEST_KILL_IN_DRAW=N:before   the process kills itself (SIGKILL) while writing its N-th draw,
//   after
//                                        every row is inserted and just before the commit: the store keeps
//                                        exactly the draws before it;
//   WIJKSIM_TEST_KILL_IN_DRAW=N:after    ... just after the commit: the store keeps draw N too;
//   WIJKSIM_TEST_PAUSE_AFTER_DRAW=N:FILE after committing its N-th draw the process creates FILE.paused and
//                                        waits until FILE exists (it keeps its run's lock meanwhile);
//   WIJKSIM_TEST_PAUSE_IN_LOADING=FILE   after reading the first scenario file, before any other, the process
//                                        creates FILE.paused and waits until FILE exists;
//   WIJKSIM_TEST_PAUSE_IN_OUTPUT=FILE    the same when an output file is written to its temporary file and
//                                        not yet renamed into place, or an export's files are staged and
//                                        about to be moved (holding the directory's lock);
//   WIJKSIM_TEST_PAUSE_WHILE_MOVING_EXPORT=FILE  the same when an export has moved its first file into place
//                                        and not yet the others;
//   WIJKSIM_TEST_PAUSE_IN_STORE_CREATION=FILE  the same when a new results store is made whole under its
//                                        temporary name and not yet linked to its own;
//   WIJKSIM_TEST_PAUSE_AFTER_COMPLETING=FILE  the same when a run's completion is committed (status
//                                        "complete"), before the command goes on to its outputs.
//   WIJKSIM_TEST_PAUSE_AFTER_OUTPUTS=FILE  the same when `run`, `compare`, `sweep` or `calibrate` has
//                                        written every output and said so, just before it returns.
//   WIJKSIM_TEST_OUT_OF_MEMORY_IN_REPORT=1  writing an HTML report runs out of memory (std::bad_alloc), as
//                                        under a memory limit the run itself fitted in.
//
// N counts the draws this process writes, from 1 (a resumed run counts only the draws it adds; a base case
// writes one unit per replication, see StudyRecorder). A malformed value is an error, not silence.
#pragma once

namespace wijksim::test_hooks {

enum class DrawPoint { BeforeCommit, AfterCommit };

// Called by RunStore::write_draw at both points of every draw it writes.
void at_draw(DrawPoint point);
// Called by plan_study after it has read the first scenario file.
void while_loading();
// Called by write_file_atomically between writing the temporary file and renaming it into place, and by
// DirectoryWrite::commit before it moves the staged files (its lock held).
void while_writing_output();
// Called by DirectoryWrite::commit after it has moved the first staged file into place (once a process).
void while_moving_export();
// Called by RunStore::open when it has made a new store under its temporary name, before linking it.
void while_creating_store();
// Called by StudyRecorder::complete just after RunStore::complete_run has committed.
void after_completing_run();
// Called by `run` and `compare` when every output is written, just before they return.
void after_outputs();
// Called by write_html_report before it reads the store.
void while_writing_report();

}  // namespace wijksim::test_hooks
