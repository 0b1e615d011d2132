#include "codec/json_codec.hpp"

#include <cstdio>
#include <limits>

namespace ticketflow::detail {
namespace {

using nlohmann::json;

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

CivilDate civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2), month, day};
}

// Parses an enum by comparing with its to_string() names, so the names have one source.
template <class E>
E parse_by_name(const std::string& name, int count, const std::string& field) {
    std::string expected;
    for (int i = 0; i < count; ++i) {
        const char* candidate = to_string(static_cast<E>(i));
        if (name == candidate) return static_cast<E>(i);
        expected += (i ? ", " : "") + std::string(candidate);
    }
    throw ValidationError(field, "unknown value '" + name + "' (expected one of: " + expected + ")");
}

json optional_time(const std::optional<Instant>& t) { return t ? json(format_instant(*t)) : json(nullptr); }

// Reads the members of one JSON object; errors name the member's full path.
class ObjectReader {
public:
    ObjectReader(const json& object, std::string path) : object_(object), path_(std::move(path)) {
        if (!object_.is_object()) throw ValidationError(path_, "must be a JSON object");
    }

    std::string field(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

    // The member, or nullptr when it is absent or null.
    const json* find(const char* key) const {
        auto it = object_.find(key);
        return it == object_.end() || it->is_null() ? nullptr : &*it;
    }

    std::string text(const char* key) const {
        const json* v = find(key);
        if (!v) return {};
        if (!v->is_string()) throw ValidationError(field(key), "must be a string");
        return v->get<std::string>();
    }

    std::uint64_t count(const char* key, std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) const {
        const json* v = find(key);
        if (!v) return 0;
        // Parsed JSON holds non-negative numbers as unsigned; built JSON may hold them signed.
        const bool non_negative = v->is_number_unsigned() || (v->is_number_integer() && v->get<std::int64_t>() >= 0);
        if (!non_negative || v->get<std::uint64_t>() > max)
            throw ValidationError(field(key), "must be an unsigned integer up to " + std::to_string(max));
        return v->get<std::uint64_t>();
    }

    std::optional<int> integer(const char* key) const {
        const json* v = find(key);
        if (!v) return std::nullopt;
        if (!v->is_number_integer() || v->get<std::int64_t>() < std::numeric_limits<int>::min() ||
            v->get<std::int64_t>() > std::numeric_limits<int>::max())
            throw ValidationError(field(key), "must be an integer");
        return static_cast<int>(v->get<std::int64_t>());
    }

    bool flag(const char* key) const {
        const json* v = find(key);
        if (!v) return false;
        if (!v->is_boolean()) throw ValidationError(field(key), "must be true or false");
        return v->get<bool>();
    }

    std::optional<Instant> time(const char* key) const {
        const json* v = find(key);
        if (!v) return std::nullopt;
        if (!v->is_string()) throw ValidationError(field(key), "must be a time like 2024-05-20T06:30:00Z");
        return parse_instant(v->get<std::string>(), field(key));
    }

    Instant time_or_epoch(const char* key) const { return time(key).value_or(Instant{}); }

    template <class E>
    E name(const char* key, int count, E fallback) const {
        std::string value = text(key);
        return value.empty() ? fallback : parse_by_name<E>(value, count, field(key));
    }

    std::vector<std::string> texts(const char* key) const {
        std::vector<std::string> out;
        const json* v = find(key);
        if (!v) return out;
        if (!v->is_array()) throw ValidationError(field(key), "must be an array of strings");
        for (const auto& item : *v) {
            if (!item.is_string()) throw ValidationError(field(key), "must be an array of strings");
            out.push_back(item.get<std::string>());
        }
        return out;
    }

    // The members of an array of objects (empty when absent).
    std::vector<ObjectReader> objects(const char* key) const {
        std::vector<ObjectReader> out;
        const json* v = find(key);
        if (!v) return out;
        if (!v->is_array()) throw ValidationError(field(key), "must be an array of objects");
        for (const auto& item : *v) out.emplace_back(item, field(key));
        return out;
    }

    std::optional<ObjectReader> object(const char* key) const {
        const json* v = find(key);
        if (!v) return std::nullopt;
        return ObjectReader(*v, field(key));
    }

private:
    const json& object_;
    std::string path_;
};

// Enumerator counts, from each enum's last enumerator.
template <class E>
constexpr int count_through(E last) {
    return static_cast<int>(last) + 1;
}
constexpr int tier_count = count_through(CustomerTier::enterprise);
constexpr int responsibility_count = count_through(Responsibility::customer);
constexpr int grade_count = count_through(SatisfactionGrade::dissatisfied);
constexpr int link_kind_count = count_through(LinkKind::related_to);
constexpr int audience_count = count_through(Audience::staff);
constexpr int contact_outcome_count = count_through(ContactOutcome::refused);
constexpr int visit_reason_count = count_through(VisitReason::campaign);

json satisfaction_to_json(const std::optional<Satisfaction>& s) {
    if (!s) return nullptr;
    auto score = [](const std::optional<int>& v) { return v ? json(*v) : json(nullptr); };
    return {{"grade", to_string(s->grade)},     {"score", score(s->score)},
            {"comment", s->comment},            {"efficiency", score(s->efficiency)},
            {"attitude", score(s->attitude)},   {"outcome", score(s->outcome)}};
}

std::optional<Satisfaction> satisfaction_from(const ObjectReader& ticket) {
    auto r = ticket.object("satisfaction");
    if (!r) return std::nullopt;
    Satisfaction s;
    s.grade = r->name("grade", grade_count, SatisfactionGrade::satisfied);
    s.score = r->integer("score");
    s.comment = r->text("comment");
    s.efficiency = r->integer("efficiency");
    s.attitude = r->integer("attitude");
    s.outcome = r->integer("outcome");
    return s;
}

std::vector<TicketLink> links_from(const ObjectReader& ticket) {
    std::vector<TicketLink> links;
    for (const auto& r : ticket.objects("links"))
        links.push_back({r.name("kind", link_kind_count, LinkKind::related_to), r.text("target")});
    return links;
}

json sla_clock_to_json(const SlaClock& c) {
    json pauses = json::array();
    for (const auto& p : c.pauses) pauses.push_back({{"from", format_instant(p.from)}, {"to", format_instant(p.to)}});
    return {{"stage", to_string(c.stage)},
            {"started", format_instant(c.started)},
            {"stopped", optional_time(c.stopped)},
            {"pauses", std::move(pauses)},
            {"paused_since", optional_time(c.paused_since)},
            {"warn_at", format_instant(c.warn_at)},
            {"due", format_instant(c.due)},
            {"warned", c.warned},
            {"breached", c.breached},
            {"escalations", c.escalations},
            {"overdue_reason", c.overdue_reason}};
}

SlaClock sla_clock_from(const ObjectReader& r) {
    SlaClock c;
    c.stage = r.name("stage", sla_stage_count, SlaStage::resolution);
    c.started = r.time_or_epoch("started");
    c.stopped = r.time("stopped");
    for (const auto& pause : r.objects("pauses"))
        c.pauses.push_back({pause.time_or_epoch("from"), pause.time_or_epoch("to")});
    c.paused_since = r.time("paused_since");
    c.warn_at = r.time_or_epoch("warn_at");
    c.due = r.time_or_epoch("due");
    c.warned = r.flag("warned");
    c.breached = r.flag("breached");
    c.escalations = static_cast<std::uint32_t>(r.count("escalations", std::numeric_limits<std::uint32_t>::max()));
    c.overdue_reason = r.text("overdue_reason");
    return c;
}

json result_notice_to_json(const std::optional<ResultNotice>& n) {
    if (!n) return nullptr;
    return {{"at", format_instant(n->at)}, {"channel", n->channel}, {"summary", n->summary}};
}

std::optional<ResultNotice> result_notice_from(const ObjectReader& ticket) {
    auto r = ticket.object("result_notice");
    if (!r) return std::nullopt;
    return ResultNotice{r->time_or_epoch("at"), r->text("channel"), r->text("summary")};
}

json visit_to_json(const std::optional<VisitDetails>& v) {
    if (!v) return nullptr;
    json attempts = json::array();
    for (const auto& a : v->attempts)
        attempts.push_back({{"at", format_instant(a.at)}, {"outcome", to_string(a.outcome)}, {"note", a.note}});
    json answers = json::array();
    for (const auto& a : v->answers) answers.push_back({{"question", a.question}, {"score", a.score}, {"reason", a.reason}});
    return {{"reason", to_string(v->reason)},
            {"plan", v->plan},
            {"window_from", format_instant(v->window_from)},
            {"window_until", format_instant(v->window_until)},
            {"attempts", std::move(attempts)},
            {"answers", std::move(answers)},
            {"comment", v->comment}};
}

std::optional<VisitDetails> visit_from(const ObjectReader& ticket) {
    auto r = ticket.object("visit");
    if (!r) return std::nullopt;
    VisitDetails v;
    v.reason = r->name("reason", visit_reason_count, VisitReason::regular);
    v.plan = r->text("plan");
    v.window_from = r->time_or_epoch("window_from");
    v.window_until = r->time_or_epoch("window_until");
    for (const auto& a : r->objects("attempts"))
        v.attempts.push_back({a.time_or_epoch("at"), a.name("outcome", contact_outcome_count, ContactOutcome::reached),
                              a.text("note")});
    for (const auto& a : r->objects("answers"))
        v.answers.push_back({a.text("question"), a.integer("score").value_or(5), a.text("reason")});
    v.comment = r->text("comment");
    return v;
}

json task_to_json(const CollaborationTask& task) {
    return {{"number", task.number},
            {"department", task.department},
            {"owner", task.owner},
            {"description", task.description},
            {"due", format_instant(task.due)},
            {"mandatory", task.mandatory},
            {"completed", optional_time(task.completed)},
            {"outcome", task.outcome},
            {"overdue_notified", task.overdue_notified}};
}

CollaborationTask task_from(const ObjectReader& r) {
    CollaborationTask task;
    task.number = static_cast<std::uint32_t>(r.count("number", std::numeric_limits<std::uint32_t>::max()));
    task.department = r.text("department");
    task.owner = r.text("owner");
    task.description = r.text("description");
    task.due = r.time_or_epoch("due");
    task.mandatory = r.find("mandatory") ? r.flag("mandatory") : true; // the member's default
    task.completed = r.time("completed");
    task.outcome = r.text("outcome");
    task.overdue_notified = r.flag("overdue_notified");
    return task;
}

} // namespace

std::string format_instant(Instant t) {
    const std::int64_t seconds = t.time_since_epoch().count();
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    const CivilDate date = civil_from_days(days);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(date.year),
                  date.month, date.day, static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
                  static_cast<int>(rest % 60));
    return buffer;
}

Instant parse_instant(const std::string& text, const std::string& field) {
    int year = 0;
    unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
    int consumed = 0;
    const bool shaped = text.size() == 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' &&
                        text[13] == ':' && text[16] == ':' && text[19] == 'Z';
    if (!shaped || std::sscanf(text.c_str(), "%4d-%2u-%2uT%2u:%2u:%2uZ%n", &year, &month, &day, &hour, &minute,
                               &second, &consumed) != 6 || consumed != 20)
        throw ValidationError(field, "'" + text + "' is not a UTC time like 2024-05-20T06:30:00Z");
    const std::int64_t days = days_from_civil(year, month, day);
    const CivilDate check = civil_from_days(days);
    if (month < 1 || month > 12 || check.month != month || check.day != day || hour > 23 || minute > 59 ||
        second > 59)
        throw ValidationError(field, "'" + text + "' is not a valid date and time");
    return Instant{Duration{days * 86400 + hour * 3600 + minute * 60 + second}};
}

json ticket_to_json(const Ticket& t) {
    json links = json::array();
    for (const auto& link : t.links) links.push_back({{"kind", to_string(link.kind)}, {"target", link.target}});
    json sla = json::array();
    for (const auto& clock : t.sla) sla.push_back(sla_clock_to_json(clock));
    json tasks = json::array();
    for (const auto& task : t.tasks) tasks.push_back(task_to_json(task));
    return {
        {"id", t.id},
        {"version", t.version},
        {"status", to_string(t.status)},
        {"channel", t.channel},
        {"type", t.type},
        {"priority", t.priority},
        {"customer",
         {{"id", t.customer.id},
          {"nickname", t.customer.nickname},
          {"tier", to_string(t.customer.tier)},
          {"contact_token", t.customer.contact_token}}},
        {"description", t.description},
        {"order_number", t.order_number},
        {"attachments", t.attachments},
        {"department", t.department},
        {"assignee", t.assignee},
        {"times",
         {{"received", format_instant(t.times.received)},
          {"recorded", format_instant(t.times.recorded)},
          {"classified", optional_time(t.times.classified)},
          {"assigned", optional_time(t.times.assigned)},
          {"first_response", optional_time(t.times.first_response)},
          {"started", optional_time(t.times.started)},
          {"resolved", optional_time(t.times.resolved)},
          {"closed", optional_time(t.times.closed)}}},
        {"estimated_completion", optional_time(t.estimated_completion)},
        {"resolution", t.resolution},
        {"responsibility", to_string(t.responsibility)},
        {"satisfaction", satisfaction_to_json(t.satisfaction)},
        {"close_reason", t.close_reason ? json(to_string(*t.close_reason)) : json(nullptr)},
        {"remarks", t.remarks},
        {"tags", t.tags},
        {"links", std::move(links)},
        {"reopen_count", t.reopen_count},
        {"escalation_level", t.escalation_level},
        {"waiting_for_customer", t.waiting_for_customer},
        {"wait_reason", t.wait_reason},
        {"identity_verified", t.identity_verified},
        {"resume_at", optional_time(t.resume_at)},
        {"sla", std::move(sla)},
        {"result_notice", result_notice_to_json(t.result_notice)},
        {"visit", visit_to_json(t.visit)},
        {"tasks", std::move(tasks)},
    };
}

Ticket ticket_from_json(const json& value) {
    ObjectReader r(value, "ticket");
    Ticket t;
    t.id = r.text("id");
    t.version = r.count("version");
    t.status = r.name("status", status_count, Status::pending);
    t.channel = r.text("channel");
    t.type = r.text("type");
    t.priority = r.text("priority");
    if (auto c = r.object("customer")) {
        t.customer.id = c->text("id");
        t.customer.nickname = c->text("nickname");
        t.customer.tier = c->name("tier", tier_count, CustomerTier::regular);
        t.customer.contact_token = c->text("contact_token");
    }
    t.description = r.text("description");
    t.order_number = r.text("order_number");
    t.attachments = r.texts("attachments");
    t.department = r.text("department");
    t.assignee = r.text("assignee");
    if (auto times = r.object("times")) {
        t.times.received = times->time_or_epoch("received");
        t.times.recorded = times->time_or_epoch("recorded");
        t.times.classified = times->time("classified");
        t.times.assigned = times->time("assigned");
        t.times.first_response = times->time("first_response");
        t.times.started = times->time("started");
        t.times.resolved = times->time("resolved");
        t.times.closed = times->time("closed");
    }
    t.estimated_completion = r.time("estimated_completion");
    t.resolution = r.text("resolution");
    t.responsibility = r.name("responsibility", responsibility_count, Responsibility::undetermined);
    t.satisfaction = satisfaction_from(r);
    if (r.find("close_reason")) t.close_reason = parse_close_reason(r.text("close_reason"), r.field("close_reason"));
    t.remarks = r.text("remarks");
    t.tags = r.texts("tags");
    t.links = links_from(r);
    constexpr std::uint64_t max_u32 = std::numeric_limits<std::uint32_t>::max();
    t.reopen_count = static_cast<std::uint32_t>(r.count("reopen_count", max_u32));
    t.escalation_level = static_cast<std::uint32_t>(r.count("escalation_level", max_u32));
    t.waiting_for_customer = r.flag("waiting_for_customer");
    t.wait_reason = r.text("wait_reason");
    t.identity_verified = r.flag("identity_verified");
    t.resume_at = r.time("resume_at");
    for (const auto& clock : r.objects("sla")) t.sla.push_back(sla_clock_from(clock));
    t.result_notice = result_notice_from(r);
    t.visit = visit_from(r);
    for (const auto& task : r.objects("tasks")) t.tasks.push_back(task_from(task));
    return t;
}

json event_to_json(const AuditEvent& e) {
    return {{"ticket", e.ticket},         {"version", e.version},    {"at", format_instant(e.at)},
            {"actor", e.actor},           {"action", to_string(e.action)}, {"from", to_string(e.from)},
            {"to", to_string(e.to)},      {"note", e.note}};
}

AuditEvent event_from_json(const json& value) {
    ObjectReader r(value, "event");
    AuditEvent e;
    e.ticket = r.text("ticket");
    e.version = r.count("version");
    e.at = r.time_or_epoch("at");
    e.actor = r.text("actor");
    e.action = r.name("action", action_count, Action::open);
    e.from = r.name("from", status_count, Status::pending);
    e.to = r.name("to", status_count, Status::pending);
    e.note = r.text("note");
    return e;
}

json notification_to_json(const Notification& n) {
    return {{"ticket", n.ticket},
            {"kind", to_string(n.kind)},
            {"audience", to_string(n.audience)},
            {"recipient", n.recipient},
            {"at", format_instant(n.at)},
            {"text", n.text},
            {"idempotency_key", n.idempotency_key}};
}

Notification notification_from_json(const json& value) {
    ObjectReader r(value, "notification");
    Notification n;
    n.ticket = r.text("ticket");
    n.kind = r.name("kind", notification_kind_count, NotificationKind::received);
    n.audience = r.name("audience", audience_count, Audience::customer);
    n.recipient = r.text("recipient");
    n.at = r.time_or_epoch("at");
    n.text = r.text("text");
    n.idempotency_key = r.text("idempotency_key");
    return n;
}

json outbox_record_to_json(const OutboxRecord& record) {
    return {{"sequence", record.sequence},
            {"state", to_string(record.state)},
            {"attempts", record.attempts},
            {"next_attempt", format_instant(record.next_attempt)},
            {"last_error", record.last_error},
            {"notification", notification_to_json(record.notification)}};
}

const char* to_string(OutboxState state) noexcept {
    switch (state) {
    case OutboxState::pending: return "pending";
    case OutboxState::delivered: return "delivered";
    case OutboxState::dead: return "dead";
    }
    return "unknown";
}

OutboxState parse_outbox_state(const std::string& name, const std::string& field) {
    return parse_by_name<OutboxState>(name, 3, field);
}

} // namespace ticketflow::detail
