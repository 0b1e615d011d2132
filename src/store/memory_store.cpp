#include "ticketflow/store.hpp"

#include "core/ticket_copy.hpp"
#include "store/commit_rules.hpp"
#include "store/outbox_watchers.hpp"
#include "store/ticket_codec.hpp"

#include <boost/container/small_vector.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ticketflow {

namespace {

// Where the snapshots of open tickets come from. A version the store has replaced, and
// nobody else holds, is kept (a few at most) and the next version is copied into it: its
// strings and lists keep their buffers, so most of that copy allocates nothing. Snapshots
// own the pool, so one may outlive its store.
class SnapshotPool : public std::enable_shared_from_this<SnapshotPool> {
public:
    SnapshotPool() { free_.reserve(kept); } // so that give() never allocates

    std::shared_ptr<const Ticket> copy_of(const Ticket& t) {
        std::unique_ptr<Ticket> slot = take();
        if (slot)
            detail::assign_ticket(*slot, t); // a failed copy just drops the slot
        else
            slot = std::make_unique<Ticket>(t);
        // Should the control block fail to allocate, the deleter still takes the slot back.
        return std::shared_ptr<const Ticket>(slot.release(), Recycle{shared_from_this()});
    }

private:
    static constexpr std::size_t kept = 8;

    struct Recycle {
        std::shared_ptr<SnapshotPool> pool;
        // The snapshot was created non-const; with its last owner gone it may be reused.
        void operator()(const Ticket* t) const noexcept { pool->give(std::unique_ptr<Ticket>(const_cast<Ticket*>(t))); }
    };

    std::unique_ptr<Ticket> take() {
        std::lock_guard lock(mutex_);
        if (free_.empty()) return nullptr;
        auto slot = std::move(free_.back());
        free_.pop_back();
        return slot;
    }
    void give(std::unique_ptr<Ticket> t) noexcept {
        std::lock_guard lock(mutex_);
        if (free_.size() < kept) free_.push_back(std::move(t));
    }

    std::mutex mutex_;
    std::vector<std::unique_ptr<Ticket>> free_;
};

} // namespace

struct MemoryStore::State {
    // A ticket still being worked on is kept decoded and shared with the desk that changes
    // it (no decoding per command); a closed one is archived in the binary encoding, a
    // fraction of the struct's size. Audit trails are always encoded.
    struct Entry {
        std::uint64_t version = 0;
        std::shared_ptr<const Ticket> open; // set while not closed
        std::string closed;                 // the encoded ticket once closed
        std::string history;
        std::optional<Instant> due;
        Lease due_claim;      // of the due entry; ended by the next commit
        std::string customer; // the id in by_customer

        std::shared_ptr<const Ticket> ticket() const {
            return open ? open : std::make_shared<const Ticket>(decode_ticket(closed));
        }
    };
    using Tickets = std::map<TicketId, Entry>;
    mutable std::shared_mutex mutex;
    Tickets tickets;                                               // ascending id, for scans
    std::unordered_map<std::string_view, Tickets::iterator> by_id; // point lookups; keys view tickets' keys
    std::set<std::pair<Instant, TicketId>> due_index;
    // Each customer's tickets in ascending id. New ids mostly sort last (the daily serial
    // grows), so an insert at the end hint costs no comparisons down a tree.
    std::unordered_map<std::string, std::set<TicketId>> by_customer;
    std::map<std::uint64_t, OutboxRecord> outbox; // pending and dead rows; delivered ones are dropped
    std::uint64_t last_outbox_sequence = 0;
    std::shared_ptr<SnapshotPool> snapshots = std::make_shared<SnapshotPool>();
    std::map<std::string, std::uint64_t> counters;
    std::shared_ptr<detail::OutboxWatchers> watchers = std::make_shared<detail::OutboxWatchers>();

    // A due time changes in two steps, so a commit of many tickets can be undone without
    // allocating: add_due() inserts an entry for a ticket that had none (the step that may
    // fail), settle_due() moves or erases an existing one, reusing its node.
    bool add_due(const Entry& entry, const TicketId& id, std::optional<Instant> due) {
        return due && !entry.due && due_index.insert({*due, id}).second;
    }
    void settle_due(Entry& entry, const TicketId& id, std::optional<Instant> due) noexcept {
        if (entry.due && entry.due != due) {
            auto node = due_index.extract({*entry.due, id});
            if (due) {
                node.value().first = *due;
                due_index.insert(std::move(node));
            }
        }
        entry.due = due;
    }
    // The customer index changes in the same two steps.
    bool add_customer(const Entry& entry, bool created, const TicketId& id, const std::string& customer) {
        if (!created && customer == entry.customer) return false;
        auto& tickets = by_customer[customer]; // an empty set left by a failed insert is harmless
        const std::size_t before = tickets.size();
        tickets.insert(tickets.end(), id);
        return tickets.size() > before;
    }
    void erase_customer(const std::string& customer, const TicketId& id) noexcept {
        auto it = by_customer.find(customer);
        if (it == by_customer.end()) return;
        it->second.erase(id);
        if (it->second.empty()) by_customer.erase(it);
    }
    void settle_customer(Entry& entry, bool created, const TicketId& id, std::string& customer) noexcept {
        if (!created && customer == entry.customer) return;
        if (!created) erase_customer(entry.customer, id);
        entry.customer.swap(customer);
    }

    Tickets::iterator find(const TicketId& id) {
        auto it = by_id.find(id);
        return it == by_id.end() ? tickets.end() : it->second;
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
// After the commit it holds what the entry gave up, released after the lock.
struct MemoryStore::Prepared {
    Prepared(const Commit& c, SnapshotPool& snapshots) : commit(&c), customer(c.ticket.customer.id) {
        if (c.ticket.status == Status::closed)
            closed = encode_ticket(c.ticket); // exact size
        else
            open = snapshots.copy_of(c.ticket);
        for (const auto& n : c.notifications) rows.try_emplace(rows.end(), rows.size())->second.notification = n;
    }
    const Commit* commit;
    std::shared_ptr<const Ticket> open;
    std::string closed;
    std::string customer;
    // The commit's outbox rows in order, due at once; numbered and moved into the outbox
    // under the lock, without allocating.
    std::map<std::uint64_t, OutboxRecord> rows;
    std::uint64_t* counter = nullptr; // the counter the commit advances, once found
};

// Each counter a commit advances must stand one below its new value, taking the earlier
// commits of the same group into account.
void MemoryStore::check_sequences(const Prepared* commits, std::size_t count) const {
    for (std::size_t i = 0; i < count; ++i) {
        const auto& step = commits[i].commit->sequence;
        if (!step) continue;
        std::uint64_t current = 0;
        for (std::size_t j = i; j-- > 0;)
            if (commits[j].commit->sequence && commits[j].commit->sequence->name == step->name) {
                current = commits[j].commit->sequence->value;
                break;
            }
        if (current == 0) {
            auto it = state_->counters.find(step->name);
            if (it != state_->counters.end()) current = it->second;
        }
        detail::check_sequence_step(*step, current);
    }
}

void MemoryStore::commit_all(const std::vector<Commit>& commits) {
    detail::check_commit_group(commits);
    boost::container::small_vector<Prepared, 2> prepared; // a command writes one or two tickets
    prepared.reserve(commits.size());
    for (const auto& c : commits) prepared.emplace_back(c, *state_->snapshots);
    if (prepared.empty()) return;
    apply(prepared.data(), prepared.size());
    if (detail::writes_outbox(commits)) state_->watchers->tell(); // after the store's lock is released
}

// All or nothing: versions are checked first; then every step that may allocate (history
// appends, new due entries) is taken and undone on failure; the rest cannot fail (the
// outbox rows were made in Prepared).
void MemoryStore::apply(Prepared* commits, std::size_t count) {
    std::unique_lock lock(state_->mutex);
    // A command commits one ticket, a merge two: no allocation for the bookkeeping.
    boost::container::small_vector<State::Tickets::iterator, 2> found(count);
    for (std::size_t i = 0; i < count; ++i) {
        const Commit& c = *commits[i].commit;
        found[i] = state_->find(c.ticket.id);
        const bool exists = found[i] != state_->tickets.end();
        detail::check_stored_version(c, exists ? found[i]->second.version : 0, exists);
    }
    check_sequences(commits, count);

    struct Undo {
        State::Tickets::iterator entry;
        bool created;
        bool indexed;
        std::size_t history_size;
        bool due_added;
        bool customer_added;
    };
    boost::container::small_vector<Undo, 2> undo;
    undo.reserve(count);
    try {
        for (std::size_t i = 0; i < count; ++i) {
            const Commit& c = *commits[i].commit;
            const bool created = found[i] == state_->tickets.end();
            if (created) found[i] = state_->tickets.try_emplace(c.ticket.id).first;
            auto it = found[i];
            undo.push_back({it, created, false, it->second.history.size(), false, false});
            if (created) undo.back().indexed = state_->by_id.emplace(it->first, it).second;
            for (const auto& e : c.events) detail::append_event(it->second.history, e);
            undo.back().due_added = state_->add_due(it->second, c.ticket.id, c.next_due);
            undo.back().customer_added = state_->add_customer(it->second, created, c.ticket.id, commits[i].customer);
            // A counter at 0 reads as one never advanced, so an entry made here needs no undo.
            if (c.sequence) commits[i].counter = &state_->counters[c.sequence->name];
        }
    } catch (...) {
        for (std::size_t j = undo.size(); j-- > 0;) {
            const Undo& u = undo[j];
            if (u.due_added) state_->due_index.erase({*commits[j].commit->next_due, u.entry->first});
            if (u.customer_added) state_->erase_customer(commits[j].customer, u.entry->first);
            u.entry->second.history.resize(u.history_size);
            if (u.indexed) state_->by_id.erase(u.entry->first);
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
        entry.due_claim.until = Instant{}; // a commit ends the monitor's claim
        entry.open.swap(commits[i].open);
        entry.closed.swap(commits[i].closed);
        if (commits[i].counter) *commits[i].counter = c.sequence->value;
        // A closed ticket is archived and rarely written again: give back the spare capacity.
        if (c.ticket.status == Status::closed) entry.history.shrink_to_fit();
    }
    auto& outbox = state_->outbox;
    for (std::size_t i = 0; i < count; ++i)
        while (!commits[i].rows.empty()) {
            auto row = commits[i].rows.extract(commits[i].rows.begin());
            row.key() = row.mapped().sequence = ++state_->last_outbox_sequence;
            outbox.insert(outbox.end(), std::move(row));
        }
}

void MemoryStore::append_audit(const AuditEvent& event) {
    std::unique_lock lock(state_->mutex);
    auto it = state_->find(event.ticket);
    if (it == state_->tickets.end()) throw NotFound("ticket " + event.ticket);
    detail::append_event(it->second.history, event);
}

std::optional<Ticket> MemoryStore::load(const TicketId& id) const {
    std::shared_lock lock(state_->mutex);
    auto it = state_->find(id);
    if (it == state_->tickets.end()) return std::nullopt;
    const auto& entry = it->second;
    return entry.open ? *entry.open : decode_ticket(entry.closed);
}

std::shared_ptr<const Ticket> MemoryStore::load_shared(const TicketId& id) const {
    std::shared_lock lock(state_->mutex);
    auto it = state_->find(id);
    return it == state_->tickets.end() ? nullptr : it->second.ticket();
}

void MemoryStore::scan(const TicketQuery& q, const std::function<bool(const Ticket&)>& visit) const {
    std::shared_lock lock(state_->mutex);
    std::size_t visited = 0;
    auto offer = [&](const State::Entry& entry) {
        if (q.limit && visited >= q.limit) return false;
        // A closed ticket is kept encoded: a query for another status passes it undecoded
        // (the monitor's waiting queue would otherwise decode the whole archive every tick).
        if (!entry.open && q.status && *q.status != Status::closed) return true;
        std::optional<Ticket> decoded;
        if (!entry.open) decoded = decode_ticket(entry.closed);
        const Ticket& ticket = entry.open ? *entry.open : *decoded;
        if (!matches(q, ticket)) return true;
        ++visited;
        return visit(ticket);
    };
    if (q.customer_id) { // through the customer index: ascending ticket id within a customer
        auto tickets = state_->by_customer.find(*q.customer_id);
        if (tickets == state_->by_customer.end()) return;
        for (const auto& id : tickets->second)
            if (!offer(state_->find(id)->second)) return;
        return;
    }
    for (const auto& [id, entry] : state_->tickets)
        if (!offer(entry)) return;
}

std::vector<AuditEvent> MemoryStore::history(const TicketId& id) const {
    std::shared_lock lock(state_->mutex);
    auto it = state_->find(id);
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

namespace {

// A claim another owner still holds at `now`.
bool held_by_other(const std::string& claimed_by, Instant claimed_until, const Lease& lease, Instant now) {
    return !claimed_by.empty() && claimed_by != lease.owner && now < claimed_until;
}

} // namespace

std::vector<DueEntry> MemoryStore::claim_due(Instant now, std::size_t limit, const Lease& lease) {
    std::unique_lock lock(state_->mutex);
    std::vector<DueEntry> claimed;
    for (auto it = state_->due_index.begin(); it != state_->due_index.end() && it->first <= now; ++it) {
        if (claimed.size() >= limit) break;
        auto& claim = state_->find(it->second)->second.due_claim;
        if (held_by_other(claim.owner, claim.until, lease, now)) continue;
        claimed.push_back({it->first, it->second});
        claim = lease;
    }
    return claimed;
}

std::vector<OutboxRecord> MemoryStore::outbox_claim(Instant now, std::size_t limit, const Lease& lease) {
    std::unique_lock lock(state_->mutex);
    auto& outbox = state_->outbox;
    std::set<std::string_view> skipped; // tickets another owner holds
    for (const auto& [sequence, row] : outbox)
        if (row.state == OutboxState::pending && held_by_other(row.claimed_by, row.claimed_until, lease, now))
            skipped.insert(row.notification.ticket);
    std::vector<OutboxRecord> claimed;
    for (auto& [sequence, row] : outbox) {
        if (claimed.size() >= limit) break;
        if (row.state != OutboxState::pending) continue;
        const std::string_view ticket = row.notification.ticket;
        if (skipped.count(ticket)) continue;
        if (row.next_attempt > now) { // its later rows wait behind it
            skipped.insert(ticket);
            continue;
        }
        row.claimed_by = lease.owner;
        row.claimed_until = lease.until;
        claimed.push_back(row);
    }
    return claimed;
}

void MemoryStore::outbox_release(const std::vector<std::uint64_t>& sequences, const std::string& owner) {
    std::unique_lock lock(state_->mutex);
    for (auto sequence : sequences) {
        auto it = state_->outbox.find(sequence);
        if (it != state_->outbox.end() && it->second.claimed_by == owner) it->second.claimed_until = Instant{};
    }
}

std::uint64_t MemoryStore::sequence_value(const std::string& name) const {
    std::shared_lock lock(state_->mutex);
    auto it = state_->counters.find(name);
    return it == state_->counters.end() ? 0 : it->second;
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
    row.claimed_until = Instant{}; // anyone may retry it
    if (retry_at)
        row.next_attempt = *retry_at;
    else
        row.state = OutboxState::dead;
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

std::unique_ptr<OutboxWatch> MemoryStore::watch_outbox(std::function<void()> on_rows) {
    detail::check_outbox_callback(on_rows);
    return state_->watchers->add(std::move(on_rows));
}

} // namespace ticketflow
