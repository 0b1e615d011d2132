// SLA clocks on the mainland-China calendar, driven minute by minute with a manual clock.
#include "forwarding_store.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <tuple>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

// A Beijing wall-clock time (UTC+8, no DST).
Instant bj(int year, int month, int day, int hour, int minute, int second = 0) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour - 8;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return Instant{Duration{timegm(&tm)}};
}

struct SlaDesk {
    std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>();
    std::shared_ptr<ManualClock> clock;
    std::shared_ptr<RecordingNotifier> notifier = std::make_shared<RecordingNotifier>();
    std::unique_ptr<ServiceDesk> desk;
    Actor agent{"agent-1", Role::team_lead, ""};

    SlaDesk(SlaPolicy policy, Instant start, DeskConfig config = {}) : clock(std::make_shared<ManualClock>(start)) {
        config.sla = std::move(policy);
        desk = std::make_unique<ServiceDesk>(store, clock, config, notifier);
    }

    TicketId open(const std::string& priority, const std::string& type = ticket_types::fault) {
        auto request = sample_request();
        request.priority = priority;
        request.type = type;
        return desk->open(agent, request).id;
    }

    TickReport tick_at(Instant t) {
        clock->set(t);
        return desk->tick(t);
    }

    const SlaClock& clock_of(const TicketId& id, SlaStage stage) {
        static thread_local Ticket last;
        last = desk->get(id);
        for (const auto& c : last.sla)
            if (c.stage == stage) return c;
        FAIL("no clock for " << to_string(stage));
        throw std::logic_error("unreachable");
    }

    StageCompliance compliance_of(const TicketId& id, SlaStage stage) {
        for (const auto& c : desk->compliance(id))
            if (c.stage == stage) return c;
        FAIL("no compliance for " << to_string(stage));
        throw std::logic_error("unreachable");
    }

    std::size_t events(const TicketId& id, Action action, SlaStage stage) {
        std::size_t n = 0;
        for (const auto& e : desk->history(id)) n += e.action == action && e.note.rfind(to_string(stage), 0) == 0;
        return n;
    }

    std::size_t count(NotificationKind kind, const std::string& recipient = "") {
        std::size_t n = 0;
        for (const auto& note : notifier->delivered())
            n += note.kind == kind && (recipient.empty() || note.recipient == recipient);
        return n;
    }
};

} // namespace

TEST_CASE("seed 000: 紧急 first response warns at 75 % and breaches after 4 h, exactly once", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 14, 30));
    auto id = d.open("紧急");
    const auto& c = d.clock_of(id, SlaStage::first_response);
    CHECK(c.due == bj(2024, 5, 20, 18, 30));
    CHECK(c.warn_at == bj(2024, 5, 20, 17, 30));
    auto ack = d.notifier->delivered().front().text;
    CHECK(ack.find("预计今日18:30前给您初步答复") != std::string::npos);

    CHECK(d.tick_at(bj(2024, 5, 20, 17, 29)).tickets == 0);
    auto report = d.tick_at(bj(2024, 5, 20, 17, 30));
    CHECK(report.warnings == 1);
    CHECK(d.tick_at(bj(2024, 5, 20, 17, 31)).warnings == 0);
    CHECK(d.tick_at(bj(2024, 5, 20, 18, 30)).breaches == 0); // a deadline ends at, not before, 18:30
    report = d.tick_at(bj(2024, 5, 20, 18, 31));
    CHECK(report.breaches == 1);
    CHECK(report.escalations == 1); // 超时…升级至主管
    CHECK(d.count(NotificationKind::escalated, "supervisor") == 1);
    CHECK(d.count(NotificationKind::sla_breach) == 1);
    CHECK(d.desk->get(id).escalation_level == 2);
    CHECK(d.tick_at(bj(2024, 5, 21, 9, 0)).tickets == 0);

    auto compliance = d.compliance_of(id, SlaStage::first_response);
    CHECK(compliance.state == ComplianceState::breached);
    CHECK(compliance.overdue == 14h + 30min);
    d.desk->explain_overdue(d.agent, id, SlaStage::first_response, "夜间无人值班");
    CHECK(d.compliance_of(id, SlaStage::first_response).overdue_reason == "夜间无人值班");
    CHECK_THROWS_AS(d.desk->explain_overdue(d.agent, id, SlaStage::result_feedback, "x"), ValidationError);
}

TEST_CASE("seed 000: a reply before the deadline meets the first response", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 14, 30));
    auto id = d.open("特急");
    d.clock->set(bj(2024, 5, 20, 15, 30)); // exactly at the 1 h deadline
    d.desk->post_update(d.agent, id, "已收到，正在排查");
    auto c = d.compliance_of(id, SlaStage::first_response);
    CHECK(c.state == ComplianceState::met);
    CHECK(c.used == 1h);
    CHECK(d.tick_at(bj(2024, 5, 21, 9, 0)).breaches == 0);
}

TEST_CASE("seed 001: P2 resolution spans the Mid-Autumn 调休 and escalates along the ladder", "[sla][calendar]") {
    // Friday 2024-09-13 16:00; Saturday 09-14 is a make-up workday, 09-15..17 are off.
    SlaDesk d(SlaPolicy::seed001(), bj(2024, 9, 13, 16, 0));
    auto id = d.open("P2");
    const auto& r = d.clock_of(id, SlaStage::resolution);
    CHECK(r.due == bj(2024, 9, 19, 18, 0));          // third working day: Sat 14th, Wed 18th, Thu 19th
    CHECK(r.warn_at == bj(2024, 9, 19, 10, 22, 30)); // 75 % of 24.5 working hours
    const auto& response = d.clock_of(id, SlaStage::first_response);
    CHECK(response.due == bj(2024, 9, 13, 20, 0)); // 4 h calendar

    d.desk->post_update(d.agent, id, "已受理");
    d.desk->assign(d.agent, id, "eng-1");
    d.desk->start(d.agent, id);

    d.tick_at(bj(2024, 9, 19, 10, 22)); // also fires the overdue progress update
    CHECK_FALSE(d.clock_of(id, SlaStage::resolution).warned);
    CHECK(d.tick_at(bj(2024, 9, 19, 10, 23)).warnings == 1);
    CHECK(d.clock_of(id, SlaStage::resolution).warned);
    auto breach = d.tick_at(bj(2024, 9, 19, 18, 1));
    CHECK(breach.breaches == 1);
    CHECK(breach.escalations == 1);
    CHECK(d.count(NotificationKind::escalated, "team_lead") == 1);
    CHECK(d.tick_at(bj(2024, 9, 19, 19, 59)).escalations == 0);
    CHECK(d.tick_at(bj(2024, 9, 19, 20, 0)).escalations == 1); // supervisor at breach + 2 h
    CHECK(d.count(NotificationKind::escalated, "supervisor") == 1);
    CHECK(d.tick_at(bj(2024, 9, 20, 17, 59)).escalations == 0);
    CHECK(d.tick_at(bj(2024, 9, 20, 18, 0)).escalations == 1); // manager: end of next working day
    CHECK(d.desk->get(id).escalation_level == 3);
    // The ladder is done; only the progress reminders go on, one per 24 h without an update.
    auto later = d.tick_at(bj(2024, 9, 30, 9, 0));
    CHECK(later.escalations == 0);
    CHECK(later.reminders == 1);
}

TEST_CASE("seed 003: start of handling is timed from assignment", "[sla]") {
    SlaDesk d(SlaPolicy::seed003(), bj(2025, 3, 3, 10, 0));
    auto id = d.open("紧急");
    CHECK(d.clock_of(id, SlaStage::record).stopped == bj(2025, 3, 3, 10, 0));
    CHECK(d.compliance_of(id, SlaStage::record).state == ComplianceState::met);
    d.clock->set(bj(2025, 3, 3, 10, 20));
    d.desk->classify(d.agent, id, {std::nullopt, std::nullopt, std::string("技术部"), std::nullopt});
    CHECK(d.compliance_of(id, SlaStage::classify).state == ComplianceState::met);
    d.desk->assign(d.agent, id, "eng-1");
    CHECK(d.clock_of(id, SlaStage::start_handling).due == bj(2025, 3, 3, 10, 30));
    auto report = d.tick_at(bj(2025, 3, 3, 10, 31));
    CHECK(report.breaches >= 1);
    d.clock->set(bj(2025, 3, 3, 10, 40));
    d.desk->start(d.agent, id);
    auto c = d.compliance_of(id, SlaStage::start_handling);
    CHECK(c.state == ComplianceState::breached);
    CHECK(c.overdue == 10min);
    CHECK(d.clock_of(id, SlaStage::resolution).due == bj(2025, 3, 3, 14, 0)); // 4 h
}

TEST_CASE("waiting for the customer pauses resolution and keeps the time used", "[sla]") {
    SlaDesk d(SlaPolicy::seed001(), bj(2024, 5, 20, 10, 0));
    auto id = d.open("P1"); // resolution 24 h calendar
    d.desk->assign(d.agent, id, "eng-1");
    d.desk->start(d.agent, id);
    d.clock->set(bj(2024, 5, 20, 12, 0));
    d.desk->wait_for_customer(d.agent, id, "等待客户提供截图");
    CHECK(d.compliance_of(id, SlaStage::resolution).state == ComplianceState::paused);
    CHECK(d.desk->get(id).sla.size() >= 2);
    d.clock->set(bj(2024, 5, 20, 15, 0));
    d.desk->resume(d.agent, id);
    CHECK(d.clock_of(id, SlaStage::resolution).due == bj(2024, 5, 21, 13, 0)); // 3 h later
    CHECK(d.compliance_of(id, SlaStage::resolution).used == 2h);

    d.clock->set(bj(2024, 5, 20, 16, 0));
    d.desk->change_priority(d.agent, id, "P2", "影响范围较小"); // 3 working days, pause kept
    // From Mon 10:00, 3 working days → end of Thu 23rd; the 3 h pause covered 1.5 working hours.
    CHECK(d.clock_of(id, SlaStage::resolution).due == bj(2024, 5, 24, 10, 30));
}

TEST_CASE("a wait with a maximum pause ends by itself on the next tick", "[sla]") {
    SlaDesk d(SlaPolicy::seed001(), bj(2024, 5, 20, 10, 0));
    auto id = d.open("P1");
    d.desk->assign(d.agent, id, "eng-1");
    d.desk->start(d.agent, id);
    d.desk->wait_for_customer(d.agent, id, "等待客户回复", 2h);
    CHECK(d.tick_at(bj(2024, 5, 20, 11, 59)).resumed == 0);
    CHECK(d.tick_at(bj(2024, 5, 20, 12, 0)).resumed == 1);
    auto t = d.desk->get(id);
    CHECK_FALSE(t.waiting_for_customer);
    CHECK(d.clock_of(id, SlaStage::resolution).due == bj(2024, 5, 21, 12, 0));
    CHECK(d.desk->history(id).back().action == Action::resume);
}

TEST_CASE("handling past its estimate reminds the handler to update the customer", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 14, 30));
    auto id = d.open("紧急");
    d.desk->assign(d.agent, id, "eng-1");
    d.desk->start(d.agent, id);
    d.desk->post_update(d.agent, id, "预计今日18:00前修复", bj(2024, 5, 20, 18, 0));
    CHECK(d.clock_of(id, SlaStage::progress_update).due == bj(2024, 5, 20, 18, 0));
    CHECK(d.tick_at(bj(2024, 5, 20, 18, 1)).reminders == 1);
    CHECK(d.count(NotificationKind::progress_reminder, "eng-1") == 1);
    d.clock->set(bj(2024, 5, 20, 18, 30));
    d.desk->post_update(d.agent, id, "修复中，预计明早完成");
    CHECK(d.clock_of(id, SlaStage::progress_update).due == bj(2024, 5, 21, 18, 30)); // every 24 h
    CHECK(d.tick_at(bj(2024, 5, 21, 18, 31)).reminders == 1);
}

TEST_CASE("result feedback and second handling are timed after completion", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 14, 30));
    auto id = d.open("一般");
    d.desk->assign(d.agent, id, "eng-1");
    d.desk->start(d.agent, id);
    d.clock->set(bj(2024, 5, 20, 16, 0));
    d.desk->resolve(d.agent, id, {"已修复", Responsibility::platform});
    CHECK(d.clock_of(id, SlaStage::result_feedback).due == bj(2024, 5, 20, 17, 0));
    d.clock->set(bj(2024, 5, 20, 16, 30));
    d.desk->reopen(d.agent, id, "仍无法登录");
    CHECK(d.compliance_of(id, SlaStage::result_feedback).state == ComplianceState::met);
    CHECK(d.clock_of(id, SlaStage::second_handling).due == bj(2024, 5, 21, 16, 30));
    CHECK(d.tick_at(bj(2024, 5, 21, 16, 31)).breaches == 1);
}

TEST_CASE("warnings and breaches are emitted once across restarts", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 14, 30));
    auto id = d.open("紧急");
    d.tick_at(bj(2024, 5, 20, 17, 45));
    DeskConfig config;
    ServiceDesk restarted(d.store, d.clock, config, d.notifier);
    CHECK(restarted.tick(bj(2024, 5, 20, 17, 50)).warnings == 0);
    auto report = restarted.tick(bj(2024, 5, 20, 18, 45));
    CHECK(report.breaches == 1);
    CHECK(restarted.tick(bj(2024, 5, 20, 18, 46)).breaches == 0);
    CHECK(d.count(NotificationKind::sla_warning) == 1);
    CHECK(d.count(NotificationKind::sla_breach) == 1);
    (void)id;
}

TEST_CASE("a cut-off moves a late start to the next working day", "[sla]") {
    SlaPolicy policy = SlaPolicy::seed001();
    policy.targets["P3"][SlaStage::first_response] = SlaTarget::business(2h).with_cutoff(16h);
    SlaDesk d(policy, bj(2024, 5, 20, 16, 30)); // Monday after 16:00
    auto late = d.open("P3");
    CHECK(d.clock_of(late, SlaStage::first_response).due == bj(2024, 5, 21, 11, 0));
    d.clock->set(bj(2024, 5, 21, 15, 0)); // Tuesday before the cut-off
    auto early = d.open("P3");
    CHECK(d.clock_of(early, SlaStage::first_response).due == bj(2024, 5, 21, 17, 0));
}

TEST_CASE("a calendar change recomputes the deadlines of open tickets", "[sla]") {
    SlaDesk d(SlaPolicy::seed001(), bj(2024, 5, 20, 10, 0));
    auto id = d.open("P2"); // 3 working days → Thu 23rd 18:00
    CHECK(d.clock_of(id, SlaStage::resolution).due == bj(2024, 5, 23, 18, 0));
    auto json = R"({"timezone":"Asia/Shanghai","weekly":{"mon":[["09:00","12:00"],["13:30","18:00"]],
        "tue":[["09:00","12:00"],["13:30","18:00"]],"wed":[["09:00","12:00"],["13:30","18:00"]],
        "thu":[["09:00","12:00"],["13:30","18:00"]],"fri":[["09:00","12:00"],["13:30","18:00"]],
        "sat":[],"sun":[]},"holidays":["2024-05-22"],"workdays":[]})";
    auto calendar = BusinessCalendar::from_json(json, "extra-holiday");
    CHECK(d.desk->update_sla(SlaPolicy::seed001(), std::make_shared<CalendarSlaCalculator>(calendar)) == 1);
    CHECK(d.clock_of(id, SlaStage::resolution).due == bj(2024, 5, 24, 18, 0));
}

namespace {
// Counts the store calls the monitor makes, to show it reads the due index, not every ticket.
class CountingStore : public MemoryForwardingStore {
public:
    mutable std::size_t loads = 0, scans = 0;
    std::size_t commits = 0, conflicts_to_throw = 0;
    void commit_all(const std::vector<Commit>& commits_) override {
        ++commits;
        if (commits_.size() > 1 && conflicts_to_throw > 0) {
            --conflicts_to_throw;
            throw ConcurrencyConflict("injected: another writer committed first");
        }
        inner->commit_all(commits_);
    }
    std::optional<Ticket> load(const TicketId& id) const override {
        ++loads;
        return inner->load(id);
    }
    std::shared_ptr<const Ticket> load_shared(const TicketId& id) const override {
        ++loads;
        return inner->load_shared(id);
    }
    std::vector<std::shared_ptr<const Ticket>> load_many(const std::vector<TicketId>& ids) const override {
        loads += ids.size();
        return inner->load_many(ids);
    }
    void scan(const TicketQuery& q, const std::function<bool(const Ticket&)>& v) const override {
        ++scans;
        inner->scan(q, v);
    }
};
} // namespace

TEST_CASE("tick reads the due index and touches only due tickets", "[sla]") {
    auto store = std::make_shared<CountingStore>();
    auto clock = std::make_shared<ManualClock>(bj(2024, 5, 20, 14, 30));
    ServiceDesk desk(store, clock);
    Actor agent{"agent-1", Role::agent, ""};
    auto request = sample_request();
    request.priority = "一般"; // 24 h response
    for (int i = 0; i < 500; ++i) desk.open(agent, request);
    request.priority = "特急"; // 1 h response
    for (int i = 0; i < 5; ++i) desk.open(agent, request);
    store->loads = store->scans = store->commits = 0;
    auto report = desk.tick(bj(2024, 5, 20, 15, 31));
    CHECK(report.tickets == 5);
    CHECK(report.breaches == 5);
    CHECK(store->scans == 0);
    CHECK(store->loads == 5);   // each due ticket is read once, the batch's read is the draft's
    CHECK(store->commits == 1); // and the batch written in one commit
}

TEST_CASE("a tick whose batch conflicts checks each due ticket alone, once", "[sla]") {
    auto store = std::make_shared<CountingStore>();
    auto clock = std::make_shared<ManualClock>(bj(2024, 5, 20, 14, 30));
    ServiceDesk desk(store, clock);
    Actor agent{"agent-1", Role::agent, ""};
    auto request = sample_request();
    request.priority = "特急"; // 1 h response
    std::vector<TicketId> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(desk.open(agent, request).id);
    store->commits = 0;
    store->conflicts_to_throw = 1;
    auto report = desk.tick(bj(2024, 5, 20, 15, 31));
    CHECK(report.tickets == 5);
    CHECK(report.breaches == 5);
    CHECK(store->commits == 1 + 5); // the refused batch, then one commit per ticket
    for (const auto& id : ids) {
        const auto trail = store->history(id);
        CHECK(std::count_if(trail.begin(), trail.end(),
                            [](const AuditEvent& e) { return e.action == Action::sla_breach; }) == 1);
    }
}

namespace {
// When the due index next wants the ticket looked at (unset when it is not indexed).
std::optional<Instant> indexed_due(const MemoryStore& store, const TicketId& id) {
    for (const auto& entry : store.due_until(Instant::max(), 1000))
        if (entry.ticket == id) return entry.due;
    return std::nullopt;
}
} // namespace

TEST_CASE("a maximum pause ends at resume_at even when the monitor comes late", "[sla]") {
    SlaDesk d(SlaPolicy::seed001(), bj(2024, 5, 20, 10, 0));
    auto id = d.open("P1"); // resolution 24 h calendar → Tue 10:00 without pauses
    d.desk->assign(d.agent, id, "eng-1");
    d.desk->start(d.agent, id);
    d.desk->post_update(d.agent, id, "已受理"); // first response met: only the wait is due next
    d.clock->set(bj(2024, 5, 20, 12, 0));
    d.desk->wait_for_customer(d.agent, id, "等待客户回复", 2h); // resume_at 14:00
    CHECK(indexed_due(*d.store, id) == bj(2024, 5, 20, 14, 0));

    d.clock->set(bj(2024, 5, 20, 13, 0));
    auto waiting = d.compliance_of(id, SlaStage::resolution);
    CHECK(waiting.state == ComplianceState::paused);
    CHECK(waiting.paused == 1h);
    CHECK(waiting.used == 2h);

    // Before the monitor has seen it, compliance already counts the wait as ended at 14:00.
    d.clock->set(bj(2024, 5, 20, 16, 0));
    auto lapsed = d.compliance_of(id, SlaStage::resolution);
    CHECK(lapsed.state == ComplianceState::running);
    CHECK(lapsed.paused == 2h);
    CHECK(lapsed.used == 4h);
    CHECK(lapsed.due == bj(2024, 5, 21, 12, 0));

    // The first tick after resume_at comes at 17:00: the pause is still 12:00–14:00.
    CHECK(d.tick_at(bj(2024, 5, 20, 17, 0)).resumed == 1);
    const auto& clock = d.clock_of(id, SlaStage::resolution);
    REQUIRE(clock.pauses.size() == 1);
    CHECK(clock.pauses[0].from == bj(2024, 5, 20, 12, 0));
    CHECK(clock.pauses[0].to == bj(2024, 5, 20, 14, 0));
    CHECK(clock.due == bj(2024, 5, 21, 12, 0)); // not Tue 15:00
    auto c = d.compliance_of(id, SlaStage::resolution);
    CHECK(c.used == 5h); // not 2 h
    CHECK(c.paused == 2h);
    CHECK_FALSE(d.desk->get(id).waiting_for_customer);
}

TEST_CASE("a maximum pause on a business-time target ends at resume_at", "[sla][calendar]") {
    SlaPolicy policy = SlaPolicy::seed001();
    policy.targets["P1"][SlaStage::resolution] = SlaTarget::business(8h);
    SlaDesk d(policy, bj(2024, 5, 20, 9, 0)); // Monday; working hours 09:00–12:00, 13:30–18:00
    auto id = d.open("P1");
    d.desk->assign(d.agent, id, "eng-1");
    d.desk->start(d.agent, id);
    CHECK(d.clock_of(id, SlaStage::resolution).due == bj(2024, 5, 21, 9, 30)); // 7.5 h Mon + 0.5 h
    d.clock->set(bj(2024, 5, 20, 14, 0));
    d.desk->wait_for_customer(d.agent, id, "等待客户回复", 2h); // resume_at 16:00
    CHECK(d.tick_at(bj(2024, 5, 20, 17, 0)).resumed == 1);
    // 2 working hours paused (14:00–16:00), not 3 (14:00–17:00).
    CHECK(d.clock_of(id, SlaStage::resolution).due == bj(2024, 5, 21, 11, 30));
    auto c = d.compliance_of(id, SlaStage::resolution);
    CHECK(c.used == 4h + 30min); // 09:00–12:00, 13:30–14:00, 16:00–17:00
    CHECK(c.paused == 2h);
}

TEST_CASE("warnings, breaches and escalations carry the instant they were due", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 14, 30));
    auto id = d.open("紧急"); // first response warns 17:30, due 18:30, supervisor at the breach
    auto report = d.tick_at(bj(2024, 5, 20, 21, 0));
    CHECK(report.warnings == 1);
    CHECK(report.breaches == 1);
    CHECK(report.escalations == 1);
    std::map<NotificationKind, Instant> at;
    for (const auto& n : d.notifier->delivered())
        if (n.ticket == id) at[n.kind] = n.at;
    CHECK(at[NotificationKind::sla_warning] == bj(2024, 5, 20, 17, 30));
    CHECK(at[NotificationKind::sla_breach] == bj(2024, 5, 20, 18, 30));
    CHECK(at[NotificationKind::escalated] == bj(2024, 5, 20, 18, 30));
}

TEST_CASE("a missed progress update is reminded every 24 h until an update is posted", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 14, 30));
    auto id = d.open("紧急");
    d.desk->assign(d.agent, id, "eng-1");
    d.desk->start(d.agent, id);
    d.desk->post_update(d.agent, id, "预计今日18:00前修复", bj(2024, 5, 20, 18, 0));
    CHECK(d.tick_at(bj(2024, 5, 20, 18, 1)).reminders == 1);
    CHECK(indexed_due(*d.store, id) == bj(2024, 5, 21, 18, 0) + 1s); // the next reminder
    CHECK(d.tick_at(bj(2024, 5, 21, 18, 0)).tickets == 0);
    CHECK(d.tick_at(bj(2024, 5, 21, 18, 1)).reminders == 1);
    CHECK(d.count(NotificationKind::progress_reminder, "eng-1") == 2);

    // A monitor that stays away two days sends one reminder and keeps the 18:00 cadence.
    CHECK(d.tick_at(bj(2024, 5, 24, 9, 0)).reminders == 1);
    CHECK(indexed_due(*d.store, id) == bj(2024, 5, 24, 18, 0) + 1s);
    CHECK(d.tick_at(bj(2024, 5, 24, 9, 5)).reminders == 0);
    CHECK(d.count(NotificationKind::progress_reminder, "eng-1") == 3);
    auto late = d.compliance_of(id, SlaStage::progress_update);
    CHECK(late.state == ComplianceState::breached);

    // An update restarts the clock: the next reminder is 24 h after it, and only then.
    d.clock->set(bj(2024, 5, 24, 10, 0));
    d.desk->post_update(d.agent, id, "已定位原因，正在修复");
    CHECK(d.clock_of(id, SlaStage::progress_update).due == bj(2024, 5, 25, 10, 0));
    CHECK(d.compliance_of(id, SlaStage::progress_update).state == ComplianceState::running);
    CHECK(d.tick_at(bj(2024, 5, 24, 18, 1)).reminders == 0);
    CHECK(d.tick_at(bj(2024, 5, 25, 10, 1)).reminders == 1);

    // Resolving stops the reminders.
    d.clock->set(bj(2024, 5, 25, 11, 0));
    d.desk->resolve(d.agent, id, {"已修复", Responsibility::platform});
    CHECK(d.tick_at(bj(2024, 5, 26, 10, 1)).reminders == 0);
    CHECK(d.count(NotificationKind::progress_reminder, "eng-1") == 4);
}

TEST_CASE("a priority change does not resend the progress reminders already sent", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 14, 30));
    auto id = d.open("紧急");
    d.desk->assign(d.agent, id, "eng-1");
    d.desk->start(d.agent, id); // progress due Tue 14:30
    CHECK(d.tick_at(bj(2024, 5, 21, 14, 31)).reminders == 1);
    CHECK(d.tick_at(bj(2024, 5, 22, 14, 31)).reminders == 1);
    d.clock->set(bj(2024, 5, 22, 15, 0));
    d.desk->change_priority(d.agent, id, "一般", "影响范围较小");
    CHECK(d.tick_at(bj(2024, 5, 22, 15, 1)).reminders == 0);
    CHECK(d.tick_at(bj(2024, 5, 23, 14, 31)).reminders == 1);
}

namespace {
// One target of a preset, written from the seed's own words.
struct SeedTarget {
    const char* level;
    SlaStage stage;
    SlaTarget target;
    const char* words; // what the seed says (or why the library sets it)
};

// Compares a preset with the table: the same targets, no more and no fewer.
void check_preset(const SlaPolicy& policy, const std::vector<SeedTarget>& table) {
    std::size_t set = 0;
    for (const auto& [level, stages] : policy.targets) set += stages.size();
    CHECK(set == table.size());
    for (const auto& row : table) {
        INFO(row.level << " " << to_string(row.stage) << ": " << row.words);
        auto target = policy.target(row.level, row.stage);
        REQUIRE(target.has_value());
        CHECK(to_string(*target) == to_string(row.target));
    }
}

using T = SlaTarget;
} // namespace

TEST_CASE("the seed presets set exactly the targets their seeds name", "[sla][policy]") {
    SECTION("seed 000") {
        std::vector<SeedTarget> table;
        for (auto [level, response, words] :
             {std::tuple{"一般", 24h, "可24小时内处理"}, std::tuple{"紧急", 4h, "需4小时内响应"},
              std::tuple{"特急", 1h, "需1小时内响应"}}) {
            table.push_back({level, SlaStage::first_response, T::calendar(response), words});
            table.push_back({level, SlaStage::start_handling, T::calendar(2h), "2小时内启动问题排查"});
            table.push_back({level, SlaStage::progress_update, T::calendar(24h),
                             "超过预计时长…更新进度 (at the estimate; 24 h is the library's interval)"});
            table.push_back({level, SlaStage::result_feedback, T::calendar(1h), "处理完成后1小时内"});
            table.push_back({level, SlaStage::second_handling, T::calendar(24h), "24小时内启动二次处理"});
        }
        auto p = SlaPolicy::seed000();
        check_preset(p, table);
        CHECK_FALSE(p.target("紧急", SlaStage::record)); // the seed names no record target
        for (auto stage : {SlaStage::first_response, SlaStage::start_handling, SlaStage::result_feedback,
                           SlaStage::second_handling}) {
            REQUIRE(p.ladder(stage, "一般").size() == 1);
            CHECK(p.ladder(stage, "一般")[0].role == Role::supervisor); // 超时…升级至主管
        }
    }
    SECTION("seed 001") {
        std::vector<SeedTarget> table{
            {"P1", SlaStage::first_response, T::calendar(2h), "2小时内响应"},
            {"P1", SlaStage::resolution, T::calendar(24h), "24小时内解决"},
            {"P2", SlaStage::first_response, T::calendar(4h), "4小时内响应"},
            {"P2", SlaStage::resolution, T::working_days_end(3), "3个工作日内解决"},
            {"P3", SlaStage::first_response, T::working_days_end(1), "1个工作日内响应"},
            {"P3", SlaStage::resolution, T::working_days_end(7), "7个工作日内反馈"},
        };
        for (auto level : {"P1", "P2", "P3"})
            table.push_back({level, SlaStage::progress_update, T::calendar(24h), "每24小时向用户同步一次进度"});
        check_preset(SlaPolicy::seed001(), table);
    }
    SECTION("seed 003") {
        std::vector<SeedTarget> table{
            {"紧急", SlaStage::first_response, T::calendar(10min), "需立即处理 (taken as its 10 min start)"},
            {"紧急", SlaStage::start_handling, T::calendar(10min), "分配后10分钟内启动处理"},
            {"紧急", SlaStage::resolution, T::calendar(4h), "4小时内完成处理"},
            {"重要", SlaStage::first_response, T::calendar(4h), "需4小时内响应"},
            {"重要", SlaStage::start_handling, T::calendar(1h), "1小时内启动处理"},
            {"重要", SlaStage::resolution, T::calendar(24h), "24小时内完成处理"},
            {"一般", SlaStage::first_response, T::calendar(8h), "需8小时内响应"},
            {"一般", SlaStage::start_handling, T::calendar(2h), "2小时内启动处理"},
            {"一般", SlaStage::resolution, T::working_days_end(3), "3个工作日内完成处理"},
        };
        for (auto level : {"一般", "重要", "紧急"}) {
            table.push_back({level, SlaStage::record, T::calendar(5min), "需求接收后5分钟内完成初步记录"});
            table.push_back({level, SlaStage::classify, T::calendar(30min), "30分钟内完成分类与优先级判定"});
            table.push_back({level, SlaStage::progress_update, T::calendar(24h), "每24小时…同步进度"});
            table.push_back({level, SlaStage::result_feedback, T::calendar(2h), "处理完成后2小时内完成反馈与确认"});
        }
        check_preset(SlaPolicy::seed003(), table);
    }
}

namespace {

// The events of the latest version of ticket `id`, oldest first.
std::vector<AuditEvent> latest_events(const ServiceDesk& desk, const TicketId& id) {
    auto trail = desk.history(id);
    const auto version = trail.back().version;
    std::vector<AuditEvent> latest;
    for (const auto& e : trail)
        if (e.version == version) latest.push_back(e);
    return latest;
}

} // namespace

TEST_CASE("a late tick records each audit event at the instant it was due, in time order", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 14, 30));
    auto id = d.open("紧急"); // first response warns 17:30, due 18:30, supervisor at the breach
    d.tick_at(bj(2024, 5, 20, 21, 0));
    auto events = latest_events(*d.desk, id);
    REQUIRE(events.size() == 4);
    CHECK(events[0].action == Action::sla_warning);
    CHECK(events[0].at == bj(2024, 5, 20, 17, 30));
    CHECK(events[1].action == Action::sla_breach);
    CHECK(events[1].at == bj(2024, 5, 20, 18, 30));
    CHECK(events[2].action == Action::escalate);
    CHECK(events[2].at == bj(2024, 5, 20, 18, 30));
    CHECK(events[3].action == Action::monitor); // the tick's own check, at the tick's time
    CHECK(events[3].at == bj(2024, 5, 20, 21, 0));
}

TEST_CASE("a wait that lapsed before a late tick is recorded as resumed at resume_at", "[sla]") {
    SlaDesk d(SlaPolicy::seed001(), bj(2024, 5, 20, 10, 0));
    auto id = d.open("P1");
    d.desk->assign(d.agent, id, "eng-1");
    d.desk->start(d.agent, id);
    d.desk->post_update(d.agent, id, "已受理");
    d.clock->set(bj(2024, 5, 20, 12, 0));
    d.desk->wait_for_customer(d.agent, id, "等待客户回复", 2h); // resume_at 14:00
    CHECK(d.tick_at(bj(2024, 5, 20, 17, 0)).resumed == 1);
    auto events = latest_events(*d.desk, id);
    REQUIRE(events.size() == 2);
    CHECK(events[0].action == Action::resume);
    CHECK(events[0].at == bj(2024, 5, 20, 14, 0));
    CHECK(events[1].action == Action::monitor);
    CHECK(events[1].at == bj(2024, 5, 20, 17, 0));
}

TEST_CASE("late approvals and collaboration tasks are flagged at the instant they fell due", "[sla]") {
    DeskFixture f; // Monday 2024-05-20 14:30 Beijing
    auto id = f.desk.open(f.agent, sample_request()).id;
    f.desk.assign(f.agent, id, "eng-1");
    f.desk.start(f.agent, id);
    const Actor handler{"eng-1", Role::agent, ""};
    auto t = f.desk.propose_solution(handler, id, {SolutionKind::refund, 150, "退还运费"}); // beyond 50: team lead
    const Instant approval_due = t.approvals.at(0).due;
    const Instant task_due = may20_1430() + 2h;
    f.desk.add_task(f.agent, id, {"仓储部", "wh-1", "核对出库记录", task_due, true});
    const Instant late = approval_due + 30h;
    REQUIRE(task_due < approval_due);
    f.clock->set(late);
    auto report = f.desk.tick(late);
    CHECK(report.approvals_overdue == 1);
    std::map<NotificationKind, Instant> at;
    for (const auto& n : f.notifier->delivered())
        if (n.ticket == id) at[n.kind] = n.at;
    CHECK(at.at(NotificationKind::task_overdue) == task_due);
    CHECK(at.at(NotificationKind::approval_overdue) == approval_due);
    std::vector<std::pair<std::string, Instant>> breaches;
    for (const auto& e : latest_events(f.desk, id))
        if (e.action == Action::sla_breach) breaches.emplace_back(e.note, e.at);
    REQUIRE(breaches.size() >= 2);
    // In time order: the task (due first), then the approval; each at its own due instant.
    auto task = std::find_if(breaches.begin(), breaches.end(),
                             [](const auto& b) { return b.first.find("collaboration task #1") != std::string::npos; });
    auto approval = std::find_if(breaches.begin(), breaches.end(),
                                 [](const auto& b) { return b.first.find("approval #1") != std::string::npos; });
    REQUIRE(task != breaches.end());
    REQUIRE(approval != breaches.end());
    CHECK(task->second == task_due);
    CHECK(approval->second == approval_due);
    CHECK(task < approval);
    for (std::size_t i = 1; i < breaches.size(); ++i) CHECK(breaches[i - 1].second <= breaches[i].second);
}

TEST_CASE("a stage done late before the monitor looked is breached and escalated as a tick would have", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 14, 30));
    auto id = d.open("紧急");
    d.clock->set(bj(2024, 5, 20, 18, 35)); // five minutes past the 18:30 deadline, no tick since
    d.desk->post_update(d.agent, id, "已收到，正在排查");

    const auto& c = d.clock_of(id, SlaStage::first_response);
    CHECK(c.breached);
    CHECK(c.stopped == bj(2024, 5, 20, 18, 35));
    CHECK(d.events(id, Action::sla_breach, SlaStage::first_response) == 1);
    CHECK(d.events(id, Action::escalate, SlaStage::first_response) == 1); // 超时…升级至主管
    CHECK(d.desk->get(id).escalation_level == 2);
    CHECK(d.count(NotificationKind::sla_breach) == 1);
    CHECK(d.count(NotificationKind::escalated, "supervisor") == 1);
    for (const auto& e : d.desk->history(id))
        if (e.action == Action::sla_breach) CHECK(e.at == bj(2024, 5, 20, 18, 30)); // dated at the deadline

    // The monitor finds nothing more to do, and the reason can be noted (备注原因).
    auto report = d.tick_at(bj(2024, 5, 20, 18, 36));
    CHECK(report.breaches == 0);
    CHECK(report.escalations == 0);
    d.desk->explain_overdue(d.agent, id, SlaStage::first_response, "夜间无人值班");
    CHECK(d.compliance_of(id, SlaStage::first_response).overdue_reason == "夜间无人值班");
}

TEST_CASE("a request recorded later than its record target is breached at intake", "[sla]") {
    SlaDesk d(SlaPolicy::seed003(), bj(2025, 3, 3, 10, 12));
    auto request = sample_request();
    request.priority = "一般";
    request.received_at = bj(2025, 3, 3, 10, 0); // 需求接收后5分钟内完成初步记录
    auto id = d.desk->open(d.agent, request).id;
    CHECK(d.clock_of(id, SlaStage::record).breached);
    CHECK(d.events(id, Action::sla_breach, SlaStage::record) == 1);
    CHECK(d.tick_at(bj(2025, 3, 3, 10, 13)).breaches == 0);
}

TEST_CASE("a classification that sets the priority times the clocks by it", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2025, 3, 3, 10, 0));
    auto id = d.open("一般");
    CHECK(d.clock_of(id, SlaStage::first_response).due == bj(2025, 3, 4, 10, 0)); // 24 h
    d.clock->set(bj(2025, 3, 3, 10, 20));
    Classification change;
    change.priority = "紧急";
    d.desk->classify(d.agent, id, change);
    CHECK(d.clock_of(id, SlaStage::first_response).due == bj(2025, 3, 3, 14, 0)); // 4 h from receipt
    CHECK(d.tick_at(bj(2025, 3, 3, 14, 1)).breaches == 1);
}

namespace {

struct FixedRouter : Router {
    RouteDecision route(const Ticket&) const override {
        RouteDecision d;
        d.department = "技术部";
        d.queue = "tech";
        d.priority = std::string("紧急");
        d.why = "test rule";
        return d;
    }
};

} // namespace

TEST_CASE("a request the router classifies at intake has met its classification target", "[sla]") {
    DeskConfig config;
    config.router = std::make_shared<FixedRouter>();
    SlaDesk d(SlaPolicy::seed003(), bj(2025, 3, 3, 10, 0), config);
    auto id = d.open("");
    CHECK(d.desk->get(id).priority == "紧急");
    const auto& classify = d.clock_of(id, SlaStage::classify);
    CHECK(classify.stopped == bj(2025, 3, 3, 10, 0));
    CHECK_FALSE(classify.breached);
    d.tick_at(bj(2025, 3, 3, 10, 31));
    CHECK(d.events(id, Action::sla_warning, SlaStage::classify) == 0);
    CHECK(d.events(id, Action::sla_breach, SlaStage::classify) == 0);
    CHECK(d.compliance_of(id, SlaStage::classify).state == ComplianceState::met);
}

TEST_CASE("a priority change that moves a given warning later warns again before the new deadline", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 9, 0));
    auto id = d.open("特急"); // 1 h: warned at 09:45
    CHECK(d.tick_at(bj(2024, 5, 20, 9, 45)).warnings == 1);
    d.clock->set(bj(2024, 5, 20, 9, 50));
    d.desk->change_priority(d.agent, id, "紧急", "客户确认可稍后处理"); // due 13:00, warned at 12:00
    CHECK_FALSE(d.clock_of(id, SlaStage::first_response).warned);
    CHECK(d.tick_at(bj(2024, 5, 20, 12, 1)).warnings == 1);
    CHECK(d.tick_at(bj(2024, 5, 20, 13, 1)).breaches == 1);
}

TEST_CASE("the same-day target and the cut-off at their edges", "[sla][calendar]") {
    const CalendarSlaCalculator calc(BusinessCalendar::china_mainland());
    const auto today = SlaTarget::working_days_end(0);
    CHECK(calc.point(today, bj(2024, 6, 19, 10, 0), 1.0) == bj(2024, 6, 19, 18, 0));
    CHECK(calc.point(today, bj(2024, 6, 19, 19, 0), 1.0) == bj(2024, 6, 20, 18, 0)); // after hours: tomorrow
    CHECK(calc.point(today, bj(2024, 6, 22, 10, 0), 1.0) == bj(2024, 6, 24, 18, 0)); // Saturday: Monday

    const auto cut = SlaTarget::business(2h).with_cutoff(16h);
    CHECK(calc.effective_start(cut, bj(2024, 5, 20, 16, 0)) == bj(2024, 5, 20, 16, 0)); // at 16:00, not after
    CHECK(calc.effective_start(cut, bj(2024, 5, 20, 16, 0, 1)) == bj(2024, 5, 21, 9, 0));
}

TEST_CASE("waiting for the customer pauses the progress updates owed to them", "[sla]") {
    SlaDesk d(SlaPolicy::seed000(), bj(2024, 5, 20, 10, 0));
    auto id = d.open("一般");
    d.desk->assign(d.agent, id, "eng-1");
    d.desk->start(d.agent, id); // progress update due 24 h later
    d.clock->set(bj(2024, 5, 20, 11, 0));
    d.desk->wait_for_customer(d.agent, id, "等待客户提供截图");
    CHECK(d.compliance_of(id, SlaStage::progress_update).state == ComplianceState::paused);
    CHECK(d.tick_at(bj(2024, 5, 21, 11, 0)).reminders == 0);
    d.clock->set(bj(2024, 5, 21, 15, 0));
    d.desk->resume(d.agent, id);
    CHECK(d.clock_of(id, SlaStage::progress_update).due == bj(2024, 5, 22, 14, 0)); // 28 h later
}
