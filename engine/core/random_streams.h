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
#include <cmath>
#include <cstdint>
#include <numbers>

namespace wijksim {

// One named stream per stochastic process. A call returns a block of four 32-bit words; where a
// process needs several draws in the same (entity, week), each word has one fixed meaning, listed
// here. Values are part of the results' identity: never reuse or renumber one
// (tests/random_streams_test.cpp checks that no two processes share an address). Retired, never to be
// reused: 4 (IdleWake) and 5 (ProblemWeek), the draws of the week-by-week engine before event scheduling.
enum class Stream : std::uint16_t {
  InitialProblems = 1,  // index 0: w0 how many problems; index 1 + i/4, word i%4: the domain of the i-th pick
  InitialHousehold = 2,  // w0 rung, w1-w2 trust (a normal by Box-Muller, clamped to 0..1), w3 professionals
  LifeEvent = 3,         // a life event that fires: w1 which (new problem / climb / drop), w2 complexity
  Referral = 6,          // index d: w0 agency choice, w1 duplicate (and which second agency), w2 mandate,
                         // w3 privacy
  Bounce = 7,            // index d*16+attempt: w0 wrong agency?, w1 which wrong agency
  CoachContact = 8,      // w0 a contact was the household's own request, w1 coordination works (admission)
  CoachNotice = 9,       // index d: w1 going native
  TeamCompetence = 10,   // entity = team, index = domain: w0-w1 normal for notice, w2-w3 for solve
  AgencyPresence = 11,   // entity = agency, index = team: w0 present locally
  ParameterDraw = 12,    // PSA: entity = parameter id, index 0, 1, ...: the uniforms of its sample in turn
  InitialProblemState = 13,  // index d: w1 complexity of an initial problem, w2 its agency, w3 its
                             // duplicate's agency outside the domain (a domain with one agency)
  // The race of a household's processes from its clocks' origin week (household_step.cpp): w0 of index 0
  // the week of the first event, w1 which fires first, w2 whether a later one fires too, w3 which, and so
  // on through index 1, 2, ... (rarely needed).
  Clock = 14,
  ProblemEvent = 15,  // index d, when domain d's problem has an event: w0 treatment outcome, w1 rung lost
                      // with an escalation
  ThisWeek = 16,      // processes decided within one week (a household changed from outside, a trust step):
                      // one word per process in the race's order, from index 0
  ContactClock = 17,  // w0: the week a coach finds the household (or it asks one), counted from the origin
  // The virtual evaluation (analysis/virtual_evaluation.h), keyed by the surveyed run's (seed, draw,
  // replication): entity = simulated study, week = survey measure, index = wave (0 pilot before, 1 pilot
  // after, 2 control before, 3 control after): w0 the households with help among those sampled, w1 the
  // households counted among them.
  VirtualSurvey = 18,
  // Value of information (analysis/evppi.h), keyed by (study seed, 0, 0): entity = the parameter group,
  // week = posterior sample (or draw, for the noise advice), index = pair of normals (Box-Muller from w0-w1
  // and w2-w3).
  ValueOfInformation = 19,
  // Calibration (wijksim calibrate), in the streams of (seed, draw 0, replication 0):
  CalibrationPrior = 20,     // a candidate drawn from the priors: entity = parameter id, week = candidate,
                             // index as ParameterDraw's (scenario/distributions.h)
  CalibrationProposal = 21,  // a candidate around a mixture component: entity = candidate, index j: the j-th
                             // standard normal (w0-w1 and w2-w3 its two 53-bit uniforms)
  CalibrationResample = 22,  // entity 0: w0-w1 the offset of systematic resampling (53 bits)
  ParameterSet = 23,  // a PSA drawing from parameter sets, in the draw's streams: entity 0, w0-w1 which
                      // set (53 bits)
  // A coach client's race draws its processes that depend on the team's effectiveness at their bound
  // (effectiveness 1); in the race's week each such candidate is carried out or not (household_step.cpp):
  // w0 of index 0 the life event, w0 of index 1 + d domain d's noticing or solving.
  CoachEffect = 24,
};

// A uniform in (0, 1) with 53 random bits from two words of a block (w0-w1 or w2-w3): for draws where 32
// bits are too coarse (a normal's tail, picking one of many).
inline double uniform53(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 32 | lo) >> 11;
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;  // open at both ends: log(u) is finite
}

// Box-Muller (1958): one standard normal from two uniforms in (0, 1). Only the cosine half is used, so each
// normal depends on its own two uniforms (what a draw is for, not how many were drawn before it).
inline double standard_normal(double u1, double u2) {
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

class RandomStreams {
 public:
  using Block = std::array<std::uint32_t, 4>;

  RandomStreams(std::uint64_t seed, std::uint32_t draw, std::uint32_t replication) {
    // Derive the key by one Philox call so that nearby seeds give unrelated keys.
    r123::Philox4x32 philox;
    r123::Philox4x32::ctr_type c = {
        {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32), draw, replication}};
    r123::Philox4x32::key_type k = {{0x9E3779B9u, 0x7F4A7C15u}};
    auto r = philox(c, k);
    key_ = {{r[0], r[1]}};
  }

  // Four independent 32-bit words for (entity, week, stream, index).
  Block block(std::uint32_t entity, std::uint32_t week, Stream stream, std::uint32_t index = 0) const {
    ++blocks_drawn_;
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

  // Blocks drawn on the calling thread so far (the benchmark's random-number floor counts them).
  static std::uint64_t blocks_drawn() { return blocks_drawn_; }

 private:
  static inline thread_local std::uint64_t blocks_drawn_ = 0;
  r123::Philox4x32::key_type key_;
};

}  // namespace wijksim
