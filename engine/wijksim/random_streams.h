// Counter-based random numbers: every draw is a pure function of what it is for.
//
// A draw is addressed by (seed, parameter draw, replication) in the Philox key and by
// (entity, week, stream, index) in the counter, so it never depends on which thread asks or in what
// order (the pbrt/OpenMC lesson, STYLE.md). Compared scenarios built from the same seed, draw and
// replication therefore share common random numbers: a household meets the same luck in both until
// the policy makes their paths differ.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cstdint>

namespace wijksim {

// One named stream per stochastic process. Values are part of the results' identity: never reuse or
// renumber one (tests/random_streams_test.cpp checks they are distinct).
enum class Stream : std::uint16_t {
  InitialProblems = 1,     // initial population: number of problems, domains, complexity
  InitialProfessionals = 2,
  InitialHousehold = 3,    // rung, trust
  LifeEvent = 4,           // competing risks: new problem, ladder climb, ladder drop
  IdleWake = 5,            // next event week of a household with nothing going on
  Resolution = 6,          // natural resolution, per domain
  Escalation = 7,          // per domain
  SeekHelp = 8,            // per domain
  Bounce = 9,              // wrong agency, per domain and attempt
  AgencyChoice = 10,       // which agency among those serving a domain
  Duplicate = 11,          // duplicate case at a second agency
  TreatmentEnd = 12,       // per domain
  TreatmentSuccess = 13,   // per domain
  CoachNotice = 14,        // per domain
  CoachSolve = 15,         // per domain
  CoachFinds = 16,         // outreach and self-referral
  Mandate = 17,            // per domain referral
  Privacy = 18,
  GoingNative = 19,
  Coordination = 20,       // whether coordination works for this client
  EscalationLadder = 21,
  TeamCompetence = 22,     // per team and domain (entity = team)
  ParameterDraw = 23,      // PSA: entity = parameter index
  AgencyPresence = 24,     // per agency and team (entity = agency)
};

class RandomStreams {
 public:
  using Block = std::array<std::uint32_t, 4>;

  RandomStreams(std::uint64_t seed, std::uint32_t draw, std::uint32_t replication) {
    // Derive the key by one Philox call so that nearby seeds give unrelated keys.
    r123::Philox4x32 philox;
    r123::Philox4x32::ctr_type c = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                                     draw, replication}};
    r123::Philox4x32::key_type k = {{0x9E3779B9u, 0x7F4A7C15u}};
    auto r = philox(c, k);
    key_ = {{r[0], r[1]}};
  }

  // Four independent 32-bit words for (entity, week, stream, index).
  Block block(std::uint32_t entity, std::uint32_t week, Stream stream, std::uint32_t index = 0) const {
    r123::Philox4x32 philox;
    r123::Philox4x32::ctr_type c = {{entity, week, static_cast<std::uint32_t>(stream), index}};
    auto r = philox(c, key_);
    return {r[0], r[1], r[2], r[3]};
  }

  // One uniform in (0, 1) for (entity, week, stream, index); word selects which of the block's four.
  double uniform(std::uint32_t entity, std::uint32_t week, Stream stream, std::uint32_t index = 0,
                 int word = 0) const {
    return to_unit(block(entity, week, stream, index)[word]);
  }

  // (x + 0.5) / 2^32: open at both ends, so log(u) is always finite.
  static double to_unit(std::uint32_t x) { return (static_cast<double>(x) + 0.5) * 0x1.0p-32; }

 private:
  r123::Philox4x32::key_type key_;
};

}  // namespace wijksim
