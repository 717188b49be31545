// A household's hot state: everything the weekly step reads and writes, in one 64-byte cache line.
#pragma once

#include <array>
#include <cstdint>

#include "wijksim/params.h"

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

// One problem: 6 bytes. Status and flags share a byte to keep eight domains in 48 bytes.
struct Problem {
  static constexpr std::uint8_t kStatusMask = 0x07;
  static constexpr std::uint8_t kComplex = 0x08;  // needs a second-line agency
  static constexpr std::uint8_t kPriority =
      0x10;  // coach referral under the mandate: no intake, priority queue
  static constexpr std::uint8_t kViaCoach = 0x20;  // referred by the coach (counts as a coach referral)

  std::uint8_t bits = 0;
  std::uint8_t agency = kNoAgency;     // agency handling it (Seeking, Waiting, Treatment)
  std::uint8_t duplicate = kNoAgency;  // second agency running a duplicate case (fragmented help)
  std::uint8_t timer = 0;              // weeks left until arrival at the agency (Seeking)
  std::uint16_t onset = 0;             // week the problem began; also identifies a waiting-list entry

  ProblemStatus status() const { return static_cast<ProblemStatus>(bits & kStatusMask); }
  void set_status(ProblemStatus s) {
    bits = static_cast<std::uint8_t>((bits & ~kStatusMask) | static_cast<std::uint8_t>(s));
  }
  bool active() const { return (bits & kStatusMask) != 0; }
  bool has(std::uint8_t flag) const { return (bits & flag) != 0; }
  void set(std::uint8_t flag, bool on) {
    bits = static_cast<std::uint8_t>(on ? (bits | flag) : (bits & ~flag));
  }
  void clear() { *this = Problem{}; }
};
static_assert(sizeof(Problem) == 6);

inline constexpr std::uint16_t kNever = 0xFFFF;  // a week that never comes

struct alignas(64) Household {
  std::array<Problem, kMaxDomains> problems{};  // 48 bytes
  std::uint16_t coach_since = 0;                // week the household joined the coach's queue or caseload
  std::uint16_t quiet_since = kNever;  // week the coach client last had no active problem (kNever: has one)
  std::uint16_t closed_week = 0;       // week the coach closed the case
  std::uint8_t rung = 1;               // participation ladder, 1..6
  std::uint8_t trust = 128;            // trust in professionals, 0..255 (= 0..1)
  CoachStatus coach = CoachStatus::None;
  std::uint8_t active_count = 0;        // number of active problems (kept in step with problems[])
  std::uint8_t coordinated = 0;         // coach coordination works for this client
  std::uint8_t team = 0;                // coach team (neighbourhood) the household belongs to
  std::array<std::uint8_t, 4> spare{};  // explicit, so the checksum never reads padding

  // Professionals involved: agencies with an open case (after intake), duplicates, and the coach.
  int professionals() const {
    int n = coach == CoachStatus::Active ? 1 : 0;
    for (const Problem& p : problems) {
      ProblemStatus s = p.status();
      if (s == ProblemStatus::Waiting || s == ProblemStatus::Treatment) ++n;
      if (p.duplicate != kNoAgency) ++n;
    }
    return n;
  }
  double trust01() const { return trust / 255.0; }
};
static_assert(sizeof(Household) == 64, "a household is one cache line");

}  // namespace wijksim
