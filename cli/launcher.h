// The MPI launcher's part of the command that started this job (`mpirun --oversubscribe -n 3`), for the
// command that resumes an interrupted run: pasted, it starts the job as it was started, options and all.
#pragma once

#include <string>

namespace wijksim::cli {

// The words before this program on the launcher's command line, quoted for a shell, when the parent process
// is an MPI launcher (mpirun, mpiexec, orterun, prterun: Open MPI's start the local ranks themselves) whose
// command line ends with this process's arguments (Linux's /proc). Otherwise, under srun or a daemon that is
// not the launcher, "mpirun -n RANKS": the same ranks, the launcher's own options unknown (any number of
// ranks, or one process, completes the run to the same output).
std::string launcher_words(int argc, char** argv, int ranks);

}  // namespace wijksim::cli
