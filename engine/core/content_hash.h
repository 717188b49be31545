// What identifies a file's content (a scenario, a targets file, parameter sets) in the results store and
// in a resumed run, and a complete run's rows in the store (its seals): FNV-1a 64 (Fowler, Noll, Vo) of the
// bytes, as 16 hex digits. It finds changes, not forgeries: nothing in a store is secret.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wijksim {

// The same hash fed piece by piece (a results store's rows, without joining them into one text first).
class ContentHash {
 public:
  void add(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
      h_ ^= p[i];
      h_ *= 1099511628211ull;  // prime
    }
  }
  void add(std::string_view text) { add(text.data(), text.size()); }
  std::string hex() const { return fmt::format("{:016x}", h_); }

 private:
  std::uint64_t h_ = 14695981039346656037ull;  // offset basis
};

inline std::string content_hash(std::string_view text) {
  ContentHash h;
  h.add(text);
  return h.hex();
}

}  // namespace wijksim
