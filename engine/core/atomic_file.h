// Writing an output file whole or not at all: the text goes to a temporary file next to the target, which
// is then renamed over it. A reader never sees half a file, and a failed write (a full disk, a missing or
// read-only directory) leaves the old file, if any, untouched and no temporary behind.
#pragma once

#include <string>

namespace wijksim {

// Throws wijksim::Error naming the file and the reason.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace wijksim
