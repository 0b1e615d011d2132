// iCalendar feeds in the forms public mainland-China holiday feeds use. The fixtures in
// tests/data/calendars/ are written for these tests (see the generator comments there):
// - periods-2025.ics: one event per period with an exclusive DTEND, make-up days as
//   "上班(补…假期)" all-day events, CRLF, a folded X-WR-CALDESC, a VTIMEZONE block;
// - daily-2023.ics: one event per day ("第n天/共m天"), make-up days as timed 09:00-18:00
//   events with a nested VALARM, descriptions mentioning 休 and 班, LF, and the New Year
//   break beginning on 2022-12-31;
// - history-2008.ics: single-day events without DTEND, blank lines between events, 2008
//   and the 2009 New Year break.

#include "calendar_reference.hpp"
#include "ticketflow/calendar.hpp"
#include "ticketflow/error.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

using namespace ticketflow;
using boost::gregorian::date;
using boost::gregorian::days;
using testing::days_from_civil;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

std::string fixture(const std::string& name) {
    return std::string(TICKETFLOW_SOURCE_DIR) + "/tests/data/calendars/" + name;
}

std::string read_fixture(const std::string& name) {
    std::ifstream in(fixture(name), std::ios::binary);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Instant beijing(int y, int m, int d, int h = 0, int mi = 0) {
    return Instant{Duration{days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60}} - 8h;
}

// The China preset's weekly schedule without any holidays, and without an explicit horizon.
BusinessCalendar weekly_only_china() {
    CalendarDefinition definition = BusinessCalendar::china_mainland().definition();
    definition.holidays.clear();
    definition.workdays.clear();
    return BusinessCalendar(definition);
}

template <typename Load>
std::string calendar_error(Load load) {
    try {
        load();
    } catch (const CalendarError& e) {
        return e.what();
    } catch (...) {
        return "(another exception type)";
    }
    return "";
}

} // namespace

TEST_CASE("a period feed with 上班(补…假期) make-up days matches the official 2025 data", "[calendar][ics][feeds]") {
    const auto text = read_fixture("periods-2025.ics");
    REQUIRE(text.find("\r\n") != std::string::npos); // the fixture keeps its CRLF line ends
    const auto feed = weekly_only_china().with_ics(text);
    const auto preset = BusinessCalendar::china_mainland();
    CHECK(*feed.coverage() == DateRange{date(2025, 1, 1), date(2025, 12, 31)});
    for (date day(2025, 1, 1); day <= date(2025, 12, 31); day += days(1)) {
        INFO("2025 day " << day.day_of_year());
        CHECK(feed.is_workday(day) == preset.is_workday(day));
    }
    // "上班(补春节假期)" holds 假 too; it is a make-up workday.
    CHECK(feed.definition().workdays.count(date(2025, 1, 26)));
    CHECK(feed.definition().workdays.size() == 5);
    CHECK(feed.definition().holidays.size() == 28);
}

TEST_CASE("a daily feed with timed make-up days and reminders", "[calendar][ics][feeds]") {
    const auto feed = BusinessCalendar::china_mainland().with_ics_file(fixture("daily-2023.ics"));
    // 2023 joins the coverage; the break starting on 2022-12-31 does not claim 2022.
    CHECK(*feed.coverage() == DateRange{date(2023, 1, 1), date(2026, 12, 31)});
    CHECK_FALSE(feed.covers(date(2022, 12, 31)));
    CHECK(feed.definition().holidays.count(date(2022, 12, 31)));
    CHECK_FALSE(feed.is_workday(date(2023, 1, 2))); // Monday, New Year break
    // Timed 09:00-18:00 events with a VALARM: make-up Saturday and Sunday after the festival.
    CHECK(feed.is_workday(date(2023, 1, 28)));
    CHECK(feed.is_workday(date(2023, 1, 29)));
    for (date day(2023, 1, 21); day <= date(2023, 1, 27); day += days(1)) CHECK_FALSE(feed.is_workday(day));
    // The make-up day follows the calendar's make-up schedule, not the event's 09:00-18:00:
    // Friday 2023-01-20 17:00 plus 2 business hours is Saturday 2023-01-28 10:00.
    CHECK(feed.add_business_time(beijing(2023, 1, 20, 17, 0), 2h) == beijing(2023, 1, 28, 10, 0));
    CHECK(feed.definition().workdays.size() == 7 + 19); // the feed's and the preset's
    // Descriptions ("放假调休，节后补班上班") and alarms do not classify: SUMMARY does.
    CHECK_FALSE(feed.is_workday(date(2023, 10, 2)));
    CHECK(feed.is_workday(date(2023, 10, 7)));
    // The preset's own years are untouched.
    CHECK_FALSE(feed.is_workday(date(2025, 1, 29)));
}

TEST_CASE("a feed reaching back to 2008: single-day events without DTEND", "[calendar][ics][feeds]") {
    const std::string text = read_fixture("history-2008.ics");
    SECTION("without an explicit horizon the horizon grows to hold it") {
        const auto feed = weekly_only_china().with_ics(text);
        CHECK(feed.first_date() == date(2003, 1, 1));
        // The 2009 New Year break at the end says nothing about the rest of 2009.
        CHECK(*feed.coverage() == DateRange{date(2008, 1, 1), date(2008, 12, 31)});
        CHECK_FALSE(feed.is_workday(date(2008, 2, 6)));
        CHECK(feed.is_workday(date(2008, 5, 4))); // Sunday make-up workday
        CHECK_FALSE(feed.is_workday(date(2009, 1, 2)));
        CHECK(feed.is_workday(date(2009, 1, 4))); // Sunday make-up workday
        CHECK(feed.definition().holidays.size() == 30);
    }
    SECTION("over the preset, the years in between would have no data") {
        CHECK_THAT(calendar_error([&] { BusinessCalendar::china_mainland().with_ics(text, {"history.ics"}); }),
                   Contains("history.ics: the feed has no holidays or make-up workdays in 2009, nor does the "
                            "calendar's coverage 2024-01-01 to 2026-12-31 reach it"));
    }
    SECTION("with an explicit horizon: an error by default, or clipped") {
        CalendarDefinition definition = weekly_only_china().definition();
        definition.first_year = 2020;
        definition.last_year = 2035;
        const BusinessCalendar base(definition);
        CHECK_THAT(calendar_error([&] { base.with_ics(text, {"history.ics"}); }),
                   Contains("history.ics:8: 2008-01-01 lies outside the calendar's horizon 2020-2035"));
        const auto clipped = base.with_ics(text, {"history.ics", OutsideHorizon::clip});
        CHECK(clipped.definition().holidays.empty());
        CHECK_FALSE(clipped.coverage());
        CHECK(clipped.first_date() == date(2020, 1, 1));
    }
}

TEST_CASE("summaries classify in the order workday, then holiday", "[calendar][ics][feeds]") {
    const auto classify = [](const std::string& summary) {
        const auto calendar =
            weekly_only_china().with_ics("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250405\r\n"
                                         "SUMMARY:" +
                                         summary + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        if (calendar.definition().workdays.count(date(2025, 4, 5))) return "workday";
        if (calendar.definition().holidays.count(date(2025, 4, 5))) return "holiday";
        return "ignored";
    };
    CHECK(std::string(classify("上班(补春节假期)")) == "workday");
    CHECK(std::string(classify("春节 补班 第1天/共2天")) == "workday");
    CHECK(std::string(classify("国庆节、中秋节假期")) == "holiday");
    CHECK(std::string(classify("清明节 假期 第2天/共3天")) == "holiday");
    CHECK(std::string(classify("休")) == "holiday");
    CHECK(std::string(classify("Workday (make-up)")) == "workday");
    CHECK(std::string(classify("清明节")) == "ignored");
    CHECK(std::string(classify("情人节")) == "ignored");
}
