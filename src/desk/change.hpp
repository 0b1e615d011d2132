#pragma once
// What one command does to the working copy of its ticket, collected before the commit:
// the main audit note, side events and notifications. Shared by the desk and the SLA
// engine so both record through the same path.

#include "ticketflow/audit.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/ticket.hpp"

#include <string>
#include <utility>
#include <vector>

namespace ticketflow::detail {

struct Change {
    Ticket& ticket;
    Instant now;
    std::string note; // the main audit event's note
    std::vector<std::pair<Action, std::string>> side_events;
    std::vector<Notification> notifications;

    void record(Action action, std::string note_text) { side_events.emplace_back(action, std::move(note_text)); }

    void notify(NotificationKind kind, Audience audience, const std::string& recipient, std::string text) {
        Notification n;
        n.ticket = ticket.id;
        n.kind = kind;
        n.audience = audience;
        n.recipient = recipient;
        n.at = now;
        n.text = std::move(text);
        notifications.push_back(std::move(n));
    }
    void notify_customer(NotificationKind kind, std::string text) {
        notify(kind, Audience::customer, ticket.customer.id, std::move(text));
    }
    void notify_staff(NotificationKind kind, const std::string& recipient, std::string text) {
        notify(kind, Audience::staff, recipient, std::move(text));
    }
};

} // namespace ticketflow::detail
