#include "wijksim/report/terms.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace wijksim {

std::span<const Term> terms() {
  static constexpr std::array kTerms{
      Term{"Comparator", "the scenario an option is measured against", "comparator"},
      Term{"Problem-free household-year",
           "the effect measure; a household that has no active problem for a whole year counts as one",
           "problem-free"},
      Term{"Society's view",
           "every payer's euros but transfers (social assistance paid to households, a cost to its payer and "
           "income to the household); a payer's cash includes them",
           "society's view"},
      Term{
          "ICER (incremental cost-effectiveness ratio)",
          "the difference in cost over the difference in problem-free household-years: the extra cost of "
          "each year gained, or, for an option that costs less and gains less, the euros saved for each year "
          "given up",
          "ICER"},
      Term{"Dominant",
           "costs no more and gains no less than its comparator, and differs in one of the two (no ratio is "
           "given then)",
           "dominant"},
      Term{"Dominated",
           "costs no less and gains no more than another option, and differs in one of the two (no ratio is "
           "given then)",
           "dominated"},
      Term{"Net monetary benefit", "the extra years valued at the willingness to pay, minus the extra cost",
           "net monetary benefit"},
      Term{
          "Cost-effective, the best",
          "cost-effective: a positive net monetary benefit against its comparator; the best: the highest net "
          "monetary benefit of all options of its decision (its comparator and every scenario compared with "
          "it), which only one option can be",
          "it is the best"},
      Term{"Efficiency frontier",
           "the options worth considering, each against the next cheaper one; an option is extendedly "
           "dominated when a mix of its neighbours would do better",
           "efficiency frontier"},
      Term{
          "Places used",
          "the cases an agency treats in a week, and its duplicate cases (a second agency working on a "
          "household's problem beside the first) at their share of a place; a duplicate takes staff time but "
          "no treatment place, so places used can exceed places funded, and capacity freed may be duplicate "
          "work that shortens no wait",
          "places used"},
      Term{"Places funded",
           "an agency's capacity, the cases it can treat at once; cut where the coaches are paid from its "
           "budget",
           "places funded"},
      Term{
          "EVPI and EVPPI",
          "what knowing all (or some) uncertain parameters for certain would be worth, per household and for "
          "the population",
          "EVPI"},
      Term{"pp (percentage points)", "a difference of two shares: 40% against 38% is 2,0 pp", "pp"},
      // The bound beside a counted probability, which nothing explained (a policy advisor's reading of a
      // PSA).
      Term{"k of n draws; 95%: a to b",
           "a probability counted over n draws (or runs), and the range that such a count allows for the "
           "probability endless draws of this same analysis would give (an exact 95% interval; 'at least' or "
           "'at most' where all or none count): from few draws it is wide. It is not the chance that the "
           "policy works out so in reality",
           "95%:"},
      // The units the intervals are over, which no term named (a policy advisor's reading of a PSA).
      Term{"Parameter draws, replications, runs",
           "a parameter draw is one set of values of the uncertain parameters (what the model does not know "
           "for certain); a replication is one simulation of the households with its own luck (who gets a "
           "problem when); a run is one replication of one draw. A spread over draws shows what the "
           "parameters' uncertainty does; an interval over replications, how precisely a mean is known",
           "parameter draws"},
      // The events' words, which the tables use and no term explained (a policy advisor's reading).
      Term{"Bounce",
           "a household seeking help on its own lands at an agency that does not serve its problem (a wrong "
           "door) and is sent on: it loses time and trust",
           "bounces"},
      Term{"Escalation",
           "a problem left unsolved that turns into a costly event: an eviction, a benefit, a crisis "
           "admission, "
           "a child placed out of home, a police registration",
           "escalations"},
      Term{"Ladder rung",
           "a household's step on the participation ladder, from 1 (isolated) to 6 (paid work): how far it "
           "takes part in society",
           "rungs"},
      Term{
          "Seeds",
          "the two Dutch documents on the Velve-Lindenhof experiment the model comes from (an article on its "
          "interim evaluation and slides); not the random seed",
          "seeds'"},
      Term{
          "Quality-adjusted years",
          "(where the scenarios give utility weights) each household-week weighed by its number of problems, "
          "1 for none",
          "quality-adjusted"},
  };
  return kTerms;
}

namespace {

bool letter(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// `phrase` in `text` as a whole word (no letter or digit either side), whatever the case.
bool has_word(std::string_view text, std::string_view phrase) {
  const auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  for (auto at = text.begin();;) {
    at = std::search(at, text.end(), phrase.begin(), phrase.end(), same);
    if (at == text.end()) return false;
    const auto end = at + static_cast<std::ptrdiff_t>(phrase.size());
    if ((at == text.begin() || !letter(*(at - 1))) && (end == text.end() || !letter(*end))) return true;
    ++at;
  }
}

}  // namespace

std::vector<Term> terms_used_in(std::string_view text) {
  std::vector<Term> out;
  for (const Term& t : terms())
    if (has_word(text, t.shown_as)) out.push_back(t);
  return out;
}

}  // namespace wijksim
