// Intake (接收反馈与初步登记): a new ticket is numbered, routed, checked for repeats, its
// clocks started, possibly assigned, and acknowledged to the customer — all in the
// transaction that creates it.

#include "desk/messages.hpp"
#include "desk/observed.hpp"
#include "desk/transaction.hpp"

#include <algorithm>
#include <cstdio>

namespace ticketflow {

using detail::Change;
using detail::check_text;
using detail::Transaction;

namespace {

void fill_new_ticket(Ticket& t, const NewTicket& request, const CustomerRef& customer,
                     const std::optional<VisitDetails>& visit, const PriorityScheme& priorities, Instant now) {
    t.channel = request.channel;
    t.type = request.type;
    t.priority = request.priority.empty() ? priorities.lowest() : request.priority;
    t.customer = customer;
    t.description = request.description;
    t.order_number = request.order_number;
    t.attachments = request.attachments;
    t.department = request.department;
    t.tags = request.tags;
    t.remarks = request.remarks;
    t.links = request.links;
    t.times.received = request.received_at.value_or(now);
    t.times.recorded = now;
    t.visit = visit;
}

// 分类与分配: the router picks the department, and the priority when intake gave none;
// why it did is kept in the audit trail.
void route(const DeskConfig& config, Change& c, const NewTicket& request) {
    if (!config.router || c.ticket.visit) return;
    RouteDecision decision = config.router->route(c.ticket);
    Ticket& t = c.ticket;
    if (request.department.empty()) t.department = decision.department;
    if (request.priority.empty() && decision.priority && config.sla.priorities.contains(*decision.priority))
        t.priority = *decision.priority;
    t.times.classified = c.now;
    c.record(Action::classify,
             "routed to " + t.department + " (" + decision.queue + "), priority " + t.priority + ": " + decision.why);
}

// 确认是否为重复问题: links a probable repeat to the root of its chain. A ticket that
// already names what it duplicates is left as the caller linked it.
void flag_repeat(const std::optional<RepeatDetector>& repeats, const TicketStore& store, Change& c) {
    Ticket& t = c.ticket;
    const auto is_duplicate_link = [](const TicketLink& l) { return l.kind == LinkKind::duplicate_of; };
    if (!repeats || t.visit || std::any_of(t.links.begin(), t.links.end(), is_duplicate_link)) return;
    auto match = repeats->find(t, store.query(repeats->candidate_query(t)));
    if (!match) return;
    t.links.push_back({LinkKind::duplicate_of, match->root});
    char score[16];
    std::snprintf(score, sizeof score, "%.2f", match->score);
    c.record(Action::add_note, "probable repeat of " + match->ticket + " (similarity " + score +
                                   (match->same_order ? ", same order number" : "") + ")" +
                                   (match->root != match->ticket ? "; linked to " + match->root : std::string()));
}

} // namespace

void detail::DeskCore::open_into(Transaction& tx, const NewTicket& request, const CustomerRef& customer,
                                 const std::optional<VisitDetails>& visit, const std::optional<WorkOrder>& work_order) {
    const Instant now = tx.now();
    Ticket prospective;
    prospective.customer = customer;
    prospective.department = request.department;
    authorize(tx.actor(), Action::open, prospective, now, false);
    Ticket& t = tx.create();
    fill_new_ticket(t, request, customer, visit, config.sla.priorities, now);
    t.work_order = work_order;
    Change change{t, now, t.description, {}, {}, notifying(), &messages};
    route(config, change, request);
    flag_repeat(repeats, *store, change);
    tx.sla().on_action(change, Action::open);
    if (auto_assign(change)) tx.sla().on_action(change, Action::assign);
    if (!visit) change.notify_customer(NotificationKind::received, [&] { return messages.received(t, now); });
    tx.record(t, Action::open, Status::pending, change);
}

Ticket detail::DeskCore::open_ticket(const Actor& actor, const NewTicket& request,
                                     const std::optional<VisitDetails>& visit) {
    check_actor(actor);
    const Instant now = clock->now();
    check_new_ticket(request, now);
    detail::VaultedContacts contacts(*this);
    contacts.add(request);
    auto tx = detail::transact(*this, actor, now, {},
                               [&](Transaction& tx) { open_into(tx, request, contacts.customer(0), visit); });
    contacts.keep();
    const TicketId id = tx.commits().front().ticket.id;
    return tx.take(id);
}

namespace detail {

void VaultedContacts::add(const NewTicket& request) {
    CustomerRef customer = request.customer;
    const auto& contact = request.contact;
    if (!contact.empty()) {
        for (const auto* field : {&contact.name, &contact.phone, &contact.email, &contact.address})
            check_text("contact", *field, desk_.limits().short_text);
        if (!desk_.config.contact_vault)
            throw ValidationError("contact", "contact details need a ContactVault (DeskConfig::contact_vault)");
        if (customer.nickname.empty() && !contact.name.empty()) customer.nickname = mask_name(contact.name);
        customer.contact_token = desk_.config.contact_vault->store(contact);
        vaulted_.push_back(customer.contact_token);
    }
    customers_.push_back(std::move(customer));
}

VaultedContacts::~VaultedContacts() {
    for (const auto& token : vaulted_) {
        try {
            desk_.config.contact_vault->erase(token); // nothing half-written
        } catch (...) {
            // The command's own error is the one to report; an orphaned token reveals nothing.
        }
    }
}

} // namespace detail

// A problem raised on `parent` (in feedback or a follow-up visit): the same customer and a
// `follow_up_of` link, unless the request says otherwise.
NewTicket detail::DeskCore::derived_request(const Ticket& parent, NewTicket request) const {
    if (request.customer.id.empty()) request.customer = parent.customer;
    if (request.channel.empty())
        request.channel = parent.visit ? std::string(channels::follow_up_visit) : parent.channel;
    request.links.push_back({LinkKind::follow_up_of, parent.id});
    return request;
}

Ticket ServiceDesk::open(const Actor& actor, const NewTicket& request) {
    return detail::observed(impl_->config.observer.get(), Command::open, actor.id, {},
                            [&] { return impl_->open_ticket(actor, request, std::nullopt); });
}

Ticket ServiceDesk::open_derived(const Actor& actor, const TicketId& parent_id, NewTicket request) {
    return detail::observed(impl_->config.observer.get(), Command::open_derived, actor.id, {}, [&] {
        check_text("parent", parent_id, impl_->limits().short_text, true);
        return impl_->open_ticket(actor, impl_->derived_request(*impl_->read(parent_id), std::move(request)),
                                  std::nullopt);
    });
}

} // namespace ticketflow
