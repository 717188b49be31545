// What identifies a file's content (a scenario, a targets file, parameter sets) in the results store and
// in a resumed run: FNV-1a 64 (Fowler, Noll, Vo) of its text, as 16 hex digits.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace wijksim {

inline std::string content_hash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;  // offset basis
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;  // prime
  }
  return fmt::format("{:016x}", h);
}

}  // namespace wijksim
