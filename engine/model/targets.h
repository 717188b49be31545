// Calibration targets: a public figure (a survey share, an event rate from national statistics, a wait) next
// to the model's own figure for it. A scenario names a targets file (`targets:`); every run reports each
// target beside the model with its interval and a verdict, and `wijksim calibrate` fits the file's free
// parameters to them. docs/model.md ("Calibration targets") defines every measure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wijksim/core/error.h"

namespace wijksim {

struct Scenario;

// What of the model a target is compared with.
struct TargetMeasure {
  enum class Kind {
    None,             // not represented in the model (shown, never judged)
    Share,            // a household share (index: TargetShare) at a moment or over the policy period
    NotHelped,        // of the treatments that ended, the share that did not solve the problem
    EscalationRate,   // escalations of one type per 1,000 households a year (index: escalation type)
    SpellYears,       // mean length of a spell: households in a spell over inflow a year
    SpellStock,       // households in a spell per 1,000 households (mean over the policy weeks)
    AgencyReferrals,  // arrivals at an agency's waiting list per 1,000 households a year (index: agency)
    AgencyWait,       // mean wait on an agency's list, weeks (index: agency)
    CoachWait,        // mean wait for a coach of those taken on, weeks
    CoachCaseload,    // households per coach FTE (mean over team-weeks)
    CoachEpisode,     // weeks from admission to closing of the coach's cases closed in the policy period
    CoachRequest,     // weeks from a request (listing) to closing: the mean coach wait plus the mean episode
    DomainShare,      // share of households with an active problem in one domain (index), at a moment
    Spending,         // euros per household a year, nominal, of one payer (index) or all (index -1)
  };
  Kind kind = Kind::None;
  int index = -1;
  // For a share: when. -1 the policy start (the baseline's steady state), 0 over the policy period,
  // y > 0 the end of policy year y, kEnd the last policy week.
  int at = -1;
  static constexpr int kEnd = 1 << 20;

  bool operator==(const TargetMeasure&) const = default;
  // A share, from 0 to 1 (a survey's n gives its interval); every other measure is from 0 up.
  bool is_share() const {
    return kind == Kind::Share || kind == Kind::NotHelped || kind == Kind::DomainShare;
  }
};

// The household shares a Share target may name.
enum class TargetShare {
  WithProblem,
  MultiProblem,
  Professionals0,
  Professionals1,
  Professionals2,
  Professionals3Plus,
  LowTrust,     // of those with help
  Bounced,      // of those with help: sent from pillar to post in the last two years
  EverListed,   // ever on a coach's list
  EverCoached,  // ever in a coach's caseload
  InSpell,      // in a spell (social assistance)
};

// A figure known only from one side (`bound: upper` or `lower` in the targets file): the public figure is
// a ceiling or a floor, not an estimate, so a calibration prefers no model figure to another on the right
// side of it (docs/model.md 19.2).
enum class TargetBound { None, Upper, Lower };

struct CalibrationTarget {
  std::string key;        // stable identifier
  std::string label;      // for people
  std::string measure;    // as the targets file writes it, e.g. "escalations.eviction"
  std::string at;         // "start", "period", "end", "year 1" (shares); "" otherwise
  TargetMeasure parsed;   // what it means for this scenario
  double value = 0;       // the public figure, in the measure's unit
  double lo = 0, hi = 0;  // its interval (a survey's sampling interval, a range of years or sources)
  int n = 0;              // households asked, for a survey figure; 0 otherwise
  TargetBound bound = TargetBound::None;  // value is a ceiling (Upper) or a floor (Lower)
  std::string unit;       // in words, e.g. "per 1,000 households a year"
  std::string source;     // where the figure comes from
  std::string note;       // how it was derived, or why the model cannot show it
  Location where;         // in the targets file
  Location at_where;      // of its `at`, when it has one
  Location measure_where;  // of its `measure`
  Location unit_where;     // of its `unit`
  Location n_where;        // of its `n`, when it has one
  Location value_where;    // of its `value`
  Location interval_where;  // of its `interval`, when it has one

  // Its interval is a survey share's sampling interval, made from its n (no `interval` in the file).
  bool sampled() const { return n > 0 && interval_where.line == 0; }

  bool operator==(const CalibrationTarget& o) const {
    return key == o.key && measure == o.measure && at == o.at && parsed == o.parsed && value == o.value &&
           lo == o.lo && hi == o.hi && n == o.n && bound == o.bound;
  }
};

// The measure `measure` (and `at`) for scenario s, or what is wrong with it: the names of the shares, the
// scenario's escalation events, agencies and payers (docs/model.md).
struct ParsedMeasure {
  std::optional<TargetMeasure> measure;
  std::string problem;       // when measure is empty
  bool at_is_wrong = false;  // the problem is the target's `at`, not its measure
};
// `horizon` names the policy years a share's `at: year N` must lie in, for the message (s.simulation.years
// are those years); empty when the years are not the file's to check against (a command line's --years sets
// them: a target after its horizon is then shown as after the run's end, whichever way the years moved).
ParsedMeasure parse_target_measure(const Scenario& s, const std::string& measure, const std::string& at,
                                   std::string_view horizon = "the policy horizon");

// What is wrong with a share's `at` (start, period, end or year N within the horizon), if anything: said
// beside a misspelt measure too, so that one reading of the file names both.
std::optional<std::string> target_at_problem(const Scenario& s, const std::string& at,
                                             std::string_view horizon = "the policy horizon");

// The measure names a scenario's targets may use, for messages.
std::vector<std::string> target_measure_names(const Scenario& s);

}  // namespace wijksim
