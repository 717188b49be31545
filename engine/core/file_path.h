#pragma once
// How a file named relative to another file is written: as short as it can be without naming another file.

#include <filesystem>

namespace wijksim {

// `p` with its "." and "dir/.." components removed (lexically_normal), unless that would name another file:
// "link/../x.yaml" is the link's target's parent's x.yaml to the system, which is not "x.yaml" beside the
// link. Then `p` is returned as written, and the system resolves it when the file is opened.
std::filesystem::path normal_path(const std::filesystem::path& p);

}  // namespace wijksim
