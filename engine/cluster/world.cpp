#include "wijksim/cluster/world.h"

#include <cstdlib>
#include <string>

namespace wijksim::cluster {

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

}  // namespace wijksim::cluster
