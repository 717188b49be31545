#include "wijksim/report/terms.h"

#include <array>

namespace wijksim {

std::span<const Term> terms() {
  static constexpr std::array kTerms{
      Term{"Comparator", "the scenario an option is measured against"},
      Term{"Problem-free household-year",
           "the effect measure; a household that has no active problem for a whole year counts as one"},
      Term{"Society's view",
           "every payer's euros but transfers (social assistance paid to households, a cost to its payer and "
           "income to the household); a payer's cash includes them"},
      Term{"ICER (incremental cost-effectiveness ratio)",
           "the extra cost for each extra problem-free household-year"},
      Term{"Dominant", "cheaper and more effective (no ratio is given then)"},
      Term{"Dominated", "dearer and less effective (no ratio is given then)"},
      Term{"Net monetary benefit", "the extra years valued at the willingness to pay, minus the extra cost"},
      Term{"Efficiency frontier",
           "the options worth considering, each against the next cheaper one; an option is extendedly "
           "dominated when a mix of its neighbours would do better"},
      Term{"Places funded",
           "an agency's capacity, the cases it can treat at once; cut where the coaches are paid from its "
           "budget"},
      Term{
          "EVPI and EVPPI",
          "what knowing all (or some) uncertain parameters for certain would be worth, per household and for "
          "the population"},
      Term{"pp (percentage points)", "a difference of two shares: 40% against 38% is 2,0 pp"},
      Term{
          "Quality-adjusted years",
          "(where the scenarios give utility weights) each household-week weighed by its number of problems, "
          "1 for none"},
  };
  return kTerms;
}

}  // namespace wijksim
