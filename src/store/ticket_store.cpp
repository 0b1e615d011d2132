// What every TicketStore gets from the interface itself: the query matcher the built-in
// stores share, and the defaults a host's store may keep or override.
#include "ticketflow/store.hpp"

#include "store/commit_rules.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace ticketflow {

bool matches(const TicketQuery& q, const Ticket& t) {
    return (!q.status || t.status == *q.status) && (!q.assignee || t.assignee == *q.assignee) &&
           (!q.department || t.department == *q.department) && (!q.customer_id || t.customer.id == *q.customer_id) &&
           (!q.received_from || t.times.received >= *q.received_from) &&
           (!q.received_until || t.times.received < *q.received_until);
}

std::vector<Ticket> TicketStore::query(const TicketQuery& q) const {
    std::vector<Ticket> out;
    scan(q, [&out](const Ticket& t) {
        out.push_back(t);
        return true;
    });
    return out;
}

void TicketStore::commit(const Commit& c) { commit_all({c}); }

std::shared_ptr<const Ticket> TicketStore::load_shared(const TicketId& id) const {
    auto ticket = load(id);
    return ticket ? std::make_shared<const Ticket>(std::move(*ticket)) : nullptr;
}

std::vector<std::shared_ptr<const Ticket>> TicketStore::load_many(const std::vector<TicketId>& ids) const {
    std::vector<std::shared_ptr<const Ticket>> tickets;
    tickets.reserve(ids.size());
    for (const auto& id : ids) tickets.push_back(load_shared(id));
    return tickets;
}

std::unique_ptr<OutboxWatch> TicketStore::watch_outbox(std::function<void()> on_rows) {
    detail::check_outbox_callback(on_rows);
    return nullptr;
}

} // namespace ticketflow
