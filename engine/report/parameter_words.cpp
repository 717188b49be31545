#include "wijksim/report/parameter_words.h"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

namespace wijksim {
namespace {

// By the key path's last part or parts (after the section and its entry: domains.money.escalation.cost ends
// in "escalation.cost"), matched as whole parts only, so no ending takes another's key. The meanings are
// docs/model.md's (4.7, 8-11).
constexpr std::array<std::pair<std::string_view, std::string_view>, 72> kWords{{
    // domains.* (8.1-8.4, 9.1, 9.14)
    {"escalation.spell.exit_per_year", "Leaving social assistance, a year"},
    {"escalation.spell.cost_per_year", "Social assistance's administration, a year"},
    {"escalation.spell.transfer_per_year", "Social assistance benefit, a year"},
    {"escalation.cost", "Cost of an escalation"},
    {"incidence_per_year", "New problems a year"},
    {"rung_factor", "New problems, factor per rung down the ladder"},
    {"clustering_factor", "New problems, factor per problem a household has"},
    {"resolution_per_year", "Problems solving themselves, a year"},
    {"complex_share", "Share of problems that are complex"},
    {"seek_help_per_year", "Seeking help on one's own, a year"},
    {"escalation_growth_per_year", "Escalation growing with a problem's age"},
    {"escalation_per_year", "Escalations of a problem, a year"},
    // agencies.* (4.4, 8.5, 9.3-9.10, 11.7, 12)
    {"capacity_per_1000_households", "Places per 1.000 households"},
    {"capacity", "Places"},
    {"intake_cost", "Cost of an intake"},
    {"intake_weeks", "Weeks to an intake"},
    {"cost_per_case_week", "Cost of a case-week"},
    {"cases_per_fte", "Cases per FTE"},
    {"treatment_weeks", "Weeks of treatment"},
    {"success_probability", "Chance a treatment succeeds"},
    {"presence", "Chance an agency is present in a team"},
    {"cooperation", "Agency's cooperation with the mandate"},
    {"reallocation_share", "Agency's share of the coach bill (places cut)"},
    // fragmentation.* (8.2, 9.3-9.6)
    {"wrong_agency_probability", "Chance of a wrong door"},
    {"max_bounces", "Wrong doors before giving up"},
    {"bounce_weeks", "Weeks lost at a wrong door"},
    {"search_weeks", "Weeks to find the right agency"},
    {"bounce_trust_loss", "Trust lost at a wrong door"},
    {"seek_trust_floor", "Help-seeking left at no trust"},
    {"duplicate_probability", "Chance of a duplicate case"},
    {"duplicate_cost_share", "Cost share of a duplicate case"},
    {"success_loss_per_extra_professional", "Success lost per extra professional"},
    {"success_trust_gain", "Trust gained by a success"},
    {"failure_trust_loss", "Trust lost by a failure"},
    {"escalation_in_treatment_factor", "Escalation while in treatment"},
    // ladder.* (8.1, 9.1)
    {"climb_factor_per_problem", "Climbing, factor per problem a household has"},
    {"climb_per_year", "Climbing the ladder, a year"},
    {"drop_per_year_per_problem", "Dropping per problem, a year"},
    {"drop_per_year", "Dropping down the ladder, a year"},
    {"escalation_drop_probability", "Chance an escalation drops a rung"},
    // population.* (6, 8.1, 10)
    {"trust.recovery_per_year", "Trust's recovery, a year"},
    {"trust.mean", "Usual trust, mean (also at the start)"},
    {"trust.sd", "Trust at the start, spread"},
    {"incidence_factor", "New problems, a neighbourhood's factor"},
    // coaches.* (8.6-8.8, 9.8-9.12, 11)
    {"cost_per_fte_year", "Cost of a coach FTE, a year"},
    {"new_cases_per_fte_week", "Coach intake limit per FTE, a week (0: none)"},
    {"caseload_norm_per_fte", "Coach caseload norm per FTE"},
    {"caseload_cap_per_fte", "Coach caseload cap per FTE"},
    {"overload_slope", "Effectiveness lost above the caseload norm"},
    {"min_effectiveness", "Least effectiveness of an overloaded coach"},
    {"competence_spread", "Spread of the coach teams' competence"},
    {"notice_per_week", "Chance a coach notices a problem, a week"},
    {"solve_per_week", "Chance a coach solves a problem, a week"},
    {"outreach_per_year", "Coaches reaching out, a year"},
    {"self_referral_per_year", "Households asking a coach, a year"},
    {"activation_per_year", "Coach clients climbing the ladder, a year"},
    {"trust_gain_per_year", "Trust gained with a coach, a year"},
    {"going_native_probability", "Chance an agency rejects a coach's referral"},
    {"mandate_probability", "Coach's mandate: its chance before presence and cooperation"},
    {"privacy_probability", "Chance privacy rules delay a referral"},
    {"privacy_delay_weeks", "Weeks privacy rules delay a referral"},
    {"coordination_success_gain", "Success gained by coordination"},
    {"coordination", "Chance a coach coordinates the professionals"},
    {"relapse_factor", "New problems, factor after a coach case"},
    {"relapse_weeks", "Weeks of more new problems after a coach case"},
    {"close_after_quiet_weeks", "Quiet weeks before a coach closes a case"},
    {"max_weeks", "Longest coach case, weeks"},
    {"fte", "Coach FTE"},
    // economics.* (14)
    {"willingness_to_pay", "Value of a problem-free household-year"},
    {"utility_by_problems", "Quality of life by number of problems"},
    {"discount_costs", "Discount rate of costs, a year"},
    {"discount_effects", "Discount rate of effects, a year"},
}};

}  // namespace

std::string_view parameter_words(std::string_view key_path) {
  for (const auto& [ending, words] : kWords)
    if (key_path == ending || (key_path.size() > ending.size() && key_path.ends_with(ending) &&
                               key_path[key_path.size() - ending.size() - 1] == '.'))
      return words;
  // economics.utility_by_problems[2]: a list's entry is a number of problems (the last: or more; 13.2).
  if (key_path.ends_with("]") && key_path.find("utility_by_problems[") != std::string_view::npos)
    return "Quality of life by number of problems";
  // coaches.notice_per_week.money and the like: a map's entry names its domain.
  if (const std::size_t dot = key_path.rfind('.'); dot != std::string_view::npos && dot > 0)
    if (const std::string_view parent = key_path.substr(0, dot); parent.ends_with("notice_per_week") ||
                                                                 parent.ends_with("solve_per_week") ||
                                                                 parent.ends_with("utility_by_problems"))
      return parameter_words(parent);
  return {};
}

std::string parameter_name(const std::string& key_path) {
  const std::string_view words = parameter_words(key_path);
  if (words.empty()) return key_path;
  // A list's entry by its number of problems: [2] and [4] read alike (outside attack 55). The list's last
  // entry is for that many or more (13.2); the key path beside the words says which entry it is.
  if (const std::size_t open = key_path.rfind("utility_by_problems[");
      open != std::string::npos && key_path.ends_with("]")) {
    const std::string k = key_path.substr(open + 20, key_path.size() - open - 21);
    if (!k.empty() && std::all_of(k.begin(), k.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return k == "0"   ? std::string("Quality of life with no problem")
             : k == "1" ? std::string("Quality of life with 1 problem")
                        : fmt::format("Quality of life with {} problems", k);
  }
  // Whose it is, where the key names an entry of a section: the words alone read alike for the five
  // domains' escalation costs.
  std::string whose;
  for (const auto& [section, every] :
       {std::pair<std::string_view, std::string_view>{"domains.", "every domain"},
        {"agencies.", "every agency"},
        {"population.neighbourhoods.", "every neighbourhood"},
        // A coach's chances per domain: the entry ends the key.
        {"coaches.notice_per_week.", "every domain"},
        {"coaches.solve_per_week.", "every domain"}})
    if (std::string_view(key_path).starts_with(section)) {
      const std::string_view rest = std::string_view(key_path).substr(section.size());
      const std::string_view entry = rest.substr(0, rest.find('.'));
      whose = entry == "*" ? std::string(every) : std::string(entry);
      // An agency's or a domain's key in words ("debt counselling"); a neighbourhood's name as its file
      // gives it ("Oost-by_night" read "Oost-by night"; outside attack 55).
      if (section != "population.neighbourhoods.") std::replace(whose.begin(), whose.end(), '_', ' ');
    }
  return fmt::format("{}{}", words, whose.empty() ? "" : ", " + whose);
}

std::string parameter_label(const std::string& key_path) {
  const std::string name = parameter_name(key_path);
  return name == key_path ? name : fmt::format("{} ({})", name, key_path);
}

std::string parameter_label_in_sentence(const std::string& key_path) {
  std::string label = parameter_label(key_path);
  if (label != key_path && label.size() > 1 && label[0] >= 'A' && label[0] <= 'Z' &&
      !(label[1] >= 'A' && label[1] <= 'Z'))
    label[0] = static_cast<char>(label[0] - 'A' + 'a');
  return label;
}

}  // namespace wijksim
