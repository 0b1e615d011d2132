// The desk's shared state and rules, its configuration checks, and the reads.

#include "desk/desk_impl.hpp"
#include "desk/messages.hpp"

#include <cmath>
#include <limits>

namespace ticketflow {

using detail::check_list_size;
using detail::check_one_of;
using detail::check_text;

namespace detail {

Role escalation_role(std::uint32_t level) {
    return level <= 1 ? Role::team_lead : level == 2 ? Role::supervisor : Role::manager;
}

void escalate_one_level(Change& c, const std::string& reason) {
    ++c.ticket.escalation_level;
    const Role role = escalation_role(c.ticket.escalation_level);
    c.notify_staff(NotificationKind::escalated, to_string(role),
                   [&] { return c.messages->escalated(c.ticket, role, reason); });
}

} // namespace detail

detail::DeskCore::DeskCore(std::shared_ptr<TicketStore> s, std::shared_ptr<Clock> c, DeskConfig cfg,
                           std::shared_ptr<Notifier> n)
    : store(std::move(s)), clock(std::move(c)), config(std::move(cfg)) {
    if (!config.authorizer) config.authorizer = std::make_shared<RoleAuthorizer>();
    if (!config.authority) config.authority = std::make_shared<AuthorityPolicy>();
    if (config.repeats) repeats.emplace(*config.repeats);
    if (config.claims.owner.empty()) config.claims.owner = generated_owner();
    calendar_ = std::make_shared<const BusinessCalendar>(config.calendar);
    engine_ = make_engine(config.sla, config.sla_calculator);
    // Without a notifier nothing is queued: rows other desks queued are left to them.
    if (n)
        delivery = std::make_unique<detail::Delivery>(store, std::move(n), clock, config.delivery, config.claims,
                                                      config.observer);
}

std::shared_ptr<const detail::SlaEngine>
detail::DeskCore::make_engine(SlaPolicy policy, std::shared_ptr<const SlaCalculator> calculator) const {
    if (!calculator) calculator = std::make_shared<CalendarSlaCalculator>(*calendar());
    return std::make_shared<const detail::SlaEngine>(std::move(policy), std::move(calculator));
}

void detail::DeskCore::check_actor(const Actor& actor) const {
    check_text("actor.id", actor.id, limits().short_text, true);
    check_enum("actor.role", actor.role);
    check_text("actor.department", actor.department, limits().short_text);
}

void detail::DeskCore::check_ticket_id(const TicketId& id) const { check_text("id", id, limits().short_text, true); }

void detail::DeskCore::check_new_ticket(const NewTicket& r, Instant now) const {
    const auto& lim = limits();
    check_one_of("channel", r.channel, config.channels);
    check_one_of("type", r.type, config.types);
    if (!r.priority.empty()) check_priority(r.priority);
    check_text("customer.id", r.customer.id, lim.short_text, true);
    check_pseudonymous("customer.id", r.customer.id);
    check_text("customer.nickname", r.customer.nickname, lim.short_text);
    check_text("customer.contact_token", r.customer.contact_token, lim.short_text);
    check_pseudonymous("customer.contact_token", r.customer.contact_token); // a token, never the contact itself
    check_text("description", r.description, lim.long_text, true);
    check_text("order_number", r.order_number, lim.short_text);
    check_pseudonymous("order_number", r.order_number);
    check_text("department", r.department, lim.short_text);
    check_text("remarks", r.remarks, lim.long_text);
    check_list_size("attachments", r.attachments.size(), lim.max_list);
    for (const auto& a : r.attachments) check_text("attachments", a, lim.long_text, true);
    check_tags(r.tags);
    check_list_size("links", r.links.size(), lim.max_list);
    for (const auto& link : r.links) {
        check_ticket_id(link.target);
        if (!store->load_shared(link.target))
            throw ValidationError("links", "linked ticket " + link.target + " does not exist");
    }
    if (r.received_at && *r.received_at > now) throw ValidationError("received_at", "is in the future");
}

// 无需记录真实姓名、电话等隐私信息 (seed 000): an identifier is stored as it is, so one that
// is itself a phone, ID or card number is refused rather than kept raw.
void detail::DeskCore::check_pseudonymous(std::string_view field, const std::string& id) {
    if (auto why = personal_data_in_identifier(id))
        throw ValidationError(std::string(field), *why + "; use a pseudonymous number (e.g. C20240520001)");
}

void detail::DeskCore::check_tags(const std::vector<std::string>& tags) const {
    check_list_size("tags", tags.size(), limits().max_list);
    for (const auto& tag : tags) check_text("tags", tag, limits().short_text, true);
}

std::pair<Instant, Instant> detail::DeskCore::horizon() const {
    const auto cal = calendar();
    return {cal->to_instant(cal->first_date(), 0, 0), cal->to_instant(cal->last_date(), 24, 0)};
}

void detail::DeskCore::check_in_horizon(std::string_view field, Instant t) const {
    const auto [from, until] = horizon();
    if (t < from || t >= until)
        throw ValidationError(std::string(field), format_instant(t) + " is outside the calendar's horizon (" +
                                                      format_instant(from) + " to " + format_instant(until) + ")");
}

void detail::DeskCore::check_priority(const std::string& priority) const {
    if (!config.sla.priorities.contains(priority))
        throw ValidationError("priority", "unknown priority level '" + priority + "'");
}

void detail::DeskCore::check_satisfaction(const Satisfaction& s, std::size_t max_comment) {
    auto check_score = [](const char* field, const std::optional<int>& score) {
        if (score && (*score < 1 || *score > 5)) throw ValidationError(field, "must be between 1 and 5");
    };
    check_score("satisfaction.score", s.score);
    check_score("satisfaction.efficiency", s.efficiency);
    check_score("satisfaction.attitude", s.attitude);
    check_score("satisfaction.outcome", s.outcome);
    // One verdict, one meaning: the campaign review reads the score, the report the grade.
    if (s.score && grade_for_score(*s.score) != s.grade)
        throw ValidationError("satisfaction.grade", std::string("must be ") + to_string(grade_for_score(*s.score)) +
                                                        " for the score " + std::to_string(*s.score) + ", not " +
                                                        to_string(s.grade));
    check_text("satisfaction.comment", s.comment, max_comment);
}

void detail::DeskCore::authorize(const Actor& actor, Action action, const Ticket& t, Instant now, bool exists) const {
    auto refusal = config.authorizer->refusal(actor, action, t);
    if (refusal) refuse(actor, action, t, now, *refusal, exists);
}

void detail::DeskCore::refuse(const Actor& actor, Action action, const Ticket& t, Instant now, const std::string& why,
                              bool exists) const {
    if (exists)
        store->append_audit(
            AuditEvent{t.id, t.version, now, actor.id, action, t.status, t.status, "permission denied: " + why});
    throw PermissionDenied(actor.id + " (" + to_string(actor.role) + ") may not " + to_string(action) +
                           (t.id.empty() ? std::string(" a ticket") : " ticket " + t.id) + ": " + why);
}

// The ticket's weight in its assignee's load, while it counts (pending or in progress,
// as loads_of() counts at startup).
std::optional<detail::LoadShare> detail::DeskCore::load_share(const Ticket& t) const {
    if (!config.directory || t.assignee.empty()) return std::nullopt;
    if (t.status != Status::pending && t.status != Status::in_progress) return std::nullopt;
    return detail::LoadShare{t.assignee, config.load_weights.weight_of(config.sla.priorities, t.priority)};
}

// Called only after a commit succeeded, so a refused or failed command leaves loads alone.
void detail::DeskCore::update_loads(const std::optional<detail::LoadShare>& before,
                                    const std::optional<detail::LoadShare>& after) const {
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
bool detail::DeskCore::auto_assign(detail::Change& c) const {
    Ticket& t = c.ticket;
    if (!config.assigner || !t.assignee.empty() || t.visit) return false;
    auto decision = config.assigner->choose(t, c.now);
    if (!decision) return false;
    t.assignee = decision->agent;
    t.times.assigned = c.now;
    c.record(Action::assign, "assigned to " + decision->agent + " by " + decision->strategy + ": " + decision->why);
    c.notify_staff(NotificationKind::assigned, decision->agent, [&] { return c.messages->assigned(t); });
    return true;
}

// 无回复: a done ticket is closed as unanswered at the end of the n-th working day.
std::optional<Instant> detail::DeskCore::auto_close_at(const Ticket& t) const {
    if (t.status != Status::done || config.feedback_timeout_workdays <= 0 || !t.times.resolved) return std::nullopt;
    const auto calendar_now = calendar();
    const auto& cal = *calendar_now;
    return cal.end_of_workday(cal.add_workdays(cal.local_date(*t.times.resolved), config.feedback_timeout_workdays));
}

// When the ticket next needs the monitor: its SLA events, the feedback timeout, or a
// collaboration task or approval passing its deadline.
std::optional<Instant> detail::DeskCore::next_due(const detail::SlaEngine& sla, const Ticket& t) const {
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

namespace {

// Ticket numbers are ids: the prefix, yyyymmdd and the daily serial (up to 20 digits) stay
// within the id limit, and print as they are.
void check_id_prefix(const DeskConfig& config) {
    constexpr std::size_t number = 8 + 20;
    const std::size_t limit = config.limits.short_text;
    check_text("id_prefix", config.id_prefix, limit > number ? limit - number : 0);
    for (const unsigned char c : config.id_prefix)
        if (c < 0x20 || c == 0x7f) throw ValidationError("id_prefix", "contains a control character");
}

} // namespace

ServiceDesk::ServiceDesk(std::shared_ptr<TicketStore> store, std::shared_ptr<Clock> clock, DeskConfig config,
                         std::shared_ptr<Notifier> notifier) {
    if (!store) throw ValidationError("store", "is required");
    if (!clock) throw ValidationError("clock", "is required");
    if (config.channels.empty()) throw ValidationError("channels", "at least one channel is required");
    if (config.types.empty()) throw ValidationError("types", "at least one ticket type is required");
    check_id_prefix(config);
    if (config.max_commit_attempts < 1) throw ValidationError("max_commit_attempts", "must be at least 1");
    if (config.approval_deadline <= Duration{0}) throw ValidationError("approval_deadline", "must be positive");
    for (double w : config.load_weights.by_rank)
        if (!std::isfinite(w) || w < 0) throw ValidationError("load_weights", "weights must be finite and >= 0");
    if (config.assigner && &config.assigner->directory() != config.directory.get())
        throw ValidationError("directory",
                              "must be the assigner's directory, so that loads are kept where it reads them");
    detail::Delivery::check(config.delivery);
    if (config.claims.lease <= Duration{0}) throw ValidationError("claims.lease", "must be positive");
    if (config.clock_tolerance < Duration{0}) throw ValidationError("clock_tolerance", "must not be negative");
    impl_ =
        std::make_unique<detail::DeskCore>(std::move(store), std::move(clock), std::move(config), std::move(notifier));
}

ServiceDesk::~ServiceDesk() = default;

const DeskConfig& ServiceDesk::config() const noexcept { return impl_->config; }

BusinessCalendar ServiceDesk::calendar() const { return *impl_->calendar(); }

std::shared_ptr<const Ticket> detail::DeskCore::read(const TicketId& id) const {
    auto ticket = store->load_shared(id);
    if (!ticket) throw NotFound("ticket " + id);
    return ticket;
}

Ticket ServiceDesk::get(const TicketId& id) const { return *impl_->read(id); }

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

std::size_t ServiceDesk::dispatch_notifications() { return impl_->delivery ? impl_->delivery->dispatch() : 0; }

DeliveryStats ServiceDesk::delivery_stats() const {
    return impl_->delivery ? impl_->delivery->dispatcher().stats() : DeliveryStats{};
}

std::vector<OutboxRecord> ServiceDesk::dead_letters(std::size_t limit) const {
    return impl_->store->outbox_dead(limit);
}

void ServiceDesk::requeue_dead_letter(std::uint64_t sequence) {
    impl_->store->outbox_requeue(sequence, impl_->clock->now());
    if (impl_->delivery) impl_->delivery->after_commit();
}

std::size_t ServiceDesk::requeue_dead_letters() {
    std::size_t requeued = 0;
    for (const auto& row : impl_->store->outbox_dead(std::numeric_limits<std::size_t>::max())) {
        try {
            impl_->store->outbox_requeue(row.sequence, impl_->clock->now());
            ++requeued;
        } catch (const NotFound&) {
            // Requeued by someone else meanwhile.
        }
    }
    if (requeued && impl_->delivery) impl_->delivery->after_commit();
    return requeued;
}

} // namespace ticketflow
