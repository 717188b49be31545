#include "wijksim/study/study.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <oneapi/tbb/collaborative_call_once.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_invoke.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>

#include "wijksim/core/test_hooks.h"
#include "wijksim/core/units.h"
#include "wijksim/scenario/diagnostics.h"
#include "wijksim/scenario/extends.h"

using wijksim::loader::count_text;
#include "wijksim/model/run_size.h"
#include "wijksim/simulation/simulation.h"

namespace wijksim {
namespace {

std::string canonical(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

}  // namespace

namespace {

// Numbers a run keeps per scenario, draw and replication until the study ends (its summary figures).
double figures_per_run(const Scenario& s) {
  Measures<double> m = sized_measures(shape_of(s));
  const Measures<double> copy = m;
  double n = 0;
  zip(m, copy, [&](double&, const double&) { ++n; });
  return n;
}

// Refuses what cannot finish, before anything is allocated: more than a week of one core, or more memory
// than the machine has. Both count every run of the study (draws x replications x scenarios), not only its
// household-weeks: each run also writes its rows to the store (its weeks, its agencies' weeks, its costs)
// and keeps its figures until the end, which for many runs of a tiny population is all the work there is.
void check_size(const Study& study) {
  const double draws = std::max(1, study.draws);
  const double runs_per_scenario = draws * study.replications;
  double core_seconds = 0, memory = draws * kBytesPerDraw, rows = 0;
  for (const StudyScenario& s : study.scenarios) {
    const Scenario& sc = s.scenario;
    core_seconds +=
        estimate_run(sc.population.households, study.years, sc.simulation.warmup_years, runs_per_scenario)
            .core_seconds;
    const double weeks = static_cast<double>(study.years) * kWeeksPerYear + 1;
    const double run_rows = weeks * (1.0 + static_cast<double>(sc.agencies.size())) +
                            study.years * static_cast<double>(sc.payers.size()) * kCostCategories + 1;
    rows += runs_per_scenario * run_rows;
    memory += runs_per_scenario * (figures_per_run(sc) * kBytesPerFigureKept + kBytesPerRun) +
              estimate_run(sc.population.households, study.years, 0, 1).memory_bytes;
  }
  core_seconds += rows * kSecondsPerStoredRow;
  constexpr double kMaxCoreSeconds = 7 * 24 * 3600.0;
  const double machine = machine_memory_bytes();
  // The base case (run, compare, sweep without --draws) is said in replications alone: sweep has no --draws
  // (outside attack 12).
  const bool psa = study.draws > 0;
  const std::string what = fmt::format(
      "{}{} replication{} of {} scenario{} ({} runs, {} rows of results)",
      psa ? fmt::format("{} draw{} x ", count_text(draws), draws == 1 ? "" : "s") : std::string(),
      count_text(study.replications), study.replications == 1 ? "" : "s", study.scenarios.size(),
      study.scenarios.size() == 1 ? "" : "s",
      count_text(runs_per_scenario * static_cast<double>(study.scenarios.size())), count_text(rows));
  std::vector<std::string> why;
  if (core_seconds > kMaxCoreSeconds)
    why.push_back(
        fmt::format("would take about {} of one core (at {:.0e} household-weeks and {:.0e} rows of "
                    "results a second); the limit is {}",
                    format_duration(core_seconds), kHouseholdWeeksPerCoreSecond, 1 / kSecondsPerStoredRow,
                    format_duration(kMaxCoreSeconds)));
  if (machine > 0 && memory > machine)
    why.push_back(fmt::format("would keep about {} in memory; this machine has {}", format_bytes(memory),
                              format_bytes(machine)));
  if (why.empty()) return;
  std::string all;
  for (const std::string& w : why) all += (all.empty() ? "" : ", and ") + w;
  throw InputError(
      {{Location{study.scenarios.front().scenario.file, 0, 0},
        psa ? "--draws/--replications" : "--replications",
        fmt::format("{} {}. Use fewer {}.", what, all, psa ? "draws or replications" : "replications")}});
}

// Whether the scenario's own file writes `key` (not a file it extends, nor a default): what a note of keys
// given and not used names.
bool written_by_its_file(const StudyScenario& s, const std::string& key) {
  return s.source.has(key) && s.source.key_location(key).file == s.source.path();
}
}  // namespace

// A coach schedule's steps from the run's last policy year on never apply: said, not left unused in silence
// (outside attack 44: a step of year 9 in a 2-year run passed, and the settings gave its FTE as the
// coaches', the full scale of docs/model.md 11.3, beside a run that used another).
std::string schedule_beyond_the_run(const ScenarioSource& source, const Scenario& scenario, int years) {
  const Coaches& c = scenario.coaches;
  if (!c.enabled) return {};
  std::vector<std::string> late;
  for (const CoachPhase& step : c.schedule)
    if (step.week >= years * kWeeksPerYear)
      late.push_back(fmt::format("year {} ({:g} FTE)", step.week / kWeeksPerYear, step.fte));
  if (late.empty()) return {};
  const Location at = source.key_location("coaches.schedule");
  return fmt::format(
      "{}: coaches.schedule: the step{} of {} {} not apply: the run has {} policy year{} (years 0 to {}); "
      "the "
      "coaches' FTE in its settings, {:g}, is the last step's (docs/model.md 11.3), not one the run reaches",
      at.line > 0 ? fmt::format("{}:{}", at.file, at.line) : at.file, late.size() == 1 ? "" : "s",
      fmt::join(late, ", "), late.size() == 1 ? "does" : "do", years, years == 1 ? "" : "s", years - 1,
      c.fte);
}

Study plan_study(const std::vector<std::string>& paths, const StudyOverrides& overrides,
                 bool with_comparators) {
  const loader::SameContentsWhileLoading one_version_of_each_file;
  Study study;
  std::map<std::string, int> index_of;  // canonical path -> index in study.scenarios
  std::vector<Diagnostic> problems;
  auto add = [&](const std::string& path, bool named) -> int {
    const std::string key = canonical(path);
    if (auto it = index_of.find(key); it != index_of.end()) {
      StudyScenario& known = study.scenarios[static_cast<std::size_t>(it->second)];
      // The same file named twice runs once; said, not done in silence (outside attack 9).
      if (named && known.named)
        study.unused_settings.push_back(
            path == known.source.path() ? fmt::format("{} is named twice: it runs once", path)
                                        : fmt::format("{} is the scenario file {} names too: it runs once",
                                                      path, known.source.path()));
      known.named |= named;
      return it->second;
    }
    try {
      // The targets' `at: year N` are checked against the years the command runs, below.
      ScenarioSource src =
          ScenarioSource::load(path, true, overrides.parameter_sets ? OwnSets::Replaced : OwnSets::Read);
      if (overrides.parameter_sets) {
        try {
          src = src.with_parameter_sets(*overrides.parameter_sets);
        } catch (const InputError& e) {
          if (named) throw;
          // The file fits the scenario named but not its comparator (coach keys, and a comparator without
          // coaches): say where such a file belongs.
          for (Diagnostic d : e.diagnostics()) {
            d.message += fmt::format(
                "; --parameter-sets gives its values to every scenario of the comparison, the comparator "
                "{} too: for the values of one scenario only, name the file in that scenario's "
                "'parameter_sets:'",
                path);
            problems.push_back(std::move(d));
          }
          return -1;
        }
      }
      Scenario base = src.base();
      study.scenarios.push_back({std::move(src), std::move(base), -1, named});
    } catch (const InputError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
      return -1;
    }
    const int i = static_cast<int>(study.scenarios.size()) - 1;
    index_of[key] = i;
    return i;
  };
  for (const std::string& p : paths) {
    add(p, true);
    test_hooks::while_loading();
  }
  if (with_comparators) {
    const std::size_t named = study.scenarios.size();
    for (std::size_t i = 0; i < named; ++i) {
      const std::string comparator = study.scenarios[i].scenario.comparator;
      if (comparator.empty()) continue;
      const int c = add(comparator, false);
      study.scenarios[i].comparator = c;
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
  if (study.scenarios.empty()) throw Error("no scenarios given");
  // The tables, the store and the report tell a command's scenarios apart by name (a comparator's too).
  std::map<std::string, std::size_t> named_by;
  for (std::size_t i = 0; i < study.scenarios.size(); ++i) {
    const auto [it, fresh] = named_by.emplace(study.scenarios[i].scenario.name, i);
    if (fresh) continue;
    // Named at the scenario the user gave (comparators come after them): the other is a comparator, or
    // another scenario of the command.
    const StudyScenario& at = study.scenarios[study.scenarios[i].named ? i : it->second];
    const StudyScenario& other = study.scenarios[study.scenarios[i].named ? it->second : i];
    // A name taken through extends is found in the file it comes from, which may be the other scenario's
    // own: the scenario that takes it is named too (the message named one file twice; outside attack 10).
    const Location where = at.source.key_location("name");
    const std::string taker =
        where.file == at.source.path()
            ? std::string()
            : fmt::format(", the name {} takes from here through extends,", at.source.path());
    problems.push_back(
        {where, "name",
         fmt::format("'{}'{} is also the name of {} ({}): the tables, the results store and the report tell "
                     "the scenarios of a command apart by their names; give each a name of its own",
                     at.scenario.name, taker,
                     other.named ? "another scenario of this command" : "a comparator here",
                     other.source.path())});
  }
  if (!problems.empty()) throw InputError(std::move(problems));

  const Simulation& first = study.scenarios.front().scenario.simulation;
  study.seed = overrides.seed.value_or(first.seed);
  // A probabilistic sensitivity analysis runs one replication per parameter draw unless told otherwise:
  // the draws then carry both the parameter and the households' uncertainty (the usual outer loop of a
  // PSA of a microsimulation; O'Hagan, Stevenson & Madan 2007).
  study.replications =
      overrides.replications.value_or(overrides.draws.value_or(0) > 0 ? 1 : first.replications);
  study.years = overrides.years.value_or(first.years);
  study.first_replication = overrides.first_replication.value_or(0);
  study.draws = overrides.draws.value_or(0);
  // Replication numbers are stored as 32-bit signed integers: the last must fit.
  if (static_cast<std::uint64_t>(study.first_replication) + static_cast<std::uint64_t>(study.replications) -
          1 >
      static_cast<std::uint64_t>(kMaxReplicationNumber))
    // The command line gave the first number; the count comes from the first scenario's file (both from the
    // command line are refused before, exit 2).
    throw InputError(
        {{study.scenarios.front().source.key_location("simulation.replications"), "simulation.replications",
          fmt::format("with --first-replication {}, replications {} to {} go past the last replication "
                      "number, {}",
                      study.first_replication, count_text(study.first_replication),
                      count_text(static_cast<double>(study.first_replication) + study.replications - 1),
                      count_text(kMaxReplicationNumber))}});
  check_size(study);
  for (const StudyScenario& s : study.scenarios)  // --years may give a scenario more years than its own
    if (auto p = s.source.cost_overflow(study.years)) throw InputError({std::move(*p)});
  // What the scenarios give and the study does not use, said before it is overwritten (outside attack 8).
  auto where = [](const Location& at) {
    return at.line > 0 ? fmt::format("{}:{}", at.file, at.line) : at.file;
  };
  for (std::size_t i = 1; i < study.scenarios.size(); ++i) {
    const StudyScenario& s = study.scenarios[i];
    const Simulation& own = s.scenario.simulation;
    std::vector<std::string> unused;
    if (!overrides.seed && own.seed != study.seed) unused.push_back(fmt::format("seed {}", own.seed));
    if (!overrides.replications && !overrides.draws && own.replications != study.replications)
      unused.push_back(fmt::format("replications {}", own.replications));
    if (!overrides.years && own.years != study.years) unused.push_back(fmt::format("years {}", own.years));
    if (!unused.empty()) {
      const Location at = s.source.key_location("simulation");
      study.unused_settings.push_back(fmt::format(
          "{}: simulation: {} {} not used: the scenarios of one command share the first's ({}: seed {}, {} "
          "replication{}, {} year{}); the command line's --seed, --replications and --years set them for all",
          where(at), fmt::join(unused, ", "), unused.size() == 1 ? "is" : "are",
          study.scenarios.front().source.path(), study.seed, study.replications,
          study.replications == 1 ? "" : "s", study.years, study.years == 1 ? "" : "s"));
    }
  }
  // A comparison names each payer and agency once: an intervention that labels one otherwise than its
  // comparator had its tables name it both ways (outside attack 17: the glance said the intervention's
  // label, the budget tables the comparator's).
  {
    std::vector<Diagnostic> labels;
    for (const StudyScenario& s : study.scenarios) {
      if (s.comparator < 0) continue;
      const StudyScenario& c = study.scenarios[static_cast<std::size_t>(s.comparator)];
      const auto compare_labels = [&](const char* section, const auto& own, const auto& theirs) {
        for (const auto& mine : own)
          for (const auto& other : theirs)
            if (mine.name == other.name && mine.label != other.label) {
              const std::string key = fmt::format("{}.{}.label", section, mine.name);
              labels.push_back(
                  {s.source.key_location(key), key,
                   fmt::format("'{}' differs from its comparator's '{}' ({}): a comparison names each of its "
                               "{} once; give both scenarios the same label",
                               mine.label, other.label, c.source.path(), section)});
            }
      };
      compare_labels("payers", s.scenario.payers, c.scenario.payers);
      compare_labels("agencies", s.scenario.agencies, c.scenario.agencies);
    }
    if (!labels.empty()) throw InputError(std::move(labels));
  }
  for (const StudyScenario& s : study.scenarios) {
    if (s.comparator < 0) continue;
    const Economics& own = s.scenario.economics;
    const StudyScenario& c = study.scenarios[static_cast<std::size_t>(s.comparator)];
    const Economics& used = c.scenario.economics;
    // An economics key the intervention draws from a distribution the comparator does not give it is drawn
    // and stored, and never used: its base value may equal the comparator's (a uniform of mean 20,000 beside
    // a fixed 20,000; outside attack 63).
    const bool drawn_otherwise = std::any_of(
        s.source.uncertain().begin(), s.source.uncertain().end(), [&](const UncertainParameter& mine) {
          if (!mine.key_path.starts_with("economics.")) return false;
          return std::none_of(c.source.uncertain().begin(), c.source.uncertain().end(),
                              [&](const UncertainParameter& theirs) {
                                return theirs.key_path == mine.key_path && theirs.law == mine.law;
                              });
        });
    if (drawn_otherwise || own.discount_costs != used.discount_costs ||
        own.discount_effects != used.discount_effects || own.willingness_to_pay != used.willingness_to_pay ||
        own.utility_by_problems != used.utility_by_problems) {
      const Location at = s.source.key_location("economics");
      study.unused_settings.push_back(fmt::format(
          "{}: economics: not used where they differ from the comparator's: an intervention is evaluated "
          "with its comparator's discount rates, willingness to pay and utilities ({}; docs/model.md, "
          "section "
          "14)",
          where(at), c.source.path()));
    }
  }
  // A coaches section switched off keeps what it gives (a scenario may turn a parent's coaches off), and none
  // of it is simulated: said, not left unused in silence (outside attack 36: fte and teams beside
  // enabled: false passed without a word). The keys its own file writes only: those it inherits are the
  // parent's coaches it turns off, and naming all 37 of them at its own line read as if it wrote them
  // (outside attack 62).
  for (const StudyScenario& s : study.scenarios) {
    if (s.scenario.coaches.enabled) continue;
    std::vector<std::string> given;
    for (const auto& [key, value] : s.source.settings())
      if (key.starts_with("coaches.") && key != "coaches.enabled" && written_by_its_file(s, key))
        given.push_back(key.substr(8));
    if (!given.empty())
      study.unused_settings.push_back(
          fmt::format("{}: coaches: {} {} not used: coaches.enabled is false, so {} has no coaches",
                      where(s.source.key_location("coaches")), fmt::join(given, ", "),
                      given.size() == 1 ? "is" : "are", s.scenario.name));
  }
  // Keys a scenario's own file gives that its other settings leave without effect: said, as above (outside
  // attack 38). Only where its own file writes them: the scale-up inherits the pilot's fund and is told
  // nothing about it on every run (its settings say "not used", ScenarioSource::settings).
  for (const StudyScenario& s : study.scenarios) {
    const auto own = [&](const std::string& key) { return written_by_its_file(s, key); };
    if (s.scenario.coaches.enabled && s.scenario.coaches.funding == Funding::Reallocated &&
        own("coaches.funding_payer"))
      study.unused_settings.push_back(fmt::format(
          "{}: coaches.funding_payer is not used: the funding is reallocated, so the agencies' cuts pay the "
          "coaches, not a payer",
          where(s.source.key_location("coaches.funding_payer"))));
    if (s.scenario.coaches.enabled) continue;
    for (const Agency& a : s.scenario.agencies)
      for (const char* part : {"presence", "cooperation"})
        if (const std::string key = fmt::format("agencies.{}.{}", a.name, part); own(key))
          study.unused_settings.push_back(fmt::format(
              "{}: {} is not used: an agency's presence and cooperation are in the coaches' teams, "
              "and {} has no coaches",
              where(s.source.key_location(key)), key, s.scenario.name));
  }
  for (const StudyScenario& s : study.scenarios)
    if (std::string note = schedule_beyond_the_run(s.source, s.scenario, study.years); !note.empty())
      study.unused_settings.push_back(std::move(note));
  for (StudyScenario& s : study.scenarios) {
    s.scenario.simulation.seed = study.seed;
    s.scenario.simulation.replications = study.replications;
    s.scenario.simulation.years = study.years;
  }
  // A target at a year after the run's horizon: with --years given, the command line asked for that horizon
  // and the target is shown as after the run's end; without, the horizon is the first scenario's years and
  // such a target is refused, in every scenario alike (each was held against its own file's years: a
  // 3-year scenario run with a 1-year one was refused or not by their order; outside attack 31).
  if (!overrides.years) {
    const auto named_count = std::count_if(study.scenarios.begin(), study.scenarios.end(),
                                           [](const StudyScenario& s) { return s.named; });
    std::vector<Diagnostic> late;
    for (const StudyScenario& s : study.scenarios)
      for (const CalibrationTarget& t : s.scenario.targets)
        if (t.parsed.at > 0 && t.parsed.at != TargetMeasure::kEnd && t.parsed.at > study.years &&
            std::none_of(late.begin(), late.end(), [&](const Diagnostic& d) {
              return d.where.file == t.at_where.file && d.where.line == t.at_where.line;
            }))  // a targets file two scenarios share: said once
          late.push_back({t.at_where.line > 0 ? t.at_where : t.where, "targets." + t.key + ".at",
                          fmt::format("'{}' is after the policy horizon of {} year{} (the {} years): give "
                                      "--years {} or more to run to it",
                                      t.at, study.years, study.years == 1 ? "" : "s",
                                      named_count == 1 ? "scenario's" : "first scenario's", t.parsed.at)});
    if (!late.empty()) throw InputError(std::move(late));
  }
  // Every parameter set must be a scenario the reader accepts, the sets no draw of this run takes too: found
  // now, before anything runs (each set's scenario is read once and kept). Scenarios that read the same sets
  // file report its problems once.
  if (study.draws > 0)
    for (const StudyScenario& s : study.scenarios) {
      try {
        s.source.check_parameter_sets(study.seed, static_cast<std::uint32_t>(study.draws));
      } catch (const InputError& e) {
        for (const Diagnostic& d : e.diagnostics())
          if (std::find(problems.begin(), problems.end(), d) == problems.end()) problems.push_back(d);
      }
    }
  if (!problems.empty()) throw InputError(std::move(problems));
  check_shared_warmups(study);
  check_reallocation_in_draws(study);
  return study;
}

namespace {

// The diagnostic when scenario i and its comparator, as run in draw d, do not share their warm-up.
std::optional<Diagnostic> warmup_problem(const Study& study, std::size_t i, std::uint32_t d,
                                         const Scenario& si, const Scenario& sc) {
  const WarmupDifference difference = warmup_difference(si, sc);
  if (difference.none()) return std::nullopt;
  std::string why = difference.words;
  // Parameter sets of their own give each its own baseline values in a draw: the cause, said first.
  const bool own_sets = d != 0 && si.parameter_sets_file != sc.parameter_sets_file;
  if (own_sets)
    why = fmt::format(
        "this scenario draws from the parameter sets {} and the comparator from {} ({})",
        si.parameter_sets_file.empty() ? std::string("of none") : "'" + si.parameter_sets_file + "'",
        sc.parameter_sets_file.empty() ? std::string("none") : "'" + sc.parameter_sets_file + "'", why);
  // Said where the section that differs is set in a file of one of the two that the other does not read
  // (this scenario's first: usually what was changed), else where this scenario names its comparator
  // (outside attack 12: it was always said at the `comparator:`, which may be in a file the scenario extends,
  // never at the change).
  const ScenarioSource& source = study.scenarios[i].source;
  const ScenarioSource& other =
      study.scenarios[static_cast<std::size_t>(study.scenarios[i].comparator)].source;
  const auto own_file = [](const ScenarioSource& s, const std::string& file) {  // its file or one it extends
    return std::any_of(s.files().begin(), s.files().end(), [&](const SourceFile& f) {
      return f.path == file && (f.role == SourceFile::Role::Scenario || f.role == SourceFile::Role::Extends);
    });
  };
  // Where the sets differ, said at the `parameter_sets:` one of the two names and the other does not read
  // (outside attack 49: a scenario naming sets of its own was told at the `comparator:` of the file it
  // extends).
  const Location& named = source.comparator_location();
  Location where = named;
  std::string key;
  for (const std::string& k : own_sets ? std::vector<std::string>{"parameter_sets", difference.section}
                                       : std::vector<std::string>{difference.section}) {
    const Location here = source.key_location(k);
    const Location there = other.key_location(k);
    if (here.line > 0 && !own_file(other, here.file))
      where = here;
    else if (there.line > 0 && !own_file(source, there.file))
      where = there;
    else
      continue;
    key = k;
    break;
  }
  const bool at_section = !key.empty();
  return Diagnostic{
      where, at_section ? key : std::string("comparator"),
      fmt::format(
          "the comparator '{}'{} does not share this scenario's warm-up{}: {}. An intervention and its "
          "comparator start the policy from one warm-up (common random numbers), so their difference "
          "at the policy start is zero; change only coach settings and costs in the intervention, or "
          "give both the same baseline{}",
          sc.name,
          at_section && named.line > 0 ? fmt::format(" (named at {}:{})", named.file, named.line) : "",
          d == 0 ? "" : fmt::format(" in parameter draw {}", d), why, d == 0 ? "" : " distributions")};
}

}  // namespace

void check_shared_warmups(const Study& study, std::uint32_t first_draw, std::uint32_t draws) {
  std::vector<Diagnostic> problems;
  const std::uint64_t n = study.draws <= 0 ? 1 : static_cast<std::uint64_t>(study.draws);
  for (std::size_t i = 0; i < study.scenarios.size(); ++i) {
    const int c = study.scenarios[i].comparator;
    if (c < 0) continue;
    const auto comparator = static_cast<std::size_t>(c);
    const bool uncertain = !study.scenarios[i].source.uncertain().empty() ||
                           !study.scenarios[comparator].source.uncertain().empty();
    for (std::uint64_t k = first_draw; k < n && k < std::uint64_t{first_draw} + draws; ++k) {
      const auto d = static_cast<std::uint32_t>(study.draws <= 0 ? 0 : k + 1);
      if (d != 0 && !uncertain) break;  // every draw is then the base case
      if (auto p = warmup_problem(study, i, d, study.scenario_in_draw(i, d),
                                  study.scenario_in_draw(comparator, d))) {
        problems.push_back(std::move(*p));
        break;
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

void check_reallocation_in_draws(const Study& study) {
  if (study.draws <= 0) return;  // the base case is the file's values, checked when it was read
  std::vector<Diagnostic> problems;
  for (std::size_t i = 0; i < study.scenarios.size(); ++i) {
    const StudyScenario& s = study.scenarios[i];
    if (!s.scenario.coaches.enabled || s.scenario.coaches.funding != Funding::Reallocated) continue;
    std::size_t count = 0;
    std::uint32_t first = 0;
    std::string why;
    for (const std::uint32_t d : study.draw_ids())
      if (std::string w = reallocation_problem(study.scenario_in_draw(i, d)); !w.empty() && count++ == 0)
        first = d, why = std::move(w);
    if (count > 0)
      problems.push_back(
          {s.source.key_location("coaches.funding"), "coaches.funding",
           fmt::format("in {} of {} parameter draws (the first: draw {}), {}; the draws come from the "
                       "distributions (and parameter sets) of the costs, shares and FTE that set the cut",
                       count, study.draws, first, why)});
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

std::vector<std::uint32_t> Study::draw_ids() const {
  if (draws <= 0) return {0};
  std::vector<std::uint32_t> ids;
  for (int d = 1; d <= draws; ++d) ids.push_back(static_cast<std::uint32_t>(d));
  return ids;
}

Scenario Study::scenario_in_draw(std::size_t index, std::uint32_t draw) const {
  const StudyScenario& s = scenarios[index];
  if (draw == 0) return s.scenario;
  Scenario out = s.source.for_draw(seed, draw);
  out.simulation = s.scenario.simulation;
  return out;
}

namespace {

// The decisions of a study: each comparator with the named scenarios compared with it, in the order they
// were named.
std::vector<DecisionInput> decisions(const Study& study, const StudyResult& result) {
  std::vector<DecisionInput> out;
  for (std::size_t i = 0; i < study.scenarios.size(); ++i) {
    const int c = study.scenarios[i].comparator;
    if (c < 0 || !study.scenarios[i].named) continue;
    const auto comparator = static_cast<std::size_t>(c);
    DecisionInput* d = nullptr;
    for (DecisionInput& x : out)
      if (x.comparator == comparator) d = &x;
    auto add = [&](DecisionInput& x, std::size_t k) {
      const Scenario& s = study.scenarios[k].scenario;
      x.options.push_back(k);
      x.names.push_back(s.name);
      x.summaries.push_back(&result.summaries[k]);
      x.utilities.push_back(!s.economics.utility_by_problems.empty());
    };
    if (!d) {
      d = &out.emplace_back();
      d->comparator = comparator;
      d->economics = study.scenarios[comparator].scenario.economics;
      d->draws = study.draw_ids().size();
      d->parameter_draws = study.draws > 0;
      // A willingness to pay or discount rate given as a distribution, or as a column of the parameter sets
      // the draws take, weighs each draw with its own value.
      const ScenarioSource& source = study.scenarios[comparator].source;
      const auto& uncertain = source.uncertain();
      const bool from_sets = source.parameter_sets() != nullptr &&
                             std::any_of(source.parameter_sets()->keys.begin(), source.parameter_sets()->keys.end(),
                                         [](const std::string& k) { return k.starts_with("economics."); });
      if (study.draws > 0 && (from_sets || std::any_of(uncertain.begin(), uncertain.end(), [](const UncertainParameter& u) {
                                return u.key_path.starts_with("economics.");
                              })))
        for (std::uint32_t draw : study.draw_ids())
          d->economics_by_draw.push_back(study.scenario_in_draw(comparator, draw).economics);
      add(*d, comparator);
    }
    add(*d, i);
  }
  return out;
}

}  // namespace

// Warm-ups: scenarios with the same population and baseline share theirs (simulation.h). A warm-up draws its
// numbers from (seed, replication) alone, so every parameter draw whose baseline is the same (shares_warmup)
// continues from one warm-up per replication: one for the whole study when only costs or coach settings are
// uncertain, one per distinct parameter set when the baseline's parameters come from calibrated sets
// (scenario `parameter_sets`: a PSA of 1,000 draws over 200 sets, of which a few dozen differ, simulates a
// few dozen warm-ups, not 1,000). A draw whose baseline is its own (a distribution of a baseline parameter)
// simulates its own warm-up.
//
// Each warm-up is simulated when a run first needs it, so a process that simulates only some replications (a
// rank of an MPI job given a base case's units) simulates only their warm-ups. Threads that need it
// meanwhile wait by helping (oneTBB's collaborative_call_once: a thread waiting in a plain call_once could be
// the one simulating it, through oneTBB's nested parallelism, and deadlock).
//
// Memory: a warm-up is the whole population's state (about 180 bytes a household: 14 MB for the city, 1.4 GB
// for 8 million households), and a draw's set is a pure function of (seed, draw), so the draws of one set are
// scattered over the study. Kept until the study ends, a city PSA over 126 distinct sets held 1.1 GiB of
// them. So the draws are simulated grouped by the warm-up of the group with the most to hold (draw_order),
// and once a draw of a later warm-up has begun, an earlier one is given back as soon as no draw in flight
// uses it. Should a draw of a given-back warm-up come after all (threads may begin the draws handed to them
// in another order), the warm-up is simulated again: the same numbers, only some time lost.
class SharedWarmups {
 public:
  static constexpr std::uint32_t kOwn = 0xFFFFFFFF;  // the draw simulates its own warm-up

  SharedWarmups(const Study& study, const std::vector<std::uint32_t>& draws)
      : study_(study), leader_(study.scenarios.size()) {
    const std::size_t n = study.scenarios.size();
    for (std::size_t i = 0; i < n; ++i) {
      leader_[i] = i;
      for (std::size_t j = 0; j < i; ++j)
        if (leader_[j] == j && shares_warmup(study.scenarios[j].scenario, study.scenarios[i].scenario)) {
          leader_[i] = j;
          break;
        }
    }
    variants_.resize(n);
    variant_of_.assign(n, std::vector<std::uint32_t>(draws.size(), kOwn));
    const auto reps = static_cast<std::size_t>(study.replications);
    for (std::size_t l = 0; l < n; ++l) {
      if (leader_[l] != l) continue;
      // A group none of whose numbers any draw changes: its one warm-up, made from the base case.
      bool uncertain = false;
      for (std::size_t k = 0; k < n; ++k)
        if (leader_[k] == l &&
            (!study.scenarios[k].source.uncertain().empty() || study.scenarios[k].source.parameter_sets()))
          uncertain = true;
      for (std::size_t d = 0; d < draws.size(); ++d) {
        const Scenario here = draws[d] == 0 || !uncertain ? study.scenarios[l].scenario
                                                           : study.scenario_in_draw(l, draws[d]);
        bool shared = true;  // every scenario of the group shares this draw's warm-up
        if (uncertain && draws[d] != 0)
          for (std::size_t k = l + 1; k < n && shared; ++k)
            if (leader_[k] == l) shared = shares_warmup(here, study.scenario_in_draw(k, draws[d]));
        if (!shared) continue;
        std::uint32_t v = 0;
        while (v < variants_[l].size() && !shares_warmup(variants_[l][v].model->scenario(), here)) ++v;
        if (v == variants_[l].size()) {
          Variant& added = variants_[l].emplace_back();
          added.model = std::make_unique<Model>(here);
          added.first_draw = d;
          added.slots.resize(reps);
        }
        variant_of_[l][d] = v;
      }
    }
    // The group whose warm-ups take the most memory, if it has more than one: the draws go grouped by its.
    std::size_t most = 0;
    for (std::size_t l = 0; l < n; ++l)
      if (leader_[l] == l && variants_[l].size() > 1) {
        const std::size_t size = variants_[l].size() * static_cast<std::size_t>(std::max(
                                                              0, study.scenarios[l].scenario.population.households));
        if (size > most) most = size, grouped_ = l;
      }
  }

  // The draw indices in the order to simulate them: those of one warm-up of the grouped group together
  // (warm-ups in the order of their first draw; a draw with its own warm-up where it falls), each group's
  // draws in order.
  std::vector<std::size_t> draw_order() const {
    const std::size_t draws = variant_of_.empty() ? 0 : variant_of_[0].size();
    std::vector<std::size_t> order(draws);
    for (std::size_t d = 0; d < draws; ++d) order[d] = d;
    if (grouped_ == kNone) return order;
    const auto& of = variant_of_[grouped_];
    auto key = [&](std::size_t d) { return of[d] == kOwn ? d : variants_[grouped_][of[d]].first_draw; };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
    return order;
  }

  // Whether scenario i continues from a warm-up of the study in draw index d (else it simulates its own).
  bool cached(std::size_t i, std::size_t d) const { return variant_of_[leader_[i]][d] != kOwn; }

  // The warm-up scenario i continues from in draw index d, replication slot `slot` (cached(i, d)); made now
  // if it is not there (yet, or any more). Between begin(d) and end(d).
  std::shared_ptr<const WarmedUp> warmed(std::size_t i, std::size_t d, std::uint32_t slot) const {
    const std::size_t l = leader_[i];
    const Variant& v = variants_[l][variant_of_[l][d]];
    std::shared_ptr<Made> made;
    {
      std::lock_guard lock(mutex_);
      std::shared_ptr<Made>& s = v.slots[slot];
      if (!s) s = std::make_shared<Made>();
      made = s;
    }
    tbb::collaborative_call_once(made->once, [&] {
      made->warmed = std::make_unique<WarmedUp>(*v.model, study_.seed, study_.first_replication + slot);
      std::lock_guard lock(mutex_);
      ++count_.simulated;
      count_.most_held = std::max(count_.most_held, ++held_);
    });
    return {made, made->warmed.get()};
  }

  StudyUnits::WarmupCount count() const {
    std::lock_guard lock(mutex_);
    return count_;
  }

  // Draw index d begins: its warm-up of the grouped group is in use until end(d), and every earlier one of
  // that group is given back once no draw uses it.
  void begin(std::size_t d) const {
    if (grouped_ == kNone || variant_of_[grouped_][d] == kOwn) return;
    const std::uint32_t at = variant_of_[grouped_][d];
    std::lock_guard lock(mutex_);
    auto& vs = variants_[grouped_];
    ++vs[at].users;
    for (; behind_ < at; ++behind_) {
      vs[behind_].behind = true;
      if (vs[behind_].users == 0) give_back(vs[behind_]);
    }
  }
  void end(std::size_t d) const {
    if (grouped_ == kNone || variant_of_[grouped_][d] == kOwn) return;
    std::lock_guard lock(mutex_);
    const Variant& v = variants_[grouped_][variant_of_[grouped_][d]];
    if (--v.users == 0 && v.behind) give_back(v);
  }

 private:
  static constexpr std::size_t kNone = ~std::size_t{0};
  struct Made {
    tbb::collaborative_once_flag once;
    std::unique_ptr<WarmedUp> warmed;
  };
  // One warm-up's baseline (its model) and its state per replication slot, made when first needed. The
  // memory goes when the last draw holding it lets go (the shared_ptr).
  struct Variant {
    std::unique_ptr<Model> model;
    std::size_t first_draw = 0;
    mutable std::vector<std::shared_ptr<Made>> slots;
    mutable int users = 0;      // draws in flight (the grouped group's only)
    mutable bool behind = false;  // a draw of a later warm-up has begun
  };
  void give_back(const Variant& v) const {  // under mutex_
    for (auto& s : v.slots)
      if (s) {
        if (s->warmed) --held_;
        s.reset();
      }
  }
  const Study& study_;
  std::vector<std::size_t> leader_;
  std::vector<std::vector<Variant>> variants_;            // [leader]
  std::vector<std::vector<std::uint32_t>> variant_of_;  // [leader][draw index]: a variant, or kOwn
  std::size_t grouped_ = kNone;                           // the leader whose warm-ups the draws are grouped by
  mutable std::mutex mutex_;                              // slots, users, behind, behind_
  mutable std::uint32_t behind_ = 0;                      // the grouped group's warm-ups before it are behind
  mutable std::size_t held_ = 0;                          // warm-ups simulated and not given back
  mutable StudyUnits::WarmupCount count_;
};

StudyUnits::StudyUnits(const Study& study)
    : study_(study),
      draws_(study.draw_ids()),
      reps_(static_cast<std::uint32_t>(study.replications)),
      warmups_(std::make_unique<SharedWarmups>(study, draws_)) {}

StudyUnits::~StudyUnits() = default;

std::vector<std::size_t> StudyUnits::draw_order() const {
  return warmups_->draw_order();
}

StudyUnits::WarmupCount StudyUnits::warmups() const {
  return warmups_->count();
}

void StudyUnits::simulate(std::size_t d, std::uint32_t first, std::uint32_t slots, const Take& take) const {
  const std::size_t n = study_.scenarios.size();
  const std::uint32_t draw = draws_.at(d);
  std::vector<Scenario> scenarios;
  for (std::size_t i = 0; i < n; ++i) scenarios.push_back(study_.scenario_in_draw(i, draw));
  std::vector<std::unique_ptr<Model>> models;
  for (std::size_t i = 0; i < n; ++i) models.push_back(std::make_unique<Model>(scenarios[i]));
  std::vector<Job> jobs;
  std::vector<std::size_t> job_scenario;
  for (std::size_t i = 0; i < n; ++i)
    if (!warmups_->cached(i, d)) {
      jobs.push_back({models[i].get(), RunPlan{study_.seed, draw, study_.first_replication + first, slots}});
      job_scenario.push_back(i);
    }
  // The draw's warm-up is kept while it runs (and may be given back after; SharedWarmups).
  warmups_->begin(d);
  struct End {
    const SharedWarmups& w;
    std::size_t d;
    ~End() { w.end(d); }
  } end{*warmups_, d};
  std::vector<std::pair<std::size_t, std::uint32_t>> from_cache;
  for (std::size_t i = 0; i < n; ++i)
    if (warmups_->cached(i, d))
      for (std::uint32_t r = first; r < first + slots; ++r) from_cache.emplace_back(i, r);
  tbb::parallel_invoke(
      [&] {
        tbb::parallel_for(std::size_t{0}, from_cache.size(), [&](std::size_t k) {
          const auto [i, r] = from_cache[k];
          try {
            take(i, r, scenarios[i], warmups_->warmed(i, d, r)->policy(*models[i], draw));
          } catch (const std::bad_alloc&) {
            throw;                             // the machine's memory, not this run (as in for_each_run)
          } catch (const std::exception& e) {  // named like a failure of for_each_run
            throw RunFailure(i, RunRequest{study_.seed, draw, study_.first_replication + r}, e.what(),
                             dynamic_cast<const InternalError*>(&e) != nullptr);
          }
        });
      },
      [&] {
        if (jobs.empty()) return;
        try {
          for_each_run(jobs, [&](std::size_t j, std::size_t slot, RunResult&& r) {
            const std::size_t i = job_scenario[j];
            take(i, first + static_cast<std::uint32_t>(slot), scenarios[i], std::move(r));
          });
        } catch (const RunFailure& f) {  // its job is an index into `jobs`: name the scenario
          throw RunFailure(job_scenario[f.job()], f.request(), f.reason(), f.internal());
        }
      });
}

std::vector<RunResult> StudyUnits::simulate(std::size_t unit) const {
  std::vector<RunResult> runs(study_.scenarios.size());
  simulate(unit / reps_, static_cast<std::uint32_t>(unit % reps_), 1,
           [&](std::size_t i, std::uint32_t, const Scenario&, RunResult&& r) { runs[i] = std::move(r); });
  return runs;
}

StudyAssembler::StudyAssembler(const Study& study, const Progress::Callback& on_progress,
                               const DrawSink& on_draw, const CompletedRuns* completed)
    : study_(study),
      n_(study.scenarios.size()),
      reps_(static_cast<std::uint32_t>(study.replications)),
      draws_(study.draw_ids()),
      base_case_(study.draws <= 0),
      on_progress_(on_progress),
      on_draw_(on_draw),
      parts_(base_case_ ? reps_ : draws_.size()),
      runs_(n_, std::vector<RunMeasures>(parts_.size() * (base_case_ ? 1 : reps_))),
      order_(parts_.size()) {
  for (const StudyScenario& s : study.scenarios) shapes_.push_back(shape_of(s.scenario));
  for (std::size_t p = 0; p < order_.size(); ++p) order_[p] = p;
  if (!completed) return;
  for (std::size_t p = 0; p < parts_.size(); ++p) {
    const std::uint32_t draw = draws_[draw_index(p)];
    std::vector<std::vector<RunMeasures>> before(n_);
    bool all = true;
    for (std::uint32_t k = 0; k < slots(p) && all; ++k) {
      const auto it = completed->find({draw, study.first_replication + first_slot(p) + k});
      all = it != completed->end();
      if (all)
        for (std::size_t i = 0; i < n_; ++i) before[i].push_back(it->second.at(i));
    }
    if (all) {
      parts_[p].done_before = true;
      parts_[p].measures = std::move(before);
    }
  }
}

std::vector<std::size_t> StudyAssembler::todo() const {
  std::vector<std::size_t> units;
  for (std::size_t p : order_)
    if (!parts_[p].done_before)
      for (std::uint32_t k = 0; k < slots(p); ++k) units.push_back(draw_index(p) * reps_ + first_slot(p) + k);
  return units;
}

DrawRuns& StudyAssembler::place(std::size_t p) {
  Part& part = parts_.at(p);
  if (part.measures.empty()) {
    // plan_study checked the first draws; a later draw whose pair does not share its warm-up, or whose
    // costs could overflow, is refused here, before any of its runs is kept.
    const std::uint32_t draw = draws_[draw_index(p)];
    if (draw != 0) {
      for (std::size_t i = 0; i < n_; ++i) {
        const Scenario si = study_.scenario_in_draw(i, draw);
        if (const int c = study_.scenarios[i].comparator; c >= 0)
          if (auto problem = warmup_problem(study_, i, draw, si,
                                            study_.scenario_in_draw(static_cast<std::size_t>(c), draw)))
            throw InputError({std::move(*problem)});
        if (auto problem = study_.scenarios[i].source.cost_overflow(si, draw, study_.years))
          throw InputError({std::move(*problem)});
      }
    }
    if (on_draw_) part.results.assign(n_, std::vector<RunResult>(slots(p)));
    part.measures.assign(n_, std::vector<RunMeasures>(slots(p)));
  }
  return part;
}

void StudyAssembler::ran(std::size_t runs) {
  const std::size_t done = runs_done_.fetch_add(runs) + runs;
  if (on_progress_) on_progress_(done, n_ * reps_ * draws_.size());
}

void StudyAssembler::filled(std::size_t p, std::size_t runs) {
  parts_.at(p).runs_in += runs;
  keep_ready();
}

void StudyAssembler::simulate_in(const std::vector<std::size_t>& draw_order) {
  if (base_case_) return;  // its parts are replication slots, in order
  if (kept_ > 0 || draw_order.size() != parts_.size())
    throw InternalError("StudyAssembler::simulate_in: after a part was kept, or not every draw");
  std::vector<bool> seen(parts_.size());
  for (std::size_t p : draw_order) {
    if (p >= parts_.size() || seen[p]) throw InternalError("StudyAssembler::simulate_in: not an order of the draws");
    seen[p] = true;
  }
  order_ = draw_order;
}

void StudyAssembler::keep_ready() {
  while (kept_ < parts_.size()) {
    const std::size_t p = order_[kept_];
    Part& part = parts_[p];
    if (part.done_before) {
      ran(n_ * slots(p));
    } else if (part.runs_in == n_ * slots(p)) {
      if (on_draw_) on_draw_(draws_[draw_index(p)], part.results, part.measures);
    } else {
      return;
    }
    // The summaries take the runs in part order, whatever order the parts were kept in.
    for (std::size_t i = 0; i < n_; ++i)
      for (std::size_t k = 0; k < part.measures.at(i).size(); ++k)
        runs_[i][p * slots(p) + k] = std::move(part.measures[i][k]);
    part = Part{};  // its memory back now: only the parts in flight hold results
    ++kept_;
  }
}

StudyResult StudyAssembler::finish() {
  keep_ready();  // parts done before that follow the last one simulated
  if (kept_ < parts_.size()) throw Interrupted(kept_, parts_.size(), part_name());
  StudyResult out;
  for (std::size_t i = 0; i < n_; ++i)
    out.summaries.push_back(summarise(study_.scenarios[i].scenario, std::move(runs_[i])));
  for (std::size_t i = 0; i < n_; ++i) {
    const int c = study_.scenarios[i].comparator;
    if (c >= 0)
      out.comparisons.push_back(compare(out.summaries[i], out.summaries[static_cast<std::size_t>(c)]));
  }
  out.evaluation = evaluate(decisions(study_, out));
  return out;
}

StudyResult run_study(const Study& study, const Progress::Callback& on_progress, const DrawSink& on_draw,
                      const CompletedRuns* completed, const std::atomic<bool>* stop) {
  StudyAssembler assembler(study, on_progress, on_draw, completed);
  const StudyUnits units(study);
  // Parts in parallel (several in flight at once), each part's runs in parallel too; the assembler keeps
  // them in order, so the sink writes parts in order and the summaries do not depend on the thread count.
  // Each part's runs live in the assembler, not in the pipeline's tokens: should a stage throw (a full
  // disk), the pipeline drops the tokens in flight without destroying them, and the assembler frees them.
  std::size_t next = 0;
  bool stopped = false;
  const std::size_t in_flight = 2 * static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
  assembler.simulate_in(units.draw_order());
  auto start = [&](tbb::flow_control& fc) -> std::size_t {
    while (next < assembler.parts() && assembler.done_before(assembler.in_order(next))) ++next;
    if (next == assembler.parts() || (stop && stop->load())) {
      stopped = next < assembler.parts();
      fc.stop();
      return 0;
    }
    return assembler.in_order(next++);
  };
  auto simulate = [&](std::size_t p) {
    DrawRuns& out = assembler.place(p);
    const std::uint32_t first = assembler.first_slot(p);
    units.simulate(assembler.draw_index(p), first, assembler.slots(p),
                   [&](std::size_t i, std::uint32_t slot, const Scenario& in_draw, RunResult&& r) {
                     const std::uint32_t k = slot - first;
                     out.measures[i][k] = assembler.measure(i, in_draw, r);
                     if (assembler.keeps_results()) out.results[i][k] = std::move(r);
                     assembler.ran(1);
                   });
    return p;
  };
  auto keep = [&](std::size_t p) { assembler.filled(p, study.scenarios.size() * assembler.slots(p)); };
  tbb::parallel_pipeline(
      in_flight, tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order, start) &
                     tbb::make_filter<std::size_t, std::size_t>(tbb::filter_mode::parallel, simulate) &
                     tbb::make_filter<std::size_t, void>(tbb::filter_mode::serial_in_order, keep));
  if (stopped) throw Interrupted(assembler.kept(), assembler.parts(), assembler.part_name());
  return assembler.finish();
}

}  // namespace wijksim
