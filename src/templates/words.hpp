#pragma once
// The words a template set's language fills into placeholders: stage, role and solution
// names, decisions, and due times in the calendar's zone.

#include "ticketflow/actor.hpp"
#include "ticketflow/calendar.hpp"
#include "ticketflow/templates.hpp"
#include "ticketflow/ticket.hpp"

#include <array>
#include <string>
#include <string_view>

namespace ticketflow::detail {

std::string_view stage_words(Language language, SlaStage stage);
std::string_view role_words(Language language, Role role);
std::string_view solution_words(Language language, SolutionKind kind);
std::string_view decision_words(Language language, bool approved);
// For an empty assignee or department.
std::string_view nobody_words(Language language);
std::string_view no_department_words(Language language);

// A due time in the calendar's zone, written into a small buffer (no allocation):
// "今日18:00" / "5月21日18:00", "18:00 today" / "18:00 on 21 May".
struct DueText {
    std::array<char, 64> text{};
    std::string_view view() const { return text.data(); }
};
DueText due_words(Language language, const BusinessCalendar& calendar, Instant due, Instant now);

// Between the two dates of a range ("至" / "to"), and for a range not known.
std::string_view range_words(Language language);
std::string_view unknown_words(Language language);

} // namespace ticketflow::detail
