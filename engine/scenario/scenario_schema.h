// Stage 3 of reading a scenario (scenario_source.h), its structural half: the schema. Which sections and keys
// a scenario has, what each one means for the model (units, per-1,000-household capacities, rates per year),
// and the checks across sections (every domain served by an agency, a comparator on the same population).
// The values themselves are read by the parameter dictionary (parameter_reader.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wijksim/model/run_size.h"
#include "wijksim/scenario/parameter_reader.h"

namespace wijksim::loader {

class ScenarioSchema : public ParameterReader {
 public:
  using ParameterReader::ParameterReader;

  // Reads the resolved tree of a scenario into scenario(), uncertain() and setters(); every problem goes to
  // the Diags given to the constructor.
  void run(const Node& root);
  const Node* comparator_node() const { return comparator_; }
  const Node* targets_node() const { return targets_; }
  // The bound on a policy week's costs (model/run_size.h) at the largest values the parameters can take, and
  // where the setting of its largest term is written; set by run() when the scenario has no other problem.
  const CostBound& cost_bound() const { return cost_bound_; }
  const Location& cost_where() const { return cost_where_; }
  const Node* parameter_sets_node() const { return parameter_sets_; }

 private:
  // A text shown as one line in the tables, the store and the report (a label, an event's name): refused with
  // a control character or a direction control in it. `required`: its absence is reported too.
  std::optional<std::string> shown_text(MapReader& m, std::string_view key, bool required = false);
  // The labels of one section's entries (payers, domains, agencies; `labels` in the order of `n`'s keys):
  // each shows as written (no blank at its ends) and reads apart from the others (see the definition).
  void distinct_labels(const Node& n, const std::string& section, const char* entry,
                       const std::vector<std::string>& labels);

  void simulation(const Node* n);

  void caveats(const Node* n);
  void payers(const Node* n);

  void domains(const Node* n);

  void agencies(const Node* n);

  // An agency's list of domains; false when it could not be read completely.
  bool agency_domains(const Node* n, const std::string& path, Agency& a);

  // Every domain needs an agency: complex problems can only be treated in the second line. Not checked when
  // an agency's domains could not be read (a misspelt domain there is the problem already reported).
  void coverage();

  void population(MapReader& m);

  void fragmentation(const Node* n);

  void ladder(const Node* n);

  // A map with one probability per domain, into a vector in domain order.
  void per_domain(const Node* n, const std::string& path, std::vector<double> Coaches::*member);

  void coaches(const Node* n);

  void economics(const Node* n);

  std::optional<double> neighbourhood_households(const Node& n) const;
  void schedule(const Node& n, const std::string& path);
  void neighbourhoods(const Node& n, std::size_t rows);

  std::optional<double> households_;
  std::optional<std::string> spell_where_;  // the escalation that starts a spell
  std::vector<std::string> payer_names_, domain_names_, agency_names_;
  bool payers_ok_ = false, domains_ok_ = false;  // the section is there and its names can be referred to
  bool agency_domains_ok_ = true;                // every agency's domains were read without a problem
  std::vector<Location> domain_where_;
  const Node* comparator_ = nullptr;
  const Node* targets_ = nullptr;
  CostBound cost_bound_;
  Location cost_where_;
  const Node* parameter_sets_ = nullptr;
};

// The diagnostic, at `where`, when the costs of one run of `households` households over `years` policy years
// could pass what 64-bit cents hold (`bound` from max_cents_per_week); nullopt when they cannot.
std::optional<Diagnostic> cost_overflow(const CostBound& bound, const Location& where, double households,
                                        int years);

}  // namespace wijksim::loader
