#pragma once
// The one write path. Every ServiceDesk command is one Transaction:
//
//   lock every ticket it touches (stripes, in a fixed order)
//   for each action: load → authorize → lifecycle → apply → SLA clocks   (1..n actions,
//                    on one working copy per ticket, each with its own audit event)
//   seal: privacy, audit versions, idempotency keys, due instants
//   TicketStore::commit_all(...)   ← the one write; the whole draft again on a conflict
//   unlock → update loads → hand the notifications to delivery
//
// A command that throws anywhere before the write leaves the store as it was (a refused
// permission is kept in the ticket's audit trail, by design); a delivery failure after the
// write never reaches the caller.

#include "desk/desk_impl.hpp"
#include "lifecycle/machine.hpp"
#include "ticketflow/observer.hpp"

#include <boost/container/small_vector.hpp>

#include <functional>
#include <initializer_list>
#include <mutex>
#include <utility>
#include <vector>

namespace ticketflow::detail {

class StripeLocks;

// What a transaction knows of a ticket besides its working copy.
struct Draft {
    std::shared_ptr<const Ticket> stored; // the version it is based on; null for a new ticket
    std::optional<LoadShare> share_before;
    // The stages with provisional deadlines after the latest recorded action (bits as
    // Transaction::provisional_stages()); what a newer action adds to it is announced.
    std::uint32_t provisional = 0;
};

class Transaction {
public:
    Transaction(DeskCore& desk, const Actor& actor, Instant now);
    ~Transaction(); // hands its commit vector's capacity to the thread's next transaction
    Transaction(Transaction&&) = default;
    Transaction& operator=(Transaction&&) = delete;
    // Back to a fresh draft at the original instant, for another attempt after a conflict.
    void restart();

    const Actor& actor() const { return actor_; }
    // The transaction's time: the command's, or a ticket's latest change when that is a
    // little later (see keep_time_forward()).
    Instant now() const { return now_; }
    const SlaEngine& sla() const { return *sla_; }

    // The working copy of stored ticket `id`, loaded on first use. References stay valid
    // until the next draft() or create(). @throws NotFound.
    Ticket& draft(const TicketId& id);
    // The working copy of `stored`, a snapshot read before the transaction began (a commit
    // based on it conflicts if it is stale). REQUIRES: not drafted yet in this transaction.
    Ticket& draft(std::shared_ptr<const Ticket> stored);
    // A new, empty ticket numbered inside this transaction (prefix + local date + daily
    // serial), so a refused or failed command takes no number; the caller fills it in.
    Ticket& create();

    // One action on ticket `id`: authorized, checked against the lifecycle, changed by
    // `apply(Change&)`, its clocks updated, recorded with its own audit event.
    template <class Apply>
    Ticket& act(const TicketId& id, Action action, Apply&& apply) {
        Ticket& t = draft(id);
        const Status from = t.status;
        desk_.authorize(actor_, action, t, now_, stored(t) != nullptr); // a new ticket has no trail yet
        const Status to = apply_transition(t, action);
        Change change{t, now_, {}, {}, {}, desk_.notifying(), &desk_.messages};
        apply(change);
        t.status = to;
        if (action != Action::monitor) sla_->on_action(change, action);
        record(t, action, from, change);
        return t;
    }

    // Moves what `change` collected onto working copy `t`'s commit: the action's event
    // (from → the ticket's status now), then its side events and notifications. Deadlines
    // the action made provisional are announced first (or refused, see
    // announce_provisional()).
    void record(Ticket& t, Action action, Status from, Change& change);

    // Privacy, audit versions, idempotency keys and due instants: the commits are then
    // ready for TicketStore::commit_all().
    void seal();
    // Seals and writes the draft of attempt `attempt`: false when another writer committed
    // first and attempts are left (`max_attempts`, 0 = the desk's), to draft again. Once
    // written: releases `locks`, updates loads, tells the observer and wakes delivery.
    // @throws ConcurrencyConflict after the last attempt, or what the store throws.
    bool commit(StripeLocks& locks, int attempt, int max_attempts);
    // One commit per ticket the transaction touched, in the order it touched them; after
    // seal() and the write, the committed versions with their events.
    const std::vector<Commit>& commits() const { return commits_; }
    // The monitor's deadline events recorded in this transaction, in order, for the
    // observer once committed, each with the index of its ticket's commit; their
    // SlaEvent::ticket is left empty (a view into a working copy would not outlive take()).
    const std::vector<std::pair<std::size_t, SlaEvent>>& sla_events() const { return sla_events_; }

    // The committed version of ticket `id`, moved out.
    Ticket take(const TicketId& id);
    // The committed tickets this transaction created, in order, moved out.
    std::vector<Ticket> take_created();

    // The stages whose clocks on `t` have a provisional deadline, one bit per stage.
    static std::uint32_t provisional_stages(const Ticket& t);

private:
    std::size_t index_of(const Ticket& working) const;
    Commit* find(const TicketId& id);
    const std::shared_ptr<const Ticket>& stored(const Ticket& working) const {
        return drafts_[index_of(working)].stored;
    }
    // Clocks that became provisional in this action (not in `before`): refused under
    // ProvisionalDeadlines::refuse (commands only), else recorded, and the calendar
    // administrator told when the ticket had none before.
    void announce_provisional(Change& change, Action action, std::uint32_t before);
    void keep_time_forward(const Ticket& stored);

    DeskCore& desk_;
    const Actor& actor_;
    Instant requested_; // the command's instant, before keep_time_forward()
    Instant now_;
    std::shared_ptr<const SlaEngine> sla_; // one engine for the whole transaction
    // The working copies live in the commits the transaction writes, so nothing is
    // copied or moved between drafting and writing; drafts_[i] belongs to commits_[i].
    std::vector<Commit> commits_;
    boost::container::small_vector<Draft, 2> drafts_;
    std::vector<std::pair<std::size_t, SlaEvent>> sla_events_;
};

// The actor and the ids of the tickets a command touches, checked before anything is locked.
void check_command(const DeskCore& desk, const Actor& actor, const TicketId* first, const TicketId* last);

// Tells the desk's observer (when there is one) of the write of `tx`, which took
// `conflicts` lost attempts first.
void observe_commit(const DeskCore& desk, const Transaction& tx, std::uint32_t conflicts) noexcept;

// The stripes of the tickets a command touches, locked in index order so that two
// commands on overlapping tickets cannot deadlock.
class StripeLocks {
public:
    StripeLocks(const DeskCore& desk, const TicketId* first, const TicketId* last);
    ~StripeLocks() { release(); }
    StripeLocks(const StripeLocks&) = delete;
    StripeLocks& operator=(const StripeLocks&) = delete;
    void release() noexcept;

private:
    boost::container::small_vector<std::mutex*, 4> held_;
};

// Runs `body(Transaction&)` as one transaction of `actor` at `now` over the tickets
// `touched` (new tickets need no lock) and returns the committed transaction. The body
// runs again on a fresh draft when another writer committed first, up to
// DeskConfig::max_commit_attempts times, so it must not change anything outside the
// transaction.
// `max_attempts` (default: the desk's) bounds the drafts; ConcurrencyConflict escapes
// after the last.
template <class Body>
Transaction transact(DeskCore& desk, const Actor& actor, Instant now, const TicketId* first, const TicketId* last,
                     Body&& body, int max_attempts = 0) {
    check_command(desk, actor, first, last);
    StripeLocks locks(desk, first, last);
    Transaction tx(desk, actor, now); // one object, returned without a move
    for (int attempt = 1;; ++attempt) {
        if (attempt > 1) tx.restart();
        body(tx);
        if (tx.commit(locks, attempt, max_attempts)) return tx;
    }
}

template <class Body>
Transaction transact(DeskCore& desk, const Actor& actor, Instant now, std::initializer_list<TicketId> touched,
                     Body&& body) {
    return transact(desk, actor, now, touched.begin(), touched.end(), std::forward<Body>(body));
}

// A command of one action on one ticket: the common case.
template <class Apply>
Ticket run(DeskCore& desk, const Actor& actor, Instant now, const TicketId& id, Action action, Apply&& apply) {
    return transact(desk, actor, now, {id}, [&](Transaction& tx) { tx.act(id, action, apply); }).take(id);
}

template <class Apply>
Ticket run(DeskCore& desk, const Actor& actor, const TicketId& id, Action action, Apply&& apply) {
    return run(desk, actor, desk.clock->now(), id, action, std::forward<Apply>(apply));
}

// 保密原则: every text the transaction writes or changes on `d` passes the privacy policy
// before it is written anywhere (privacy_gate.cpp).
void protect_privacy(const PrivacyPolicy& policy, Commit& c, const Ticket* before);

} // namespace ticketflow::detail
