#include "wijksim/core/atomic_file.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "wijksim/core/error.h"

namespace wijksim {

void write_file_atomically(const std::string& path, const std::string& text) {
  // The process id keeps two processes writing the same target from sharing a temporary file.
  const std::string tmp = fmt::format("{}.tmp-{}", path, getpid());
  std::error_code ec;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw Error(fmt::format("cannot write '{}': the directory does not exist or is not writable", path));
    out << text;
    out.flush();
    if (!out) {
      out.close();
      std::filesystem::remove(tmp, ec);
      throw Error(fmt::format("cannot write '{}': the disk is full or the write failed", path));
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    const std::string why = ec.message();
    std::filesystem::remove(tmp, ec);
    throw Error(fmt::format("cannot write '{}': {}", path, why));
  }
}

}  // namespace wijksim
