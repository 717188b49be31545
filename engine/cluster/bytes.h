// Plain values to bytes and back, for messages between the ranks of a job. The ranks run the same build on
// the same kind of machine (the study's fingerprint includes the build), so values go as they are in memory.
#pragma once

#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "wijksim/cluster/world.h"
#include "wijksim/core/error.h"

namespace wijksim::cluster {

class ByteWriter {
 public:
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    put_raw(&value, sizeof(T));
  }
  void put_raw(const void* data, std::size_t size) {
    if (size == 0) return;
    const std::size_t at = bytes_.size();
    bytes_.resize(at + size);
    std::memcpy(bytes_.data() + at, data, size);
  }
  template <class T>
  void put_vector(const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    put<std::uint64_t>(values.size());
    put_raw(values.data(), values.size() * sizeof(T));
  }
  void put_string(const std::string& s) {
    put<std::uint64_t>(s.size());
    put_raw(s.data(), s.size());
  }
  Bytes take() { return std::move(bytes_); }

 private:
  Bytes bytes_;
};

// Reads what a ByteWriter wrote; a message cut short or too long is an Error, never a read past its end.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> bytes) : bytes_(bytes) {}

  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    get_raw(&value, sizeof(T));
    return value;
  }
  void get_raw(void* data, std::size_t size) {
    if (size > bytes_.size() - at_) throw Error("a message from another rank is cut short");
    if (size) std::memcpy(data, bytes_.data() + at_, size);
    at_ += size;
  }
  template <class T>
  std::vector<T> get_vector() {
    const auto n = get<std::uint64_t>();
    if (n > (bytes_.size() - at_) / sizeof(T)) throw Error("a message from another rank is cut short");
    std::vector<T> values(static_cast<std::size_t>(n));
    get_raw(values.data(), values.size() * sizeof(T));
    return values;
  }
  std::string get_string() {
    const auto n = get<std::uint64_t>();
    if (n > bytes_.size() - at_) throw Error("a message from another rank is cut short");
    std::string s(static_cast<std::size_t>(n), '\0');
    get_raw(s.data(), s.size());
    return s;
  }
  std::span<const std::byte> rest() const { return bytes_.subspan(at_); }
  bool at_end() const { return at_ == bytes_.size(); }
  void expect_end() const {
    if (!at_end()) throw Error("a message from another rank is longer than expected");
  }

 private:
  std::span<const std::byte> bytes_;
  std::size_t at_ = 0;
};

}  // namespace wijksim::cluster
