#include "wijksim/scenario/scenario_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "wijksim/core/units.h"
#include "wijksim/model/discount_guideline.h"
#include "wijksim/model/model.h"
#include "wijksim/model/run_size.h"

namespace wijksim::loader {

std::optional<std::string> ScenarioSchema::shown_text(MapReader& m, std::string_view key, bool required) {
  return text_that_shows(required ? m.need(key) : m.get(key), m.sub(key), kMaxName, false);
}

namespace {
// An escalation's event name: lower-case words of ASCII letters and digits, the first starting with a letter,
// joined by single underscores ("crisis_admission"), so that no two names print alike and each is a measure's
// and a CSV column's name as it stands.
bool event_name(std::string_view s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z' || s.back() == '_') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!word && !(c == '_' && s[i - 1] != '_')) return false;
  }
  return true;
}

// A label as a reader tells it from another: ASCII letters in lower case, each run of blank space (ASCII)
// one space, characters that show as nothing (U+200B, a soft hyphen) left out.
std::string as_read(std::string_view s) {
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = std::max<std::size_t>(1, utf8_length(s, i));
    if (n == 1 && std::isspace(static_cast<unsigned char>(s[i]))) {
      space = !out.empty();
    } else if (n > 1 && utf8_length(s, i) == n && invisible(code_point(s, i, n))) {
      // shows as nothing
    } else {
      if (space) out += ' ';
      space = false;
      for (std::size_t k = 0; k < n; ++k)
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + k])));
    }
    i += n;
  }
  return out;
}
}  // namespace

// Tables, charts and the report tell payers (domains, agencies) apart by their labels: two payers labelled
// "Municipality" (and agencies that differed by a trailing space) were drawn as one panel of the report's
// chart, one hiding the other, and read as one in the notes and In short (outside attack 44).
void ScenarioSchema::distinct_labels(const Node& n, const std::string& section, const char* entry,
                                     const std::vector<std::string>& labels) {
  std::vector<std::string> read;
  for (std::size_t i = 0; i < labels.size() && i < n.children.size(); ++i) {
    const Node& v = n.children[i];
    const Node* given = v.is(Node::Kind::Map) ? v.get("label") : nullptr;
    const Location where = given ? given->where : n.key_where[i];
    const std::string path = sub_path(section, n.keys[i]) + (given ? ".label" : "");
    if (given && blank_at_ends(labels[i]))
      d_.add(where, path,
             "expected a label without blank space (also invisible, such as U+00A0) at its ends");
    read.push_back(as_read(labels[i]));
    for (std::size_t j = 0; j < i; ++j)
      if (read[j] == read[i]) {
        d_.add(where, path,
               fmt::format("the label '{}' reads as the label of {} {}, '{}' (the same but for case, "
                           "spaces or invisible characters): the tables, charts and report tell {} apart by "
                           "their labels; give each its "
                           "own",
                           labels[i], entry, n.keys[j], labels[j], section));
        break;
      }
  }
}

void ScenarioSchema::run(const Node& root) {
  // A targets file where a scenario belongs (its `targets:` is a map of targets, a scenario's names a file):
  // one error that says so, not one for each scenario section it lacks.
  if (is_targets_file(root)) {
    d_.add(root.key_where[static_cast<std::size_t>(root.find("targets"))], "targets",
           "expected a scenario, found a targets file (its 'targets:' is a map of calibration targets): a "
           "scenario names it with 'targets: FILE', and `wijksim validate SCENARIO` checks both");
    return;
  }
  MapReader top(root, "", d_);
  // Resolved before (extends.h) and gone from the tree here; asked for so that a misspelt `extnds:` is named
  // with its suggestion and the list of keys holds it (it was missing there; outside attack 30).
  top.get("extends");
  if (auto t = text(top.need("name"), "name", kMaxName)) {
    s_.name = *t;
    // Scenarios are told apart by name in tables, the store and the report: a name must show.
    const std::string hidden = unshown_characters(*t, false);
    if (shows_blank(*t) || !hidden.empty() || blank_at_ends(*t))
      d_.add(top.node().get("name")->where, "name",
             fmt::format("expected a name that shows: not blank, without spaces (also invisible ones such as "
                         "U+00A0) at its ends and without control characters (tabs, line breaks) or "
                         "direction controls{}",
                         hidden.empty() ? "" : "; it has " + hidden));
  }
  // Shown in tables, the store and the report: line breaks and tabs are text, other control characters
  // (an escape sequence a terminal acts on) are not.
  if (auto t = text_shown(top.get("description"), "description", kMaxDescription, true)) s_.description = *t;
  caveats(top.get("caveats"));
  // A file named by another: `~` removes an inherited one (extends.h); an empty name ("") names none, and was
  // taken as `~`.
  auto file_name = [&](const char* key, std::string& into) {
    const Node* n = top.get(key);
    if (n == nullptr) return n;
    if (n->is(Node::Kind::Null)) return n;  // `~` names none, whether or not a parent names one
    if (auto t = text(n, key)) {
      if (t->empty() && n->is(Node::Kind::Scalar))
        d_.add(n->where, key, "an empty name: name a file, or write ~ to have none");
      into = *t;
    }
    return n;
  };
  comparator_ = file_name("comparator", s_.comparator);
  targets_ = file_name("targets", s_.targets_file);
  parameter_sets_ = file_name("parameter_sets", s_.parameter_sets_file);

  // Sizes first: refuse what cannot fit before anything else is read or allocated.
  const Node* pop_node = section(top, "population");
  std::optional<MapReader> pop;
  if (pop_node) {
    pop.emplace(*pop_node, "population", d_);
    // With neighbourhoods, each gives its households; a total given beside them must be their sum.
    const Node* nbh = pop_node->get("neighbourhoods");
    households_ = number_in(*pop, "households", Range{1, kInf, false, true}, nullptr, !nbh, false);
    if (nbh) {
      const std::optional<double> total = neighbourhood_households(*nbh);
      if (households_ && total && *households_ != *total)
        d_.add(pop_node->get("households")->where, "population.households",
               fmt::format(
                   "{} households, but the neighbourhoods hold {}: give the total of the neighbourhoods, "
                   "or leave it out",
                   count_text(*households_), count_text(*total)));
      households_ = total;
    }
  }
  simulation(section(top, "simulation"));
  if (households_ && *households_ > kMaxHouseholds) {
    RunEstimate e = estimate_run(*households_, 1, 0, 1);
    d_.add(
        pop_node->get("households") ? pop_node->get("households")->where : pop_node->where,
        "population.households",
        fmt::format("{} households is more than the limit of {}: the household state alone would need about "
                    "{} of memory ({} bytes per household)",
                    count_text(*households_), count_text(kMaxHouseholds), format_bytes(e.memory_bytes),
                    kBytesPerHousehold));
    households_.reset();
  }
  if (households_) s_.population.households = static_cast<int>(*households_);

  payers(section(top, "payers"));
  domains(section(top, "domains"));
  agencies(section(top, "agencies"));
  coverage();
  if (pop) population(*pop);
  fragmentation(section(top, "fragmentation"));
  ladder(section(top, "ladder"));
  coaches(section(top, "coaches", false));
  economics(section(top, "economics"));
  top.done();
  if (d_.empty()) {
    // Every value is within its own bounds; together they must not pass what 64-bit cents hold.
    cost_bound_ = max_cents_per_week(largest());
    const Node* n = &root;
    std::string_view rest = cost_bound_.key;
    while (n && !rest.empty()) {
      const std::size_t dot = rest.find('.');
      n = n->get(rest.substr(0, dot));
      rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    }
    cost_where_ = n ? n->where : root.where;
    if (auto p = cost_overflow(cost_bound_, cost_where_, s_.population.households, s_.simulation.years))
      d_.add(p->where, p->key, p->message);
  }
}

std::optional<Diagnostic> cost_overflow(const CostBound& bound, const Location& where, double households,
                                        int years) {
  const double run_cents = bound.cents_per_week * years * kWeeksPerYear;
  if (run_cents <= kMaxRunCents) return std::nullopt;
  return Diagnostic{
      where, bound.key,
      fmt::format("with {} households the costs of one run could reach {:.3g} euros in {} policy "
                  "year{} (every household with a problem in every domain), more than the {:.3g} "
                  "euros wijksim counts to the cent in 64-bit integers: this cost is far beyond "
                  "any real one",
                  count_text(households), run_cents / 100, years, years == 1 ? "" : "s", kMaxRunCents / 100)};
}

void ScenarioSchema::simulation(const Node* n) {
  if (!n) return;
  MapReader m(*n, "simulation", d_);
  // No upper bound here: sizes above the limits get the explanation below, not a bare range.
  constexpr Range kCount{1, kInf, false, true};
  auto years = number_in(m, "years", kCount, nullptr, true, false);
  auto warmup = number_in(m, "warmup_years", Range{0, kInf, false, true}, nullptr, true, false);
  auto reps = number_in(m, "replications", kCount, nullptr, true, false);
  if (const Node* seed = m.get("seed")) {
    std::uint64_t v = 0;
    const std::string& t = seed->text;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (!seed->is(Node::Kind::Scalar) || seed->quoted || ec != std::errc() || end != t.data() + t.size())
      d_.add(seed->where, "simulation.seed",
             fmt::format("expected a whole number from 0 to 18446744073709551615, found {}{}", found(*seed),
                         seed->quoted ? std::string(" ") + kNumberAsText : std::string()));
    else if (std::string advice = leading_zero_advice(t); !advice.empty())
      d_.add(seed->where, "simulation.seed", std::move(advice));
    else
      s_.simulation.seed = v;
  }
  m.done();
  // Estimates use what is known; an unknown size counts as the default.
  const double hh = households_.value_or(1000), y = years.value_or(s_.simulation.years),
               w = warmup.value_or(s_.simulation.warmup_years), r = reps.value_or(s_.simulation.replications);
  const RunEstimate e = estimate_run(hh, y, w, r);
  auto years_text = [](double v) { return fmt::format("{} year{}", count_text(v), v == 1 ? "" : "s"); };
  const std::string time = fmt::format(
      "the run ({} households, {} replications of {} plus a warm-up of {}) "
      "would take {} on one core",
      count_text(hh), count_text(r), years_text(y), years_text(w),
      std::isfinite(e.core_seconds) ? "about " + format_duration(e.core_seconds) : "longer than can be counted");
  const std::string memory = fmt::format(
      "keeping the weekly results would need {} of memory ({} weeks x {} replications)",
      std::isfinite(e.results_bytes) ? "about " + format_bytes(e.results_bytes) : "more than can be counted",
      count_text(y * kWeeksPerYear), count_text(r));
  auto too_large = [&](const char* key, double v, double limit, const char* what, const std::string& why) {
    d_.add(
        n->get(key)->where, sub_path("simulation", key),
        fmt::format("{} {} is more than the limit of {}: {}", count_text(v), what, count_text(limit), why));
  };
  if (years && *years > kMaxYears)
    too_large("years", *years, kMaxYears, "years", memory + ", and " + time);
  else if (years)
    s_.simulation.years = static_cast<int>(*years);
  if (warmup && *warmup > kMaxYears)
    too_large("warmup_years", *warmup, kMaxYears, "warm-up years",
              "the warm-up only has to reach the baseline's steady state, and " + time);
  else if (warmup)
    s_.simulation.warmup_years = static_cast<int>(*warmup);
  if (reps && *reps > kMaxReplications)
    too_large("replications", *reps, kMaxReplications, "replications", time + ", and " + memory);
  else if (reps)
    s_.simulation.replications = static_cast<int>(*reps);
}

// `caveats: {name: text, ...}`: a map, so that a file extending another keeps, replaces (by its name) or
// removes (`name: ~`, 4.8) each of its parent's.
void ScenarioSchema::caveats(const Node* n) {
  if (n == nullptr || n->is(Node::Kind::Null)) return;
  if (!n->is(Node::Kind::Map)) {
    d_.add(n->where, "caveats",
           fmt::format("expected a map of named caveats such as {{placement_price: \"Placements are priced "
                       "...\"}}, found {}",
                       found(*n)));
    return;
  }
  if (n->children.empty()) return;  // none, or every inherited one removed (`name: ~`)
  auto names = names_of(*n, "caveats", "caveat", "caveats", kMaxCaveats);
  if (!names) return;
  MapReader all(*n, "caveats", d_);
  for (const std::string& name : *names) {
    const Node* v = all.need(name);
    if (auto t = text_shown(v, sub_path("caveats", name), kMaxDescription, true)) {
      if (shows_blank(*t))
        d_.add(v->where, sub_path("caveats", name),
               "expected the caveat's text, found none: remove the caveat with '~' if it has nothing to say");
      else
        s_.caveats.emplace_back(name, *t);
    }
  }
  all.done();
}

void ScenarioSchema::payers(const Node* n) {
  if (!n) return;
  auto names = names_of(*n, "payers", "payer", "payers", kMaxPayers);
  if (!names) return;
  payer_names_ = std::move(*names);
  payers_ok_ = true;
  MapReader all(*n, "payers", d_);
  for (std::size_t i = 0; i < payer_names_.size(); ++i) {
    const std::string path = sub_path("payers", payer_names_[i]);
    all.get(payer_names_[i]);
    Payer p{payer_names_[i], payer_names_[i]};
    const Node& v = n->children[i];
    if (v.is(Node::Kind::Map)) {
      MapReader m(v, path, d_);
      if (auto t = shown_text(m, "label")) p.label = *t;
      m.done();
    } else if (!v.is(Node::Kind::Null)) {
      d_.add(v.where, path,
             fmt::format("expected a map such as {{label: Municipality}}, found {}", found(v)));
    }
    s_.payers.push_back(p);
  }
  all.done();
  std::vector<std::string> labels;
  for (const Payer& p : s_.payers) labels.push_back(p.label);
  distinct_labels(*n, "payers", "payer", labels);
}

void ScenarioSchema::domains(const Node* n) {
  if (!n) return;
  auto names = names_of(*n, "domains", "domain", "domains", kMaxDomains);
  if (!names) return;
  domain_names_ = std::move(*names);
  domains_ok_ = true;
  domain_where_ = n->key_where;
  MapReader all(*n, "domains", d_);
  s_.domains.resize(domain_names_.size());
  for (std::size_t i = 0; i < domain_names_.size(); ++i) {
    all.get(domain_names_[i]);
    const std::string path = sub_path("domains", domain_names_[i]);
    Domain& dom = s_.domains[i];
    dom.name = dom.label = domain_names_[i];
    const Node& v = n->children[i];
    if (!v.is(Node::Kind::Map)) {
      d_.add(v.where, path, fmt::format("expected a map, found {}", found(v)));
      continue;
    }
    auto D = [i](Scenario& s) -> Domain& { return s.domains[i]; };
    MapReader m(v, path, d_);
    if (auto t = shown_text(m, "label")) dom.label = *t;
    number_in(m, "incidence_per_year", kNonNeg, field(D, &Domain::incidence_per_year));
    number_in(m, "rung_factor", kNonNeg, field(D, &Domain::rung_factor));
    number_in(m, "clustering_factor", kNonNeg, field(D, &Domain::clustering_factor));
    number_in(m, "resolution_per_year", kNonNeg, field(D, &Domain::resolution_per_year));
    number_in(m, "complex_share", kShare, field(D, &Domain::complex_share));
    number_in(m, "seek_help_per_year", kNonNeg, field(D, &Domain::seek_help_per_year));
    number_in(m, "escalation_per_year", kNonNeg, field(D, &Domain::escalation_per_year));
    number_in(m, "escalation_growth_per_year", kNonNeg, field(D, &Domain::escalation_growth_per_year));
    if (const Node* e = section(m, "escalation")) {
      MapReader em(*e, m.sub("escalation"), d_);
      if (auto t = shown_text(em, "event", true)) {
        s_.domains[i].escalation_event = *t;
        // An event names a row of the escalation tables, a CSV column (escalations/<event>) and a calibration
        // measure (escalations.<event>); domains with the same name are added. An empty name dropped its
        // escalations from the tables while their costs stayed in the budget, and "crisis admission" beside
        // "crisis_admission", or "eviction_" beside "eviction", printed two rows alike (outside attack 61).
        if (const Location at = em.node().get("event")->where; !event_name(*t) && !d_.any_at(at))
          d_.add(at, em.sub("event"),
                 fmt::format("expected an event name of lower-case letters and digits, words joined by one "
                             "underscore (as crisis_admission), found '{}': it names a row of the tables, a "
                             "column of the CSV and the calibration measure escalations.<event>",
                             *t));
      }
      number_in(em, "cost", kMoney, field(D, &Domain::escalation_cost));
      if (auto p = ref(em.need("payer"), em.sub("payer"), payer_names_, "payer", payers_ok_))
        s_.domains[i].escalation_payer = *p;
      if (const Node* sp = section(em, "spell", false)) {
        // Social assistance: the escalation starts a spell that costs every week until the household leaves.
        MapReader sm(*sp, em.sub("spell"), d_);
        s_.domains[i].spell = true;
        number_in(sm, "exit_per_year", kNonNeg, field(D, &Domain::spell_exit_per_year));
        number_in(sm, "cost_per_year", kMoney, field(D, &Domain::spell_cost_per_year));
        number_in(sm, "transfer_per_year", kMoney, field(D, &Domain::spell_transfer_per_year));
        sm.done();
        if (spell_where_)
          d_.add(
              sp->where, em.sub("spell"),
              fmt::format("only one domain's escalation may start a spell; {} already does", *spell_where_));
        else
          spell_where_ = m.sub("escalation");
      }
      em.done();
    }
    m.done();
  }
  all.done();
  std::vector<std::string> labels;
  for (const Domain& d : s_.domains) labels.push_back(d.label);
  distinct_labels(*n, "domains", "domain", labels);
}

void ScenarioSchema::agencies(const Node* n) {
  if (!n) return;
  auto names = names_of(*n, "agencies", "agency", "agencies", kMaxAgencies);
  if (!names) return;
  agency_names_ = std::move(*names);
  MapReader all(*n, "agencies", d_);
  s_.agencies.resize(agency_names_.size());
  for (std::size_t i = 0; i < agency_names_.size(); ++i) {
    all.get(agency_names_[i]);
    const std::string path = sub_path("agencies", agency_names_[i]);
    s_.agencies[i].name = s_.agencies[i].label = agency_names_[i];
    const Node& v = n->children[i];
    if (!v.is(Node::Kind::Map)) {
      d_.add(v.where, path, fmt::format("expected a map, found {}", found(v)));
      agency_domains_ok_ = false;
      continue;
    }
    auto A = [i](Scenario& s) -> Agency& { return s.agencies[i]; };
    MapReader m(v, path, d_);
    if (auto t = shown_text(m, "label")) s_.agencies[i].label = *t;
    if (!agency_domains(m.need("domains"), m.sub("domains"), s_.agencies[i])) agency_domains_ok_ = false;
    const Node* cap = m.get("capacity");
    const Node* per = m.get("capacity_per_1000_households");
    if (cap && per) {
      d_.add(per->where, m.sub("capacity_per_1000_households"),
             "give either capacity or capacity_per_1000_households, not both");
    } else if (cap) {
      number(*cap, m.sub("capacity"), Range{0, kHuge, false, true}, field(A, &Agency::capacity));
    } else if (per) {
      // Concurrent cases scale with the population: round(x * households / 1000), at least one.
      const double hh = households_.value_or(0);
      Set set = nullptr;
      if (households_)
        set = [i, hh](Scenario& s, double x) {
          s.agencies[i].capacity = static_cast<int>(std::max(1.0, std::round(x * hh / 1000.0)));
        };
      number(*per, m.sub("capacity_per_1000_households"), Range{0, 1000}, set);
    } else {
      m.missing("capacity", "missing required key 'capacity' (or 'capacity_per_1000_households')",
                {"capacity_per_1000_households"});
    }
    number_in(m, "intake_cost", kMoney, field(A, &Agency::intake_cost));
    number_in(m, "intake_weeks", kWeeks, field(A, &Agency::intake_weeks));
    number_in(m, "cost_per_case_week", kMoney, field(A, &Agency::cost_per_case_week));
    number_in(m, "treatment_weeks", kPositive, field(A, &Agency::treatment_weeks));
    number_in(m, "success_probability", kProbability, field(A, &Agency::success_probability));
    if (auto p = ref(m.need("payer"), m.sub("payer"), payer_names_, "payer", payers_ok_))
      s_.agencies[i].payer = *p;
    number_in(m, "presence", kProbability, field(A, &Agency::presence), false);
    number_in(m, "cooperation", kProbability, field(A, &Agency::cooperation), false);
    // Fixed: the shares must add up to the whole coach budget in every draw.
    number_in(m, "reallocation_share", kShare, field(A, &Agency::reallocation_share), false, false);
    // How it is paid (README, "Who pays"): a budget per place (the default: most municipal and subsidised
    // services) or per intake and case-week.
    if (auto f = choice(m.get("funding"), m.sub("funding"), {"capacity", "activity"}))
      s_.agencies[i].funding = *f == "activity" ? AgencyFunding::Activity : AgencyFunding::Capacity;
    number_in(m, "cases_per_fte", kNonNeg, field(A, &Agency::cases_per_fte), false);
    m.done();
  }
  all.done();
  std::vector<std::string> labels;
  for (const Agency& a : s_.agencies) labels.push_back(a.label);
  distinct_labels(*n, "agencies", "agency", labels);
}

// An agency's list of domains; false when it could not be read completely.
bool ScenarioSchema::agency_domains(const Node* n, const std::string& path, Agency& a) {
  if (!n) return false;
  if (!n->is(Node::Kind::List)) {
    d_.add(n->where, path,
           fmt::format("expected a list of domain names such as [money, housing], found {}", found(*n)));
    return false;
  }
  if (n->children.empty()) {
    d_.add(n->where, path, "an agency must serve at least one domain, found an empty list");
    return false;
  }
  bool ok = true;
  for (std::size_t k = 0; k < n->children.size(); ++k) {
    auto d = ref(&n->children[k], index_path(path, k), domain_names_, "domain", domains_ok_);
    if (!d || *d >= kMaxDomains) {
      ok = false;
      continue;
    }
    if (a.domain_mask & (1u << *d)) {
      d_.add(n->children[k].where, index_path(path, k),
             fmt::format("domain '{}' is listed twice", n->children[k].text));
      continue;
    }
    a.domain_mask |= 1u << *d;
  }
  return ok;
}

// Every domain needs an agency: complex problems can only be treated in the second line. Not checked when
// an agency's domains could not be read (a misspelt domain there is the problem already reported).
void ScenarioSchema::coverage() {
  if (agency_names_.empty() || !domains_ok_ || !agency_domains_ok_) return;
  std::uint32_t served = 0;
  for (const Agency& a : s_.agencies) served |= a.domain_mask;
  for (std::size_t d = 0; d < domain_names_.size(); ++d)
    if (!(served & (1u << d)))
      d_.add(
          domain_where_[d], sub_path("domains", domain_names_[d]),
          fmt::format("no agency serves domain '{}': its complex problems could never be treated (add it to "
                      "an agency's domains)",
                      domain_names_[d]));
}

std::optional<double> ScenarioSchema::neighbourhood_households(const Node& n) const {
  // A first look, for the sizes and the agencies' capacities: population() reads each neighbourhood fully
  // and reports what is wrong.
  if (!n.is(Node::Kind::Map) || n.keys.empty()) return std::nullopt;
  double total = 0;
  for (const Node& v : n.children) {
    const Node* h = v.is(Node::Kind::Map) ? v.get("households") : nullptr;
    double x = 0;
    if (!h || !h->is(Node::Kind::Scalar) || h->quoted || !parse_double(h->text, x) || !(x >= 1) ||
        x != std::floor(x))
      return std::nullopt;
    total += x;
  }
  return total;
}

void ScenarioSchema::neighbourhoods(const Node& n, std::size_t rows) {
  const std::string path = "population.neighbourhoods";
  auto names = names_of(n, path, "neighbourhood", "neighbourhoods", kMaxNeighbourhoods);
  if (!names) return;
  MapReader all(n, path, d_);
  s_.population.neighbourhoods.resize(names->size());
  for (std::size_t i = 0; i < names->size(); ++i) {
    all.get((*names)[i]);
    const std::string npath = sub_path(path, (*names)[i]);
    NeighbourhoodSpec& spec = s_.population.neighbourhoods[i];
    spec.name = (*names)[i];
    const Node& v = n.children[i];
    if (!v.is(Node::Kind::Map)) {
      d_.add(v.where, npath, fmt::format("expected a map such as {{households: 8000}}, found {}", found(v)));
      continue;
    }
    auto N = [i](Scenario& s) -> NeighbourhoodSpec& { return s.population.neighbourhoods[i]; };
    MapReader m(v, npath, d_);
    number_in(m, "households", Range{1, kMaxHouseholds, false, true},
              field(N, &NeighbourhoodSpec::households), true, false);
    number_in(m, "incidence_factor", kNonNeg, field(N, &NeighbourhoodSpec::incidence_factor), false);
    const std::size_t nd = domains_ok_ ? domain_names_.size() : static_cast<std::size_t>(kMaxDomains);
    if (const Node* c = m.get("problem_count_shares")) {
      if (auto counts =
              shares(c, m.sub("problem_count_shares"), 0, nd + 1,
                     fmt::format("1 to {} shares (0 to {} problems, at most one per domain)", nd + 1, nd),
                     [i](Scenario& s, const std::vector<double>& x) {
                       s.population.neighbourhoods[i].problem_count_shares = x;
                     });
          counts && rows > 0 && counts->size() > rows)
        d_.add(c->where, m.sub("problem_count_shares"),
               fmt::format("{} shares, but population.professionals_given_problems has {} rows",
                           counts->size(), rows));
    }
    if (const Node* r = m.get("rung_shares"))
      shares(r, m.sub("rung_shares"), kRungs, kRungs, "6 shares (rungs 1 to 6)",
             [i](Scenario& s, const std::vector<double>& x) {
               std::array<double, kRungs> a{};
               std::copy(x.begin(), x.end(), a.begin());
               s.population.neighbourhoods[i].rung_shares = a;
             });
    if (const Node* t = section(m, "trust", false)) {
      MapReader tm(*t, m.sub("trust"), d_);
      number_in(tm, "mean", kFraction, field(N, &NeighbourhoodSpec::trust_mean), false);
      number_in(tm, "sd", kFraction, field(N, &NeighbourhoodSpec::trust_sd), false);
      tm.done();
    }
    m.done();
  }
  all.done();
}

void ScenarioSchema::population(MapReader& m) {
  // Without a usable domains section the number of problems is unknown: any length up to the maximum.
  const std::size_t nd = domains_ok_ ? domain_names_.size() : static_cast<std::size_t>(kMaxDomains);
  auto counts =
      shares(m.need("problem_count_shares"), m.sub("problem_count_shares"), 0, nd + 1,
             fmt::format("1 to {} shares (0 to {} problems, at most one per domain)", nd + 1, nd),
             [](Scenario& s, const std::vector<double>& v) { s.population.problem_count_shares = v; });
  if (const Node* rows = m.need("professionals_given_problems")) {
    const std::string path = m.sub("professionals_given_problems");
    if (!rows->is(Node::Kind::List)) {
      d_.add(rows->where, path,
             fmt::format("expected a list of rows (one per problem count), found {}", found(*rows)));
    } else {
      if (counts && rows->children.size() != counts->size())
        d_.add(rows->where, path,
               fmt::format("expected {} rows (one per problem count in problem_count_shares), found {}",
                           counts->size(), rows->children.size()));
      s_.population.professionals_given_problems.assign(rows->children.size(), std::vector<double>(4, 0.0));
      for (std::size_t k = 0; k < rows->children.size(); ++k) {
        auto row =
            shares(&rows->children[k], index_path(path, k), 4, 4, "4 shares (0, 1, 2, 3+ professionals)",
                   [k](Scenario& s, const std::vector<double>& v) {
                     s.population.professionals_given_problems[k] = v;
                   });
        if (k == 0 && row && (*row)[0] != 1.0)
          d_.add(
              rows->children[k].where, index_path(path, k),
              "households without problems have no professionals in the model: row 0 must be [1, 0, 0, 0]");
      }
    }
  }
  shares(m.need("rung_shares"), m.sub("rung_shares"), kRungs, kRungs, "6 shares (rungs 1 to 6)",
         [](Scenario& s, const std::vector<double>& v) {
           std::copy(v.begin(), v.end(), s.population.rung_shares.begin());
         });
  if (const Node* t = section(m, "trust")) {
    MapReader tm(*t, m.sub("trust"), d_);
    auto P = [](Scenario& s) -> Population& { return s.population; };
    number_in(tm, "mean", kFraction, field(P, &Population::trust_mean));
    number_in(tm, "sd", kFraction, field(P, &Population::trust_sd));
    // The share of the distance to the usual level regained in a year: at most all of it.
    number_in(tm, "recovery_per_year", kShare, field(P, &Population::trust_recovery_per_year), false);
    tm.done();
  }
  if (const Node* n = m.get("neighbourhoods"))
    neighbourhoods(*n, s_.population.professionals_given_problems.size());
  m.done();
}

void ScenarioSchema::fragmentation(const Node* n) {
  if (!n) return;
  MapReader m(*n, "fragmentation", d_);
  auto F = [](Scenario& s) -> Fragmentation& { return s.fragmentation; };
  number_in(m, "wrong_agency_probability", kProbability, field(F, &Fragmentation::wrong_agency_probability));
  // Bounces are addressed as index d*16 + attempt in Stream::Bounce: at most 16.
  number_in(m, "max_bounces", Range{1, 16, false, true}, field(F, &Fragmentation::max_bounces));
  number_in(m, "bounce_weeks", kWeeks, field(F, &Fragmentation::bounce_weeks));
  number_in(m, "bounce_trust_loss", kFraction, field(F, &Fragmentation::bounce_trust_loss));
  number_in(m, "search_weeks", kWeeks, field(F, &Fragmentation::search_weeks));
  number_in(m, "seek_trust_floor", kFraction, field(F, &Fragmentation::seek_trust_floor));
  number_in(m, "duplicate_probability", kProbability, field(F, &Fragmentation::duplicate_probability));
  number_in(m, "duplicate_cost_share", kShare, field(F, &Fragmentation::duplicate_cost_share));
  number_in(m, "success_loss_per_extra_professional", kFraction,
            field(F, &Fragmentation::success_loss_per_extra_professional));
  number_in(m, "success_trust_gain", kFraction, field(F, &Fragmentation::success_trust_gain));
  number_in(m, "failure_trust_loss", kFraction, field(F, &Fragmentation::failure_trust_loss));
  number_in(m, "escalation_in_treatment_factor", kNonNeg,
            field(F, &Fragmentation::escalation_in_treatment_factor));
  m.done();
}

void ScenarioSchema::ladder(const Node* n) {
  if (!n) return;
  MapReader m(*n, "ladder", d_);
  auto L = [](Scenario& s) -> Ladder& { return s.ladder; };
  number_in(m, "climb_per_year", kNonNeg, field(L, &Ladder::climb_per_year));
  number_in(m, "climb_factor_per_problem", kNonNeg, field(L, &Ladder::climb_factor_per_problem));
  number_in(m, "drop_per_year", kNonNeg, field(L, &Ladder::drop_per_year), false);
  number_in(m, "drop_per_year_per_problem", kNonNeg, field(L, &Ladder::drop_per_year_per_problem));
  number_in(m, "escalation_drop_probability", kProbability, field(L, &Ladder::escalation_drop_probability));
  m.done();
}

// A map with one probability per domain, into a vector in domain order.
void ScenarioSchema::per_domain(const Node* n, const std::string& path,
                                std::vector<double> Coaches::*member) {
  (s_.coaches.*member).assign(domain_names_.size(), 0.0);
  if (!n || !domains_ok_) return;  // without domains there is nothing to check the keys against
  if (!n->is(Node::Kind::Map)) {
    d_.add(n->where, path,
           fmt::format("expected a map with one value per domain ({}), found {}", join(domain_names_),
                       found(*n)));
    return;
  }
  MapReader m(*n, path, d_);
  for (std::size_t d = 0; d < domain_names_.size(); ++d) {
    const Node* v = m.get(domain_names_[d]);
    if (!v) {
      m.missing(domain_names_[d],
                fmt::format("missing domain '{}' (one value per domain is needed)", domain_names_[d]));
      continue;
    }
    number(*v, m.sub(domain_names_[d]), kProbability,
           [member, d](Scenario& s, double x) { (s.coaches.*member)[d] = x; });
  }
  m.done("domain");
}

// The scale-up's steps: from policy year `year` on, the first `teams` teams with `fte` FTE between them.
void ScenarioSchema::schedule(const Node& n, const std::string& path) {
  if (!n.is(Node::Kind::List) || n.children.empty()) {
    d_.add(n.where, path,
           fmt::format("expected a list of steps such as [{{year: 0, teams: 5, fte: 40}}, ...], found {}",
                       found(n)));
    return;
  }
  Coaches& c = s_.coaches;
  for (std::size_t k = 0; k < n.children.size(); ++k) {
    const Node& step = n.children[k];
    const std::string spath = index_path(path, k);
    if (!step.is(Node::Kind::Map)) {
      d_.add(step.where, spath, fmt::format("expected a map {{year, teams, fte}}, found {}", found(step)));
      continue;
    }
    MapReader m(step, spath, d_);
    const auto year = number_in(m, "year", Range{0, kMaxYears, false, true}, nullptr, true, false);
    const auto teams = number_in(m, "teams", Range{1, 255, false, true}, nullptr, true, false);
    const auto fte = number_in(m, "fte", kFte, nullptr, true, false);
    m.done();
    if (!year || !teams || !fte) continue;
    if (k == 0 && *year != 0) d_.add(step.where, spath, "the first step starts in year 0 (the policy start)");
    if (k > 0 && !c.schedule.empty() && *year * kWeeksPerYear <= c.schedule.back().week)
      d_.add(step.where, spath, "steps must follow each other in time: each year later than the one before");
    if (c.teams > 0 && *teams > c.teams)
      d_.add(step.where, sub_path(spath, "teams"),
             // Said with what it counts and what it may be ("2 teams, but there are 1": outside attack 46).
             fmt::format(
                 "expected a whole number from 1 to {} (the scenario has {} coach team{}: coaches.teams, "
                 "or one per neighbourhood), found {}",
                 c.teams, c.teams, c.teams == 1 ? "" : "s", *teams));
    c.schedule.push_back({static_cast<int>(*year) * kWeeksPerYear, static_cast<int>(*teams), *fte});
  }
  // The coaches' FTE is that of the full scale: the last step's.
  if (!c.schedule.empty()) c.fte = c.schedule.back().fte;
}

void ScenarioSchema::coaches(const Node* n) {
  s_.coaches.notice_per_week.assign(domain_names_.size(), 0.0);
  s_.coaches.solve_per_week.assign(domain_names_.size(), 0.0);
  if (!n) return;  // no coaches: the fragmented baseline
  MapReader m(*n, "coaches", d_);
  Coaches& c = s_.coaches;
  if (auto on = boolean(m.need("enabled"), m.sub("enabled"))) c.enabled = *on;
  const bool req = c.enabled;  // a disabled block may be partial; what it gives is still checked
  auto C = [](Scenario& s) -> Coaches& { return s.coaches; };
  // With a schedule, coaches.fte is the full scale (the last step's, set by the schedule below); a
  // sensitivity setting or sweep of it scales every step in proportion. A distribution on it, a sets column
  // and a value that would be replaced unseen are refused where the extends chain is known
  // (scenario_source.cpp, check_fte_beside_schedule).
  const Set set_fte = [](Scenario& s, double v) {
    Coaches& co = s.coaches;
    if (!co.schedule.empty() && co.fte > 0)
      for (CoachPhase& step : co.schedule) step.fte *= v / co.fte;
    co.fte = v;
  };
  number_in(m, "fte", req ? kFte : kFteOff, set_fte, req && !m.node().get("schedule"));
  // With neighbourhoods, one team serves each; otherwise coaches.teams split the households evenly.
  const std::size_t areas = s_.population.neighbourhoods.size();
  if (auto t = number_in(m, "teams", Range{1, 255, false, true}, field(C, &Coaches::teams), req && areas == 0,
                         false)) {
    if (households_ && *t > *households_)
      d_.add(
          n->get("teams")->where, m.sub("teams"),
          fmt::format("{} teams for {} households: a team needs at least one household", *t, *households_));
    else if (areas > 0 && *t != static_cast<double>(areas))
      d_.add(
          n->get("teams")->where, m.sub("teams"),
          fmt::format("{} teams, but the population has {} neighbourhoods and each has one team: leave teams "
                      "out, or give {}",
                      *t, areas, areas));
  }
  if (areas > 0) c.teams = static_cast<int>(areas);
  auto norm =
      number_in(m, "caseload_norm_per_fte", kCaseload, field(C, &Coaches::caseload_norm_per_fte), req);
  auto cap = number_in(m, "caseload_cap_per_fte", kCaseload, field(C, &Coaches::caseload_cap_per_fte), req);
  if (norm && cap && *cap < *norm)
    d_.add(n->get("caseload_cap_per_fte")->where, m.sub("caseload_cap_per_fte"),
           fmt::format("the caseload cap ({} per FTE) is below the caseload norm ({} per FTE)", *cap, *norm));
  number_in(m, "cost_per_fte_year", kMoney, field(C, &Coaches::cost_per_fte_year), req);
  const Node* funding_node = m.need("funding", req);
  if (auto f = choice(funding_node, m.sub("funding"), {"additional", "reallocated"}))
    c.funding = *f == "additional" ? Funding::Additional : Funding::Reallocated;
  const bool additional = c.funding == Funding::Additional;
  if (auto p = ref(m.need("funding_payer", req && additional), m.sub("funding_payer"), payer_names_, "payer",
                   payers_ok_))
    c.funding_payer = *p;
  per_domain(m.need("notice_per_week", req), m.sub("notice_per_week"), &Coaches::notice_per_week);
  per_domain(m.need("solve_per_week", req), m.sub("solve_per_week"), &Coaches::solve_per_week);
  number_in(m, "competence_spread", kFraction, field(C, &Coaches::competence_spread), req);
  number_in(m, "outreach_per_year", kNonNeg, field(C, &Coaches::outreach_per_year), req);
  number_in(m, "self_referral_per_year", kNonNeg, field(C, &Coaches::self_referral_per_year), req);
  number_in(m, "mandate_probability", kProbability, field(C, &Coaches::mandate_probability), req);
  number_in(m, "privacy_probability", kProbability, field(C, &Coaches::privacy_probability), req);
  number_in(m, "privacy_delay_weeks", kWeeks, field(C, &Coaches::privacy_delay_weeks), req);
  number_in(m, "coordination", kProbability, field(C, &Coaches::coordination), req);
  number_in(m, "coordination_success_gain", kFraction, field(C, &Coaches::coordination_success_gain), req);
  number_in(m, "going_native_probability", kProbability, field(C, &Coaches::going_native_probability), req);
  number_in(m, "activation_per_year", kNonNeg, field(C, &Coaches::activation_per_year), req);
  number_in(m, "overload_slope", kNonNeg, field(C, &Coaches::overload_slope), req);
  number_in(m, "min_effectiveness", kFraction, field(C, &Coaches::min_effectiveness), req);
  number_in(m, "close_after_quiet_weeks", kWeeks, field(C, &Coaches::close_after_quiet_weeks), req);
  number_in(m, "max_weeks", kWeeksPositive, field(C, &Coaches::max_weeks), req);
  number_in(m, "relapse_factor", kNonNeg, field(C, &Coaches::relapse_factor), req);
  number_in(m, "relapse_weeks", kWeeks, field(C, &Coaches::relapse_weeks), req);
  number_in(m, "trust_gain_per_year", kNonNeg, field(C, &Coaches::trust_gain_per_year), req);
  number_in(m, "new_cases_per_fte_week", kNonNeg, field(C, &Coaches::new_cases_per_fte_week), false);
  if (const Node* sch = m.get("schedule")) schedule(*sch, m.sub("schedule"));
  m.done();
  // Reallocated funding books the whole coach budget on agencies by their shares: they must add up.
  if (c.enabled && !additional && funding_node && !s_.agencies.empty()) {
    double sum = 0;
    for (const Agency& a : s_.agencies) sum += a.reallocation_share;
    if (std::fabs(sum - 1) > kShareTolerance)
      d_.add(funding_node->where, m.sub("funding"),
             fmt::format(
                 "reallocated funding needs the agencies' reallocation_share to sum to 1 (the whole coach "
                 "budget), found {:.6g}",
                 sum));
  }
  // A cut larger than an agency's capacity cannot pay for the coaches (checked once the rest is sound).
  if (const std::string why = d_.empty() ? reallocation_problem(s_) : ""; !why.empty() && funding_node)
    d_.add(funding_node->where, m.sub("funding"), why);
}

void ScenarioSchema::economics(const Node* n) {
  if (!n) return;
  MapReader m(*n, "economics", d_);
  auto E = [](Scenario& s) -> Economics& { return s.economics; };
  // The guideline's rates (model/discount_guideline.h); an explicit rate overrides the guideline's
  // (sensitivity analysis).
  auto g = choice(m.get("guideline"), m.sub("guideline"),
                  {to_string(DiscountGuideline::Dutch2024), to_string(DiscountGuideline::Dutch2016)});
  if (DiscountGuideline guideline{}; g && parse_discount_guideline(*g, guideline)) {
    const DiscountRates rates = discount_rates(guideline);
    s_.economics.discount_costs = rates.costs;
    s_.economics.discount_effects = rates.effects;
  }
  const bool need_rates = !m.node().get("guideline");
  for (const char* key : {"discount_costs", "discount_effects"}) {
    const Node* v = m.get(key);
    if (!v && need_rates)
      m.missing(key,
                fmt::format("missing required key '{}' (or give a guideline: dutch-2024 or dutch-2016)", key),
                {"guideline"});
    if (v)
      number(*v, m.sub(key), Range{0, 1, false, false, "a yearly rate"},
             std::string_view(key) == "discount_costs" ? field(E, &Economics::discount_costs)
                                                       : field(E, &Economics::discount_effects));
  }
  number_in(m, "willingness_to_pay", kMoney, field(E, &Economics::willingness_to_pay));
  if (const Node* u = m.get("utility_by_problems")) {
    const std::string path = m.sub("utility_by_problems");
    if (!u->is(Node::Kind::List) || u->children.empty() || u->children.size() > kMaxDomains + 1) {
      const std::string what = !u->is(Node::Kind::List) ? found(*u)
                               : u->children.empty()    ? std::string("an empty list")
                                                        : fmt::format("{} weights", u->children.size());
      d_.add(u->where, path,
             fmt::format("expected a list of 1 to {} utility weights from 0 to 1, for households with 0, 1, "
                         "2, ... problems (the last for more), found {}",
                         kMaxDomains + 1, what));
    } else {
      s_.economics.utility_by_problems.assign(u->children.size(), 1.0);
      for (std::size_t i = 0; i < u->children.size(); ++i)
        number(u->children[i], index_path(path, i), kFraction,
               [i](Scenario& s, double v) { s.economics.utility_by_problems[i] = v; });
    }
  }
  m.done();
}

}  // namespace wijksim::loader
