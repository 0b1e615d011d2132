#include "codec/json_codec.hpp"

#include "core/validate.hpp"

#include <charconv>
#include <cmath>
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

    double number(const char* key) const {
        const json* v = find(key);
        if (!v) return 0;
        if (!v->is_number()) throw ValidationError(field(key), "must be a number");
        return v->get<double>();
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
constexpr int solution_kind_count = count_through(SolutionKind::coupon);
constexpr int approval_state_count = count_through(ApprovalState::denied);
constexpr int role_count = count_through(Role::system);
constexpr int problem_kind_count = count_through(ProblemKind::complex);

Satisfaction satisfaction_of(const ObjectReader* r) {
    Satisfaction s;
    s.grade = r->name("grade", grade_count, SatisfactionGrade::satisfied);
    s.score = r->integer("score");
    s.comment = r->text("comment");
    s.efficiency = r->integer("efficiency");
    s.attitude = r->integer("attitude");
    s.outcome = r->integer("outcome");
    return s;
}

std::optional<Satisfaction> satisfaction_from(const ObjectReader& ticket) {
    auto r = ticket.object("satisfaction");
    if (!r) return std::nullopt;
    return satisfaction_of(&*r);
}

std::optional<WorkOrder> work_order_from(const ObjectReader& ticket) {
    auto r = ticket.object("work_order");
    if (!r) return std::nullopt;
    WorkOrder order;
    order.kind = r->name("kind", problem_kind_count, ProblemKind::general);
    order.problem_type = r->text("problem_type");
    order.by_priority = r->flag("by_priority");
    return order;
}

// Absent in tickets written before the history was kept: empty.
std::vector<SatisfactionRound> satisfaction_history_from(const ObjectReader& ticket) {
    std::vector<SatisfactionRound> rounds;
    for (const auto& r : ticket.objects("satisfaction_history")) {
        SatisfactionRound round;
        round.round = static_cast<std::uint32_t>(r.count("round", std::numeric_limits<std::uint32_t>::max()));
        round.at = r.time_or_epoch("at");
        round.satisfaction = satisfaction_of(&r);
        rounds.push_back(std::move(round));
    }
    return rounds;
}

std::vector<TicketLink> links_from(const ObjectReader& ticket) {
    std::vector<TicketLink> links;
    for (const auto& r : ticket.objects("links"))
        links.push_back({r.name("kind", link_kind_count, LinkKind::related_to), r.text("target")});
    return links;
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
    c.provisional = r.flag("provisional");
    return c;
}

std::optional<ResultNotice> result_notice_from(const ObjectReader& ticket) {
    auto r = ticket.object("result_notice");
    if (!r) return std::nullopt;
    return ResultNotice{r->time_or_epoch("at"), r->text("channel"), r->text("summary")};
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
        v.attempts.push_back(
            {a.time_or_epoch("at"), a.name("outcome", contact_outcome_count, ContactOutcome::reached), a.text("note")});
    for (const auto& a : r->objects("answers"))
        v.answers.push_back({a.text("question"), a.integer("score").value_or(5), a.text("reason")});
    v.comment = r->text("comment");
    return v;
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

Approval approval_from(const ObjectReader& r) {
    Approval a;
    a.number = static_cast<std::uint32_t>(r.count("number", std::numeric_limits<std::uint32_t>::max()));
    a.kind = r.name("kind", solution_kind_count, SolutionKind::refund);
    a.amount = r.number("amount");
    a.description = r.text("description");
    a.requested_by = r.text("requested_by");
    if (r.find("approver")) a.approver = r.name("approver", role_count, Role::manager);
    a.requested_at = r.time_or_epoch("requested_at");
    a.due = r.time_or_epoch("due");
    a.state = r.name("state", approval_state_count, ApprovalState::pending);
    a.decided_by = r.text("decided_by");
    a.decided_at = r.time("decided_at");
    a.note = r.text("note");
    a.overdue_notified = r.flag("overdue_notified");
    return a;
}

// Appends "2024-05-20T06:30:00Z" to `out`.
void append_instant(std::string& out, Instant t) {
    const std::int64_t seconds = t.time_since_epoch().count();
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    const CivilDate date = civil_from_days(days);
    const auto hour = static_cast<unsigned>(rest / 3600);
    const auto minute = static_cast<unsigned>(rest / 60 % 60);
    const auto second = static_cast<unsigned>(rest % 60);
    if (date.year < 0 || date.year > 9999) { // outside ISO 8601's four digits: rare, keep it simple
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(date.year),
                      date.month, date.day, hour, minute, second);
        out += buffer;
        return;
    }
    const auto year = static_cast<unsigned>(date.year);
    auto digit = [](unsigned v) { return static_cast<char>('0' + v % 10); };
    const char text[20] = {digit(year / 1000),
                           digit(year / 100),
                           digit(year / 10),
                           digit(year),
                           '-',
                           digit(date.month / 10),
                           digit(date.month),
                           '-',
                           digit(date.day / 10),
                           digit(date.day),
                           'T',
                           digit(hour / 10),
                           digit(hour),
                           ':',
                           digit(minute / 10),
                           digit(minute),
                           ':',
                           digit(second / 10),
                           digit(second),
                           'Z'};
    out.append(text, sizeof text);
}

// Appends JSON text straight to a string, without building a document first: the ticket
// encoder runs on every commit, where nlohmann's document would cost more than the
// SQLite write itself. Keys are plain ASCII names and need no escaping.
class JsonText {
public:
    explicit JsonText(std::string& out) : out_(out) {}

    JsonText& begin_object() { return open('{'); }
    JsonText& end_object() { return close('}'); }
    JsonText& begin_array() { return open('['); }
    JsonText& end_array() { return close(']'); }

    JsonText& key(const char* name) {
        separate();
        out_ += '"';
        out_ += name;
        out_ += "\":";
        key_ = name;
        fresh_ = true; // the value follows without a comma
        return *this;
    }

    JsonText& value(std::string_view text) {
        if (!is_valid_utf8(text)) throw ValidationError(std::string("ticket.") + key_, "is not valid UTF-8");
        separate();
        out_ += '"';
        std::size_t run = 0; // start of the bytes not yet copied
        for (std::size_t i = 0; i < text.size(); ++i) {
            const auto c = static_cast<unsigned char>(text[i]);
            if (c >= 0x20 && c != '"' && c != '\\') continue;
            out_.append(text.data() + run, i - run);
            run = i + 1;
            escape(c);
        }
        out_.append(text.data() + run, text.size() - run);
        out_ += '"';
        return *this;
    }
    JsonText& value(const char* text) { return value(std::string_view(text)); }
    JsonText& value(const std::string& text) { return value(std::string_view(text)); }

    JsonText& value(std::uint64_t n) { return digits(n); }
    JsonText& value(std::uint32_t n) { return digits(n); }
    JsonText& value(int n) { return digits(n); }
    // Shortest text that reads back as the same double; JSON has no inf or NaN.
    JsonText& value(double d) {
        if (!std::isfinite(d)) throw ValidationError(std::string("ticket.") + key_, "must be a finite number");
        separate();
        char text[32];
        auto end = std::to_chars(text, text + sizeof text, d).ptr;
        out_.append(text, end);
        return *this;
    }
    JsonText& value(bool b) {
        separate();
        out_ += b ? "true" : "false";
        return *this;
    }
    JsonText& value(Instant t) {
        separate();
        out_ += '"';
        append_instant(out_, t);
        out_ += '"';
        return *this;
    }
    JsonText& null() {
        separate();
        out_ += "null";
        return *this;
    }
    template <class T>
    JsonText& value(const std::optional<T>& v) {
        return v ? value(*v) : null();
    }
    JsonText& value(const std::vector<std::string>& list) {
        begin_array();
        for (const auto& item : list) value(item);
        return end_array();
    }

    template <class T>
    JsonText& member(const char* name, const T& v) {
        key(name);
        return value(v);
    }

private:
    JsonText& open(char bracket) {
        separate();
        out_ += bracket;
        fresh_ = true;
        return *this;
    }
    JsonText& close(char bracket) {
        out_ += bracket;
        fresh_ = false;
        return *this;
    }
    void separate() {
        if (!fresh_) out_ += ',';
        fresh_ = false;
    }
    template <class N>
    JsonText& digits(N n) {
        separate();
        char buffer[24];
        auto end = std::to_chars(buffer, buffer + sizeof buffer, n).ptr;
        out_.append(buffer, end);
        return *this;
    }
    // The escapes nlohmann's dump() writes, so both encoders agree byte for byte.
    void escape(unsigned char c) {
        switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
            out_ += buffer;
        }
        }
    }

    std::string& out_;
    bool fresh_ = true;
    const char* key_ = "";
};

template <class E>
const char* name_of(E value) {
    return to_string(value);
}

void write_satisfaction_members(JsonText& w, const Satisfaction& s) {
    w.member("grade", name_of(s.grade))
        .member("score", s.score)
        .member("comment", s.comment)
        .member("efficiency", s.efficiency)
        .member("attitude", s.attitude)
        .member("outcome", s.outcome);
}

void write_satisfaction(JsonText& w, const std::optional<Satisfaction>& s) {
    if (!s) {
        w.null();
        return;
    }
    w.begin_object();
    write_satisfaction_members(w, *s);
    w.end_object();
}

// Each round: its number and instant, then the verdict's members.
void write_satisfaction_round(JsonText& w, const SatisfactionRound& round) {
    w.begin_object().member("round", round.round).member("at", round.at);
    write_satisfaction_members(w, round.satisfaction);
    w.end_object();
}

void write_sla_clock(JsonText& w, const SlaClock& c) {
    w.begin_object().member("stage", name_of(c.stage)).member("started", c.started).member("stopped", c.stopped);
    w.key("pauses").begin_array();
    for (const auto& p : c.pauses) w.begin_object().member("from", p.from).member("to", p.to).end_object();
    w.end_array()
        .member("paused_since", c.paused_since)
        .member("warn_at", c.warn_at)
        .member("due", c.due)
        .member("warned", c.warned)
        .member("breached", c.breached)
        .member("escalations", c.escalations)
        .member("overdue_reason", c.overdue_reason)
        .member("provisional", c.provisional)
        .end_object();
}

void write_result_notice(JsonText& w, const std::optional<ResultNotice>& n) {
    if (!n) {
        w.null();
        return;
    }
    w.begin_object().member("at", n->at).member("channel", n->channel).member("summary", n->summary).end_object();
}

void write_visit(JsonText& w, const std::optional<VisitDetails>& v) {
    if (!v) {
        w.null();
        return;
    }
    w.begin_object()
        .member("reason", name_of(v->reason))
        .member("plan", v->plan)
        .member("window_from", v->window_from)
        .member("window_until", v->window_until);
    w.key("attempts").begin_array();
    for (const auto& a : v->attempts)
        w.begin_object().member("at", a.at).member("outcome", name_of(a.outcome)).member("note", a.note).end_object();
    w.end_array().key("answers").begin_array();
    for (const auto& a : v->answers)
        w.begin_object()
            .member("question", a.question)
            .member("score", a.score)
            .member("reason", a.reason)
            .end_object();
    w.end_array().member("comment", v->comment).end_object();
}

void write_task(JsonText& w, const CollaborationTask& task) {
    w.begin_object()
        .member("number", task.number)
        .member("department", task.department)
        .member("owner", task.owner)
        .member("description", task.description)
        .member("due", task.due)
        .member("mandatory", task.mandatory)
        .member("completed", task.completed)
        .member("outcome", task.outcome)
        .member("overdue_notified", task.overdue_notified)
        .end_object();
}

void write_approval(JsonText& w, const Approval& a) {
    w.begin_object()
        .member("number", a.number)
        .member("kind", name_of(a.kind))
        .member("amount", a.amount)
        .member("description", a.description)
        .member("requested_by", a.requested_by)
        .key("approver");
    if (a.approver)
        w.value(name_of(*a.approver));
    else
        w.null();
    w.member("requested_at", a.requested_at)
        .member("due", a.due)
        .member("state", name_of(a.state))
        .member("decided_by", a.decided_by)
        .member("decided_at", a.decided_at)
        .member("note", a.note)
        .member("overdue_notified", a.overdue_notified)
        .end_object();
}

} // namespace

std::string format_instant(Instant t) {
    std::string text;
    append_instant(text, t);
    return text;
}

Instant parse_instant(const std::string& text, const std::string& field) {
    auto malformed = [&] {
        return ValidationError(field, "'" + text + "' is not a UTC time like 2024-05-20T06:30:00Z");
    };
    const bool shaped = text.size() == 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
                        text[16] == ':' && text[19] == 'Z';
    if (!shaped) throw malformed();
    auto number = [&](std::size_t at, std::size_t digits) {
        unsigned value = 0;
        for (std::size_t i = at; i < at + digits; ++i) {
            if (text[i] < '0' || text[i] > '9') throw malformed();
            value = value * 10 + static_cast<unsigned>(text[i] - '0');
        }
        return value;
    };
    const unsigned year = number(0, 4), month = number(5, 2), day = number(8, 2);
    const unsigned hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
    const std::int64_t days = days_from_civil(year, month, day);
    const CivilDate check = civil_from_days(days);
    if (month < 1 || month > 12 || check.month != month || check.day != day || hour > 23 || minute > 59 || second > 59)
        throw ValidationError(field, "'" + text + "' is not a valid date and time");
    return Instant{Duration{days * 86400 + hour * 3600 + minute * 60 + second}};
}

std::string ticket_to_json_text(const Ticket& t) {
    std::string out;
    out.reserve(2048);
    JsonText w(out);
    w.begin_object()
        .member("id", t.id)
        .member("version", t.version)
        .member("status", name_of(t.status))
        .member("channel", t.channel)
        .member("type", t.type)
        .member("priority", t.priority);
    w.key("customer")
        .begin_object()
        .member("id", t.customer.id)
        .member("nickname", t.customer.nickname)
        .member("tier", name_of(t.customer.tier))
        .member("contact_token", t.customer.contact_token)
        .end_object();
    w.member("description", t.description)
        .member("order_number", t.order_number)
        .member("attachments", t.attachments)
        .member("department", t.department)
        .member("assignee", t.assignee);
    w.key("times")
        .begin_object()
        .member("received", t.times.received)
        .member("recorded", t.times.recorded)
        .member("classified", t.times.classified)
        .member("assigned", t.times.assigned)
        .member("first_response", t.times.first_response)
        .member("started", t.times.started)
        .member("resolved", t.times.resolved)
        .member("closed", t.times.closed)
        .member("updated", t.times.updated)
        .end_object();
    w.member("estimated_completion", t.estimated_completion)
        .member("resolution", t.resolution)
        .member("responsibility", name_of(t.responsibility))
        .key("satisfaction");
    write_satisfaction(w, t.satisfaction);
    w.key("close_reason");
    if (t.close_reason)
        w.value(name_of(*t.close_reason));
    else
        w.null();
    w.member("remarks", t.remarks).member("tags", t.tags).key("links").begin_array();
    for (const auto& link : t.links)
        w.begin_object().member("kind", name_of(link.kind)).member("target", link.target).end_object();
    w.end_array()
        .member("reopen_count", t.reopen_count)
        .member("escalation_level", t.escalation_level)
        .member("waiting_for_customer", t.waiting_for_customer)
        .member("wait_reason", t.wait_reason)
        .member("identity_verified", t.identity_verified)
        .member("resume_at", t.resume_at)
        .key("sla")
        .begin_array();
    for (const auto& clock : t.sla) write_sla_clock(w, clock);
    w.end_array().key("result_notice");
    write_result_notice(w, t.result_notice);
    w.key("visit");
    write_visit(w, t.visit);
    w.key("tasks").begin_array();
    for (const auto& task : t.tasks) write_task(w, task);
    w.end_array().key("approvals").begin_array();
    for (const auto& approval : t.approvals) write_approval(w, approval);
    w.end_array().key("satisfaction_history").begin_array();
    for (const auto& round : t.satisfaction_history) write_satisfaction_round(w, round);
    w.end_array().key("work_order");
    if (t.work_order)
        w.begin_object()
            .member("kind", name_of(t.work_order->kind))
            .member("problem_type", t.work_order->problem_type)
            .member("by_priority", t.work_order->by_priority)
            .end_object();
    else
        w.null();
    w.end_object();
    return out;
}

json ticket_to_json(const Ticket& t) { return json::parse(ticket_to_json_text(t)); }

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
        t.times.updated = times->time("updated").value_or(t.times.recorded); // absent before it existed
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
    for (const auto& approval : r.objects("approvals")) t.approvals.push_back(approval_from(approval));
    t.satisfaction_history = satisfaction_history_from(r);
    t.work_order = work_order_from(r);
    return t;
}

json event_to_json(const AuditEvent& e) {
    return {{"ticket", e.ticket},
            {"version", e.version},
            {"at", format_instant(e.at)},
            {"actor", e.actor},
            {"action", to_string(e.action)},
            {"from", to_string(e.from)},
            {"to", to_string(e.to)},
            {"note", e.note}};
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
    return {{"sequence", record.sequence},     {"state", to_string(record.state)},
            {"attempts", record.attempts},     {"next_attempt", format_instant(record.next_attempt)},
            {"last_error", record.last_error}, {"notification", notification_to_json(record.notification)}};
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
