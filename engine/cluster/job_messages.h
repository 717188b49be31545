// What a job's ranks say to each other outside a farm (unit_farm.h): the hello that checks every rank
// planned the same work, rank 0's word to start or end. Shared by the distributed study and calibration.
#pragma once

#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "wijksim/cluster/bytes.h"
#include "wijksim/cluster/run_codec.h"
#include "wijksim/cluster/unit_farm.h"
#include "wijksim/cluster/world.h"
#include "wijksim/core/error.h"

namespace wijksim::cluster {

// FNV-1a 64 of a text: a plan's fingerprint, the same on every rank and build of one version.
inline std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// The next message, from any rank; waits for it (polling: the Messenger never blocks).
inline Message wait_for_any(Messenger& m) {
  for (;;) {
    if (auto msg = m.poll()) return std::move(*msg);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

// The next message, which must have this tag: anything else is a protocol error.
inline Message wait_for(Messenger& m, int tag) {
  Message msg = wait_for_any(m);
  if (msg.tag != tag)
    throw Error(fmt::format("rank {} sent message {} where {} was expected", msg.from, msg.tag, tag));
  return msg;
}

// Rank 0 hears every other rank's hello (tag), which carries the fingerprint of what it planned: the ranks
// whose plan differs from `mine` ("1, 3"), or empty when they all agree.
inline std::string ranks_that_differ(Messenger& m, int tag, std::uint64_t mine) {
  std::string differ;
  for (int r = 1; r < m.size(); ++r) {
    Message hello = wait_for(m, tag);
    ByteReader in(hello.bytes);
    if (in.get<std::uint64_t>() != mine)
      differ += fmt::format("{}{}", differ.empty() ? "" : ", ", hello.from);
  }
  return differ;
}

// Waits until everything sent has left: before a rank ends, so its last words are not lost.
inline void flush(Messenger& m) {
  while (!m.flushed()) std::this_thread::sleep_for(std::chrono::microseconds(100));
}

// A unit's outcome as its bytes: a first byte kComputed, then what `write` wrote; or kRunFailure, then the
// RunFailure that `write` threw (rank 0 rethrows it, so the command says what one process would say).
enum Outcome : std::uint8_t { kComputed = 0, kRunFailure = 1 };
template <class Write>
Bytes unit_outcome(Write&& write) {
  ByteWriter w;
  try {
    w.put(kComputed);
    write(w);
  } catch (const RunFailure& f) {
    w = ByteWriter{};
    w.put(kRunFailure);
    write_failure(w, f);
  }
  return w.take();
}
// Reads a unit's outcome's first byte: rethrows the RunFailure it carries; else the computed part follows.
inline void rethrow_failure(ByteReader& in) {
  if (in.get<std::uint8_t>() == kRunFailure) throw read_failure(in);
}

// A rank computes with every thread oneTBB may use (--threads).
inline FarmOptions farm_options(bool coordinator_computes) {
  FarmOptions f;
  f.threads = tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);
  f.coordinator_computes = coordinator_computes;
  return f;
}

}  // namespace wijksim::cluster
