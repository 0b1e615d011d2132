#include "desk/transaction.hpp"

#include "core/observe.hpp"
#include "core/ticket_copy.hpp"
#include "desk/messages.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <stdexcept>

namespace ticketflow::detail {

namespace {

// The commit vector of the thread's last transaction, empty but with its capacity: the
// next one starts from it instead of allocating (a transaction that finds it taken, one a
// notifier runs from inside another, allocates its own). Only a command's few commits are
// kept, not the capacity of a tick's batch.
constexpr std::size_t kept_commits = 8;

std::vector<Commit>& spare_commits() {
    thread_local std::vector<Commit> spare;
    return spare;
}

} // namespace

Transaction::Transaction(DeskCore& desk, const Actor& actor, Instant now)
    : desk_(desk), actor_(actor), requested_(now), now_(now), sla_(desk.engine()) {
    commits_.swap(spare_commits());
    commits_.reserve(4); // a merge or a visit with its problems, in one allocation
}

Transaction::~Transaction() {
    commits_.clear();
    auto& spare = spare_commits();
    if (spare.capacity() == 0 && commits_.capacity() <= kept_commits) spare.swap(commits_);
}

void Transaction::restart() {
    now_ = requested_;
    sla_ = desk_.engine();
    commits_.clear();
    drafts_.clear();
    sla_events_.clear();
}

std::size_t Transaction::index_of(const Ticket& working) const {
    for (std::size_t i = 0; i < commits_.size(); ++i)
        if (&commits_[i].ticket == &working) return i;
    throw std::logic_error("not a working copy of this transaction"); // a bug in the desk
}

Commit* Transaction::find(const TicketId& id) {
    for (auto& c : commits_)
        if (c.ticket.id == id) return &c;
    return nullptr;
}

// Time never goes backwards on a ticket (DeskConfig::clock_tolerance): a little behind its
// latest change is recorded at that change, further behind is refused.
void Transaction::keep_time_forward(const Ticket& stored) {
    if (now_ >= stored.times.updated) return;
    if (stored.times.updated - now_ > desk_.config.clock_tolerance)
        throw ValidationError("now", format_instant(now_) + " is before the latest change of ticket " + stored.id +
                                         " at " + format_instant(stored.times.updated));
    now_ = stored.times.updated;
}

Ticket& Transaction::draft(const TicketId& id) {
    if (Commit* c = find(id)) return c->ticket;
    return draft(desk_.read(id));
}

Ticket& Transaction::draft(std::shared_ptr<const Ticket> stored) {
    keep_time_forward(*stored);
    Commit& c = commits_.emplace_back();
    c.ticket.sla.reserve(stored->sla.size() + 1); // room for the clock many commands start
    assign_ticket(c.ticket, *stored);
    c.expected_version = stored->version;
    drafts_.push_back({std::move(stored), desk_.load_share(c.ticket), provisional_stages(c.ticket)});
    return c.ticket;
}

namespace {

// `value` in decimal, zero-padded to at least `width` digits (snprintf's "%0*llu", without
// its cost on every open).
void append_padded(std::string& out, unsigned long long value, std::size_t width) {
    char digits[24];
    const auto n = static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, value).ptr - digits);
    if (n < width) out.append(width - n, '0');
    out.append(digits, n);
}

} // namespace

// 编号: prefix + local date + daily serial (20240520001), as the SOPs number them. The
// counter moves in the same write as the ticket; a second ticket of the same day in this
// transaction takes the serial after the first.
Ticket& Transaction::create() {
    const auto day = desk_.calendar()->local_date(now_);
    std::string stem = desk_.config.id_prefix;
    append_padded(stem, static_cast<unsigned long long>(day.year()), 4);
    append_padded(stem, day.month().as_number(), 2);
    append_padded(stem, day.day().as_number(), 2);
    SequenceStep step{"ticket-id/" + stem, 0};
    for (auto c = commits_.rbegin(); c != commits_.rend() && !step.value; ++c)
        if (c->sequence && c->sequence->name == step.name) step.value = c->sequence->value + 1;
    if (!step.value) step.value = desk_.store->sequence_value(step.name) + 1;
    Commit& c = commits_.emplace_back();
    c.ticket.id = std::move(stem);
    append_padded(c.ticket.id, step.value, 3);
    c.sequence = std::move(step);
    drafts_.push_back({});
    return c.ticket;
}

std::uint32_t Transaction::provisional_stages(const Ticket& t) {
    std::uint32_t stages = 0;
    for (const auto& clock : t.sla)
        if (clock.provisional) stages |= std::uint32_t{1} << static_cast<unsigned>(clock.stage);
    return stages;
}

void Transaction::announce_provisional(Change& change, Action action, std::uint32_t before) {
    const Ticket& t = change.ticket;
    const std::uint32_t fresh = provisional_stages(t) & ~before;
    if (!fresh) return;
    const auto& calc = sla_->calculator();
    const auto coverage = calc.coverage();
    const std::string covered =
        coverage ? "the calendar covers " + date_text(coverage->first) + ".." + date_text(coverage->last)
                 : "the calendar's coverage is unknown"; // for the audit notes
    for (const auto& clock : t.sla) {
        if (!clock.provisional || !(fresh & (std::uint32_t{1} << static_cast<unsigned>(clock.stage)))) continue;
        const auto target = sla_->policy().target_for(t, clock.stage);
        const auto date = target ? calc.uncovered_date(*target, clock.started, clock.due) : std::nullopt;
        const std::string why = std::string(to_string(clock.stage)) + " deadline " + format_instant(clock.due) +
                                " is provisional: it depends on " + (date ? date_text(*date) : std::string("a date")) +
                                ", outside the holiday data (" + covered + "); computed with the weekly schedule";
        if (desk_.config.provisional_deadlines == ProvisionalDeadlines::refuse && action != Action::monitor)
            throw CalendarError("ticket " + (t.id.empty() ? std::string("(new)") : t.id) + ": " + why);
        change.record(Action::monitor, why);
    }
    if (before == 0)
        change.notify_staff(NotificationKind::calendar_provisional, desk_.config.calendar_admin,
                            [&] { return change.messages->provisional(t, coverage); });
}

namespace {

// The observer's view of one of the monitor's deadline events (SideEvent::stage set),
// recorded at `at`; its ticket is filled in when it is reported.
SlaEvent sla_event(const SideEvent& e, Instant at) {
    const SlaEventKind kind = e.action == Action::sla_warning  ? SlaEventKind::warning
                              : e.action == Action::sla_breach ? SlaEventKind::breach
                              : e.action == Action::escalate   ? SlaEventKind::escalation
                                                               : SlaEventKind::reminder;
    return SlaEvent{{}, kind, e.stage, at};
}

} // namespace

void Transaction::record(Ticket& t, Action action, Status from, Change& change) {
    const std::size_t i = index_of(t);
    announce_provisional(change, action, drafts_[i].provisional);
    drafts_[i].provisional = provisional_stages(t);
    Commit& c = commits_[i];
    c.events.reserve(c.events.size() + 1 + change.side_events.size());
    // Side events that carry the earlier instant they were due (the monitor's) come first,
    // in the order of those instants, so the action's events read in time order; the rest
    // follow the action's own event, as recorded.
    auto& side = change.side_events;
    std::stable_sort(side.begin(), side.end(), [this](const SideEvent& a, const SideEvent& b) {
        return a.at.value_or(now_) < b.at.value_or(now_);
    });
    // Built in place: an event moved into the list would move each of its strings again.
    auto event = [&](Instant at, Action what, Status before, std::string& note) {
        AuditEvent& e = c.events.emplace_back();
        e.ticket = t.id;
        e.at = at;
        e.actor = actor_.id;
        e.action = what;
        e.from = before;
        e.to = t.status;
        e.note = std::move(note);
    };
    auto side_event = [&](SideEvent& e) {
        if (e.stage) sla_events_.emplace_back(i, sla_event(e, std::min(e.at.value_or(now_), now_)));
        event(std::min(e.at.value_or(now_), now_), e.action, t.status, e.note);
    };
    auto later = side.begin();
    while (later != side.end() && later->at && *later->at < now_) side_event(*later++);
    event(now_, action, from, change.note);
    for (; later != side.end(); ++later) side_event(*later);
    side.clear();
    if (c.notifications.empty())
        c.notifications = std::move(change.notifications);
    else
        for (auto& n : change.notifications) c.notifications.push_back(std::move(n));
    change.notifications.clear();
}

void Transaction::seal() {
    for (std::size_t i = 0; i < commits_.size(); ++i) {
        Commit& c = commits_[i];
        check_storable(c.ticket);
        protect_privacy(desk_.config.privacy, c, drafts_[i].stored.get());
        Ticket& t = c.ticket;
        t.version = c.expected_version + 1;
        t.times.updated = now_;
        for (auto& e : c.events) e.version = t.version;
        const std::string version = std::to_string(t.version);
        for (std::size_t k = 0; k < c.notifications.size(); ++k)
            c.notifications[k].idempotency_key = join({t.id, "/", version, "/", std::to_string(k)});
        c.next_due = desk_.next_due(*sla_, t);
    }
}

bool Transaction::commit(StripeLocks& locks, int attempt, int max_attempts) {
    if (max_attempts <= 0) max_attempts = desk_.config.max_commit_attempts;
    seal();
    try {
        desk_.store->commit_all(commits_);
    } catch (const ConcurrencyConflict&) {
        if (attempt >= max_attempts) throw;
        return false;
    }
    locks.release();
    for (std::size_t i = 0; i < commits_.size(); ++i)
        desk_.update_loads(drafts_[i].share_before, desk_.load_share(commits_[i].ticket));
    if (desk_.config.observer) observe_commit(desk_, *this, static_cast<std::uint32_t>(attempt - 1));
    if (desk_.delivery) desk_.delivery->after_commit();
    return true;
}

void check_command(const DeskCore& desk, const Actor& actor, const TicketId* first, const TicketId* last) {
    desk.check_actor(actor);
    for (auto id = first; id != last; ++id) desk.check_ticket_id(*id);
}

Ticket Transaction::take(const TicketId& id) {
    Commit* c = find(id);
    if (!c) throw NotFound("ticket " + id); // a command returns only what it touched
    return std::move(c->ticket);
}

std::vector<Ticket> Transaction::take_created() {
    std::vector<Ticket> created;
    created.reserve(static_cast<std::size_t>(
        std::count_if(drafts_.begin(), drafts_.end(), [](const Draft& d) { return !d.stored; })));
    for (std::size_t i = 0; i < commits_.size(); ++i)
        if (!drafts_[i].stored) created.push_back(std::move(commits_[i].ticket));
    return created;
}

void observe_commit(const DeskCore& desk, const Transaction& tx, std::uint32_t conflicts) noexcept {
    CommitEvent event;
    event.tickets = tx.commits().size();
    event.conflicts = conflicts;
    for (const auto& c : tx.commits()) {
        event.events += c.events.size();
        event.notifications += c.notifications.size();
    }
    observe(desk.config.observer.get(), [&](DeskObserver& o) { o.on_commit(event); });
}

StripeLocks::StripeLocks(const DeskCore& desk, const TicketId* first, const TicketId* last) {
    for (auto id = first; id != last; ++id)
        held_.push_back(&desk.stripes[std::hash<TicketId>{}(*id) % desk.stripes.size()]);
    if (held_.size() > 1) { // a command on one ticket, the common case, has nothing to order
        std::sort(held_.begin(), held_.end());
        held_.erase(std::unique(held_.begin(), held_.end()), held_.end());
    }
    std::size_t locked = 0;
    try {
        for (; locked < held_.size(); ++locked) held_[locked]->lock();
    } catch (...) {
        while (locked) held_[--locked]->unlock();
        held_.clear();
        throw;
    }
}

void StripeLocks::release() noexcept {
    for (auto it = held_.rbegin(); it != held_.rend(); ++it) (*it)->unlock();
    held_.clear();
}

} // namespace ticketflow::detail
