#include "ticketflow/desk.hpp"

#include "core/validate.hpp"
#include "desk/change.hpp"
#include "desk/messages.hpp"
#include "lifecycle/machine.hpp"
#include "sla/engine.hpp"


#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <functional>
#include <utility>
#include <mutex>
#include <set>

namespace ticketflow {

using detail::check_list_size;
using detail::check_one_of;
using detail::check_text;
using detail::Change;

namespace {

// Who is told about an escalation to `level`: team lead, then supervisor, then manager.
Role escalation_role(std::uint32_t level) {
    return level <= 1 ? Role::team_lead : level == 2 ? Role::supervisor : Role::manager;
}

void escalate_one_level(Change& c, const std::string& reason) {
    ++c.ticket.escalation_level;
    c.notify_staff(NotificationKind::escalated, to_string(escalation_role(c.ticket.escalation_level)),
                   [&] { return detail::escalated_text(c.ticket, reason); });
}

// Order of authority for approvals; customers and the system approve nothing.
int authority_rank(Role role) {
    switch (role) {
    case Role::agent: return 0;
    case Role::team_lead: return 1;
    case Role::supervisor: return 2;
    case Role::manager: return 3;
    default: return -1;
    }
}

// Two decimals as money is written; amounts too large for that (fifteen digits and more)
// in exponent form, so the text never runs past the buffer.
std::string money_text(double amount) {
    char text[48];
    if (amount < 1e15) std::snprintf(text, sizeof text, "%.2f", amount);
    else std::snprintf(text, sizeof text, "%.6g", amount);
    return text;
}

std::string solution_text(const Approval& a) {
    return std::string(to_string(a.kind)) + " " + money_text(a.amount) + ": " + a.description;
}

// The role that decides a pending request; one stored without an approver (written by
// another program) goes to the top of the chain rather than to nobody.
Role approver_of(const Approval& a) { return a.approver.value_or(Role::manager); }

// Who hears about a decision on a solution: the handler, else whoever proposed it.
const std::string& handler_of(const Ticket& t, const Approval& a) {
    return t.assignee.empty() ? a.requested_by : t.assignee;
}

// Thrown inside a write when a waiting ticket still finds no agent: the attempt must
// leave no trace, or every tick would add a version and an audit event to each of them.
struct NoAgentFree {};

// One ticket's share of its assignee's load.
struct LoadShare {
    std::string agent;
    double weight = 0;
    friend bool operator==(const LoadShare& a, const LoadShare& b) { return a.agent == b.agent && a.weight == b.weight; }
};

} // namespace

struct ServiceDesk::Impl {
    std::shared_ptr<TicketStore> store;
    std::shared_ptr<Clock> clock;
    DeskConfig config;
    std::shared_ptr<const detail::SlaEngine> engine_; // swapped whole by update_sla()
    std::optional<RepeatDetector> repeats;
    std::unique_ptr<OutboxDispatcher> dispatcher; // null without a notifier: nothing is queued
    std::mutex dispatch_mutex;
    std::atomic<bool> dispatch_requested{false};
    // Commands on one ticket queue up on its stripe instead of racing to commit.
    mutable std::array<std::mutex, 64> stripes;

    Impl(std::shared_ptr<TicketStore> s, std::shared_ptr<Clock> c, DeskConfig cfg, std::shared_ptr<Notifier> n)
        : store(std::move(s)), clock(std::move(c)), config(std::move(cfg)),
          engine_(make_engine(config.sla, config.sla_calculator)),
          dispatcher(n ? std::make_unique<OutboxDispatcher>(store, std::move(n), clock) : nullptr) {
        if (!config.authorizer) config.authorizer = std::make_shared<RoleAuthorizer>();
        if (config.repeats) repeats.emplace(*config.repeats);
        if (!config.authority) config.authority = std::make_shared<AuthorityPolicy>();
    }

    // Refuses before anything changes; the refused attempt is kept in the audit trail of an
    // existing ticket (a refused intake has no trail to keep it in).
    void authorize(const Actor& actor, Action action, const Ticket& t, Instant now, bool exists = true) const {
        auto refusal = config.authorizer->refusal(actor, action, t);
        if (refusal) refuse(actor, action, t, now, *refusal, exists);
    }

    [[noreturn]] void refuse(const Actor& actor, Action action, const Ticket& t, Instant now, const std::string& why,
                             bool exists = true) const {
        if (exists)
            store->append_audit(AuditEvent{t.id, t.version, now, actor.id, action, t.status, t.status,
                                           "permission denied: " + why});
        throw PermissionDenied(actor.id + " (" + to_string(actor.role) + ") may not " + to_string(action) +
                               (t.id.empty() ? std::string(" a ticket") : " ticket " + t.id) + ": " + why);
    }

    // 权限内处理: a listed agent is judged by its own limit, anyone else by its role's.
    AuthorityDecision authority_of(const Actor& actor, SolutionKind kind, double amount) const {
        if (config.directory)
            if (auto agent = config.directory->find(actor.id)) return config.authority->decide(*agent, kind, amount);
        return config.authority->decide(actor.role, kind, amount);
    }

    // Why @p actor may not decide on @p a, or nothing: it needs the approver's role or
    // above, and a limit that covers the amount itself.
    std::optional<std::string> approval_refusal(const Actor& actor, const Approval& a) const {
        if (authority_rank(actor.role) < authority_rank(approver_of(a)))
            return "approval #" + std::to_string(a.number) + " needs a " + to_string(approver_of(a)) + " or above";
        const double limit = authority_of(actor, a.kind, a.amount).limit;
        if (limit < a.amount)
            return "limit " + money_text(limit) + " does not cover " + money_text(a.amount);
        return std::nullopt;
    }

    Ticket decide_approval(const Actor& actor, const TicketId& id, std::uint32_t number, bool approved,
                           const std::string& note);

    // The ticket's weight in its assignee's load, while it counts (pending or in progress,
    // as loads_of() counts at startup).
    std::optional<LoadShare> load_share(const Ticket& t) const {
        if (!config.directory || t.assignee.empty()) return std::nullopt;
        if (t.status != Status::pending && t.status != Status::in_progress) return std::nullopt;
        return LoadShare{t.assignee, config.load_weights.weight_of(config.sla.priorities, t.priority)};
    }

    // Called only after a commit succeeded, so a refused or failed command leaves loads alone.
    void update_loads(const std::optional<LoadShare>& before, const std::optional<LoadShare>& after) const {
        if (before == after) return;
        if (before && after && before->agent == after->agent) { // a priority change, not a new assignment
            config.directory->on_reweighted(after->agent, before->weight, after->weight);
            return;
        }
        if (before) config.directory->on_released(before->agent, before->weight);
        if (after) config.directory->on_assigned(after->agent, after->weight);
    }

    // Automatic assignment: the assigner picks among the eligible agents of the ticket's
    // department; returns false when the ticket keeps waiting in its queue.
    bool auto_assign(Change& c) const {
        Ticket& t = c.ticket;
        if (!config.assigner || !t.assignee.empty() || t.visit) return false;
        auto decision = config.assigner->choose(t, c.now);
        if (!decision) return false;
        t.assignee = decision->agent;
        t.times.assigned = c.now;
        c.record(Action::assign, "assigned to " + decision->agent + " by " + decision->strategy + ": " + decision->why);
        c.notify_staff(NotificationKind::assigned, decision->agent, [&] { return detail::assigned_text(t); });
        return true;
    }

    std::size_t assign_waiting(Instant now);

    std::shared_ptr<const detail::SlaEngine> make_engine(SlaPolicy policy,
                                                         std::shared_ptr<const SlaCalculator> calculator) const {
        if (!calculator) calculator = std::make_shared<CalendarSlaCalculator>(config.calendar);
        return std::make_shared<const detail::SlaEngine>(std::move(policy), std::move(calculator));
    }

    std::shared_ptr<const detail::SlaEngine> engine() const { return std::atomic_load(&engine_); }

    const TextLimits& limits() const { return config.limits; }

    std::mutex& stripe(const TicketId& id) const { return stripes[std::hash<TicketId>{}(id) % stripes.size()]; }

    void check_actor(const Actor& actor) const {
        check_text("actor.id", actor.id, limits().short_text, true);
        check_text("actor.department", actor.department, limits().short_text);
    }

    void check_ticket_id(const TicketId& id) const { check_text("id", id, limits().short_text, true); }

    // The stored ticket, shared and never changed (see TicketStore::load_shared()).
    std::shared_ptr<const Ticket> load_shared(const TicketId& id) const {
        auto ticket = store->load_shared(id);
        if (!ticket) throw NotFound("ticket " + id);
        return ticket;
    }

    // The one write path: check the transition on the latest version, apply the change,
    // commit ticket + audit events + notifications atomically, then deliver.
    template <class Apply>
    Ticket run(const Actor& actor, const TicketId& id, Action action, Apply&& apply) {
        return run_at(clock->now(), actor, id, action, std::forward<Apply>(apply));
    }

    template <class Apply>
    Ticket run_at(Instant now, const Actor& actor, const TicketId& id, Action action, Apply&& apply) {
        check_actor(actor);
        check_ticket_id(id);
        std::lock_guard lock(stripe(id));
        for (int attempt = 1;; ++attempt) {
            Commit commit;
            const auto share_before = draft(commit, now, actor, id, action, apply);
            if (!committed(attempt, [&] { store->commit(commit); })) continue;
            update_loads(share_before, load_share(commit.ticket));
            request_dispatch();
            return std::move(commit.ticket);
        }
    }

    // One command's change of ticket `id`, ready to commit: the latest version, authorized,
    // moved through the lifecycle, changed by `apply`, its clocks updated, sealed. Returns
    // the ticket's load share before the change.
    template <class Apply>
    std::optional<LoadShare> draft(Commit& commit, Instant now, const Actor& actor, const TicketId& id, Action action,
                                   Apply&& apply) {
        const auto stored = load_shared(id);
        commit.ticket.sla.reserve(stored->sla.size() + 1); // room for the clock many commands start
        commit.ticket = *stored;
        Ticket& t = commit.ticket;
        const Status from = t.status;
        const auto share_before = load_share(t);
        commit.expected_version = t.version;
        authorize(actor, action, t, now);
        const Status to = detail::apply_transition(t, action);
        Change change{t, now, {}, {}, {}, dispatcher != nullptr};
        apply(change);
        t.status = to;
        ++t.version;
        auto sla = engine();
        if (action != Action::monitor) sla->on_action(change, action);
        commit.next_due = next_due(*sla, t);
        seal(commit, actor, from, action, change, *stored);
        return share_before;
    }

    // 保密原则: every free text of the change passes the privacy policy before it is
    // written anywhere. A field whose policy rejects personal data throws, so nothing is
    // written; what was masked is noted in the audit trail (kinds and counts only). Text
    // still as it was in the stored ticket @p before passed the policy when it was
    // written, and is not scanned again.
    void protect_privacy(Change& change, const Ticket& before) const {
        const auto& policy = config.privacy;
        PiiReport found;
        auto clean = [&](std::string_view field, std::string& text, const std::string& was) {
            if (text != was) found += policy.apply_in_place(field, text);
        };
        // Text of element i of a list against the same element before, when there was one.
        const std::string none;
        auto clean_each = [&](std::string_view field, auto& list, const auto& list_before, auto text_of) {
            for (std::size_t i = 0; i < list.size(); ++i)
                clean(field, text_of(list[i]), i < list_before.size() ? text_of(list_before[i]) : none);
        };
        auto or_none = [&](const auto& optional, auto text_of) -> const std::string& {
            return optional ? text_of(*optional) : none;
        };
        Ticket& t = change.ticket;
        const bool note_is_description = change.note == t.description; // the intake's note
        clean("description", t.description, before.description);
        clean("remarks", t.remarks, before.remarks);
        clean("resolution", t.resolution, before.resolution);
        clean("wait_reason", t.wait_reason, before.wait_reason);
        clean("customer.nickname", t.customer.nickname, before.customer.nickname);
        clean_each("tags", t.tags, before.tags, [](auto& tag) -> auto& { return tag; });
        if (t.satisfaction)
            clean("satisfaction.comment", t.satisfaction->comment,
                  or_none(before.satisfaction, [](auto& s) -> auto& { return s.comment; }));
        if (t.result_notice)
            clean("result_notice.summary", t.result_notice->summary,
                  or_none(before.result_notice, [](auto& r) -> auto& { return r.summary; }));
        if (t.visit) {
            static const VisitDetails no_visit;
            const VisitDetails& visit_before = before.visit ? *before.visit : no_visit;
            clean("visit.comment", t.visit->comment, visit_before.comment);
            clean_each("visit.answer", t.visit->answers, visit_before.answers, [](auto& a) -> auto& { return a.reason; });
            clean_each("note", t.visit->attempts, visit_before.attempts, [](auto& a) -> auto& { return a.note; });
        }
        clean_each("note", t.sla, before.sla, [](auto& clock) -> auto& { return clock.overdue_reason; });
        clean_each("task.description", t.tasks, before.tasks, [](auto& task) -> auto& { return task.description; });
        clean_each("task.outcome", t.tasks, before.tasks, [](auto& task) -> auto& { return task.outcome; });
        clean_each("approval.description", t.approvals, before.approvals,
                   [](auto& a) -> auto& { return a.description; });
        clean_each("approval.note", t.approvals, before.approvals, [](auto& a) -> auto& { return a.note; });
        if (note_is_description) change.note = t.description;
        else clean("note", change.note, none);
        for (auto& event : change.side_events) clean("note", event.second, none);
        for (auto& n : change.notifications) clean("notification", n.text, none);
        if (!found.empty()) change.record(Action::add_note, "privacy: masked " + found.summary());
    }

    // Runs the store write `write`. Returns false when another writer got there first and
    // the command should be re-evaluated, up to DeskConfig::max_commit_attempts times.
    template <class Write>
    bool committed(int attempt, Write&& write) const {
        try {
            write();
            return true;
        } catch (const ConcurrencyConflict&) {
            if (attempt >= config.max_commit_attempts) throw;
            return false;
        }
    }

    // Completes commit `c` from `change` to the ticket stored as @p before: privacy
    // applied, then the audit events and the notifications with their idempotency keys.
    void seal(Commit& c, const Actor& actor, Status from, Action action, Change& change, const Ticket& before) const {
        protect_privacy(change, before);
        const Ticket& t = change.ticket;
        c.events.reserve(1 + change.side_events.size());
        c.events.push_back(
            AuditEvent{t.id, t.version, change.now, actor.id, action, from, t.status, std::move(change.note)});
        for (auto& [side_action, note] : change.side_events)
            c.events.push_back(
                AuditEvent{t.id, t.version, change.now, actor.id, side_action, t.status, t.status, std::move(note)});
        for (std::size_t i = 0; i < change.notifications.size(); ++i) {
            auto& n = change.notifications[i];
            n.idempotency_key = detail::join({t.id, "/", std::to_string(t.version), "/", std::to_string(i)});
        }
        c.notifications = std::move(change.notifications);
    }

    // Delivers outbox rows after a commit. If another thread is already delivering, it
    // picks up our rows: it re-checks the request flag after each pass.
    void request_dispatch() {
        if (!dispatcher) return;
        dispatch_requested.store(true);
        while (dispatch_requested.load() && dispatch_mutex.try_lock()) {
            dispatch_requested.store(false);
            try {
                dispatcher->dispatch_due();
            } catch (...) {
                dispatch_mutex.unlock();
                throw;
            }
            dispatch_mutex.unlock();
        }
    }

    // 编号: prefix + local date + daily serial (20240520001), as the SOPs number them.
    TicketId next_id(Instant now) {
        auto day = config.calendar.local_date(now);
        char date[16];
        std::snprintf(date, sizeof date, "%04d%02d%02d", static_cast<int>(day.year()), static_cast<int>(day.month()),
                      static_cast<int>(day.day()));
        std::string stem = config.id_prefix + date;
        char serial[24];
        std::snprintf(serial, sizeof serial, "%03llu",
                      static_cast<unsigned long long>(store->next_sequence("ticket-id/" + stem)));
        return stem + serial;
    }

    void check_new_ticket(const NewTicket& r, Instant now) const {
        const auto& lim = limits();
        check_one_of("channel", r.channel, config.channels);
        check_one_of("type", r.type, config.types);
        if (!r.priority.empty() && !config.sla.priorities.contains(r.priority))
            throw ValidationError("priority", "unknown priority level '" + r.priority + "'");
        check_text("customer.id", r.customer.id, lim.short_text, true);
        check_text("customer.nickname", r.customer.nickname, lim.short_text);
        check_text("customer.contact_token", r.customer.contact_token, lim.short_text);
        check_text("description", r.description, lim.long_text, true);
        check_text("order_number", r.order_number, lim.short_text);
        check_text("department", r.department, lim.short_text);
        check_text("remarks", r.remarks, lim.long_text);
        check_list_size("attachments", r.attachments.size(), lim.max_list);
        for (const auto& a : r.attachments) check_text("attachments", a, lim.long_text, true);
        check_tags(r.tags);
        check_list_size("links", r.links.size(), lim.max_list);
        for (const auto& link : r.links) {
            check_ticket_id(link.target);
            if (!store->load(link.target))
                throw ValidationError("links", "linked ticket " + link.target + " does not exist");
        }
        if (r.received_at && *r.received_at > now) throw ValidationError("received_at", "is in the future");
    }

    void check_tags(const std::vector<std::string>& tags) const {
        check_list_size("tags", tags.size(), limits().max_list);
        for (const auto& tag : tags) check_text("tags", tag, limits().short_text, true);
    }

    void check_priority(const std::string& priority) const {
        if (!config.sla.priorities.contains(priority))
            throw ValidationError("priority", "unknown priority level '" + priority + "'");
    }

    // "预计今日18:00前给您初步答复" when the first response is timed, else nothing.
    std::string reply_promise(const Ticket& t, Instant now) const {
        for (const auto& clock : t.sla)
            if (clock.stage == SlaStage::first_response)
                return "预计" + detail::local_time_text(config.calendar, clock.due, now) + "前给您初步答复。";
        return {};
    }

    Ticket close_at(Instant now, const Actor& actor, const TicketId& id, const CustomerFeedback& feedback);

    // 分类与分配: the router picks the department, and the priority when intake gave none;
    // why it did is kept in the audit trail.
    void route(Change& c, const NewTicket& request) const {
        if (!config.router || c.ticket.visit) return;
        RouteDecision decision = config.router->route(c.ticket);
        Ticket& t = c.ticket;
        if (request.department.empty()) t.department = decision.department;
        if (request.priority.empty() && decision.priority && config.sla.priorities.contains(*decision.priority))
            t.priority = *decision.priority;
        t.times.classified = c.now;
        c.record(Action::classify, "routed to " + t.department + " (" + decision.queue + "), priority " + t.priority +
                                       ": " + decision.why);
    }
    // 确认是否为重复问题: links a probable repeat to the root of its chain. A ticket that
    // already names what it duplicates is left as the caller linked it.
    void flag_repeat(Change& c) const {
        Ticket& t = c.ticket;
        const auto is_duplicate_link = [](const TicketLink& l) { return l.kind == LinkKind::duplicate_of; };
        if (!repeats || t.visit || std::any_of(t.links.begin(), t.links.end(), is_duplicate_link)) return;
        auto match = repeats->find(t, store->query(repeats->candidate_query(t)));
        if (!match) return;
        t.links.push_back({LinkKind::duplicate_of, match->root});
        char score[16];
        std::snprintf(score, sizeof score, "%.2f", match->score);
        c.record(Action::add_note, "probable repeat of " + match->ticket + " (similarity " + score +
                                       (match->same_order ? ", same order number" : "") + ")" +
                                       (match->root != match->ticket ? "; linked to " + match->root : std::string()));
    }
    MergeOutcome merge(const Actor& actor, const TicketId& duplicate, const TicketId& primary, const std::string& note);
    Ticket open_ticket(const Actor& actor, const NewTicket& request, const std::optional<VisitDetails>& visit);
    Ticket commit_new(const Actor& actor, const NewTicket& request, const CustomerRef& customer,
                      const std::optional<VisitDetails>& visit, Instant now);

    // 无回复: a done ticket is closed as unanswered at the end of the n-th working day.
    std::optional<Instant> auto_close_at(const Ticket& t) const {
        if (t.status != Status::done || config.feedback_timeout_workdays <= 0 || !t.times.resolved)
            return std::nullopt;
        const auto& cal = config.calendar;
        return cal.end_of_workday(cal.add_workdays(cal.local_date(*t.times.resolved), config.feedback_timeout_workdays));
    }

    // When the ticket next needs the monitor: its SLA events, the feedback timeout, or a
    // collaboration task passing its deadline.
    std::optional<Instant> next_due(const detail::SlaEngine& sla, const Ticket& t) const {
        auto due = sla.next_due(t);
        auto consider = [&due](std::optional<Instant> at) {
            if (at && (!due || *at < *due)) due = at;
        };
        consider(auto_close_at(t));
        if (t.status != Status::closed) {
            for (const auto& task : t.tasks)
                if (!task.completed && !task.overdue_notified) consider(task.due + Duration{1});
            for (const auto& a : t.approvals)
                if (a.state == ApprovalState::pending && !a.overdue_notified) consider(a.due + Duration{1});
        }
        return due;
    }

    // Tells the approver role once that a solution waits past its due time.
    static std::size_t flag_overdue_approvals(Change& c) {
        std::size_t flagged = 0;
        for (auto& a : c.ticket.approvals) {
            if (a.state != ApprovalState::pending || a.overdue_notified || c.now <= a.due) continue;
            a.overdue_notified = true;
            ++flagged;
            c.record(Action::sla_breach, "approval #" + std::to_string(a.number) + " (" + to_string(approver_of(a)) +
                                             ") overdue");
            c.notify_staff(NotificationKind::approval_overdue, to_string(approver_of(a)), [&] {
                return "工单 " + c.ticket.id + " 的方案 #" + std::to_string(a.number) + " 已超过审批时限：" +
                       solution_text(a);
            });
        }
        return flagged;
    }

    // Tells each owner once that their collaboration task is late.
    static void flag_overdue_tasks(Change& c) {
        for (auto& task : c.ticket.tasks) {
            if (task.completed || task.overdue_notified || c.now <= task.due) continue;
            task.overdue_notified = true;
            c.record(Action::sla_breach, "collaboration task #" + std::to_string(task.number) + " (" +
                                             task.department + ") overdue");
            c.notify_staff(NotificationKind::task_overdue, task.owner, [&] {
                return "工单 " + c.ticket.id + " 的协作任务 #" + std::to_string(task.number) + " 已超过协作节点：" +
                       task.description;
            });
        }
    }

    static void check_satisfaction(const Satisfaction& s, std::size_t max_comment) {
        auto check_score = [](const char* field, const std::optional<int>& score) {
            if (score && (*score < 1 || *score > 5)) throw ValidationError(field, "must be between 1 and 5");
        };
        check_score("satisfaction.score", s.score);
        check_score("satisfaction.efficiency", s.efficiency);
        check_score("satisfaction.attitude", s.attitude);
        check_score("satisfaction.outcome", s.outcome);
        check_text("satisfaction.comment", s.comment, max_comment);
    }
};

ServiceDesk::ServiceDesk(std::shared_ptr<TicketStore> store, std::shared_ptr<Clock> clock, DeskConfig config,
                         std::shared_ptr<Notifier> notifier) {
    if (!store) throw ValidationError("store", "is required");
    if (!clock) throw ValidationError("clock", "is required");
    if (config.channels.empty()) throw ValidationError("channels", "at least one channel is required");
    if (config.types.empty()) throw ValidationError("types", "at least one ticket type is required");
    if (config.max_commit_attempts < 1) throw ValidationError("max_commit_attempts", "must be at least 1");
    if (config.approval_deadline <= Duration{0}) throw ValidationError("approval_deadline", "must be positive");
    for (double w : config.load_weights.by_rank)
        if (!std::isfinite(w) || w < 0) throw ValidationError("load_weights", "weights must be finite and >= 0");
    if (config.assigner && &config.assigner->directory() != config.directory.get())
        throw ValidationError("directory", "must be the assigner's directory, so that loads are kept where it reads them");
    impl_ = std::make_unique<Impl>(std::move(store), std::move(clock), std::move(config), std::move(notifier));
}

ServiceDesk::~ServiceDesk() = default;

const DeskConfig& ServiceDesk::config() const noexcept { return impl_->config; }

Ticket ServiceDesk::open(const Actor& actor, const NewTicket& request) {
    return impl_->open_ticket(actor, request, std::nullopt);
}

Ticket ServiceDesk::Impl::open_ticket(const Actor& actor, const NewTicket& request,
                                      const std::optional<VisitDetails>& visit) {
    check_actor(actor);
    Instant now = clock->now();
    check_new_ticket(request, now);
    Ticket prospective;
    prospective.customer = request.customer;
    prospective.department = request.department;
    authorize(actor, Action::open, prospective, now, false);
    CustomerRef customer = request.customer;
    if (request.contact.empty()) return commit_new(actor, request, customer, visit, now);
    const auto& contact = request.contact;
    for (const auto* field : {&contact.name, &contact.phone, &contact.email, &contact.address})
        check_text("contact", *field, limits().short_text);
    if (!config.contact_vault)
        throw ValidationError("contact", "contact details need a ContactVault (DeskConfig::contact_vault)");
    if (customer.nickname.empty() && !contact.name.empty()) customer.nickname = mask_name(contact.name);
    customer.contact_token = config.contact_vault->store(contact);
    try {
        return commit_new(actor, request, customer, visit, now);
    } catch (...) {
        config.contact_vault->erase(customer.contact_token); // nothing half-written
        throw;
    }
}

Ticket ServiceDesk::Impl::commit_new(const Actor& actor, const NewTicket& request, const CustomerRef& customer,
                                     const std::optional<VisitDetails>& visit, Instant now) {
    for (int attempt = 1;; ++attempt) {
        Commit commit;
        Ticket& t = commit.ticket;
        t.id = next_id(now);
        t.version = 1;
        t.channel = request.channel;
        t.type = request.type;
        t.priority = request.priority.empty() ? config.sla.priorities.lowest() : request.priority;
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
        Change change{t, now, t.description, {}, {}, dispatcher != nullptr};
        route(change, request);
        flag_repeat(change);
        auto sla = engine();
        sla->on_action(change, Action::open);
        if (auto_assign(change)) sla->on_action(change, Action::assign);
        commit.next_due = next_due(*sla, t);
        if (!visit)
            change.notify_customer(NotificationKind::received,
                                   [&] { return detail::received_text(t, reply_promise(t, now)); });
        // A conflict here means the serial was taken by a writer that does not share our
        // counter; the next attempt takes the next serial.
        static const Ticket nothing_stored;
        seal(commit, actor, Status::pending, Action::open, change, nothing_stored);
        if (!committed(attempt, [&] { store->commit(commit); })) continue;
        update_loads(std::nullopt, load_share(commit.ticket));
        request_dispatch();
        return std::move(commit.ticket);
    }
}

Ticket ServiceDesk::classify(const Actor& actor, const TicketId& id, const Classification& change) {
    if (change.type) check_one_of("type", *change.type, impl_->config.types);
    if (change.priority) impl_->check_priority(*change.priority);
    if (change.department) check_text("department", *change.department, impl_->limits().short_text);
    if (change.tags) impl_->check_tags(*change.tags);
    return impl_->run(actor, id, Action::classify, [&](Change& c) {
        auto& t = c.ticket;
        if (change.type) t.type = *change.type;
        if (change.priority) t.priority = *change.priority;
        if (change.department) t.department = *change.department;
        if (change.tags) t.tags = *change.tags;
        t.times.classified = c.now;
        c.note = "type=" + t.type + " priority=" + t.priority + " department=" + t.department;
    });
}

Ticket ServiceDesk::assign(const Actor& actor, const TicketId& id, const std::string& assignee,
                           const std::optional<std::string>& department) {
    check_text("assignee", assignee, impl_->limits().short_text, true);
    if (department) check_text("department", *department, impl_->limits().short_text);
    return impl_->run(actor, id, Action::assign, [&](Change& c) {
        auto& t = c.ticket;
        c.note = (t.assignee.empty() ? "assigned to " : "reassigned from " + t.assignee + " to ") + assignee;
        t.assignee = assignee;
        if (department) t.department = *department;
        t.times.assigned = c.now;
        c.notify_staff(NotificationKind::assigned, assignee, [&] { return detail::assigned_text(t); });
    });
}

Ticket ServiceDesk::start(const Actor& actor, const TicketId& id) {
    return impl_->run(actor, id, Action::start, [](Change& c) {
        c.ticket.times.started = c.now;
        c.note = "handling started by " + c.ticket.assignee;
    });
}

Ticket ServiceDesk::post_update(const Actor& actor, const TicketId& id, const std::string& message,
                                const std::optional<Instant>& estimated_completion) {
    check_text("message", message, impl_->limits().long_text, true);
    return impl_->run(actor, id, Action::reply, [&](Change& c) {
        auto& t = c.ticket;
        if (!t.times.first_response) t.times.first_response = c.now;
        if (estimated_completion) t.estimated_completion = *estimated_completion;
        c.note = message;
        c.notify_customer(NotificationKind::progress, [&] { return message; });
    });
}

Ticket ServiceDesk::add_note(const Actor& actor, const TicketId& id, const std::string& note) {
    check_text("note", note, impl_->limits().long_text, true);
    return impl_->run(actor, id, Action::add_note, [&](Change& c) { c.note = note; });
}

Ticket ServiceDesk::change_priority(const Actor& actor, const TicketId& id, const std::string& priority,
                                    const std::string& reason) {
    impl_->check_priority(priority);
    check_text("reason", reason, impl_->limits().long_text, true);
    return impl_->run(actor, id, Action::change_priority, [&](Change& c) {
        c.note = c.ticket.priority + " -> " + priority + ": " + reason;
        c.ticket.priority = priority;
    });
}

Ticket ServiceDesk::escalate(const Actor& actor, const TicketId& id, const std::string& reason) {
    check_text("reason", reason, impl_->limits().long_text, true);
    return impl_->run(actor, id, Action::escalate, [&](Change& c) {
        escalate_one_level(c, reason);
        c.note = "level " + std::to_string(c.ticket.escalation_level) + ": " + reason;
    });
}

Ticket ServiceDesk::wait_for_customer(const Actor& actor, const TicketId& id, const std::string& reason,
                                      const std::optional<Duration>& max_pause) {
    check_text("reason", reason, impl_->limits().long_text, true);
    if (max_pause && *max_pause <= Duration{0}) throw ValidationError("max_pause", "must be positive");
    return impl_->run(actor, id, Action::wait_for_customer, [&](Change& c) {
        c.ticket.waiting_for_customer = true;
        c.ticket.wait_reason = reason;
        if (max_pause) c.ticket.resume_at = c.now + *max_pause;
        c.note = reason;
    });
}

Ticket ServiceDesk::resume(const Actor& actor, const TicketId& id) {
    return impl_->run(actor, id, Action::resume, [](Change& c) {
        c.note = "resumed after waiting: " + c.ticket.wait_reason;
        c.ticket.waiting_for_customer = false;
        c.ticket.wait_reason.clear();
        c.ticket.resume_at.reset();
    });
}

Ticket ServiceDesk::resolve(const Actor& actor, const TicketId& id, const Resolution& resolution) {
    check_text("resolution", resolution.text, impl_->limits().long_text, true);
    return impl_->run(actor, id, Action::resolve, [&](Change& c) {
        auto& t = c.ticket;
        t.resolution = resolution.text;
        t.responsibility = resolution.responsibility;
        t.times.resolved = c.now;
        t.waiting_for_customer = false;
        t.wait_reason.clear();
        t.resume_at.reset();
        c.note = resolution.text;
        c.notify_customer(NotificationKind::resolved, [&] { return detail::resolved_text(t); });
    });
}

Ticket ServiceDesk::close(const Actor& actor, const TicketId& id, const CustomerFeedback& feedback) {
    return impl_->close_at(impl_->clock->now(), actor, id, feedback);
}

Ticket ServiceDesk::Impl::close_at(Instant now, const Actor& actor, const TicketId& id,
                                   const CustomerFeedback& feedback) {
    if (feedback.satisfaction) check_satisfaction(*feedback.satisfaction, limits().long_text);
    return run_at(now, actor, id, Action::close, [&](Change& c) {
        auto& t = c.ticket;
        t.satisfaction = feedback.satisfaction;
        t.close_reason = feedback.satisfaction ? CloseReason::confirmed : CloseReason::no_answer;
        t.times.closed = c.now;
        c.note = feedback.satisfaction ? std::string(label_zh(feedback.satisfaction->grade)) +
                                             (feedback.satisfaction->comment.empty() ? "" : ": " + feedback.satisfaction->comment)
                                       : "no answer from the customer";
        c.notify_customer(NotificationKind::closed, [&] { return detail::closed_text(t); });
    });
}

Ticket ServiceDesk::reopen(const Actor& actor, const TicketId& id, const std::string& reason,
                           const std::optional<Satisfaction>& satisfaction) {
    check_text("reason", reason, impl_->limits().long_text, true);
    if (satisfaction) Impl::check_satisfaction(*satisfaction, impl_->limits().long_text);
    return impl_->run(actor, id, Action::reopen, [&](Change& c) {
        auto& t = c.ticket;
        if (satisfaction) t.satisfaction = satisfaction;
        ++t.reopen_count;
        t.times.started = c.now;
        t.times.resolved.reset();
        c.note = "second handling #" + std::to_string(t.reopen_count) + ": " + reason;
        // 闭环管理 (seed 000): second handling goes up one level each round.
        escalate_one_level(c, "customer not satisfied: " + reason);
        c.side_events.emplace_back(Action::escalate, "level " + std::to_string(t.escalation_level) +
                                                         ": second handling #" + std::to_string(t.reopen_count));
        c.notify_staff(NotificationKind::reopened, t.assignee, [&] { return detail::reopened_text(t, reason); });
    });
}

Ticket ServiceDesk::record_feedback(const Actor& actor, const TicketId& id, const CustomerFeedback& feedback) {
    const auto& s = feedback.satisfaction;
    bool low_score = s && s->score && *s->score <= impl_->config.reopen_score_threshold;
    if (s && (s->grade == SatisfactionGrade::dissatisfied || low_score)) {
        const auto& s = *feedback.satisfaction;
        return reopen(actor, id, s.comment.empty() ? "customer not satisfied" : s.comment, s);
    }
    return close(actor, id, feedback);
}

Ticket ServiceDesk::inform_result(const Actor& actor, const TicketId& id, const Channel& channel,
                                  const std::string& summary) {
    check_one_of("channel", channel, impl_->config.channels);
    check_text("summary", summary, impl_->limits().long_text, true);
    return impl_->run(actor, id, Action::inform_result, [&](Change& c) {
        c.ticket.result_notice = ResultNotice{c.now, channel, summary};
        c.note = std::string(channel) + ": " + summary;
    });
}

Ticket ServiceDesk::open_derived(const Actor& actor, const TicketId& parent_id, NewTicket request) {
    check_text("parent", parent_id, impl_->limits().short_text, true);
    Ticket parent = get(parent_id);
    if (request.customer.id.empty()) request.customer = parent.customer;
    if (request.channel.empty())
        request.channel = parent.visit ? std::string(channels::follow_up_visit) : parent.channel;
    request.links.push_back({LinkKind::follow_up_of, parent.id});
    return impl_->open_ticket(actor, request, std::nullopt);
}

Ticket ServiceDesk::open_visit(const Actor& actor, const VisitRequest& request) {
    const auto& lim = impl_->limits();
    check_text("served", request.served, lim.short_text, true);
    check_text("plan", request.plan, lim.short_text);
    check_text("assignee", request.assignee, lim.short_text);
    check_text("department", request.department, lim.short_text);
    if (request.window_until <= request.window_from)
        throw ValidationError("window_until", "must be after window_from");
    Ticket served = get(request.served);

    NewTicket visit;
    visit.channel = channels::follow_up_visit;
    visit.type = ticket_types::follow_up_visit;
    visit.customer = served.customer;
    visit.description = "回访 " + served.id + "（" + to_string(request.reason) + "）";
    visit.department = request.department;
    visit.links = {{LinkKind::follow_up_of, served.id}};
    VisitDetails details;
    details.reason = request.reason;
    details.plan = request.plan;
    details.window_from = request.window_from;
    details.window_until = request.window_until;
    Ticket t = impl_->open_ticket(actor, visit, details);
    return request.assignee.empty() ? t : assign(actor, t.id, request.assignee);
}

Ticket ServiceDesk::record_attempt(const Actor& actor, const TicketId& id, ContactOutcome outcome,
                                   const std::string& note) {
    check_text("note", note, impl_->limits().long_text);
    std::size_t unanswered = 0;
    Ticket t = impl_->run(actor, id, Action::record_attempt, [&](Change& c) {
        auto& attempts = c.ticket.visit->attempts;
        attempts.push_back({c.now, outcome, note});
        unanswered = static_cast<std::size_t>(std::count_if(attempts.begin(), attempts.end(), [](const ContactAttempt& a) {
            return a.outcome == ContactOutcome::no_answer;
        }));
        c.note = std::string(to_string(outcome)) + (note.empty() ? "" : ": " + note);
    });
    if (outcome == ContactOutcome::refused) return cancel(actor, id, CloseReason::withdrawn, "customer declined the visit");
    if (outcome == ContactOutcome::wrong_number)
        return cancel(actor, id, CloseReason::unreachable, "contact details are invalid");
    if (unanswered >= impl_->config.max_visit_attempts)
        return cancel(actor, id, CloseReason::unreachable,
                      "no answer after " + std::to_string(unanswered) + " attempts");
    return t;
}

VisitOutcome ServiceDesk::record_visit(const Actor& actor, const TicketId& id, const VisitRecord& record) {
    const auto& lim = impl_->limits();
    if (record.answers.empty() && !record.satisfaction)
        throw ValidationError("answers", "a visit record needs answers or a satisfaction verdict");
    for (const auto& a : record.answers) {
        check_text("answers.question", a.question, lim.long_text, true);
        check_text("answers.reason", a.reason, lim.long_text);
        if (a.score < 1 || a.score > 5) throw ValidationError("answers.score", "must be between 1 and 5");
    }
    check_text("comment", record.comment, lim.long_text);
    if (record.satisfaction) Impl::check_satisfaction(*record.satisfaction, lim.long_text);
    Ticket visit = get(id);
    // Every problem is checked before anything is written, so a bad one changes nothing.
    for (const auto& problem : record.problems) {
        NewTicket checked = problem;
        if (checked.channel.empty()) checked.channel = channels::follow_up_visit;
        if (checked.customer.id.empty()) checked.customer = visit.customer;
        impl_->check_new_ticket(checked, impl_->clock->now());
    }
    if (!visit.visit) throw GuardRejected(id, visit.status, Action::resolve, "the ticket is not a follow-up visit");
    if (visit.status != Status::pending) throw InvalidTransition(id, visit.status, Action::start);

    Satisfaction verdict = record.satisfaction.value_or(Satisfaction{});
    if (!record.satisfaction) {
        double sum = 0;
        for (const auto& a : record.answers) sum += a.score;
        int mean = static_cast<int>(sum / static_cast<double>(record.answers.size()) + 0.5);
        verdict.score = mean;
        verdict.grade = grade_for_score(mean);
        verdict.comment = record.comment;
    }
    if (visit.assignee.empty()) assign(actor, id, actor.id);
    start(actor, id);
    impl_->run(actor, id, Action::resolve, [&](Change& c) {
        auto& t = c.ticket;
        t.visit->answers = record.answers;
        t.visit->comment = record.comment;
        t.resolution = record.comment.empty() ? "回访完成" : record.comment;
        t.times.resolved = c.now;
        c.note = "visit recorded: " + std::to_string(record.answers.size()) + " answers, " +
                 std::to_string(record.problems.size()) + " problems raised";
    });
    VisitOutcome outcome;
    outcome.visit = close(actor, id, {verdict});
    for (const auto& problem : record.problems) outcome.derived.push_back(open_derived(actor, id, problem));
    return outcome;
}

Ticket ServiceDesk::cancel(const Actor& actor, const TicketId& id, CloseReason reason, const std::string& note) {
    if (reason != CloseReason::duplicate && reason != CloseReason::spam && reason != CloseReason::withdrawn &&
        reason != CloseReason::unreachable)
        throw ValidationError("reason", std::string("'") + to_string(reason) +
                                            "' is not a cancel reason (duplicate, spam, withdrawn, unreachable)");
    check_text("note", note, impl_->limits().long_text, true);
    return impl_->run(actor, id, Action::cancel, [&](Change& c) {
        auto& t = c.ticket;
        t.close_reason = reason;
        t.times.closed = c.now;
        c.note = std::string(to_string(reason)) + ": " + note;
        c.notify_customer(NotificationKind::cancelled, [&] { return detail::cancelled_text(t, note); });
    });
}

MergeOutcome ServiceDesk::merge(const Actor& actor, const TicketId& duplicate, const TicketId& primary,
                                const std::string& note) {
    return impl_->merge(actor, duplicate, primary, note);
}

namespace {

// Adds to `into` the entries of `from` it lacks, within `limit`.
void absorb(std::vector<std::string>& into, const std::vector<std::string>& from, std::size_t limit,
            const char* field, const TicketId& id) {
    for (const auto& item : from)
        if (std::find(into.begin(), into.end(), item) == into.end()) into.push_back(item);
    if (into.size() > limit)
        throw ValidationError(field, "merging would give ticket " + id + " more than " + std::to_string(limit));
}

void erase_duplicate_links(Ticket& t, const TicketId& target_or_any) {
    auto& links = t.links;
    links.erase(std::remove_if(links.begin(), links.end(),
                               [&](const TicketLink& l) {
                                   return l.kind == LinkKind::duplicate_of &&
                                          (target_or_any.empty() || l.target == target_or_any);
                               }),
                links.end());
}

} // namespace

// Both tickets' stripes are held (in address order, so two merges cannot deadlock) and
// both are committed together: the duplicate closed, the primary noted.
MergeOutcome ServiceDesk::Impl::merge(const Actor& actor, const TicketId& dup_id, const TicketId& primary_id,
                                      const std::string& note) {
    check_actor(actor);
    check_ticket_id(dup_id);
    check_ticket_id(primary_id);
    check_text("note", note, limits().long_text);
    if (dup_id == primary_id) throw ValidationError("primary", "ticket " + dup_id + " cannot be merged into itself");
    std::mutex* first = &stripe(dup_id);
    std::mutex* second = &stripe(primary_id);
    if (second < first) std::swap(first, second);
    std::unique_lock lock_first(*first);
    std::unique_lock<std::mutex> lock_second;
    if (second != first) lock_second = std::unique_lock(*second);

    // Checked up front for a clear error; a primary closed meanwhile is refused by its
    // lifecycle transition below.
    if (load_shared(primary_id)->status == Status::closed)
        throw ValidationError("primary", "ticket " + primary_id + " is closed; merge into an open ticket");
    for (int attempt = 1;; ++attempt) {
        const Instant now = clock->now();
        std::vector<Commit> commits(2);
        const auto dup_share = draft(commits[0], now, actor, dup_id, Action::merge, [&](Change& d) {
            Ticket& dup = d.ticket;
            for (const auto& approval : dup.approvals)
                if (approval.state == ApprovalState::pending)
                    throw ValidationError("duplicate", "ticket " + dup_id + " has solution #" +
                                                           std::to_string(approval.number) +
                                                           " waiting for approval; approve or deny it first");
            d.note = "merged into " + primary_id + (note.empty() ? "" : ": " + note);
            erase_duplicate_links(dup, {});
            dup.links.push_back({LinkKind::duplicate_of, primary_id});
            dup.close_reason = CloseReason::duplicate;
            dup.times.closed = now;
            d.notify_customer(NotificationKind::cancelled, [&] { return detail::merged_text(dup, primary_id); });
        });
        const Ticket& dup = commits[0].ticket;
        draft(commits[1], now, actor, primary_id, Action::add_note, [&](Change& p) {
            Ticket& primary = p.ticket;
            p.note = "merged duplicate " + dup_id + ": " + dup.description + (note.empty() ? "" : " (" + note + ")");
            erase_duplicate_links(primary, dup_id); // the roles are settled now
            const TicketLink back{LinkKind::related_to, dup_id};
            if (std::find(primary.links.begin(), primary.links.end(), back) == primary.links.end())
                primary.links.push_back(back);
            absorb(primary.attachments, dup.attachments, limits().max_list, "attachments", primary_id);
            absorb(primary.tags, dup.tags, limits().max_list, "tags", primary_id);
            check_list_size("links", primary.links.size(), limits().max_list);
        });
        if (!committed(attempt, [&] { store->commit_all(commits); })) continue;
        update_loads(dup_share, load_share(dup)); // the duplicate no longer counts
        request_dispatch();
        return {std::move(commits[0].ticket), std::move(commits[1].ticket)};
    }
}

Ticket ServiceDesk::add_task(const Actor& actor, const TicketId& id, const TaskRequest& task) {
    const auto& lim = impl_->limits();
    check_text("department", task.department, lim.short_text, true);
    check_text("owner", task.owner, lim.short_text, true);
    check_text("description", task.description, lim.long_text, true);
    if (task.due < impl_->clock->now()) throw ValidationError("due", "is in the past");
    check_list_size("tasks", get(id).tasks.size() + 1, lim.max_list);
    return impl_->run(actor, id, Action::add_task, [&](Change& c) {
        auto& t = c.ticket;
        CollaborationTask added;
        added.number = static_cast<std::uint32_t>(t.tasks.size()) + 1;
        added.department = task.department;
        added.owner = task.owner;
        added.description = task.description;
        added.due = task.due;
        added.mandatory = task.mandatory;
        t.tasks.push_back(added);
        c.note = "task #" + std::to_string(added.number) + " for " + task.department + " (" + task.owner +
                 "): " + task.description;
        c.notify_staff(NotificationKind::task_assigned, task.owner,
                       [&] { return "工单 " + t.id + " 需要" + task.department + "协作：" + task.description; });
    });
}

Ticket ServiceDesk::complete_task(const Actor& actor, const TicketId& id, std::uint32_t number,
                                  const std::string& outcome) {
    check_text("outcome", outcome, impl_->limits().long_text, true);
    return impl_->run(actor, id, Action::complete_task, [&](Change& c) {
        auto& tasks = c.ticket.tasks;
        auto task = std::find_if(tasks.begin(), tasks.end(),
                                 [number](const CollaborationTask& k) { return k.number == number; });
        if (task == tasks.end() || task->completed)
            throw ValidationError("number", "ticket " + id + " has no open collaboration task #" + std::to_string(number));
        task->completed = c.now;
        task->outcome = outcome;
        c.note = "task #" + std::to_string(number) + " done: " + outcome;
    });
}

Ticket ServiceDesk::propose_solution(const Actor& actor, const TicketId& id, const SolutionProposal& proposal) {
    const auto& lim = impl_->limits();
    if (static_cast<int>(proposal.kind) > static_cast<int>(SolutionKind::coupon))
        throw ValidationError("kind", "unknown solution kind");
    if (!std::isfinite(proposal.amount) || proposal.amount < 0)
        throw ValidationError("amount", "must be a finite amount of at least 0");
    check_text("description", proposal.description, lim.long_text, true);
    check_list_size("approvals", get(id).approvals.size() + 1, lim.max_list);
    return impl_->run(actor, id, Action::propose_solution, [&](Change& c) {
        auto& t = c.ticket;
        const AuthorityDecision decision = impl_->authority_of(actor, proposal.kind, proposal.amount);
        Approval a;
        a.number = static_cast<std::uint32_t>(t.approvals.size()) + 1;
        a.kind = proposal.kind;
        a.amount = proposal.amount;
        a.description = proposal.description;
        a.requested_by = actor.id;
        a.requested_at = c.now;
        a.due = c.now;
        const std::string what = "solution #" + std::to_string(a.number) + " " + solution_text(a);
        if (decision.within_limit) {
            a.state = ApprovalState::granted;
            a.decided_by = actor.id;
            a.decided_at = c.now;
            c.note = what + " granted within limit (" + decision.why + ")";
        } else {
            a.state = ApprovalState::pending;
            a.approver = decision.approver.value_or(Role::manager);
            a.due = impl_->config.calendar.add_business_time(c.now, impl_->config.approval_deadline);
            c.note = what + " needs approval by " + to_string(*a.approver) + " (" + decision.why + ")";
            c.notify_staff(NotificationKind::approval_requested, to_string(*a.approver), [&] {
                return "工单 " + t.id + " 的方案 #" + std::to_string(a.number) + " 超出处理人权限，请审批：" +
                       solution_text(a);
            });
        }
        t.approvals.push_back(std::move(a));
    });
}

Ticket ServiceDesk::approve(const Actor& actor, const TicketId& id, std::uint32_t number, const std::string& note) {
    check_text("note", note, impl_->limits().long_text);
    return impl_->decide_approval(actor, id, number, true, note);
}

Ticket ServiceDesk::deny(const Actor& actor, const TicketId& id, std::uint32_t number, const std::string& reason) {
    check_text("reason", reason, impl_->limits().long_text, true);
    return impl_->decide_approval(actor, id, number, false, reason);
}

Ticket ServiceDesk::Impl::decide_approval(const Actor& actor, const TicketId& id, std::uint32_t number, bool approved,
                                          const std::string& note) {
    const Action action = approved ? Action::approve : Action::deny;
    return run(actor, id, action, [&](Change& c) {
        auto& approvals = c.ticket.approvals;
        auto a = std::find_if(approvals.begin(), approvals.end(), [number](const Approval& k) { return k.number == number; });
        if (a == approvals.end() || a->state != ApprovalState::pending)
            throw ValidationError("number", "ticket " + id + " has no pending approval #" + std::to_string(number));
        if (auto why = approval_refusal(actor, *a)) refuse(actor, action, c.ticket, c.now, *why);
        a->state = approved ? ApprovalState::approved : ApprovalState::denied;
        a->decided_by = actor.id;
        a->decided_at = c.now;
        a->note = note;
        c.note = "solution #" + std::to_string(number) + (approved ? " approved" : " denied") +
                 (note.empty() ? "" : ": " + note);
        c.notify_staff(NotificationKind::approval_decided, handler_of(c.ticket, *a), [&] {
            return "工单 " + id + " 的方案 #" + std::to_string(number) + (approved ? " 已批准" : " 未获批准") +
                   (note.empty() ? "" : "：" + note);
        });
    });
}

// Waiting tickets are found through the store's status query, most urgent first, and each
// is offered to the assigner once per tick.
std::size_t ServiceDesk::Impl::assign_waiting(Instant now) {
    if (!config.assigner) return 0;
    static const Actor system{"system", Role::system, ""};
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
            run_at(now, system, candidate.ticket.id, Action::assign, [&](Change& c) {
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

Ticket ServiceDesk::verify_identity(const Actor& actor, const TicketId& id, const std::string& method) {
    check_text("method", method, impl_->limits().long_text, true);
    return impl_->run(actor, id, Action::verify_identity, [&](Change& c) {
        c.ticket.identity_verified = true;
        c.note = "identity verified: " + method;
    });
}

Contact ServiceDesk::reveal_contact(const Actor& actor, const TicketId& id) {
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
    impl_->store->append_audit(
        AuditEvent{t.id, t.version, now, actor.id, Action::reveal_contact, t.status, t.status, "contact details read"});
    return contact;
}

Ticket ServiceDesk::explain_overdue(const Actor& actor, const TicketId& id, SlaStage stage,
                                    const std::string& reason) {
    check_text("reason", reason, impl_->limits().long_text, true);
    return impl_->run(actor, id, Action::explain_overdue, [&](Change& c) {
        auto clock = std::find_if(c.ticket.sla.begin(), c.ticket.sla.end(),
                                  [stage](const SlaClock& k) { return k.stage == stage; });
        if (clock == c.ticket.sla.end() || !clock->breached)
            throw ValidationError("stage", std::string(to_string(stage)) + " is not overdue on ticket " + id);
        clock->overdue_reason = reason;
        c.note = std::string(to_string(stage)) + ": " + reason;
    });
}

TickReport ServiceDesk::tick(Instant now) {
    static const Actor monitor{"system", Role::system, ""};
    constexpr std::size_t batch = 256;
    TickReport report;
    std::set<TicketId> visited; // a ticket is looked at once per tick
    for (;;) {
        auto due = impl_->store->due_until(now, batch + visited.size());
        std::size_t fresh = 0;
        for (const auto& entry : due) {
            if (!visited.insert(entry.ticket).second) continue;
            ++fresh;
            auto ticket = impl_->store->load(entry.ticket);
            if (!ticket) continue;
            if (auto close_at = impl_->auto_close_at(*ticket); close_at && *close_at <= now) {
                impl_->close_at(now, monitor, entry.ticket, {});
                ++report.auto_closed;
                ++report.tickets;
                continue;
            }
            std::vector<std::pair<Action, std::string>> fired; // of the attempt that committed
            std::size_t approvals_overdue = 0;
            impl_->run_at(now, monitor, entry.ticket, Action::monitor, [&](Change& c) {
                impl_->engine()->on_monitor(c);
                Impl::flag_overdue_tasks(c);
                approvals_overdue = Impl::flag_overdue_approvals(c);
                c.note = "SLA check";
                fired = c.side_events;
            });
            for (const auto& event : fired) {
                report.warnings += event.first == Action::sla_warning;
                report.breaches += event.first == Action::sla_breach;
                report.escalations += event.first == Action::escalate;
                report.reminders += event.first == Action::remind_progress;
                report.resumed += event.first == Action::resume;
            }
            report.approvals_overdue += approvals_overdue;
            ++report.tickets;
        }
        if (fresh == 0 || due.size() < batch + visited.size()) break;
    }
    report.assigned = impl_->assign_waiting(now);
    return report;
}

std::vector<StageCompliance> ServiceDesk::compliance(const TicketId& id) const {
    return impl_->engine()->compliance(get(id), impl_->clock->now());
}

std::size_t ServiceDesk::update_sla(SlaPolicy policy, std::shared_ptr<const SlaCalculator> calculator) {
    auto engine = impl_->make_engine(std::move(policy), std::move(calculator));
    std::atomic_store(&impl_->engine_, engine);
    static const Actor system{"system", Role::system, ""};
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
        impl_->run(system, id, Action::monitor, [&](Change& c) {
            engine->recompute(c.ticket);
            c.note = "SLA deadlines recomputed";
        });
    return open.size();
}

Ticket ServiceDesk::get(const TicketId& id) const {
    auto ticket = impl_->store->load(id);
    if (!ticket) throw NotFound("ticket " + id);
    return std::move(*ticket);
}

std::optional<Ticket> ServiceDesk::find(const TicketId& id) const { return impl_->store->load(id); }

std::vector<Ticket> ServiceDesk::query(const TicketQuery& query) const { return impl_->store->query(query); }

std::vector<AuditEvent> ServiceDesk::history(const TicketId& id) const {
    auto events = impl_->store->history(id);
    if (events.empty()) throw NotFound("ticket " + id);
    return events;
}

std::vector<Action> ServiceDesk::allowed_actions(const TicketId& id) const {
    return ticketflow::allowed_actions(get(id).status);
}

std::size_t ServiceDesk::dispatch_notifications() {
    if (!impl_->dispatcher) return 0;
    std::lock_guard lock(impl_->dispatch_mutex);
    return impl_->dispatcher->dispatch_due();
}

} // namespace ticketflow
