#pragma once
// How ticketctl prints tickets, audit trails and notifications: short human-readable
// text by default, JSON (the library's JSON form) with --json.

#include "ticketflow/audit.hpp"
#include "ticketflow/desk.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/ticket.hpp"

#include <cstddef>
#include <ostream>
#include <vector>

namespace ticketctl {

// What `ticketctl tick` did: the SLA monitor's report and the notifications delivered.
struct TickResult {
    ticketflow::TickReport sla;
    std::size_t delivered = 0;
};

class Output {
public:
    Output(std::ostream& out, bool json) : out_(out), json_(json) {}

    // The result of a command: one line, or the ticket as JSON.
    void changed(const ticketflow::Ticket& ticket) const;
    // Both tickets of a merge: two lines, or one JSON object {duplicate, primary}.
    void merged(const ticketflow::MergeOutcome& outcome) const;
    // Every field worth reading, with the actions the lifecycle allows next.
    void details(const ticketflow::Ticket& ticket, const std::vector<ticketflow::Action>& allowed) const;
    // One line per ticket, or a JSON array.
    void list(const std::vector<ticketflow::Ticket>& tickets) const;
    // The audit trail, oldest first.
    void history(const std::vector<ticketflow::AuditEvent>& events) const;
    // What the periodic work did.
    void tick(const TickResult& result) const;
    // The desk's calendar: name, zone, horizon and the dates its holiday data covers.
    void calendar(const ticketflow::BusinessCalendar& calendar) const;

private:
    std::ostream& out_;
    bool json_;
};

// Prints each notification the desk delivers, so a session shows what the customer and
// staff would be told. Writes to its own stream (stderr) to keep stdout parseable.
class PrintingNotifier final : public ticketflow::Notifier {
public:
    explicit PrintingNotifier(std::ostream& out) : out_(out) {}
    bool deliver(const ticketflow::Notification& n) override;

private:
    std::ostream& out_;
};

} // namespace ticketctl
