#pragma once
// Shared by the follow-up sources: the text forms of durations and window targets, and
// the check of a visit window.

#include "ticketflow/clock.hpp"
#include "ticketflow/followup.hpp"
#include "ticketflow/sla.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ticketflow::detail {

// "30d", "48h", "90min", "45s", "1h30min": whole numbers with units d, h, min, s.
std::optional<Duration> parse_duration(std::string_view text);

// What to_string(SlaTarget) prints, without cut-offs: "24h" (wall-clock), "2h business"
// (calling hours), "3 working days" / "1 working day" (by the end of that working day).
std::optional<SlaTarget> parse_target(std::string_view text);

// The served ticket a visit follows up: open_visit() links it follow_up_of.
inline std::optional<TicketId> served_by(const Ticket& visit) {
    for (const auto& link : visit.links)
        if (link.kind == LinkKind::follow_up_of) return link.target;
    return std::nullopt;
}

// Throws ValidationError naming `field`.delay or `field`.length when a window cannot be
// used: negative times, a bad cut-off, or a length that would close it as it opens.
void check_visit_window(const std::string& field, const VisitWindow& window);

} // namespace ticketflow::detail
