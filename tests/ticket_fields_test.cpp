// The field list (ticketflow/ticket_fields.hpp) against the structs it describes, and the
// codecs and the privacy gate that walk it: every field, set to a value other than its
// default, survives the JSON form and the binary encoding, and every field the list marks
// as personal free text is scanned.
#include "core/type_traits.hpp"
#include "desk/transaction.hpp"
#include "support.hpp"
#include "ticketflow/json.hpp"
#include "ticketflow/ticket_encoding.hpp"
#include "ticketflow/ticket_fields.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <type_traits>

using namespace ticketflow;
using namespace ticketflow::testing;
using nlohmann::json;

namespace {

// ---- The list has every member of every struct ----
//
// A structured binding names every member of a struct, so it stops compiling when a member
// is added; the count next to it then has to change, and the check below fails until the
// member is in the list too.
template <class S>
constexpr bool lists_every_member(std::size_t members) {
    return field_count<S> == members;
}

[[maybe_unused]] void members_of(Ticket& t, StageTimes& times, CustomerRef& customer, Satisfaction& satisfaction,
                                 SatisfactionRound& round, SlaClock& clock, SlaPause& pause, TicketLink& link,
                                 ResultNotice& notice, VisitDetails& visit, ContactAttempt& attempt,
                                 VisitAnswer& answer, CollaborationTask& task, Approval& approval, WorkOrder& order,
                                 AuditEvent& event, Notification& notification, OutboxRecord& record) {
    [[maybe_unused]] auto& [t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15, t16, t17, t18, t19, t20,
                            t21, t22, t23, t24, t25, t26, t27, t28, t29, t30, t31, t32, t33, t34] = t;
    static_assert(lists_every_member<Ticket>(34));
    [[maybe_unused]] auto& [s1, s2, s3, s4, s5, s6, s7, s8, s9] = times;
    static_assert(lists_every_member<StageTimes>(9));
    [[maybe_unused]] auto& [c1, c2, c3, c4] = customer;
    static_assert(lists_every_member<CustomerRef>(4));
    [[maybe_unused]] auto& [f1, f2, f3, f4, f5, f6] = satisfaction;
    static_assert(lists_every_member<Satisfaction>(6));
    [[maybe_unused]] auto& [r1, r2, r3] = round;
    static_assert(lists_every_member<SatisfactionRound>(3));
    [[maybe_unused]] auto& [k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12] = clock;
    static_assert(lists_every_member<SlaClock>(12));
    [[maybe_unused]] auto& [p1, p2] = pause;
    static_assert(lists_every_member<SlaPause>(2));
    [[maybe_unused]] auto& [l1, l2] = link;
    static_assert(lists_every_member<TicketLink>(2));
    [[maybe_unused]] auto& [n1, n2, n3] = notice;
    static_assert(lists_every_member<ResultNotice>(3));
    [[maybe_unused]] auto& [v1, v2, v3, v4, v5, v6, v7] = visit;
    static_assert(lists_every_member<VisitDetails>(7));
    [[maybe_unused]] auto& [a1, a2, a3] = attempt;
    static_assert(lists_every_member<ContactAttempt>(3));
    [[maybe_unused]] auto& [q1, q2, q3] = answer;
    static_assert(lists_every_member<VisitAnswer>(3));
    [[maybe_unused]] auto& [w1, w2, w3, w4, w5, w6, w7, w8, w9] = task;
    static_assert(lists_every_member<CollaborationTask>(9));
    [[maybe_unused]] auto& [x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13] = approval;
    static_assert(lists_every_member<Approval>(13));
    [[maybe_unused]] auto& [o1, o2, o3] = order;
    static_assert(lists_every_member<WorkOrder>(3));
    [[maybe_unused]] auto& [e1, e2, e3, e4, e5, e6, e7, e8] = event;
    static_assert(lists_every_member<AuditEvent>(8));
    [[maybe_unused]] auto& [m1, m2, m3, m4, m5, m6, m7] = notification;
    static_assert(lists_every_member<Notification>(7));
    [[maybe_unused]] auto& [b1, b2, b3, b4, b5, b6, b7, b8] = record;
    static_assert(lists_every_member<OutboxRecord>(8));
}

using detail::is_optional;
using detail::is_vector;

// ---- Every field to a value that is not its default ----

// Each value is new (a counter), so two fields swapped by a codec do not compare equal.
class Populate {
public:
    template <class T>
    void operator()(const FieldInfo& field, T& value) {
        if constexpr (std::is_same_v<T, std::string>) {
            value = std::string(field.name) + " " + std::to_string(next());
        } else if constexpr (std::is_same_v<T, bool>) {
            value = !value;
        } else if constexpr (std::is_same_v<T, int>) {
            value = static_cast<int>(1 + next() % 4); // a 1–5 score, 5 being the default
        } else if constexpr (std::is_integral_v<T>) {
            value = static_cast<T>(next());
        } else if constexpr (std::is_same_v<T, double>) {
            value = 0.25 + static_cast<double>(next());
        } else if constexpr (std::is_same_v<T, Instant>) {
            value = may20_1430() + Duration{60 * next()};
        } else if constexpr (enum_count<T> > 0) {
            value =
                static_cast<T>((static_cast<std::size_t>(value) + 1 + next() % (enum_count<T> - 1)) % enum_count<T>);
        } else if constexpr (is_optional<T>::value) {
            (*this)(field, value.emplace());
        } else if constexpr (is_vector<T>::value) {
            value.resize(2);
            for (auto& item : value) (*this)(field, item);
        } else {
            Fields<T>::visit(*this, value);
        }
    }

private:
    std::int64_t next() { return ++counter_; }
    std::int64_t counter_ = 0;
};

Ticket every_field_set() {
    Ticket t;
    Fields<Ticket>::visit(Populate{}, t);
    return t;
}

// ---- Comparing two values field by field ----

// Collects the paths where two values of a struct differ.
class Compare {
public:
    explicit Compare(std::vector<std::string>& differences, std::string path = {})
        : differences_(differences), path_(std::move(path)) {}

    template <class T>
    void operator()(const FieldInfo& field, const T& a, const T& b) {
        const std::string at = path_.empty() ? field.name : path_ + "." + field.name;
        compare(at, a, b);
    }

private:
    template <class T>
    void compare(const std::string& at, const T& a, const T& b) {
        if constexpr (is_optional<T>::value) {
            if (a.has_value() != b.has_value())
                differences_.push_back(at + " (set / unset)");
            else if (a)
                compare(at, *a, *b);
        } else if constexpr (is_vector<T>::value) {
            if (a.size() != b.size())
                differences_.push_back(at + " (length)");
            else
                for (std::size_t i = 0; i < a.size(); ++i) compare(at + "[" + std::to_string(i) + "]", a[i], b[i]);
        } else if constexpr (has_fields<T>) {
            Fields<T>::visit(Compare(differences_, at), a, b);
        } else if (!(a == b)) {
            differences_.push_back(at);
        }
    }

    std::vector<std::string>& differences_;
    std::string path_;
};

template <class S>
std::vector<std::string> differences(const S& a, const S& b) {
    std::vector<std::string> found;
    Fields<S>::visit(Compare(found), a, b);
    return found;
}

// The paths of the values of `populated` still equal to their default: the member's own
// default, or a default-constructed element where the default has none.
class StillDefault {
public:
    StillDefault(std::vector<std::string>& found, std::size_t& leaves, std::string path = {})
        : found_(found), leaves_(leaves), path_(std::move(path)) {}

    template <class T>
    void operator()(const FieldInfo& field, const T& populated, const T& fallback) {
        walk(path_.empty() ? field.name : path_ + "." + field.name, populated, fallback);
    }

private:
    template <class T>
    void walk(const std::string& at, const T& populated, const T& fallback) {
        if constexpr (is_optional<T>::value) {
            if (!populated)
                found_.push_back(at);
            else
                walk(at, *populated, fallback.value_or(typename T::value_type{}));
        } else if constexpr (is_vector<T>::value) {
            if (populated.empty()) found_.push_back(at);
            for (std::size_t i = 0; i < populated.size(); ++i)
                walk(at + "[" + std::to_string(i) + "]", populated[i], typename T::value_type{});
        } else if constexpr (has_fields<T>) {
            Fields<T>::visit(StillDefault(found_, leaves_, at), populated, fallback);
        } else {
            ++leaves_;
            if (populated == fallback) found_.push_back(at);
        }
    }

    std::vector<std::string>& found_;
    std::size_t& leaves_;
    std::string path_;
};

std::string field_of_error(const json& j) {
    try {
        j.get<Ticket>();
    } catch (const ValidationError& e) {
        return e.field();
    }
    return "(no error)";
}

// Personal data in every text of the ticket, marked or not.
struct PutPhone {
    const std::string& phone;
    std::set<std::string>& marked;
    template <class T>
    void operator()(const FieldInfo& field, T& value) {
        if constexpr (std::is_same_v<T, std::string>) {
            value += " " + phone;
            if (field.privacy_field) marked.insert(field.privacy_field);
        } else if constexpr (is_optional<T>::value) {
            if (value) (*this)(field, *value);
        } else if constexpr (is_vector<T>::value) {
            for (auto& item : value) (*this)(field, item);
        } else if constexpr (has_fields<T>) {
            Fields<T>::visit(*this, value);
        }
    }
};

// Which texts still hold the phone number: wrong for a marked field, right for the others.
struct CheckMasked {
    const std::string& phone;
    std::vector<std::string>& wrong;
    template <class T>
    void operator()(const FieldInfo& field, const T& value) {
        if constexpr (std::is_same_v<T, std::string>) {
            const bool kept = value.find(phone) != std::string::npos;
            if (kept == (field.privacy_field != nullptr)) wrong.push_back(field.name);
        } else if constexpr (is_optional<T>::value) {
            if (value) (*this)(field, *value);
        } else if constexpr (is_vector<T>::value) {
            for (const auto& item : value) (*this)(field, item);
        } else if constexpr (has_fields<T>) {
            Fields<T>::visit(*this, value);
        }
    }
};

} // namespace

TEST_CASE("the populated ticket sets every field to a value other than its default", "[codec][fields]") {
    const Ticket t = every_field_set();
    // Every leaf is set (none left at its default), so a codec that drops one is caught.
    std::vector<std::string> at_default;
    std::size_t leaves = 0;
    const Ticket defaults;
    Fields<Ticket>::visit(StillDefault(at_default, leaves), t, defaults);
    CHECK(at_default == std::vector<std::string>{});
    CHECK(leaves > 150);
    REQUIRE(t.work_order);
    REQUIRE(t.satisfaction_history.size() == 2);
    CHECK(t.satisfaction_history[1].satisfaction.comment != t.satisfaction_history[0].satisfaction.comment);
    CHECK(differences(t, t).empty());
    CHECK_FALSE(differences(t, Ticket{}).empty());
}

TEST_CASE("every field of a ticket survives the JSON form", "[codec][fields]") {
    const Ticket t = every_field_set();
    const json j = t;
    CHECK(differences(j.get<Ticket>(), t) == std::vector<std::string>{});
    CHECK(differences(json::parse(j.dump()).get<Ticket>(), t) == std::vector<std::string>{});
    // The shape: one member per listed field, the verdict of a round in the round's object.
    CHECK(j.size() == field_count<Ticket>);
    CHECK(j["times"].size() == field_count<StageTimes>);
    CHECK(j["satisfaction_history"][0].size() == field_count<SatisfactionRound> - 1 + field_count<Satisfaction>);
    CHECK(j["satisfaction_history"][0].contains("grade"));
}

TEST_CASE("every field of a ticket survives the binary encoding", "[codec][fields]") {
    const Ticket t = every_field_set();
    const std::string bytes = encode_ticket(t);
    CHECK(differences(decode_ticket(bytes), t) == std::vector<std::string>{});
    CHECK(encode_ticket(decode_ticket(bytes)) == bytes);
    CHECK(static_cast<unsigned char>(bytes[0]) == ticket_encoding_format);
}

TEST_CASE("events, notifications and outbox records survive the JSON form with every field", "[codec][fields]") {
    OutboxRecord record;
    Fields<OutboxRecord>::visit(Populate{}, record);
    const OutboxRecord back = json::parse(json(record).dump()).get<OutboxRecord>();
    CHECK(differences(back, record) == std::vector<std::string>{});
    CHECK(differences(back.notification, record.notification) == std::vector<std::string>{});
    AuditEvent event;
    Fields<AuditEvent>::visit(Populate{}, event);
    CHECK(differences(json(event).get<AuditEvent>(), event) == std::vector<std::string>{});
}

TEST_CASE("JSON decoding errors name the member's path", "[codec][fields]") {
    json j = every_field_set();
    auto with = [&](const json::json_pointer& at, json value) {
        json changed = j;
        changed[at] = std::move(value);
        return changed;
    };
    CHECK(field_of_error(with("/times/resolved"_json_pointer, "noon")) == "times.resolved");
    CHECK(field_of_error(with("/satisfaction_history/1/score"_json_pointer, "five")) ==
          "satisfaction_history[1].score");
    CHECK(field_of_error(with("/satisfaction_history/0/round"_json_pointer, -1)) == "satisfaction_history[0].round");
    CHECK(field_of_error(with("/visit/answers/1/reason"_json_pointer, 7)) == "visit.answers[1].reason");
    CHECK(field_of_error(with("/sla/1/pauses/0/to"_json_pointer, true)) == "sla[1].pauses[0].to");
    CHECK(field_of_error(with("/approvals/0/amount"_json_pointer, "ten")) == "approvals[0].amount");
    CHECK(field_of_error(with("/reopen_count"_json_pointer, 1ull << 40)) == "reopen_count");
    CHECK(field_of_error(with("/customer"_json_pointer, "C1")) == "customer");
    CHECK(field_of_error(json::array()) == "ticket");
    try {
        with("/satisfaction_history/1/score"_json_pointer, 1ll << 40).get<Ticket>();
        FAIL("a score beyond int was accepted");
    } catch (const ValidationError& e) {
        CHECK(e.field() == "satisfaction_history[1].score");
        CHECK(std::string(e.what()).find("integer") != std::string::npos);
    }
}

TEST_CASE("JSON decoding refuses unknown enum names", "[codec][fields]") {
    json j = every_field_set();
    auto refused = [&](const json::json_pointer& at, const char* name) {
        json changed = j;
        changed[at] = name;
        return field_of_error(changed);
    };
    CHECK(refused("/status"_json_pointer, "archived") == "status");
    CHECK(refused("/status"_json_pointer, "") == "status");
    CHECK(refused("/close_reason"_json_pointer, "lost") == "close_reason");
    CHECK(refused("/approvals/1/approver"_json_pointer, "boss") == "approvals[1].approver");
    CHECK(refused("/sla/0/stage"_json_pointer, "lunch") == "sla[0].stage");
    CHECK(refused("/links/0/kind"_json_pointer, "Related_To") == "links[0].kind");
    CHECK(refused("/visit/attempts/0/outcome"_json_pointer, "busy") == "visit.attempts[0].outcome");
    try {
        json("maybe").get<ApprovalState>();
        FAIL("an unknown approval state was accepted");
    } catch (const ValidationError& e) {
        CHECK(std::string(e.what()).find("expected one of: granted, pending, approved, denied") != std::string::npos);
    }
    // Enums are their names, not numbers, in and out.
    CHECK(json(Status::done) == "done");
    CHECK(json(std::optional<CloseReason>{}).is_null());
    CHECK(json("in_progress").get<Status>() == Status::in_progress);
    CHECK_THROWS_AS(json(1).get<Status>(), ValidationError);
    CHECK(parse_name<OutboxState>("dead", "state") == OutboxState::dead);
}

TEST_CASE("the privacy gate scans every free-text field the list marks, and only those", "[privacy][fields]") {
    const std::string phone = "13812345678";
    Commit commit;
    Fields<Ticket>::visit(Populate{}, commit.ticket);
    std::set<std::string> marked;
    Fields<Ticket>::visit(PutPhone{phone, marked}, commit.ticket);
    CHECK(marked.size() == 16);
    const Ticket written = commit.ticket;

    detail::protect_privacy(PrivacyPolicy{}, commit, nullptr);

    // Marked texts lost the number; every other text kept it.
    std::vector<std::string> wrong;
    Fields<Ticket>::visit(CheckMasked{phone, wrong}, commit.ticket);
    CHECK(wrong == std::vector<std::string>{});
    REQUIRE_FALSE(commit.events.empty()); // the masking is noted
    CHECK(commit.events.back().note.find("privacy: masked") == 0);

    // Text as it was in the stored version is not scanned again.
    Commit again;
    again.ticket = written;
    detail::protect_privacy(PrivacyPolicy{}, again, &written);
    CHECK(differences(again.ticket, written) == std::vector<std::string>{});
    CHECK(again.events.empty());
}
