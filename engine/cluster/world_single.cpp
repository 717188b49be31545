// The World of a build without MPI (WIJKSIM_MPI=OFF): always one process.
#include <fmt/format.h>

#include "wijksim/cluster/world.h"
#include "wijksim/core/error.h"

namespace wijksim::cluster {

World::World(int&, char**&) {
  if (const auto n = launched_ranks(); n && *n > 1)
    throw Error(fmt::format(
        "this wijksim was built without MPI, but an MPI launcher started {} copies of it: each would run the "
        "whole study and write the same store. Build it with MPI (Open MPI from Debian: libopenmpi-dev; "
        "cmake -DWIJKSIM_MPI=ON) or run it without mpirun",
        *n));
}

World::~World() = default;

Messenger& World::messenger() {
  throw Error("a job of one process has no messenger");
}

bool World::same_everywhere(std::uint64_t) {
  return true;
}

}  // namespace wijksim::cluster
