#include "wijksim/model/targets.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "wijksim/model/params.h"

namespace wijksim {
namespace {

struct ShareName {
  const char* name;
  TargetShare share;
};
constexpr ShareName kShares[] = {
    {"with_problem", TargetShare::WithProblem},
    {"multi_problem", TargetShare::MultiProblem},
    {"professionals_0", TargetShare::Professionals0},
    {"professionals_1", TargetShare::Professionals1},
    {"professionals_2", TargetShare::Professionals2},
    {"professionals_3plus", TargetShare::Professionals3Plus},
    {"low_trust", TargetShare::LowTrust},
    {"bounced", TargetShare::Bounced},
    {"ever_listed", TargetShare::EverListed},
    {"ever_coached", TargetShare::EverCoached},
    {"in_spell", TargetShare::InSpell},
};

// The distinct escalation events, in domain order (as summaries number them).
std::vector<std::string> escalation_types(const Scenario& s) {
  std::vector<std::string> out;
  for (const Domain& d : s.domains)
    if (!d.escalation_event.empty() && std::find(out.begin(), out.end(), d.escalation_event) == out.end())
      out.push_back(d.escalation_event);
  return out;
}

// "start" -1, "period" 0, "end" kEnd, "year N" N.
std::optional<int> parse_at(const std::string& at) {
  if (at.empty() || at == "start") return -1;
  if (at == "period") return 0;
  if (at == "end") return TargetMeasure::kEnd;
  if (at.starts_with("year ")) {
    int y = 0;
    const char* b = at.data() + 5;
    const char* e = at.data() + at.size();
    auto [p, ec] = std::from_chars(b, e, y);
    // Written as the README's numbers are: no leading zero ("year 01").
    if (ec == std::errc() && p == e && y >= 1 && *b != '0') return y;
  }
  return std::nullopt;
}

}  // namespace

// The coach's measures, by name (named once: for the suggestions and for reading).
constexpr std::pair<const char*, TargetMeasure::Kind> kCoachMeasures[] = {
    {"coach.wait_weeks", TargetMeasure::Kind::CoachWait},
    {"coach.caseload_per_fte", TargetMeasure::Kind::CoachCaseload},
    {"coach.episode_weeks", TargetMeasure::Kind::CoachEpisode},
    {"coach.request_weeks", TargetMeasure::Kind::CoachRequest}};

std::vector<std::string> target_measure_names(const Scenario& s) {
  std::vector<std::string> names;
  for (const ShareName& n : kShares) names.push_back(fmt::format("share.{}", n.name));
  names.push_back("not_helped");
  for (const std::string& e : escalation_types(s)) names.push_back("escalations." + e);
  names.push_back("spell.years");
  names.push_back("spell.per_1000");
  for (const Agency& a : s.agencies) {
    names.push_back(fmt::format("agency.{}.referrals", a.name));
    names.push_back(fmt::format("agency.{}.wait_weeks", a.name));
  }
  for (const Domain& d : s.domains) names.push_back("share.problem." + d.name);
  // A coach's measures only where there are coaches: 'coach.wait_weks' without them was offered
  // coach.wait_weeks, which the same scenario then refused (outside attack 33).
  if (s.coaches.enabled)
    for (const auto& [name, kind] : kCoachMeasures) names.push_back(name);
  names.push_back("spending.all");
  for (const Payer& p : s.payers) names.push_back("spending." + p.name);
  names.push_back("none");
  return names;
}

std::optional<std::string> target_at_problem(const Scenario& s, const std::string& at,
                                             std::string_view horizon) {
  const auto when = parse_at(at);
  if (!when)
    return fmt::format(
        "expected start, period, end or year N (N >= 1, written without a leading zero), found '{}'", at);
  if (!horizon.empty() && *when > 0 && *when != TargetMeasure::kEnd && *when * kWeeksPerYear > s.weeks())
    return fmt::format("'{}' is after {} of {} year{}", at, horizon, s.simulation.years,
                       s.simulation.years == 1 ? "" : "s");
  return std::nullopt;
}

ParsedMeasure parse_target_measure(const Scenario& s, const std::string& measure, const std::string& at,
                                   std::string_view horizon) {
  using K = TargetMeasure::Kind;
  TargetMeasure m;
  auto fail = [&](std::string why) { return ParsedMeasure{std::nullopt, std::move(why)}; };
  auto fail_at = [&](std::string why) { return ParsedMeasure{std::nullopt, std::move(why), true}; };
  // A share's `at` into m.at, or what is wrong with it.
  auto read_at = [&](TargetMeasure& into) -> std::optional<std::string> {
    if (auto why = target_at_problem(s, at, horizon)) return why;
    into.at = *parse_at(at);
    return std::nullopt;
  };
  auto rest = [&](std::string_view prefix) -> std::optional<std::string> {
    if (!measure.starts_with(prefix)) return std::nullopt;
    return measure.substr(prefix.size());
  };
  if (measure == "none") {
    m.kind = K::None;
  } else if (auto domain = rest("share.problem.")) {
    m.kind = K::DomainShare;
    m.index = s.domain_index(*domain);
    if (m.index < 0) return fail(fmt::format("unknown domain '{}'", *domain));
    if (auto why = read_at(m)) return fail_at(std::move(*why));
    return {m, ""};
  } else if (auto name = rest("share.")) {
    auto it = std::find_if(std::begin(kShares), std::end(kShares),
                           [&](const ShareName& n) { return *name == n.name; });
    if (it == std::end(kShares)) return fail(fmt::format("unknown share '{}'", *name));
    m.kind = K::Share;
    m.index = static_cast<int>(it->share);
    if (auto why = read_at(m)) return fail_at(std::move(*why));
    return {m, ""};
  } else if (measure == "not_helped") {
    m.kind = K::NotHelped;
  } else if (auto event = rest("escalations.")) {
    const auto types = escalation_types(s);
    auto it = std::find(types.begin(), types.end(), *event);
    if (it == types.end()) return fail(fmt::format("no domain escalates into '{}'", *event));
    m.kind = K::EscalationRate;
    m.index = static_cast<int>(it - types.begin());
  } else if (measure == "spell.years" || measure == "spell.per_1000") {
    if (std::none_of(s.domains.begin(), s.domains.end(), [](const Domain& d) { return d.spell; }))
      return fail("no domain's escalation starts a spell (escalation.spell)");
    m.kind = measure == "spell.years" ? K::SpellYears : K::SpellStock;
  } else if (auto a = rest("agency.")) {
    const auto dot = a->rfind('.');
    const std::string agency = dot == std::string::npos ? *a : a->substr(0, dot);
    const std::string what = dot == std::string::npos ? "" : a->substr(dot + 1);
    const int i = s.agency_index(agency);
    if (i < 0) return fail(fmt::format("unknown agency '{}'", agency));
    if (what != "referrals" && what != "wait_weeks")
      return fail(fmt::format("an agency's measure is referrals or wait_weeks, found '{}'", what));
    m.kind = what == "referrals" ? K::AgencyReferrals : K::AgencyWait;
    m.index = i;
  } else if (measure.starts_with("coach.") && !s.coaches.enabled) {
    return fail("the scenario has no coaches");  // what is wrong first, spelt right or not
  } else if (const auto c = std::find_if(std::begin(kCoachMeasures), std::end(kCoachMeasures),
                                         [&](const auto& x) { return measure == x.first; });
             c != std::end(kCoachMeasures)) {
    m.kind = c->second;
  } else if (auto payer = rest("spending.")) {
    m.kind = K::Spending;
    if (*payer != "all") {
      m.index = s.payer_index(*payer);
      if (m.index < 0) return fail(fmt::format("unknown payer '{}'", *payer));
    }
  } else {
    return fail(fmt::format("unknown measure '{}'", measure));
  }
  if (!at.empty()) return fail_at("'at' is for shares only: every other measure is over the policy period");
  return {m, ""};
}

}  // namespace wijksim
