#include "ticketflow/store.hpp"

#include "store/commit_rules.hpp"
#include "store/ticket_codec.hpp"

#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>

namespace ticketflow {

bool matches(const TicketQuery& q, const Ticket& t) {
    return (!q.status || t.status == *q.status) && (!q.assignee || t.assignee == *q.assignee) &&
           (!q.department || t.department == *q.department) &&
           (!q.customer_id || t.customer.id == *q.customer_id) &&
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

struct MemoryStore::State {
    // Tickets and their histories are kept encoded: a fraction of the size of the structs.
    struct Entry {
        std::uint64_t version = 0;
        std::string ticket;
        std::string history;
        std::optional<Instant> due;
        std::string customer; // the id in by_customer
    };
    mutable std::shared_mutex mutex;
    std::map<TicketId, Entry> tickets;
    std::set<std::pair<Instant, TicketId>> due_index;
    std::set<std::pair<std::string, TicketId>> by_customer; // (customer id, ticket id)
    std::map<std::uint64_t, OutboxRecord> outbox; // pending and dead rows; delivered ones are dropped
    std::uint64_t last_outbox_sequence = 0;
    std::map<std::string, std::uint64_t> counters;

    // A due time changes in two steps, so a commit of many tickets can be undone without
    // allocating: add_due() inserts the new entry (the step that may fail), settle_due()
    // erases the old one.
    bool add_due(const Entry& entry, const TicketId& id, std::optional<Instant> due) {
        return due && due != entry.due && due_index.insert({*due, id}).second;
    }
    void settle_due(Entry& entry, const TicketId& id, std::optional<Instant> due) noexcept {
        if (entry.due && entry.due != due) due_index.erase({*entry.due, id});
        entry.due = due;
    }
    // The customer index changes in the same two steps.
    bool add_customer(const Entry& entry, bool created, const TicketId& id, const std::string& customer) {
        return (created || customer != entry.customer) && by_customer.insert({customer, id}).second;
    }
    void settle_customer(Entry& entry, bool created, const TicketId& id, std::string& customer) noexcept {
        if (!created && customer == entry.customer) return;
        if (!created) by_customer.erase({entry.customer, id});
        entry.customer.swap(customer);
    }

    template <class Pred>
    std::vector<OutboxRecord> outbox_rows(std::size_t limit, Pred keep) const {
        std::vector<OutboxRecord> rows;
        for (const auto& [sequence, row] : outbox) {
            if (rows.size() >= limit) break;
            if (keep(row)) rows.push_back(row);
        }
        return rows;
    }
};

MemoryStore::MemoryStore() : state_(std::make_unique<State>()) {}
MemoryStore::~MemoryStore() = default;

// A commit with everything that can fail to allocate prepared before the lock is taken.
struct MemoryStore::Prepared {
    explicit Prepared(const Commit& c)
        : commit(&c), ticket(detail::encode_ticket(c.ticket)), customer(c.ticket.customer.id) {
        ticket.shrink_to_fit();
        for (const auto& e : c.events) detail::append_event(events, e);
    }
    const Commit* commit;
    std::string ticket;
    std::string customer;
    std::string events;
};

void MemoryStore::commit(const Commit& c) {
    detail::check_commit(c);
    Prepared prepared(c);
    apply(&prepared, 1);
}

void MemoryStore::commit_all(const std::vector<Commit>& commits) {
    detail::check_commit_group(commits);
    std::vector<Prepared> prepared;
    prepared.reserve(commits.size());
    for (const auto& c : commits) prepared.emplace_back(c);
    if (!prepared.empty()) apply(prepared.data(), prepared.size());
}

// All or nothing: versions are checked first; then every step that may allocate (history
// appends, new due entries, outbox rows) is taken and undone on failure; the rest cannot fail.
void MemoryStore::apply(Prepared* commits, std::size_t count) {
    std::unique_lock lock(state_->mutex);
    for (std::size_t i = 0; i < count; ++i) {
        const Commit& c = *commits[i].commit;
        auto it = state_->tickets.find(c.ticket.id);
        const bool exists = it != state_->tickets.end();
        detail::check_stored_version(c, exists ? it->second.version : 0, exists);
    }
    std::map<std::uint64_t, OutboxRecord> rows;
    auto sequence = state_->last_outbox_sequence;
    for (std::size_t i = 0; i < count; ++i)
        for (const auto& n : commits[i].commit->notifications) {
            ++sequence;
            rows.emplace(sequence, OutboxRecord{sequence, n, OutboxState::pending, 0, Instant{}, {}}); // due at once
        }

    struct Undo {
        std::map<TicketId, State::Entry>::iterator entry;
        bool created;
        std::size_t history_size;
        bool due_added;
        bool customer_added;
    };
    std::vector<Undo> undo;
    undo.reserve(count);
    try {
        for (std::size_t i = 0; i < count; ++i) {
            const Commit& c = *commits[i].commit;
            auto [it, created] = state_->tickets.try_emplace(c.ticket.id);
            undo.push_back({it, created, it->second.history.size(), false, false});
            it->second.history.append(commits[i].events);
            undo.back().due_added = state_->add_due(it->second, c.ticket.id, c.next_due);
            undo.back().customer_added = state_->add_customer(it->second, created, c.ticket.id, commits[i].customer);
        }
    } catch (...) {
        for (std::size_t j = undo.size(); j-- > 0;) {
            const Undo& u = undo[j];
            if (u.due_added) state_->due_index.erase({*commits[j].commit->next_due, u.entry->first});
            if (u.customer_added) state_->by_customer.erase({commits[j].customer, u.entry->first});
            u.entry->second.history.resize(u.history_size);
            if (u.created) state_->tickets.erase(u.entry);
        }
        throw;
    }

    // Nothing below allocates.
    for (std::size_t i = 0; i < count; ++i) {
        const Commit& c = *commits[i].commit;
        auto& entry = undo[i].entry->second;
        state_->settle_due(entry, c.ticket.id, c.next_due);
        state_->settle_customer(entry, undo[i].created, c.ticket.id, commits[i].customer);
        entry.version = c.ticket.version;
        entry.ticket.swap(commits[i].ticket);
        // A closed ticket is archived and rarely written again: give back the spare capacity.
        if (c.ticket.status == Status::closed) entry.history.shrink_to_fit();
    }
    state_->outbox.merge(rows);
    state_->last_outbox_sequence = sequence;
}

void MemoryStore::append_audit(const AuditEvent& event) {
    std::string encoded;
    detail::append_event(encoded, event);
    std::unique_lock lock(state_->mutex);
    auto it = state_->tickets.find(event.ticket);
    if (it == state_->tickets.end()) throw NotFound("ticket " + event.ticket);
    it->second.history.append(encoded);
}

std::optional<Ticket> MemoryStore::load(const TicketId& id) const {
    std::shared_lock lock(state_->mutex);
    auto it = state_->tickets.find(id);
    if (it == state_->tickets.end()) return std::nullopt;
    return detail::decode_ticket(it->second.ticket);
}

void MemoryStore::scan(const TicketQuery& q, const std::function<bool(const Ticket&)>& visit) const {
    std::shared_lock lock(state_->mutex);
    std::size_t visited = 0;
    auto offer = [&](const State::Entry& entry) {
        if (q.limit && visited >= q.limit) return false;
        Ticket ticket = detail::decode_ticket(entry.ticket);
        if (!matches(q, ticket)) return true;
        ++visited;
        return visit(ticket);
    };
    if (q.customer_id) { // through the customer index: ascending ticket id within a customer
        const auto& by_customer = state_->by_customer;
        for (auto it = by_customer.lower_bound({*q.customer_id, TicketId{}});
             it != by_customer.end() && it->first == *q.customer_id; ++it)
            if (!offer(state_->tickets.at(it->second))) return;
        return;
    }
    for (const auto& [id, entry] : state_->tickets)
        if (!offer(entry)) return;
}

std::vector<AuditEvent> MemoryStore::history(const TicketId& id) const {
    std::shared_lock lock(state_->mutex);
    auto it = state_->tickets.find(id);
    return it == state_->tickets.end() ? std::vector<AuditEvent>{} : detail::decode_events(it->second.history, id);
}

std::vector<DueEntry> MemoryStore::due_until(Instant until, std::size_t limit) const {
    std::shared_lock lock(state_->mutex);
    std::vector<DueEntry> due;
    for (auto it = state_->due_index.begin(); it != state_->due_index.end() && it->first <= until; ++it) {
        if (due.size() >= limit) break;
        due.push_back({it->first, it->second});
    }
    return due;
}

std::uint64_t MemoryStore::next_sequence(const std::string& name) {
    std::unique_lock lock(state_->mutex);
    return ++state_->counters[name];
}

std::vector<OutboxRecord> MemoryStore::outbox_pending(std::size_t limit) const {
    std::shared_lock lock(state_->mutex);
    return state_->outbox_rows(limit, [](const OutboxRecord& r) { return r.state == OutboxState::pending; });
}

void MemoryStore::outbox_delivered(std::uint64_t sequence) {
    std::unique_lock lock(state_->mutex);
    auto it = state_->outbox.find(sequence);
    if (it != state_->outbox.end() && it->second.state == OutboxState::pending) state_->outbox.erase(it);
}

void MemoryStore::outbox_failed(std::uint64_t sequence, const std::string& error, std::optional<Instant> retry_at) {
    std::unique_lock lock(state_->mutex);
    auto it = state_->outbox.find(sequence);
    if (it == state_->outbox.end() || it->second.state != OutboxState::pending) return;
    auto& row = it->second;
    ++row.attempts;
    row.last_error = error;
    if (retry_at) row.next_attempt = *retry_at;
    else row.state = OutboxState::dead;
}

std::vector<OutboxRecord> MemoryStore::outbox_dead(std::size_t limit) const {
    std::shared_lock lock(state_->mutex);
    return state_->outbox_rows(limit, [](const OutboxRecord& r) { return r.state == OutboxState::dead; });
}

void MemoryStore::outbox_requeue(std::uint64_t sequence, Instant at) {
    std::unique_lock lock(state_->mutex);
    auto it = state_->outbox.find(sequence);
    if (it == state_->outbox.end() || it->second.state != OutboxState::dead)
        throw NotFound("dead outbox row " + std::to_string(sequence));
    it->second.state = OutboxState::pending;
    it->second.next_attempt = at;
}

} // namespace ticketflow
