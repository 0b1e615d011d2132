// The desk and its calendar's coverage: provisional deadlines past the holiday data,
// refused under ProvisionalDeadlines::refuse, recomputed when newer data is loaded.

#include "support.hpp"

#include "ticketflow/ticket_encoding.hpp"
#include "ticketflow/report.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace ticketflow;
using namespace ticketflow::testing;
using boost::gregorian::date;

namespace {

// 2027's New Year arrangement as a feed: 1 to 5 January are days off.
const char* const new_year_2027 = "BEGIN:VCALENDAR\r\n"
                                  "VERSION:2.0\r\n"
                                  "BEGIN:VEVENT\r\n"
                                  "UID:2027-new-year\r\n"
                                  "SUMMARY:元旦 休\r\n"
                                  "CATEGORIES:HOLIDAY\r\n"
                                  "DTSTART;VALUE=DATE:20270101\r\n"
                                  "DTEND;VALUE=DATE:20270106\r\n"
                                  "END:VEVENT\r\n"
                                  "END:VCALENDAR\r\n";

const BusinessCalendar& china() {
    static const BusinessCalendar calendar = BusinessCalendar::china_mainland();
    return calendar;
}

// Seed 003: 一般 tickets are resolved within 3 working days.
struct CoverageDesk {
    explicit CoverageDesk(ProvisionalDeadlines policy = ProvisionalDeadlines::compute)
        : desk(store, clock, config(policy), notifier) {}

    static DeskConfig config(ProvisionalDeadlines policy) {
        DeskConfig c;
        c.sla = SlaPolicy::seed003();
        c.provisional_deadlines = policy;
        return c;
    }
    NewTicket request() const {
        auto r = sample_request();
        r.priority = "一般";
        return r;
    }
    std::size_t provisional_notices() const {
        auto all = notifier->delivered();
        return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [](const Notification& n) {
            return n.kind == NotificationKind::calendar_provisional;
        }));
    }

    std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>();
    // Wednesday 2026-12-30 10:00 in Beijing, two days before the coverage ends.
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(china().to_instant(date(2026, 12, 30), 10, 0));
    std::shared_ptr<RecordingNotifier> notifier = std::make_shared<RecordingNotifier>();
    ServiceDesk desk;
    Actor agent{"agent-1", Role::team_lead, ""};
};

const SlaClock& clock_of(const Ticket& t, SlaStage stage) {
    for (const auto& clock : t.sla)
        if (clock.stage == stage) return clock;
    FAIL("no " << to_string(stage) << " clock");
    throw; // unreachable
}

const StageCompliance& compliance_of(const std::vector<StageCompliance>& all, SlaStage stage) {
    for (const auto& s : all)
        if (s.stage == stage) return s;
    FAIL("no " << to_string(stage) << " compliance");
    throw; // unreachable
}

} // namespace

TEST_CASE("a deadline past the calendar's coverage is provisional, audited and announced once", "[calendar][desk]") {
    CoverageDesk d;
    REQUIRE(china().coverage()->last == date(2026, 12, 31));
    auto t = d.desk.open(d.agent, d.request());

    // 3 working days after Wednesday 30 December by the weekly schedule: Thu 31, Fri 1, Mon 4.
    const auto& resolution = clock_of(t, SlaStage::resolution);
    CHECK(resolution.provisional);
    CHECK(resolution.due == china().to_instant(date(2027, 1, 4), 18, 0));
    // Calendar-time targets do not depend on holidays.
    CHECK_FALSE(clock_of(t, SlaStage::first_response).provisional);

    auto compliance = d.desk.compliance(t.id);
    CHECK(compliance_of(compliance, SlaStage::resolution).provisional);
    CHECK_FALSE(compliance_of(compliance, SlaStage::first_response).provisional);

    auto history = d.desk.history(t.id);
    auto noted = std::count_if(history.begin(), history.end(), [](const AuditEvent& e) {
        return e.note.find("resolution deadline") != std::string::npos &&
               e.note.find("is provisional") != std::string::npos && e.note.find("2027-01-01") != std::string::npos;
    });
    CHECK(noted == 1);

    CHECK(d.provisional_notices() == 1);
    auto notices = d.notifier->delivered();
    auto notice = std::find_if(notices.begin(), notices.end(),
                               [](const Notification& n) { return n.kind == NotificationKind::calendar_provisional; });
    REQUIRE(notice != notices.end());
    CHECK(notice->recipient == "manager");
    CHECK(notice->audience == Audience::staff);

    // More commands on the ticket do not announce it again.
    d.desk.assign(d.agent, t.id, "agent-2");
    d.desk.start(d.agent, t.id);
    d.clock->advance(std::chrono::hours(1));
    d.desk.post_update(d.agent, t.id, "正在排查");
    CHECK(d.provisional_notices() == 1);
    // 重要: resolution within 24 h, no provisional deadline left; back to 一般 the ticket
    // has one again, and the administrator hears of it again.
    auto urgent = d.desk.change_priority(d.agent, t.id, "重要", "customer waiting");
    CHECK_FALSE(clock_of(urgent, SlaStage::resolution).provisional);
    CHECK(d.provisional_notices() == 1);
    d.desk.change_priority(d.agent, t.id, "一般", "back to normal");
    CHECK(d.provisional_notices() == 2);
}

TEST_CASE("the calendar administrator is configurable", "[calendar][desk]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(china().to_instant(date(2026, 12, 30), 10, 0));
    auto notifier = std::make_shared<RecordingNotifier>();
    auto config = CoverageDesk::config(ProvisionalDeadlines::compute);
    config.calendar_admin = "calendar-ops";
    ServiceDesk desk(store, clock, config, notifier);
    auto r = sample_request();
    r.priority = "一般";
    desk.open({"agent-1", Role::team_lead, ""}, r);
    auto all = notifier->delivered();
    auto notice = std::find_if(all.begin(), all.end(),
                               [](const Notification& n) { return n.kind == NotificationKind::calendar_provisional; });
    REQUIRE(notice != all.end());
    CHECK(notice->recipient == "calendar-ops");
}

TEST_CASE("a deadline inside the coverage is final and announced to nobody", "[calendar][desk]") {
    CoverageDesk d;
    d.clock->set(china().to_instant(date(2026, 12, 21), 10, 0)); // Monday: due Thursday 24th
    auto t = d.desk.open(d.agent, d.request());
    CHECK_FALSE(clock_of(t, SlaStage::resolution).provisional);
    CHECK(clock_of(t, SlaStage::resolution).due == china().to_instant(date(2026, 12, 24), 18, 0));
    CHECK(d.provisional_notices() == 0);
}

TEST_CASE("ProvisionalDeadlines::refuse refuses the command and writes nothing", "[calendar][desk]") {
    CoverageDesk d(ProvisionalDeadlines::refuse);
    try {
        d.desk.open(d.agent, d.request());
        FAIL("open() did not throw");
    } catch (const CalendarError& e) {
        const std::string what = e.what();
        CHECK(what.find("2027-01-01") != std::string::npos);
        CHECK(what.find("2024-01-01..2026-12-31") != std::string::npos);
    }
    CHECK(d.desk.query(TicketQuery{}).empty());
    CHECK(d.notifier->delivered().empty());

    // Inside the coverage the desk works as usual.
    d.clock->set(china().to_instant(date(2026, 12, 21), 10, 0));
    CHECK_NOTHROW(d.desk.open(d.agent, d.request()));
}

TEST_CASE("loading 2027's arrangement moves the provisional deadline and says why", "[calendar][desk]") {
    CoverageDesk d;
    auto t = d.desk.open(d.agent, d.request());
    REQUIRE(clock_of(t, SlaStage::resolution).due == china().to_instant(date(2027, 1, 4), 18, 0));
    // A ticket whose deadlines are final and unaffected stays as it was.
    d.clock->set(china().to_instant(date(2026, 12, 14), 10, 0));
    auto untouched = d.desk.open(d.agent, d.request());
    d.clock->set(china().to_instant(date(2026, 12, 30), 11, 0));

    auto loaded = d.desk.calendar().with_ics(new_year_2027, {"holidays-2027.ics", OutsideHorizon::error});
    REQUIRE(loaded.coverage()->last == date(2027, 12, 31));
    CHECK(d.desk.replace_calendar(loaded) == 1);

    auto moved = d.desk.get(t.id);
    const auto& resolution = clock_of(moved, SlaStage::resolution);
    // Thu 31 December, then 1-5 January off: Wed 6, Thu 7.
    CHECK(resolution.due == loaded.to_instant(date(2027, 1, 7), 18, 0));
    CHECK_FALSE(resolution.provisional);
    CHECK_FALSE(compliance_of(d.desk.compliance(t.id), SlaStage::resolution).provisional);
    CHECK(d.desk.calendar().coverage() == loaded.coverage());

    auto history = d.desk.history(t.id);
    const auto& last = history.back();
    CHECK(last.actor == "system");
    CHECK(last.note.find("calendar 2027 loaded") != std::string::npos);
    CHECK(last.note.find("resolution deadline 2027-01-04T10:00:00Z → 2027-01-07T10:00:00Z") != std::string::npos);

    CHECK(d.desk.get(untouched.id).version == untouched.version);

    // Loading the same data again changes nothing.
    CHECK(d.desk.replace_calendar(loaded) == 0);
    CHECK(d.desk.history(t.id).size() == history.size());
}

TEST_CASE("the replaced calendar numbers new tickets and keeps a host's own calculator", "[calendar][desk]") {
    CoverageDesk d;
    auto loaded = d.desk.calendar().with_ics(new_year_2027);
    d.desk.replace_calendar(loaded, "calendar feed of the week");
    d.clock->set(loaded.to_instant(date(2027, 1, 6), 10, 0));
    auto t = d.desk.open(d.agent, d.request());
    CHECK(t.id.rfind("20270106", 0) == 0);
    CHECK_FALSE(clock_of(t, SlaStage::resolution).provisional);
    CHECK(clock_of(t, SlaStage::resolution).due == loaded.to_instant(date(2027, 1, 11), 18, 0));
    CHECK(d.provisional_notices() == 0);
}

TEST_CASE("a replaced calendar with an explicit reason names it in the history", "[calendar][desk]") {
    CoverageDesk d;
    auto t = d.desk.open(d.agent, d.request());
    CHECK(d.desk.replace_calendar(d.desk.calendar().with_ics(new_year_2027), "State Council notice 2027") == 1);
    CHECK(d.desk.history(t.id).back().note.find("State Council notice 2027") != std::string::npos);
}

TEST_CASE("the provisional mark survives the binary encoding", "[calendar][codec]") {
    CoverageDesk d;
    auto t = d.desk.open(d.agent, d.request());
    REQUIRE(clock_of(t, SlaStage::resolution).provisional);
    auto decoded = decode_ticket(encode_ticket(t));
    CHECK(clock_of(decoded, SlaStage::resolution).provisional);
    CHECK_FALSE(clock_of(decoded, SlaStage::first_response).provisional);
    for (auto& clock : t.sla) clock.provisional = false;
    CHECK_FALSE(clock_of(decode_ticket(encode_ticket(t)), SlaStage::resolution).provisional);
}

TEST_CASE("the report counts running clocks with provisional deadlines per stage", "[calendar][report]") {
    CoverageDesk d;
    d.clock->set(china().to_instant(date(2026, 12, 21), 10, 0));
    d.desk.open(d.agent, d.request()); // due 24 December: final
    d.clock->set(china().to_instant(date(2026, 12, 30), 10, 0));
    d.desk.open(d.agent, d.request()); // due 4 January by the weekly schedule: provisional
    auto provisional_of = [](const Report& r, SlaStage stage) {
        for (const auto& s : r.sla)
            if (s.stage == stage) return s.provisional;
        return std::size_t{999};
    };
    auto report = build_report(*d.store, ReportFilter{});
    CHECK(provisional_of(report, SlaStage::resolution) == 1);
    CHECK(provisional_of(report, SlaStage::first_response) == 0);

    d.desk.replace_calendar(d.desk.calendar().with_ics(new_year_2027));
    CHECK(provisional_of(build_report(*d.store, ReportFilter{}), SlaStage::resolution) == 0);
}
