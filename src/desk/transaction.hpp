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

#include <boost/container/small_vector.hpp>

#include <functional>
#include <initializer_list>
#include <mutex>
#include <utility>
#include <vector>

namespace ticketflow::detail {

// One ticket's working copy inside a transaction.
struct Draft {
    std::shared_ptr<const Ticket> stored; // the version it is based on; null for a new ticket
    Ticket ticket;                        // what every action of the transaction changes
    std::vector<AuditEvent> events;       // one per action and side event; versions set when sealed
    std::vector<Notification> notifications;
    std::optional<SequenceStep> sequence; // the counter a new ticket's number comes from
    std::optional<LoadShare> share_before;
    // The stages with provisional deadlines after the latest recorded action (bits as
    // Transaction::provisional_stages()); what a newer action adds to it is announced.
    std::uint32_t provisional = 0;
};

class Transaction {
public:
    Transaction(DeskCore& desk, const Actor& actor, Instant now);

    const Actor& actor() const { return actor_; }
    // The transaction's time: the command's, or a ticket's latest change when that is a
    // little later (see keep_time_forward()).
    Instant now() const { return now_; }
    const SlaEngine& sla() const { return *sla_; }

    // The working copy of stored ticket `id`, loaded on first use. References stay valid
    // until the next draft() or create(). @throws NotFound.
    Draft& draft(const TicketId& id);
    // A new ticket numbered inside this transaction (prefix + local date + daily serial),
    // so a refused or failed command takes no number. The shape given to
    // shape_next_created() is applied to it first.
    Draft& create(Ticket ticket);
    // What the next create() adds to its ticket before any action sees it (a work order's
    // kind, which its clocks are timed by); applied once.
    void shape_next_created(std::function<void(Ticket&)> shape) { shape_next_ = std::move(shape); }

    // One action on ticket `id`: authorized, checked against the lifecycle, changed by
    // `apply(Change&)`, its clocks updated, recorded with its own audit event.
    template <class Apply>
    Ticket& act(const TicketId& id, Action action, Apply&& apply) {
        Draft& d = draft(id);
        Ticket& t = d.ticket;
        const Status from = t.status;
        desk_.authorize(actor_, action, t, now_, d.stored != nullptr); // a new ticket has no trail yet
        const Status to = apply_transition(t, action);
        Change change{t, now_, {}, {}, {}, desk_.notifying()};
        apply(change);
        t.status = to;
        if (action != Action::monitor) sla_->on_action(change, action);
        record(d, action, from, change);
        return t;
    }

    // Moves what `change` collected onto `d`: the action's event (from → the ticket's
    // status now), then its side events and notifications. Deadlines the action made
    // provisional are announced first (or refused, see announce_provisional()).
    void record(Draft& d, Action action, Status from, Change& change);

    // Privacy, audit versions, idempotency keys and due instants: the commits to write.
    // The working copies move into them.
    std::vector<Commit> seal();
    // After the write: the committed tickets and their events move back, for the command
    // to return and report.
    void committed(std::vector<Commit>& commits);

    using Drafts = boost::container::small_vector<Draft, 1>;
    const Drafts& drafts() const { return drafts_; }
    // The committed version of ticket `id` (after committed()).
    Ticket take(const TicketId& id);
    // The committed tickets this transaction created, in order.
    std::vector<Ticket> take_created();

    // The stages whose clocks on `t` have a provisional deadline, one bit per stage.
    static std::uint32_t provisional_stages(const Ticket& t);

private:
    Draft* find(const TicketId& id);
    // Clocks that became provisional in this action (not in `before`): refused under
    // ProvisionalDeadlines::refuse (commands only), else recorded, and the calendar
    // administrator told when the ticket had none before.
    void announce_provisional(Change& change, Action action, std::uint32_t before);
    void keep_time_forward(const Ticket& stored);

    DeskCore& desk_;
    const Actor& actor_;
    Instant now_;
    std::shared_ptr<const SlaEngine> sla_; // one engine for the whole transaction
    Drafts drafts_;
    std::function<void(Ticket&)> shape_next_;
};

// The stripes of the tickets a command touches, locked in index order so that two
// commands on overlapping tickets cannot deadlock.
class StripeLocks {
public:
    StripeLocks(const DeskCore& desk, std::initializer_list<TicketId> ids);
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
template <class Body>
Transaction transact(DeskCore& desk, const Actor& actor, Instant now, std::initializer_list<TicketId> touched,
                     Body&& body) {
    desk.check_actor(actor);
    for (const auto& id : touched) desk.check_ticket_id(id);
    StripeLocks locks(desk, touched);
    for (int attempt = 1;; ++attempt) {
        Transaction tx(desk, actor, now);
        body(tx);
        std::vector<Commit> commits = tx.seal();
        try {
            desk.store->commit_all(commits);
        } catch (const ConcurrencyConflict&) {
            if (attempt >= desk.config.max_commit_attempts) throw;
            continue;
        }
        tx.committed(commits);
        locks.release();
        for (const auto& d : tx.drafts()) desk.update_loads(d.share_before, desk.load_share(d.ticket));
        if (desk.delivery) desk.delivery->after_commit();
        return tx;
    }
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
void protect_privacy(const PrivacyPolicy& policy, Draft& d);

} // namespace ticketflow::detail
