#include "wijksim/cluster/world.h"

#include <cstdlib>
#include <ctime>
#include <string>

namespace wijksim::cluster {

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

std::optional<int> World::launched_ranks() {
  auto number = [](const char* name) -> std::optional<int> {
    const char* v = std::getenv(name);
    if (!v) return std::nullopt;
    return std::atoi(v);
  };
  if (auto n = number("OMPI_COMM_WORLD_SIZE")) return *n;
  if (auto n = number("PMI_SIZE")) return *n;
  if (std::getenv("PMIX_RANK") || std::getenv("PMI_RANK")) return 0;
  return std::nullopt;
}

std::optional<int> World::launched_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* v = std::getenv(name)) return std::atoi(v);
  return std::nullopt;
}

}  // namespace wijksim::cluster
