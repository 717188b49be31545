#include "wijksim/study/calibration_run.h"

#include <fmt/format.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <set>

#include "wijksim/analysis/honest_uncertainty.h"
#include "wijksim/analysis/summary.h"
#include "wijksim/core/statistics.h"
#include "wijksim/scenario/extends.h"
#include "wijksim/scenario/parameter_sets.h"
#include "wijksim/study/study.h"

namespace wijksim {
namespace {

// The values that make the scenario `households` households (0 or more than it has: all of them): every
// neighbourhood scaled in proportion, at least one household each, and the coaches' FTE (each step's, with
// a schedule) by the same factor, so that a smaller city has as many coaches per household (agencies'
// capacity is per 1,000 households already). Without the FTE, a scale-up's coaches would be paid from the
// places of a city a quarter of its size.
std::vector<KeyValue> scaled_households(const ScenarioSource& src, int households, const Location& where) {
  const Scenario s = src.base();
  const int total = s.population.households;
  if (households <= 0 || households >= total) return {};
  std::vector<KeyValue> v;
  double sum = households;
  if (s.population.neighbourhoods.empty()) {
    v.push_back({"population.households", double(households), where});
  } else {
    sum = 0;
    const double f = static_cast<double>(households) / total;
    for (const NeighbourhoodSpec& n : s.population.neighbourhoods) {
      const double h = std::max(1.0, std::round(n.households * f));
      sum += h;
      v.push_back({"population.neighbourhoods." + n.name + ".households", h, where});
    }
    if (src.has("population.households")) v.push_back({"population.households", sum, where});
  }
  // By the households simulated (after rounding the neighbourhoods), as the agencies' places are.
  const double f = sum / total;
  if (s.coaches.enabled) {
    if (!s.coaches.schedule.empty()) {
      for (std::size_t i = 0; i < s.coaches.schedule.size(); ++i)
        v.push_back({fmt::format("coaches.schedule[{}].fte", i), s.coaches.schedule[i].fte * f, where});
    } else {
      v.push_back({"coaches.fte", s.coaches.fte * f, where});
    }
  }
  return v;
}

// Values of a prior at the edge of what it gives, to check against what the parameter can take: the ends
// of a bounded prior, mean -/+ 3 sd of a normal (as the scenario reader checks a normal), the 0.1% and 99.9%
// quantiles of the others.
std::vector<double> prior_edges(const Distribution& d) {
  using K = Distribution::Kind;
  switch (d.kind) {
    case K::Uniform:
      return {d.a, d.b};
    case K::Triangular:
      return {d.a, d.c};
    case K::Normal:
      return {d.a - 3 * d.b, d.a + 3 * d.b};
    default:
      // Positive (lognormal, gamma) or within (0, 1) (beta): their 0.1% and 99.9% quantiles, so that a
      // beta prior on whole weeks (every candidate 0 or 1 week) or a gamma one on a share is refused too.
      return {d.quantile(0.001), d.quantile(0.999)};
  }
}

// Where the mode search may look for a parameter: its prior's support, or where nearly all of the prior's
// mass lies.
std::pair<double, double> search_range(const Distribution& d) {
  using K = Distribution::Kind;
  switch (d.kind) {
    case K::Fixed:
      return {d.a, d.a};
    case K::Uniform:
      return {d.a, d.b};
    case K::Triangular:
      return {d.a, d.c};
    case K::Normal:
      return {d.a - 4 * d.b, d.a + 4 * d.b};
    case K::LogNormal:
      return {std::exp(d.a - 4 * d.b), std::exp(d.a + 4 * d.b)};
    case K::Gamma:
      return {d.mean() * 1e-3, d.mean() + 6 * d.sd()};
    case K::Beta:
      return {1e-6, 1 - 1e-6};
  }
  return {d.a, d.a};
}

// The scale the mixture sees a parameter on: logit for a bounded prior, log for a positive one.
Scale unbounded_scale(const Distribution& d) {
  using K = Distribution::Kind;
  switch (d.kind) {
    case K::Uniform:
      return {Scale::Kind::Logit, d.a, d.b};
    case K::Triangular:
      return {Scale::Kind::Logit, d.a, d.c};
    case K::Beta:
      return {Scale::Kind::Logit, 0, 1};
    case K::LogNormal:
    case K::Gamma:
      return {Scale::Kind::Log, 0, 1};
    case K::Fixed:
    case K::Normal:
      break;
  }
  return {};
}

std::vector<KeyValue> at_means(const TargetsFile& file) {
  std::vector<KeyValue> v;
  for (const FreeParameter& p : file.free) v.push_back({p.key_path, p.prior.mean(), p.where});
  return v;
}

}  // namespace

namespace {

// Each free parameter a prior that varies and a key path of a number the scenario lets vary.
void check_free_keys(const ScenarioSource& source, const TargetsFile& file) {
  std::vector<Diagnostic> problems;
  for (const FreeParameter& p : file.free)
    if (p.prior.kind == Distribution::Kind::Fixed)
      problems.push_back({p.where, "free." + p.key_path, "a free parameter needs a prior that varies"});
  if (!problems.empty()) throw InputError(std::move(problems));
  std::vector<std::string> keys;
  std::vector<Location> where;
  for (const FreeParameter& p : file.free) keys.push_back(p.key_path), where.push_back(p.where);
  source.check_varying(keys, where);
}

// The scenario read with the free parameters at their priors' means and edges: `source` as calibrate
// simulates it.
void check_free_values(const ScenarioSource& source, const TargetsFile& file) {
  std::vector<Diagnostic> problems;
  // Every free parameter a number of the scenario (at the priors' means), and each prior within what its
  // parameter can take: the reader's own message, at the free parameter.
  const std::vector<KeyValue> means = at_means(file);
  // The values read again; the reader's diagnostics kept with `note(diagnostic)` added to each message.
  auto reread_noting = [&](const std::vector<KeyValue>& values, const auto& note) {
    try {
      source.reread_with(values);
    } catch (const InputError& e) {
      for (const Diagnostic& d : e.diagnostics()) problems.push_back({d.where, d.key, d.message + note(d)});
    }
  };
  reread_noting(means, [&](const Diagnostic& d) {
    const auto j = std::find_if(means.begin(), means.end(), [&](const KeyValue& m) {
      return m.where.file == d.where.file && m.where.line == d.where.line;
    });
    if (j == means.end()) return std::string();
    // Where the prior reaches, beside its mean: a uniform prior from -0.5 to 0.3 was told by its mean alone,
    // -0.1, not by the end that is furthest out (outside attack 49). (A whole number's rounding is said by
    // the reader's own message; it was said here too, of any parameter.)
    const std::vector<double> edges =
        prior_edges(file.free[static_cast<std::size_t>(j - means.begin())].prior);
    return fmt::format(
        " (this free parameter's prior has its mean at {:.6g} and reaches from {:.6g} to {:.6g})", j->value,
        edges.front(), edges.back());
  });
  if (!problems.empty()) throw InputError(std::move(problems));  // the edges are tried beside the means
  for (std::size_t j = 0; j < means.size(); ++j)
    for (double edge : prior_edges(file.free[j].prior)) {
      // To 12 digits of the prior's own scale: a normal prior of mean 0.5 and sd 0.3 reached
      // -0.3999999999999999 in the reader's message (outside attack 49), and mean 0.6 and sd 0.2 would reach
      // -1.1e-16 where it means 0.
      const double mean = means[j].value;
      if (const double scale = std::max(std::abs(mean), std::abs(edge - mean)); scale > 0) {
        // By a whole power of ten each way, so that the division is by an exact number: -0.4 comes out as
        // the double nearest -0.4 (multiplying by 1e-12, itself inexact, gave -0.39999999999999997).
        const double digits = 11 - std::floor(std::log10(scale));
        const double factor = std::pow(10.0, std::abs(digits));
        // Not where the scale is beyond what a double's powers of ten reach (a factor of infinity).
        if (const double rounded =
                digits >= 0 ? std::round(edge * factor) / factor : std::round(edge / factor) * factor;
            std::isfinite(factor) && std::isfinite(rounded))
          edge = rounded;
      }
      std::vector<KeyValue> v = means;
      v[j].value = edge;
      reread_noting(v, [&](const Diagnostic&) {
        return fmt::format(" (this free parameter's prior reaches {:.6g})", edge);
      });
    }
  if (!problems.empty()) throw InputError(std::move(problems));
}

}  // namespace

void check_free_parameters(const ScenarioSource& source, const TargetsFile& file) {
  check_free_keys(source, file);
  check_free_values(source, file);
}

CalibrationPlan plan_calibration(const std::string& scenario, std::optional<std::uint64_t> seed) {
  const loader::SameContentsWhileLoading one_version_of_each_file;
  // The targets' `at: year N` are held against calibration.years, below, not the scenario's years.
  // Calibration makes parameter sets and draws from none: the scenario's own are neither read nor kept
  // from its output (sets/velve.csv written anew in place, its earlier sets kept as ~1~).
  CalibrationPlan plan{ScenarioSource::load(scenario, true, OwnSets::LeftOut), {}, {}, {}, {}, 0, 0, 0};
  const Scenario base = plan.source.base();
  if (base.targets_file.empty())
    throw InputError({{Location{scenario, 0, 0}, "targets",
                       "the scenario names no targets file (targets:): calibrate fits the file's free "
                       "parameters to its targets"}});
  plan.file = read_targets_file(base.targets_file);
  plan.settings = plan.file.settings;
  plan.seed = seed.value_or(base.simulation.seed);
  const Location file_top{plan.file.path, 1, 1};
  std::vector<Diagnostic> problems;
  if (plan.file.free.empty())
    problems.push_back({file_top, "free",
                        "the targets file names no free parameters (free:): calibrate needs at least one, "
                        "each with its prior"});
  if (!problems.empty()) throw InputError(std::move(problems));
  check_free_keys(plan.source, plan.file);

  if (plan.settings.households > base.population.households)
    throw InputError({{plan.settings.households_where.line > 0 ? plan.settings.households_where : file_top,
                       "calibration.households",
                       fmt::format("{} households to simulate, but the scenario has {}: give at most that, or 0 "
                                   "(the default) for all of them",
                                   loader::count_text(plan.settings.households),
                                   loader::count_text(base.population.households))}});
  plan.simulated =
      plan.source.reread_with(scaled_households(plan.source, plan.settings.households, file_top));
  Scenario probe = plan.simulated.base();
  plan.households = probe.population.households;
  // The targets as calibration measures them: over `years` policy years (a share at year N needs N).
  probe.simulation.years = plan.settings.years;
  plan.targets = targets_for(probe, plan.file, "the calibration's horizon (calibration.years)");
  for (const CalibrationTarget& t : plan.targets) {
    if (t.parsed.kind == TargetMeasure::Kind::None) continue;
    ++plan.represented;
    if (!(t.hi > t.lo))
      problems.push_back({t.where, "targets." + t.key,
                          "calibration weighs the model's distance from a figure by its interval: give an "
                          "interval of some width (or the survey's n)"});
  }
  if (plan.represented == 0)
    problems.push_back({file_top, "targets",
                        "no target has a measure of the model (every measure is none): nothing to calibrate "
                        "to"});
  if (!problems.empty()) throw InputError(std::move(problems));

  check_free_values(plan.simulated, plan.file);
  if (!problems.empty()) throw InputError(std::move(problems));
  return plan;
}

// One candidate: its scenario run for the plan's replications, the targets' figures over them.
CandidateRecord simulate_candidate(const CalibrationPlan& plan, const ImisCandidate& c) {
  const std::size_t n = plan.targets.size();
  CandidateRecord r;
  r.index = c.index;
  r.round = c.round;
  r.parameters = c.x;
  r.model.assign(n, kNaN);
  r.model_se.assign(n, kNaN);
  std::vector<KeyValue> values;
  for (std::size_t j = 0; j < c.x.size(); ++j)
    values.push_back({plan.file.free[j].key_path, c.x[j], plan.file.free[j].where});
  Scenario s;
  try {
    s = plan.simulated.reread_with(values).base();
  } catch (const InputError&) {
    // Values the scenario cannot take (a normal prior's tail beyond a parameter's range): no weight, as if
    // the prior stopped at the parameter's range.
    r.rejected = true;
    return r;
  }
  s.simulation.seed = plan.seed;
  s.simulation.replications = plan.settings.replications;
  s.simulation.years = plan.settings.years;
  s.targets = plan.targets;
  const Model model(s);
  const ScenarioShape shape = shape_of(s);
  const auto reps = static_cast<std::uint32_t>(plan.settings.replications);
  std::vector<std::vector<double>> figures(n);
  // Common random numbers: every candidate runs the same seed, draw 0 and replications 0 .. reps - 1.
  for (const RunResult& run : run_replications(model, RunPlan{plan.seed, 0, 0, reps})) {
    const RunMeasures m = measure_run(shape, s, run);
    for (std::size_t t = 0; t < n; ++t) figures[t].push_back(m.figures.targets[t]);
  }
  for (std::size_t t = 0; t < n; ++t) {
    const Stat st = describe(figures[t]);
    r.model[t] = st.mean;
    r.model_se[t] = st.se;
  }
  r.log_likelihood = target_log_likelihood(plan.targets, r.model, r.model_se);
  return r;
}

namespace {

// Candidates simulated by this process: in parallel, each addressed by its position, so nothing depends on
// the thread count or the order they finish in.
void simulate_here(const CalibrationPlan& plan, std::span<const ImisCandidate> candidates,
                   const CandidateDone& done, const std::atomic<bool>* stop) {
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, candidates.size(), 1),
      [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t b = range.begin(); b != range.end(); ++b) {
          if (stop && stop->load()) continue;
          done(b, simulate_candidate(plan, candidates[b]));
        }
      },
      tbb::simple_partitioner());
}

// Every evaluated candidate has a likelihood of zero: the targets no candidate could show (a wait at an
// agency that admitted nobody among a few households) are the input's problem, said at each target, and at
// calibration.households where it simulates fewer than all; not a failed run to resume, which would fail the
// same way (outside attack 43: exit 3 and a resume, for `calibration: {households: 5}`). Returns where it is
// something else.
void no_candidate_shows_the_targets(const CalibrationPlan& plan,
                                    const std::vector<CandidateRecord>& records) {
  std::size_t evaluated = 0;
  std::vector<std::size_t> undefined(plan.targets.size(), 0);
  for (const CandidateRecord& r : records) {
    if (r.parameters.empty()) continue;  // drawn outside the prior's support: never evaluated
    if (std::isfinite(r.log_likelihood)) return;
    ++evaluated;
    for (std::size_t t = 0; t < plan.targets.size() && t < r.model.size(); ++t)
      if (plan.targets[t].parsed.kind != TargetMeasure::Kind::None && std::isnan(r.model[t])) ++undefined[t];
  }
  if (evaluated == 0) return;
  std::vector<Diagnostic> problems;
  for (std::size_t t = 0; t < plan.targets.size(); ++t)
    if (undefined[t] > 0)
      problems.push_back(
          {plan.targets[t].measure_where, plan.targets[t].key,
           fmt::format("the model had no figure for '{}' in {} of the {} candidates evaluated, "
                       "so every candidate's likelihood is zero",
                       plan.targets[t].measure, undefined[t], evaluated)});
  const int all = plan.source.base().population.households;
  if (!problems.empty() && plan.households < all)
    problems.push_back(
        {plan.settings.households_where, "calibration.households",
         fmt::format("{} of the scenario's {} households are too few to show the figures above "
                     "(an agency that admits nobody has no wait, a survey that finds nobody no "
                     "share): raise it, or leave it out for all of them",
                     loader::count_text(plan.households), loader::count_text(all))});
  if (!problems.empty()) throw InputError(std::move(problems));
}

bool same_values(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

CalibrationResult run_calibration(const CalibrationPlan& plan, const Progress::Callback& on_progress,
                                  const CandidateSink& sink, const CompletedCandidates* completed,
                                  const std::atomic<bool>* stop, const SimulateCandidates& simulate) {
  const CalibrationSettings& cs = plan.settings;
  const std::vector<FreeParameter>& free = plan.file.free;
  ImisPrior prior;
  for (const FreeParameter& p : free) {
    prior.scales.push_back(unbounded_scale(p.prior));
    const auto [lo, hi] = search_range(p.prior);
    prior.lo.push_back(lo);
    prior.hi.push_back(hi);
  }
  const RandomStreams rs(plan.seed, 0, 0);
  prior.sample = [&](std::uint32_t index) {
    std::vector<double> x;
    for (const FreeParameter& p : free)
      x.push_back(p.prior.sample(rs, parameter_id(p.key_path), Stream::CalibrationPrior, index));
    return x;
  };
  prior.log_density = [&](std::span<const double> x) {
    double l = 0;
    for (std::size_t j = 0; j < free.size(); ++j) l += free[j].prior.log_density(x[j]);
    return l;
  };

  const std::size_t d = free.size();
  const int mode_search = cs.mode_search >= 0 ? cs.mode_search : static_cast<int>(25 * d);
  // The most candidates there can be: the initial draws, the mode search and its curvature's d(d + 1)
  // points (2 on each axis, 2 for each pair: model.md 19.3; it counted 2 d^2, "at most 298" for 256 at 7
  // parameters), the rounds.
  const std::size_t most = static_cast<std::size_t>(cs.initial) +
                           (mode_search > 0 ? static_cast<std::size_t>(mode_search) + d * (d + 1) : 0) +
                           static_cast<std::size_t>(cs.rounds) * static_cast<std::size_t>(cs.per_round);
  std::vector<CandidateRecord> records;
  std::atomic<std::size_t> done{0};
  std::mutex sink_mutex;
  auto evaluate = [&](std::span<ImisCandidate> batch) {
    for (const ImisCandidate& c : batch)
      if (records.size() <= c.index) records.resize(c.index + 1);
    auto evaluated = [&](ImisCandidate& c, CandidateRecord&& r) {
      c.log_likelihood = r.log_likelihood;
      records[c.index] = std::move(r);
      const std::size_t n = done.fetch_add(1) + 1;
      if (on_progress) on_progress(n, std::max(n, most));
    };
    // Candidates of a resumed run come from the store; the others are simulated.
    std::vector<ImisCandidate> todo;
    std::vector<std::size_t> todo_at;  // each one's position in the batch
    for (std::size_t b = 0; b < batch.size(); ++b) {
      ImisCandidate& c = batch[b];
      const auto before = completed ? completed->find(c.index) : CompletedCandidates::const_iterator{};
      if (!completed || before == completed->end()) {
        todo.push_back(c);
        todo_at.push_back(b);
        continue;
      }
      if (before->second.round != c.round || !same_values(before->second.parameters, c.x))
        throw Error(fmt::format(
            "the stored candidate {} is not the one this calibration draws: the store was written by another "
            "version of wijksim",
            c.index));
      evaluated(c, CandidateRecord(before->second));
    }
    if (todo.empty()) return;
    std::vector<char> simulated(todo.size(), 0);
    auto on_simulated = [&](std::size_t k, CandidateRecord&& r) {
      if (k >= todo.size() || simulated[k] || r.index != todo[k].index)
        throw InternalError(fmt::format("candidate {} of a batch came back twice or as another", k));
      if (sink) {
        std::lock_guard lock(sink_mutex);
        sink(r);
      }
      simulated[k] = 1;
      evaluated(batch[todo_at[k]], std::move(r));
    };
    if (simulate)
      simulate(todo, on_simulated, stop);
    else
      simulate_here(plan, todo, on_simulated, stop);
    if (std::count(simulated.begin(), simulated.end(), 0) > 0)
      throw Interrupted(done.load(), most, "candidates", true);
  };

  CalibrationResult out;
  // The curvature at the mode by central differences half a prior sd wide: wide enough that the
  // simulator's roughness (a household's event that flips as a parameter moves) does not swamp it.
  constexpr double kHessianStep = 0.5;
  const ImisSettings settings{cs.initial,  cs.per_round, cs.rounds, static_cast<double>(cs.sets),
                              mode_search, kHessianStep};
  try {
    out.imis = imis(settings, prior, plan.seed, evaluate);
  } catch (const Error&) {
    no_candidate_shows_the_targets(plan, records);
    throw;
  }
  // Candidates outside the prior's support were drawn but never evaluated: their parameters only.
  records.resize(out.imis.candidates.size());
  for (const ImisCandidate& c : out.imis.candidates) {
    CandidateRecord& r = records[c.index];
    if (r.parameters.empty()) {  // drawn outside the prior's support: never evaluated
      r.index = c.index;
      r.round = c.round;
      r.parameters = c.x;
      r.model.assign(plan.targets.size(), kNaN);
      r.model_se.assign(plan.targets.size(), kNaN);
    } else {
      ++out.evaluated;
      out.rejected += r.rejected;
    }
  }
  out.candidates = std::move(records);

  // The sets: resampled by weight, systematically, from one seeded uniform.
  const RandomStreams::Block b = rs.block(0, 0, Stream::CalibrationResample);
  out.sets = systematic_resample(out.imis.weights, static_cast<std::size_t>(cs.sets), uniform53(b[0], b[1]));
  // Each set as simulated: a whole number (max_weeks) rounded as reread_with rounds it, so that the sets
  // file, the posterior and a PSA from the file name the weeks the candidates ran with.
  std::vector<bool> whole(free.size());
  for (std::size_t j = 0; j < free.size(); ++j)
    whole[j] = plan.simulated.names_whole_numbers(free[j].key_path);
  for (std::size_t i : out.sets) {
    std::vector<double> x = out.candidates[i].parameters;
    for (std::size_t j = 0; j < x.size(); ++j)
      if (whole[j]) x[j] = std::round(x[j]);
    out.set_values.push_back(std::move(x));
  }
  for (std::size_t j = 0; j < free.size(); ++j) {
    std::vector<double> v;
    for (const auto& x : out.set_values) v.push_back(x[j]);
    // From fewer than kPercentileDraws sets, the lowest to the highest: percentiles of 5 sets claimed a 95%
    // interval they cannot give (outside attack 38).
    Interval ci = spread_of_draws(v);
    // A whole number's range taken outward to whole numbers, values the sets hold: type 7 gave 9,5 between
    // sets of 9 and 10 weeks, a value no candidate ran with (an analyst's reading; docs/model.md 19.4).
    if (whole[j]) ci = {std::floor(ci.lower), std::ceil(ci.upper)};
    out.posterior.push_back({mean(v), sd(v), ci.lower, ci.upper});
  }
  for (std::size_t t = 0; t < plan.targets.size(); ++t) {
    const CalibrationTarget& target = plan.targets[t];
    TargetFit f;
    if (target.parsed.kind != TargetMeasure::Kind::None) {
      // The mean over the sets, as the parameters' posterior and the percentiles beside it: the
      // importance-weighted mean over every candidate lay outside them where the sets are few candidates
      // ("2,8 (3,0 to 3,0) inside" at an effective sample size of 1.1; outside attack 27), and "inside" was
      // said of a figure no set gives.
      std::vector<double> v;
      for (std::size_t i : out.sets) v.push_back(out.candidates[i].model[t]);
      const double m = mean(v);
      const Interval ci = spread_of_draws(v);
      f = {m, ci.lower, ci.upper, fit_of(m, target)};
    }
    out.fit.push_back(f);
  }
  return out;
}

namespace {
// The first two lines of the sets file, which calibrated_scenario_of reads back.
constexpr std::string_view kSetsFirstLine = "wijksim calibrate";
constexpr std::string_view kSetsScenario = "scenario: ";
constexpr std::string_view kSetsContent = " (content ";
constexpr std::string_view kSetsName = "scenario name: ";
}  // namespace

std::size_t CalibrationResult::mode_search() const {
  return static_cast<std::size_t>(std::count_if(candidates.begin(), candidates.end(),
                                                [](const CandidateRecord& c) { return c.round == -1; }));
}

std::size_t CalibrationResult::distinct_sets() const {
  return std::set<std::size_t>(sets.begin(), sets.end()).size();
}

std::string calibration_sets_text(const CalibrationPlan& plan, const CalibrationResult& r,
                                  const std::optional<CalibrationFiles>& as_stored) {
  const CalibrationFiles files = as_stored.value_or(CalibrationFiles{plan.source.path(), plan.file.path});
  const CalibrationSettings& cs = plan.settings;
  std::vector<std::string> keys;
  for (const FreeParameter& p : plan.file.free) keys.push_back(p.key_path);
  const std::vector<std::string> comments = {
      std::string(kSetsFirstLine),
      // The scenario's content without the sets it names: these sets replace them.
      fmt::format("{}{}{}{}, its parameter sets left out)", kSetsScenario, files.scenario, kSetsContent,
                  plan.source.hash_without_sets()),
      fmt::format("{}{}", kSetsName, plan.source.base().name),
      fmt::format("targets: {} (content {})", files.targets, plan.file.content_hash),
      fmt::format("seed: {}", plan.seed),
      fmt::format("version: {}", WIJKSIM_VERSION),
      fmt::format(
          "candidates: {} ({} from the priors, {}then {} round{} of {}), {} simulated{}", r.candidates.size(),
          cs.initial,
          r.mode_search() > 0
              ? fmt::format("{} in the search for the posterior's mode and its curvature, ", r.mode_search())
              : std::string(),
          r.imis.rounds, r.imis.rounds == 1 ? "" : "s", cs.per_round, r.evaluated - r.rejected,
          r.rejected > 0 ? fmt::format(", {} with values the scenario cannot take (no weight)", r.rejected)
                         : std::string()),
      fmt::format("effective sample size: {:.1f} ({})", r.imis.ess,
                  r.imis.converged ? fmt::format("reached {}, the number of sets", cs.sets)
                                   : fmt::format("below {}, the number of sets, after every round", cs.sets)),
      fmt::format("each candidate: {} households, {} replication{} (common random numbers), {} policy year{}",
                  plan.households, cs.replications, cs.replications == 1 ? "" : "s", cs.years,
                  cs.years == 1 ? "" : "s"),
      fmt::format("sets: {}, resampled by importance weight (systematic resampling)", r.sets.size()),
  };
  return format_parameter_sets(comments, keys, r.set_values);
}

std::optional<CalibratedScenario> calibrated_scenario_of(const std::string& path) {
  std::ifstream in(path);
  std::string first, second, third;
  if (!in || !std::getline(in, first) || !std::getline(in, second)) return std::nullopt;
  const std::string comment = "# ";
  if (first != comment + std::string(kSetsFirstLine) ||
      !second.starts_with(comment + std::string(kSetsScenario)))
    return std::nullopt;
  const std::size_t from = comment.size() + kSetsScenario.size();
  CalibratedScenario c{second.substr(from, second.rfind(kSetsContent) - from), {}};
  const std::string name = comment + std::string(kSetsName);
  if (std::getline(in, third) && third.starts_with(name)) c.name = third.substr(name.size());
  return c;
}

}  // namespace wijksim
