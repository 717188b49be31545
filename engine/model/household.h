// A household's state: everything its step reads and writes, in 60 bytes. The week of its next event lives
// beside it in a compact array (Run::wake_, 2 bytes), so the weekly sweep reads 2 bytes per household and
// touches the household only when it has something to do: 62 bytes of state per household in all.
#pragma once

#include <array>
#include <cstdint>

#include "wijksim/model/params.h"

namespace wijksim {

// Where one problem stands. Order matters only for readability.
enum class ProblemStatus : std::uint8_t {
  None = 0,       // no active problem in this domain
  Unnoticed = 1,  // active; nobody is helping (the household copes alone, or does not ask)
  Seeking = 2,  // the household (or the coach's referral) is on its way to an agency: search, bounces, intake
  Waiting = 3,  // on an agency's waiting list
  Treatment = 4,  // in treatment at an agency (second line)
  FirstLine = 5,  // being solved by the coach (first line, simple problems)
};
inline constexpr int kProblemStatuses = 6;
inline constexpr std::array<const char*, kProblemStatuses> kProblemStatusNames = {
    "none", "unnoticed", "seeking", "waiting", "treatment", "first-line"};

// Where a household stands with the coaches.
enum class CoachStatus : std::uint8_t {
  None = 0,     // not known to a coach
  Waiting = 1,  // found, waiting for a coach with room
  Active = 2,   // in a coach's caseload
  Closed = 3,   // case closed; within the relapse window (paternalism)
};
inline constexpr std::array<const char*, 4> kCoachStatusNames = {"none", "waiting", "active", "closed"};

inline constexpr std::uint16_t kNever = 0xFFFF;  // a week that never comes

// One problem: 5 bytes (its onset week in two bytes of its own, so no padding), eight in 40 bytes.
struct Problem {
  static constexpr std::uint8_t kStatusMask = 0x07;
  static constexpr std::uint8_t kComplex = 0x08;  // needs a second-line agency
  static constexpr std::uint8_t kPriority =
      0x10;  // coach referral under the mandate: no intake, priority queue
  static constexpr std::uint8_t kViaCoach = 0x20;  // referred by the coach (counts as a coach referral)

  std::uint8_t bits = 0;
  std::uint8_t agency = kNoAgency;           // agency handling it (Seeking, Waiting, Treatment)
  std::uint8_t duplicate = kNoAgency;        // second agency running a duplicate case (fragmented help)
  std::array<std::uint8_t, 2> onset_week{};  // week the problem began; also identifies a waiting-list entry

  ProblemStatus status() const { return static_cast<ProblemStatus>(bits & kStatusMask); }
  void set_status(ProblemStatus s) {
    bits = static_cast<std::uint8_t>((bits & ~kStatusMask) | static_cast<std::uint8_t>(s));
  }
  bool active() const { return (bits & kStatusMask) != 0; }
  bool has(std::uint8_t flag) const { return (bits & flag) != 0; }
  void set(std::uint8_t flag, bool on) {
    bits = static_cast<std::uint8_t>(on ? (bits | flag) : (bits & ~flag));
  }
  std::uint16_t onset() const { return static_cast<std::uint16_t>(onset_week[0] | (onset_week[1] << 8)); }
  void set_onset(int week) {
    onset_week = {static_cast<std::uint8_t>(week & 0xFF), static_cast<std::uint8_t>((week >> 8) & 0xFF)};
  }
  void clear() { *this = Problem{}; }
};
static_assert(sizeof(Problem) == 5);

// Which of a household's stochastic processes fire at its wake week (bit per process), or kDueNow: decide
// every process afresh in that week (the household's state was changed from outside).
namespace due {
inline constexpr std::uint32_t kEscalation = 0;  // + domain: the problem escalates
inline constexpr std::uint32_t kClockA = 8;      // + domain: resolution by itself, or treatment ends
inline constexpr std::uint32_t kClockB = 16;  // + domain: help-seeking (or, with a coach, noticing/solving)
inline constexpr std::uint32_t kLife = 24;    // a life event (new problem, rung up or down)
inline constexpr std::uint32_t kCoachContact = 25;  // found by a coach, or asks one
inline constexpr std::uint32_t kTrustGain = 26;     // a coach client's trust rises a step
inline constexpr std::uint32_t kSpellExit = 27;     // the household leaves its spell (social assistance)
inline constexpr std::uint32_t kDueNow = 1u << 31;
inline constexpr std::uint32_t bit(std::uint32_t first, int d = 0) {
  return 1u << (first + static_cast<unsigned>(d));
}
}  // namespace due

struct Household {
  std::array<Problem, kMaxDomains> problems{};  // 40 bytes
  std::uint32_t due = due::kDueNow;             // what fires at the wake week (namespace due)
  // The week the household's clocks count from (Stream::Clock): reset when its hazards change, kept when
  // they do not, so two compared scenarios keep drawing the same numbers until the policy changes them.
  std::uint16_t origin = 0;
  // The week the coach-contact clock counts from: moved on alone when a contact changes nothing else (a
  // household found while the coaches have no room), so the race keeps its numbers.
  std::uint16_t contact_origin = 0;
  std::uint16_t coach_week =
      0;  // Waiting/Active: week it joined the coach's queue or caseload; Closed: week closed
  std::uint16_t quiet_since = kNever;  // week the coach client last had no active problem (kNever: has one)
  std::uint16_t last_bounce = kNever;  // week of its last bounce ("sent from pillar to post")
  std::uint16_t trust_week = 0;        // the week an experience last set trust (to trust_base)
  std::uint8_t rung = 1;               // participation ladder, 1..6
  // Trust in professionals, 0..255 (= 0..1), as the household's last experience set it in trust_week; since
  // then it returns toward its neighbourhood's usual level (Model::trust_level gives its level in any week).
  std::uint8_t trust_base = 128;
  std::uint8_t flags = 0;  // coach status (2 bits), coordinated, counted as bounced, in a spell, ever known
  std::uint8_t active_count = 0;  // number of active problems (kept in step with problems[])

  static constexpr std::uint8_t kCoachMask = 0x03;
  static constexpr std::uint8_t kCoordinated = 0x04;     // the coach's coordination works for this client
  static constexpr std::uint8_t kCountedBounced = 0x08;  // counted as "sent from pillar to post" this week
  static constexpr std::uint8_t kInSpell = 0x10;         // in a spell (social assistance)
  static constexpr std::uint8_t kEverListed = 0x20;      // has ever been on a coach's list (found or asked)
  static constexpr std::uint8_t kEverCoached = 0x40;     // has ever been in a coach's caseload

  CoachStatus coach() const { return static_cast<CoachStatus>(flags & kCoachMask); }
  void set_coach(CoachStatus s) {
    flags = static_cast<std::uint8_t>((flags & ~kCoachMask) | static_cast<std::uint8_t>(s));
  }
  bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
  void set(std::uint8_t flag, bool on) {
    flags = static_cast<std::uint8_t>(on ? (flags | flag) : (flags & ~flag));
  }

  // Bit d set when domain d has an active problem. Over all kMaxDomains (a domain the model does not have
  // never has one), so the loop has a fixed length and unrolls.
  unsigned active_mask() const {
    unsigned mask = 0;
    for (std::size_t d = 0; d < kMaxDomains; ++d) mask |= static_cast<unsigned>(problems[d].active()) << d;
    return mask;
  }

  // Professionals involved: agencies with an open case (after intake), duplicates, and the coach.
  int professionals() const {
    int n = coach() == CoachStatus::Active ? 1 : 0;
    for (const Problem& p : problems) {
      ProblemStatus s = p.status();
      if (s == ProblemStatus::Waiting || s == ProblemStatus::Treatment) ++n;
      if (p.duplicate != kNoAgency) ++n;
    }
    return n;
  }
};
static_assert(sizeof(Household) == 60, "a household's state is 60 bytes");

}  // namespace wijksim
