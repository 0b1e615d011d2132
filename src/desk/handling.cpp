// Handling (处理): classify, assign, start, reply, note, priority, escalation, waiting for
// the customer, resolution, cancellation, overdue reasons, identity checks. Each command
// checks its input, then names its action and its change.

#include "desk/messages.hpp"
#include "desk/observed.hpp"
#include "desk/transaction.hpp"

#include <algorithm>

namespace ticketflow {

using detail::Change;
using detail::check_one_of;
using detail::check_text;
using detail::run;

Ticket ServiceDesk::classify(const Actor& actor, const TicketId& id, const Classification& change) {
    return detail::observed(impl_->config.observer.get(), Command::classify, actor.id, id, [&] {
        if (change.type) check_one_of("type", *change.type, impl_->config.types);
        if (change.priority) impl_->check_priority(*change.priority);
        if (change.department) check_text("department", *change.department, impl_->limits().short_text);
        if (change.tags) impl_->check_tags(*change.tags);
        return run(*impl_, actor, id, Action::classify, [&](Change& c) {
            auto& t = c.ticket;
            // A new priority is steering, whichever command sets it: asked as change_priority.
            if (change.priority && *change.priority != t.priority)
                impl_->authorize(actor, Action::change_priority, t, c.now);
            if (change.type) t.type = *change.type;
            if (change.priority) t.priority = *change.priority;
            if (change.department) t.department = *change.department;
            if (change.tags) t.tags = *change.tags;
            t.times.classified = c.now;
            c.note = "type=" + t.type + " priority=" + t.priority + " department=" + t.department;
        });
    });
}

namespace {

// The assign action's change, shared by assign() and a visit recorded by a caller who
// takes it on.
void assign_to(Change& c, const std::string& assignee, const std::optional<std::string>& department) {
    auto& t = c.ticket;
    c.note = (t.assignee.empty() ? "assigned to " : "reassigned from " + t.assignee + " to ") + assignee;
    t.assignee = assignee;
    if (department) t.department = *department;
    t.times.assigned = c.now;
    c.notify_staff(NotificationKind::assigned, assignee, [&] { return c.messages->assigned(t); });
}

} // namespace

namespace detail {
void assign_change(Change& c, const std::string& assignee) { assign_to(c, assignee, std::nullopt); }
void start_change(Change& c) {
    c.ticket.times.started = c.now;
    c.note = "handling started by " + c.ticket.assignee;
}
void leave_wait(Ticket& t) {
    t.waiting_for_customer = false;
    t.wait_reason.clear();
    t.resume_at.reset();
}
} // namespace detail

Ticket ServiceDesk::assign(const Actor& actor, const TicketId& id, const std::string& assignee,
                           const std::optional<std::string>& department) {
    return detail::observed(impl_->config.observer.get(), Command::assign, actor.id, id, [&] {
        check_text("assignee", assignee, impl_->limits().short_text, true);
        if (department) check_text("department", *department, impl_->limits().short_text);
        return run(*impl_, actor, id, Action::assign, [&](Change& c) { assign_to(c, assignee, department); });
    });
}

Ticket ServiceDesk::start(const Actor& actor, const TicketId& id) {
    return detail::observed(impl_->config.observer.get(), Command::start, actor.id, id,
                            [&] { return run(*impl_, actor, id, Action::start, detail::start_change); });
}

Ticket ServiceDesk::post_update(const Actor& actor, const TicketId& id, const std::string& message,
                                const std::optional<Instant>& estimated_completion) {
    return detail::observed(impl_->config.observer.get(), Command::post_update, actor.id, id, [&] {
        check_text("message", message, impl_->limits().long_text, true);
        return run(*impl_, actor, id, Action::reply, [&](Change& c) {
            auto& t = c.ticket;
            if (estimated_completion) {
                if (*estimated_completion < t.times.received)
                    throw ValidationError("estimated_completion", format_instant(*estimated_completion) +
                                                                      " is before the ticket was received at " +
                                                                      format_instant(t.times.received));
                impl_->check_in_horizon("estimated_completion", *estimated_completion);
                t.estimated_completion = *estimated_completion;
            }
            if (!t.times.first_response) t.times.first_response = c.now;
            c.note = message;
            c.notify_customer(NotificationKind::progress, [&] { return c.messages->progress(c.ticket, message); });
        });
    });
}

Ticket ServiceDesk::add_note(const Actor& actor, const TicketId& id, const std::string& note) {
    return detail::observed(impl_->config.observer.get(), Command::add_note, actor.id, id, [&] {
        check_text("note", note, impl_->limits().long_text, true);
        return run(*impl_, actor, id, Action::add_note, [&](Change& c) { c.note = note; });
    });
}

Ticket ServiceDesk::change_priority(const Actor& actor, const TicketId& id, const std::string& priority,
                                    const std::string& reason) {
    return detail::observed(impl_->config.observer.get(), Command::change_priority, actor.id, id, [&] {
        impl_->check_priority(priority);
        check_text("reason", reason, impl_->limits().long_text, true);
        return run(*impl_, actor, id, Action::change_priority, [&](Change& c) {
            c.note = c.ticket.priority + " -> " + priority + ": " + reason;
            c.ticket.priority = priority;
        });
    });
}

Ticket ServiceDesk::escalate(const Actor& actor, const TicketId& id, const std::string& reason) {
    return detail::observed(impl_->config.observer.get(), Command::escalate, actor.id, id, [&] {
        check_text("reason", reason, impl_->limits().long_text, true);
        return run(*impl_, actor, id, Action::escalate, [&](Change& c) {
            detail::escalate_one_level(c, reason);
            c.note = "level " + std::to_string(c.ticket.escalation_level) + ": " + reason;
        });
    });
}

Ticket ServiceDesk::wait_for_customer(const Actor& actor, const TicketId& id, const std::string& reason,
                                      const std::optional<Duration>& max_pause) {
    return detail::observed(impl_->config.observer.get(), Command::wait_for_customer, actor.id, id, [&] {
        check_text("reason", reason, impl_->limits().long_text, true);
        if (max_pause && *max_pause <= Duration{0}) throw ValidationError("max_pause", "must be positive");
        return run(*impl_, actor, id, Action::wait_for_customer, [&](Change& c) {
            c.ticket.waiting_for_customer = true;
            c.ticket.wait_reason = reason;
            if (max_pause) {
                // Compared as durations: now + max_pause may not even be an instant.
                const Instant until = impl_->horizon().second;
                if (*max_pause >= until - c.now)
                    throw ValidationError("max_pause",
                                          "would end after the calendar's horizon (" + format_instant(until) + ")");
                c.ticket.resume_at = c.now + *max_pause;
            }
            c.note = reason;
        });
    });
}

Ticket ServiceDesk::resume(const Actor& actor, const TicketId& id) {
    return detail::observed(impl_->config.observer.get(), Command::resume, actor.id, id, [&] {
        return run(*impl_, actor, id, Action::resume, [](Change& c) {
            c.note = "resumed after waiting: " + c.ticket.wait_reason;
            detail::leave_wait(c.ticket);
        });
    });
}

Ticket ServiceDesk::resolve(const Actor& actor, const TicketId& id, const Resolution& resolution) {
    return detail::observed(impl_->config.observer.get(), Command::resolve, actor.id, id, [&] {
        check_text("resolution", resolution.text, impl_->limits().long_text, true);
        return run(*impl_, actor, id, Action::resolve, [&](Change& c) {
            auto& t = c.ticket;
            t.resolution = resolution.text;
            t.responsibility = resolution.responsibility;
            t.times.resolved = c.now;
            detail::leave_wait(t);
            c.note = resolution.text;
            c.notify_customer(NotificationKind::resolved, [&] { return c.messages->resolved(t); });
        });
    });
}

void detail::DeskCore::cancel_into(detail::Transaction& tx, const TicketId& id, CloseReason reason,
                                   const std::string& note) {
    tx.act(id, Action::cancel, [&](Change& c) {
        auto& t = c.ticket;
        if (reason == CloseReason::unreachable && !t.visit)
            throw ValidationError("reason", "'unreachable' closes follow-up visits only; ticket " + id + " is not one");
        t.close_reason = reason;
        t.times.closed = c.now;
        c.note = std::string(to_string(reason)) + ": " + note;
        c.notify_customer(NotificationKind::cancelled, [&] { return c.messages->cancelled(t, note); });
    });
}

Ticket ServiceDesk::cancel(const Actor& actor, const TicketId& id, CloseReason reason, const std::string& note) {
    return detail::observed(impl_->config.observer.get(), Command::cancel, actor.id, id, [&] {
        if (reason != CloseReason::duplicate && reason != CloseReason::spam && reason != CloseReason::withdrawn &&
            reason != CloseReason::unreachable)
            throw ValidationError("reason", std::string("'") + to_string(reason) +
                                                "' is not a cancel reason (duplicate, spam, withdrawn, unreachable)");
        check_text("note", note, impl_->limits().long_text, true);
        return detail::transact(*impl_, actor, impl_->clock->now(), {id},
                                [&](detail::Transaction& tx) { impl_->cancel_into(tx, id, reason, note); })
            .take(id);
    });
}

Ticket ServiceDesk::explain_overdue(const Actor& actor, const TicketId& id, SlaStage stage, const std::string& reason) {
    return detail::observed(impl_->config.observer.get(), Command::explain_overdue, actor.id, id, [&] {
        check_text("reason", reason, impl_->limits().long_text, true);
        return run(*impl_, actor, id, Action::explain_overdue, [&](Change& c) {
            auto clock = std::find_if(c.ticket.sla.begin(), c.ticket.sla.end(),
                                      [stage](const SlaClock& k) { return k.stage == stage; });
            if (clock == c.ticket.sla.end() || !clock->breached)
                throw ValidationError("stage", std::string(to_string(stage)) + " is not overdue on ticket " + id);
            clock->overdue_reason = reason;
            c.note = std::string(to_string(stage)) + ": " + reason;
        });
    });
}

Ticket ServiceDesk::verify_identity(const Actor& actor, const TicketId& id, const std::string& method) {
    return detail::observed(impl_->config.observer.get(), Command::verify_identity, actor.id, id, [&] {
        check_text("method", method, impl_->limits().long_text, true);
        return run(*impl_, actor, id, Action::verify_identity, [&](Change& c) {
            c.ticket.identity_verified = true;
            c.note = "identity verified: " + method;
        });
    });
}

// A read, not a change: every look (and every refused one) is kept in the audit trail.
Contact ServiceDesk::reveal_contact(const Actor& actor, const TicketId& id) {
    return detail::observed(impl_->config.observer.get(), Command::reveal_contact, actor.id, id, [&] {
        impl_->check_actor(actor);
        Ticket t = get(id);
        Instant now = impl_->clock->now();
        impl_->authorize(actor, Action::reveal_contact, t, now);
        auto refuse = [&](const std::string& why) {
            impl_->store->append_audit(AuditEvent{t.id, t.version, now, actor.id, Action::reveal_contact, t.status,
                                                  t.status, "permission denied: " + why});
            throw PermissionDenied(actor.id + " may not read the contact details of ticket " + id + ": " + why);
        };
        if (actor.role == Role::customer) refuse("contact details are for staff");
        if (!t.identity_verified) refuse("the customer's identity has not been verified (身份确认)");
        if (!impl_->config.contact_vault || t.customer.contact_token.empty())
            throw NotFound("contact details of ticket " + id);
        Contact contact = impl_->config.contact_vault->reveal(t.customer.contact_token);
        impl_->store->append_audit(AuditEvent{t.id, t.version, now, actor.id, Action::reveal_contact, t.status,
                                              t.status, "contact details read"});
        return contact;
    });
}

} // namespace ticketflow
