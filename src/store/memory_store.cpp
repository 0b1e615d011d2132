#include "ticketflow/store.hpp"

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
    };
    mutable std::shared_mutex mutex;
    std::map<TicketId, Entry> tickets;
    std::set<std::pair<Instant, TicketId>> due_index;
    std::map<std::uint64_t, OutboxRecord> outbox; // pending and dead rows; delivered ones are dropped
    std::uint64_t last_outbox_sequence = 0;
    std::map<std::string, std::uint64_t> counters;

    // Inserts before erasing, so a failed allocation leaves the index as it was.
    void set_due(Entry& entry, const TicketId& id, std::optional<Instant> due) {
        if (due) due_index.insert({*due, id});
        if (entry.due && entry.due != due) due_index.erase({*entry.due, id});
        entry.due = due;
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

void MemoryStore::commit(const Commit& c) {
    if (c.ticket.version != c.expected_version + 1)
        throw ValidationError("commit.ticket.version", "must be expected_version + 1");
    if (c.events.empty()) throw ValidationError("commit.events", "a commit needs at least one audit event");

    // Everything that can fail is prepared before the store is touched.
    std::string ticket = detail::encode_ticket(c.ticket);
    ticket.shrink_to_fit();
    std::string new_events;
    for (const auto& e : c.events) detail::append_event(new_events, e);

    std::unique_lock lock(state_->mutex);
    auto it = state_->tickets.find(c.ticket.id);
    std::uint64_t stored = it == state_->tickets.end() ? 0 : it->second.version;
    if (stored != c.expected_version || (c.expected_version == 0 && it != state_->tickets.end()))
        throw ConcurrencyConflict("ticket " + c.ticket.id + ": expected version " +
                                  std::to_string(c.expected_version) + ", stored version is " +
                                  std::to_string(stored));
    std::map<std::uint64_t, OutboxRecord> rows;
    auto sequence = state_->last_outbox_sequence;
    for (const auto& n : c.notifications) {
        ++sequence;
        rows.emplace(sequence, OutboxRecord{sequence, n, OutboxState::pending, 0, Instant{}, {}}); // due at once
    }
    bool created = it == state_->tickets.end();
    if (created) it = state_->tickets.emplace(c.ticket.id, State::Entry{}).first;
    auto& entry = it->second;
    const auto history_size = entry.history.size();
    try {
        entry.history.append(new_events); // strong guarantee: unchanged if it throws
        state_->set_due(entry, c.ticket.id, c.next_due);
    } catch (...) {
        entry.history.resize(history_size);
        if (created) state_->tickets.erase(it);
        throw;
    }

    // Nothing below allocates: the commit is all or nothing.
    entry.version = c.ticket.version;
    entry.ticket.swap(ticket);
    // A closed ticket is archived and rarely written again: give back the spare capacity.
    if (c.ticket.status == Status::closed) entry.history.shrink_to_fit();
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
    for (const auto& [id, entry] : state_->tickets) {
        if (q.limit && visited >= q.limit) break;
        Ticket ticket = detail::decode_ticket(entry.ticket);
        if (!matches(q, ticket)) continue;
        ++visited;
        if (!visit(ticket)) break;
    }
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
