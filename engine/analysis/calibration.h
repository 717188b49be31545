// The seeds' baseline survey (Velve-Lindenhof and a control neighbourhood, 2010; N = 168 households, of
// whom 49 had help) next to the model's figures, so anyone can see whether the model reproduces it.
#pragma once

#include <array>
#include <vector>

#include "wijksim/analysis/summary.h"
#include "wijksim/core/statistics.h"

namespace wijksim {

enum class SurveyMeasure {
  WithProblem,
  MultiProblem,
  Professionals0,
  Professionals1,
  Professionals2,
  Professionals3Plus,
  LowTrust,
  Bounced
};

struct SurveyTarget {
  SurveyMeasure measure;
  const char* key;    // stable identifier (CSV, JSON)
  const char* label;  // for people
  double share;       // the survey's figure
  int n;              // households asked
};

// "Beter af met een sociale huisarts" (University of Twente, 2011), baseline survey; see BRIEF.md.
inline constexpr std::array<SurveyTarget, 8> kBaselineSurvey = {{
    {SurveyMeasure::WithProblem, "with_problem", "at least one problem", 0.49, 168},
    {SurveyMeasure::MultiProblem, "multi_problem", "several problems", 0.26, 168},
    {SurveyMeasure::Professionals0, "professionals_0", "professionals involved: 0", 0.63, 168},
    {SurveyMeasure::Professionals1, "professionals_1", "professionals involved: 1", 0.12, 168},
    {SurveyMeasure::Professionals2, "professionals_2", "professionals involved: 2", 0.11, 168},
    {SurveyMeasure::Professionals3Plus, "professionals_3plus", "professionals involved: 3 or more", 0.14,
     168},
    {SurveyMeasure::LowTrust, "low_trust", "of those with help: little or no trust", 0.40, 49},
    {SurveyMeasure::Bounced, "bounced", "of those with help: sent from pillar to post", 0.47, 49},
}};

// The survey figure's sampling interval: p -/+ 1.96 * sqrt(p (1 - p) / n) (normal approximation).
Interval survey_interval(double p, int n);

// The model's figure for a survey measure.
template <class T>
const T& survey_figure(const ShareMeasures<T>& s, SurveyMeasure m) {
  switch (m) {
    case SurveyMeasure::WithProblem:
      return s.with_problem;
    case SurveyMeasure::MultiProblem:
      return s.multi_problem;
    case SurveyMeasure::Professionals0:
      return s.professionals[0];
    case SurveyMeasure::Professionals1:
      return s.professionals[1];
    case SurveyMeasure::Professionals2:
      return s.professionals[2];
    case SurveyMeasure::Professionals3Plus:
      return s.professionals[3];
    case SurveyMeasure::LowTrust:
      return s.low_trust;
    case SurveyMeasure::Bounced:
      return s.bounced;
  }
  return s.with_problem;
}

struct CalibrationRow {
  SurveyTarget target;
  Interval survey;
  Stat initial;                 // the drawn population (RunResult::initial)
  Stat start;                   // the policy start, after the warm-up (weeks[0])
  bool initial_inside = false;  // the model's mean lies in the survey's interval
  bool start_inside = false;
};

std::vector<CalibrationRow> calibrate(const ScenarioSummary& s);

}  // namespace wijksim
