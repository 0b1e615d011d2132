#pragma once
// What one command does to the working copy of its ticket, collected before the commit:
// the main audit note, side events and notifications. Shared by the desk and the SLA
// engine so both record through the same path.

#include "ticketflow/audit.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/sla.hpp"
#include "ticketflow/ticket.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ticketflow::detail {

class Messages;

// A side event of a command; `at` is the instant it was due when the monitor acts on
// something that fell due before it looked (a breach, an overdue task), else unset = now.
// `stage` is set on the monitor's deadline events (warnings, breaches, escalations,
// reminders), which the desk's observer hears of once committed (DeskObserver::on_sla()).
struct SideEvent {
    Action action;
    std::string note;
    std::optional<Instant> at;
    std::optional<SlaStage> stage;
};

struct Change {
    Ticket& ticket;
    Instant now;
    std::string note; // the main audit event's note
    std::vector<SideEvent> side_events;
    std::vector<Notification> notifications;
    bool notifying = true;              // false when the desk has no notifier: nothing is queued
    const Messages* messages = nullptr; // the desk's wording of notification texts

    // A side event at `at` (the instant it was due), or at the command's instant; about
    // the deadline of `stage` when given.
    void record(Action action, std::string note_text, std::optional<Instant> at = std::nullopt,
                std::optional<SlaStage> stage = std::nullopt) {
        side_events.push_back(SideEvent{action, std::move(note_text), at, stage});
    }
    // Stamps the notifications queued since there were `queued_before` with `due`, the
    // instant they were due, not the instant the monitor happened to notice.
    void stamp_since(std::size_t queued_before, Instant due) {
        for (std::size_t i = queued_before; i < notifications.size(); ++i) notifications[i].at = due;
    }

    // Queues a notification whose text `make_text()` builds, only when someone receives it.
    template <class MakeText>
    void notify(NotificationKind kind, Audience audience, const std::string& recipient, MakeText&& make_text) {
        if (!notifying) return;
        std::string text = make_text();                 // before the list grows: it may throw
        Notification& n = notifications.emplace_back(); // filled in place, not moved in
        n.ticket = ticket.id;
        n.kind = kind;
        n.audience = audience;
        n.recipient = recipient;
        n.at = now;
        n.text = std::move(text);
    }
    template <class MakeText>
    void notify_customer(NotificationKind kind, MakeText&& make_text) {
        notify(kind, Audience::customer, ticket.customer.id, std::forward<MakeText>(make_text));
    }
    template <class MakeText>
    void notify_staff(NotificationKind kind, const std::string& recipient, MakeText&& make_text) {
        notify(kind, Audience::staff, recipient, std::forward<MakeText>(make_text));
    }
};

} // namespace ticketflow::detail
