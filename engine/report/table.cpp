#include "wijksim/report/table.h"

#include "wijksim/analysis/honest_uncertainty.h"

namespace wijksim {

const char* to_string(Unit u) {
  switch (u) {
    case Unit::Count:
      return "count";
    case Unit::Share:
      return "share";
    case Unit::SharePoints:
      return "share_points";
    case Unit::Euro:
      return "euro";
    case Unit::Weeks:
      return "weeks";
    case Unit::PerYear:
      return "per_year";
    case Unit::PerThousandYear:
      return "per_1000_households_per_year";
    case Unit::PerThousand:
      return "per_1000_households";
    case Unit::PerFte:
      return "households_per_fte";
    case Unit::Fte:
      return "fte";
    case Unit::Trust:
      return "trust_0_1";
    case Unit::Rung:
      return "rung";
    case Unit::Years:
      return "years";
    case Unit::Value:
      return "value";
  }
  return "count";
}

Unit unit_from_string(const std::string& name) {
  static const Unit all[] = {
      Unit::Count,   Unit::Share,           Unit::SharePoints, Unit::Euro,   Unit::Weeks,
      Unit::PerYear, Unit::PerThousandYear, Unit::PerThousand, Unit::PerFte, Unit::Trust,
      Unit::Rung,    Unit::Years,           Unit::Value,       Unit::Fte};
  for (Unit u : all)
    if (name == to_string(u)) return u;
  return Unit::Count;
}

std::string interval_kind::spread(const std::string& over, std::size_t n) {
  return over +
         (n >= static_cast<std::size_t>(kPercentileDraws) ? "_2.5_97.5_percentiles" : "_lowest_highest");
}

std::string interval_kind::over_draws(std::size_t draws) {
  return draws > 1 ? spread("draws", draws) : std::string(kMean);
}

const Row* row_of(const Table* t, const std::string& key) {
  if (!t) return nullptr;
  for (const Row& r : t->rows)
    if (r.key == key) return &r;
  return nullptr;
}

const Cell* cell_of(const Table* t, const std::string& row, const std::string& column) {
  const Row* r = row_of(t, row);
  if (!r) return nullptr;
  for (std::size_t c = 0; c < t->columns.size() && c < r->cells.size(); ++c)
    if (t->columns[c].key == column) return &r->cells[c];
  return nullptr;
}

}  // namespace wijksim
