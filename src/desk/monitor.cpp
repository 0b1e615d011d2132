// The SLA monitor (tick): warnings, breaches, escalations, reminders, waits that end by
// themselves, late tasks and approvals, feedback timeouts; then the waiting queue offered
// to the assigner. And the recomputation of every open clock after a policy change.

#include "desk/observed.hpp"
#include "desk/transaction.hpp"

#include <algorithm>
#include <chrono>
#include <set>

namespace ticketflow {

using detail::Change;
using detail::Transaction;

namespace detail {
void flag_overdue_tasks(Change& c);
std::size_t flag_overdue_approvals(Change& c);
} // namespace detail

namespace {

const Actor& system_actor() {
    static const Actor system{"system", Role::system, ""};
    return system;
}

// Thrown inside a transaction when a waiting ticket still finds no agent: the attempt must
// leave no trace, or every tick would add a version and an audit event to each of them.
struct NoAgentFree {};

void count_fired(TickReport& report, const std::vector<AuditEvent>& events) {
    for (const auto& event : events) {
        report.warnings += event.action == Action::sla_warning;
        report.breaches += event.action == Action::sla_breach;
        report.escalations += event.action == Action::escalate;
        report.reminders += event.action == Action::remind_progress;
        report.resumed += event.action == Action::resume;
    }
}

// True when something the monitor acts on fell due at or before `close_at`, the instant a
// done ticket's feedback timeout closes it.
bool due_before_close(const detail::SlaEngine& sla, const Ticket& t, Instant close_at) {
    if (auto due = sla.next_due(t); due && *due <= close_at) return true;
    for (const auto& task : t.tasks)
        if (!task.completed && !task.overdue_notified && task.due < close_at) return true;
    for (const auto& a : t.approvals)
        if (a.state == ApprovalState::pending && !a.overdue_notified && a.due < close_at) return true;
    return false;
}

// A closed ticket is read-only and needs no monitor: a due entry left for it (written
// before closing stopped writing one) is skipped, so it cannot stop the tick for the others.
bool monitored(const Ticket* t) { return t && t->status != Status::closed; }

// The monitor's action on a due ticket: its clocks, tasks and approvals checked.
void check_clocks(Transaction& tx, const TicketId& id, std::size_t& approvals_overdue) {
    tx.act(id, Action::monitor, [&](Change& c) {
        tx.sla().on_monitor(c);
        detail::flag_overdue_tasks(c);
        approvals_overdue += detail::flag_overdue_approvals(c);
        c.note = "SLA check";
    });
}

// Tells the observer of the deadline events `tx` committed, and of the automatic close of
// its first ticket at `closed_at`.
void observe_sla(DeskObserver* observer, const Transaction& tx, std::optional<Instant> closed_at) {
    if (!observer) return;
    auto report = [&](SlaEvent event, std::size_t commit) {
        event.ticket = tx.commits()[commit].ticket.id;
        detail::observe(observer, [&](DeskObserver& o) { o.on_sla(event); });
    };
    for (const auto& [commit, event] : tx.sla_events()) report(event, commit);
    if (closed_at) report(SlaEvent{{}, SlaEventKind::auto_close, std::nullopt, *closed_at}, 0);
}

} // namespace

// The monitor's look at one due ticket: its clocks, tasks and approvals checked, or, when
// its feedback timeout ran out, closed — in one transaction either way.
void detail::DeskCore::check_due(TickReport& report, const TicketId& id, Instant now) {
    auto ticket = store->load_shared(id);
    if (!monitored(ticket.get())) return;
    ++report.tickets;
    std::size_t approvals_overdue = 0;
    auto check = [&](Transaction& tx) {
        approvals_overdue = 0; // counted again when a conflict drafts the ticket anew
        check_clocks(tx, id, approvals_overdue);
    };
    if (auto close_at = auto_close_at(*ticket); close_at && *close_at <= now) {
        // The feedback timeout closes the ticket at the instant it ran out, however late
        // the monitor notices (or at its latest change, should that be later): the
        // transaction runs at that instant, so the close, its audit event and its
        // notification carry it. What fell due before it is handled first, as the monitor
        // would have then.
        const Instant at = std::max(*close_at, ticket->times.updated);
        auto tx = detail::transact(*this, system_actor(), at, {id}, [&](Transaction& tx) {
            if (due_before_close(tx.sla(), tx.draft(id), at)) check(tx);
            close_into(tx, id, {});
        });
        count_fired(report, tx.commits().front().events);
        report.approvals_overdue += approvals_overdue;
        ++report.auto_closed;
        observe_sla(config.observer.get(), tx, at);
        return;
    }
    auto tx = detail::transact(*this, system_actor(), now, {id}, check);
    count_fired(report, tx.commits().front().events);
    report.approvals_overdue += approvals_overdue;
    observe_sla(config.observer.get(), tx, std::nullopt);
}

// The due tickets that only need their clocks, tasks and approvals checked are checked
// in one transaction: one read and one write for the whole batch, which keeps a tick short
// on a store across a network. A ticket whose feedback timeout ran out or that changed
// after `now` is checked alone (its transaction runs at another instant), and so is every
// ticket of a batch that a concurrent write or a refusal stopped.
void detail::DeskCore::check_due_batch(TickReport& report, const std::vector<TicketId>& ids, Instant now) {
    const auto stored = store->load_many(ids);
    std::vector<std::shared_ptr<const Ticket>> together;
    std::vector<TicketId> alone;
    for (const auto& t : stored) {
        if (!monitored(t.get())) continue;
        const auto close_at = auto_close_at(*t);
        if ((close_at && *close_at <= now) || t->times.updated > now)
            alone.push_back(t->id);
        else
            together.push_back(t);
    }
    // Chunks bound how many tickets one transaction locks and writes.
    constexpr std::size_t chunk = 128;
    for (std::size_t first = 0; first < together.size(); first += chunk) {
        const std::vector<std::shared_ptr<const Ticket>> part(
            together.begin() + first, together.begin() + std::min(together.size(), first + chunk));
        if (!check_together(report, part, now))
            for (const auto& t : part) alone.push_back(t->id);
    }
    for (const auto& id : alone) {
        try {
            check_due(report, id, now);
        } catch (const ValidationError& e) {
            if (e.field() != "now") throw;
            // Changed after `now` (beyond the clock tolerance): left for a later tick.
        }
    }
}

// One draft only: on a conflict the tickets go one by one rather than all again.
bool detail::DeskCore::check_together(TickReport& report, const std::vector<std::shared_ptr<const Ticket>>& tickets,
                                      Instant now) {
    std::vector<TicketId> ids;
    ids.reserve(tickets.size());
    for (const auto& t : tickets) ids.push_back(t->id);
    std::size_t approvals_overdue = 0;
    try {
        auto tx = detail::transact(
            *this, system_actor(), now, ids.data(), ids.data() + ids.size(),
            [&](Transaction& tx) {
                for (const auto& t : tickets) {
                    tx.draft(t);
                    check_clocks(tx, t->id, approvals_overdue);
                }
            },
            1);
        for (const auto& c : tx.commits()) count_fired(report, c.events);
        observe_sla(config.observer.get(), tx, std::nullopt);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::storage_error) throw;
        return false;
    }
    report.tickets += tickets.size();
    report.approvals_overdue += approvals_overdue;
    return true;
}

TickReport ServiceDesk::tick(Instant now) {
    DeskObserver* observer = impl_->config.observer.get();
    return detail::observed(observer, Command::tick, system_actor().id, {}, [&] {
        const auto started = observer ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
        constexpr std::size_t batch = 256;
        TickReport report;
        std::set<TicketId> visited; // a ticket is looked at once per tick
        const Lease lease{impl_->config.claims.owner, now + impl_->config.claims.lease};
        for (;;) {
            // Claimed, so that desks ticking one store do not all look at the same tickets.
            // Entries already visited (left due, e.g. changed after `now`) are paged past.
            const std::size_t limit = batch + visited.size();
            auto due = impl_->store->claim_due(now, limit, lease);
            std::vector<TicketId> fresh;
            for (const auto& entry : due)
                if (visited.insert(entry.ticket).second) fresh.push_back(entry.ticket);
            impl_->check_due_batch(report, fresh, now);
            if (fresh.empty() || due.size() < limit) break;
        }
        report.assigned = impl_->assign_waiting(now);
        detail::observe(observer, [&](DeskObserver& o) {
            o.on_tick(TickEvent{now, std::chrono::steady_clock::now() - started, report});
        });
        return report;
    });
}

// Waiting tickets are found through the store's status query, most urgent first, and each
// is offered to the assigner once per tick.
std::size_t detail::DeskCore::assign_waiting(Instant now) {
    if (!config.assigner) return 0;
    TicketQuery waiting;
    waiting.status = Status::pending;
    waiting.assignee = std::string();
    struct Candidate {
        int rank;
        Ticket ticket;
    };
    std::vector<Candidate> queue;
    const auto& scheme = config.sla.priorities;
    store->scan(waiting, [&](const Ticket& t) {
        if (!t.visit) queue.push_back({scheme.contains(t.priority) ? scheme.rank(t.priority) : 0, t});
        return true;
    });
    std::stable_sort(queue.begin(), queue.end(), [](const Candidate& a, const Candidate& b) {
        return a.rank != b.rank ? a.rank > b.rank : a.ticket.times.received < b.ticket.times.received;
    });
    std::size_t assigned = 0;
    for (const auto& candidate : queue) {
        // Asking first spares a ticket nobody can take the write path's load and lock.
        if (!config.assigner->choose(candidate.ticket, now)) continue;
        try {
            detail::run(*this, system_actor(), now, candidate.ticket.id, Action::assign, [&](Change& c) {
                if (!auto_assign(c)) throw NoAgentFree{};
                c.note = "assigned to " + c.ticket.assignee + " from the waiting queue";
            });
            ++assigned;
        } catch (const NoAgentFree&) {
        } catch (const InvalidTransition&) { // started or cancelled meanwhile
        }
    }
    return assigned;
}

std::vector<StageCompliance> ServiceDesk::compliance(const TicketId& id) const {
    return impl_->engine()->compliance(*impl_->read(id), impl_->clock->now());
}

std::size_t ServiceDesk::update_sla(SlaPolicy policy, std::shared_ptr<const SlaCalculator> calculator) {
    return detail::observed(impl_->config.observer.get(), Command::update_sla, system_actor().id, {}, [&] {
        std::lock_guard<std::mutex> admin(impl_->admin);
        auto engine = impl_->make_engine(std::move(policy), std::move(calculator));
        impl_->set_engine(engine);
        std::vector<TicketId> open;
        for (auto status : {Status::pending, Status::in_progress, Status::done}) {
            TicketQuery q;
            q.status = status;
            impl_->store->scan(q, [&open](const Ticket& t) {
                open.push_back(t.id);
                return true;
            });
        }
        for (const auto& id : open)
            detail::run(*impl_, system_actor(), id, Action::monitor, [&](Change& c) {
                engine->recompute(c.ticket, c.now);
                c.note = "SLA deadlines recomputed";
            });
        return open.size();
    });
}

namespace {

// Thrown inside a recomputation that changed nothing: the ticket is left as it was.
struct Unchanged {};

std::vector<TicketId> open_tickets(TicketStore& store) {
    std::vector<TicketId> open;
    for (auto status : {Status::pending, Status::in_progress, Status::done}) {
        TicketQuery q;
        q.status = status;
        store.scan(q, [&open](const Ticket& t) {
            open.push_back(t.id);
            return true;
        });
    }
    return open;
}

// "calendar 2027 loaded" (or 2027-2028) from the years the coverage gained.
std::string loaded_reason(const std::optional<DateRange>& before, const std::optional<DateRange>& after) {
    if (!after) return "calendar replaced";
    const int first = static_cast<int>(after->first.year());
    const int last = static_cast<int>(after->last.year());
    int from = first;
    int to = last;
    if (before) {
        const int had_last = static_cast<int>(before->last.year());
        if (last > had_last)
            from = std::max(first, had_last + 1);
        else if (first < static_cast<int>(before->first.year()))
            to = static_cast<int>(before->first.year()) - 1;
        else
            return "calendar replaced";
    }
    return "calendar " + std::to_string(from) + (to > from ? "-" + std::to_string(to) : std::string()) + " loaded";
}

} // namespace

std::size_t ServiceDesk::replace_calendar(BusinessCalendar calendar, const std::string& reason) {
    return detail::observed(impl_->config.observer.get(), Command::replace_calendar, system_actor().id, {}, [&] {
        std::lock_guard<std::mutex> admin(impl_->admin);
        const auto old_calendar = impl_->calendar();
        const std::string why = reason.empty() ? loaded_reason(old_calendar->coverage(), calendar.coverage()) : reason;
        auto current = impl_->engine();
        impl_->set_calendar(std::make_shared<const BusinessCalendar>(std::move(calendar)));
        // A host's own calculator stays; the default one follows the calendar.
        auto engine = dynamic_cast<const CalendarSlaCalculator*>(&current->calculator())
                          ? impl_->make_engine(current->policy(), nullptr)
                          : current;
        impl_->set_engine(engine);
        std::size_t changed = 0;
        for (const auto& id : open_tickets(*impl_->store)) {
            try {
                detail::run(*impl_, system_actor(), id, Action::monitor, [&](Change& c) {
                    const std::vector<SlaClock> before = c.ticket.sla;
                    engine->recompute(c.ticket, c.now);
                    std::string what;
                    for (std::size_t i = 0; i < before.size(); ++i) {
                        const SlaClock& was = before[i];
                        const SlaClock& now = c.ticket.sla[i];
                        if (was.due == now.due && was.warn_at == now.warn_at && was.provisional == now.provisional)
                            continue;
                        if (!what.empty()) what += "; ";
                        what += std::string(to_string(now.stage)) + " deadline " + format_instant(was.due) + " → " +
                                format_instant(now.due) + (now.provisional ? " (still provisional)" : "");
                    }
                    if (what.empty()) throw Unchanged{};
                    c.note = "SLA deadlines recomputed, " + why + ": " + what;
                });
                ++changed;
            } catch (const Unchanged&) {}
        }
        return changed;
    });
}

} // namespace ticketflow
