#include "wijksim/core/file_path.h"

#include <system_error>

namespace wijksim {

namespace fs = std::filesystem;

std::filesystem::path normal_path(const fs::path& p) {
  fs::path normal = p.lexically_normal();
  // Without a "..", removing "." components and doubled separators changes no file.
  bool up = false;
  for (const fs::path& part : p)
    if (part == "..") up = true;
  if (!up) return normal;
  // weakly_canonical resolves the links of the part that exists, as the system does when it opens `p`.
  std::error_code e1, e2;
  const fs::path as_written = fs::weakly_canonical(p, e1);
  const fs::path as_shortened = fs::weakly_canonical(normal, e2);
  if (e1 || e2 || as_written != as_shortened) return p;
  return normal;
}

}  // namespace wijksim
