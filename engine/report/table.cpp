#include "wijksim/report/table.h"

namespace wijksim {

const char* to_string(Unit u) {
  switch (u) {
    case Unit::Count:
      return "count";
    case Unit::Share:
      return "share";
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
    case Unit::Trust:
      return "trust_0_1";
    case Unit::Rung:
      return "rung";
    case Unit::Years:
      return "years";
    case Unit::Parameter:
      return "parameter";
  }
  return "count";
}

}  // namespace wijksim
