// Loaders refuse bad input with ticketflow's typed errors only: range-checked numbers, and
// 2,000 deterministic mutations per loader (calendar JSON, iCalendar, routing rules JSON).

#include "calendar_mutations.hpp"
#include "calendar_reference.hpp"
#include "ticketflow/calendar.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/routing.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <string>

using namespace ticketflow;
using boost::gregorian::date;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

// What a call threw: "" for nothing, the message for a CalendarError or ValidationError,
// and "FOREIGN: ..." for any other exception type.
template <typename Call>
std::string thrown(Call call) {
    try {
        call();
    } catch (const CalendarError& e) {
        return std::string("CalendarError: ") + e.what();
    } catch (const ValidationError& e) {
        return std::string("ValidationError: ") + e.what();
    } catch (const std::exception& e) {
        return std::string("FOREIGN: ") + typeid(e).name() + ": " + e.what();
    } catch (...) {
        return "FOREIGN: not a std::exception";
    }
    return "";
}

const std::string calendar_json = R"({
  "name": "Test desk",
  "timezone": "Asia/Shanghai",
  "weekly": {"mon": [["09:00","12:00"],["13:30","18:00"]], "tue": [["09:00","18:00"]],
             "wed": [["09:00","18:00"]], "thu": [["09:00","18:00"]], "fri": [["09:00","17:00"]],
             "sat": [], "sun": []},
  "holidays": ["2025-01-01", "2025-01-28", "2025-01-29"],
  "workdays": ["2025-01-26"],
  "hours": {"2025-12-31": [["09:00","12:00"]]},
  "covers": ["2025-01-01", "2025-12-31"],
  "horizon": [2020, 2030]
})";

const std::string ics_feed = "BEGIN:VCALENDAR\r\n"
                             "VERSION:2.0\r\n"
                             "BEGIN:VTIMEZONE\r\n"
                             "TZID:Asia/Shanghai\r\n"
                             "BEGIN:STANDARD\r\n"
                             "DTSTART:19700101T000000\r\n"
                             "TZOFFSETFROM:+0800\r\n"
                             "TZOFFSETTO:+0800\r\n"
                             "END:STANDARD\r\n"
                             "END:VTIMEZONE\r\n"
                             "BEGIN:VEVENT\r\n"
                             "DTSTART;VALUE=DATE:20250128\r\n"
                             "DTEND;VALUE=DATE:20250205\r\n"
                             "SUMMARY:春节假期\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n"
                             "DTSTART;TZID=Asia/Shanghai:20250126T090000\r\n"
                             "DTEND;TZID=Asia/Shanghai:20250126T180000\r\n"
                             "SUMMARY:上班(补春节假期)\r\n"
                             "BEGIN:VALARM\r\n"
                             "TRIGGER:-PT1H\r\n"
                             "ACTION:DISPLAY\r\n"
                             "END:VALARM\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n"
                             "DTSTART;VALUE=DATE:20250404\r\n"
                             "DURATION:P3D\r\n"
                             "CATEGORIES:HOLIDAY\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n"
                             "DTSTART;VALUE=DATE:20250501\r\n"
                             "SUMMARY:劳动节\r\n"
                             " 假期\r\n"
                             "END:VEVENT\r\n"
                             "END:VCALENDAR\r\n";

const std::string rules_json = R"({
  "rules": [
    {"name": "vip-outage", "when": {"tiers": ["vip", "enterprise"], "keywords": ["宕机", "down"]},
     "route": {"department": "技术支持组", "queue": "tech-urgent", "priority": "P1"}},
    {"name": "complaints", "when": {"types": ["complaint"], "channels": ["phone"], "tags": ["billing"]},
     "route": {"department": "客服主管", "queue": "complaints"}}
  ],
  "default": {"department": "客服组", "queue": "customer-service"}
})";

const std::string weekly_only = R"({"timezone": "Asia/Shanghai", "weekly": {"mon": [["09:00","18:00"]]}})";

// Loads `count` mutations of `seed`; fails on the first foreign exception type, and
// checks that the mutations both pass and fail the loader (so they test something).
template <typename Load>
void only_typed_errors(const std::string& seed, unsigned seed_number, Load load, int count = 2000) {
    std::mt19937 rng(seed_number);
    int accepted = 0, refused = 0;
    for (int i = 0; i < count; ++i) {
        const std::string text = testing::mutate(seed, rng);
        const std::string outcome = thrown([&] { load(text); });
        if (outcome.rfind("FOREIGN", 0) == 0) {
            INFO("mutation " << i << ":\n" << text);
            FAIL(outcome);
        }
        (outcome.empty() ? accepted : refused) += 1;
    }
    CHECK(accepted > 0);
    CHECK(refused > count / 4);
}

} // namespace

TEST_CASE("JSON calendar numbers are range-checked, never wrapped or escaping", "[calendar][errors][json]") {
    const auto load = [](const std::string& json) {
        return thrown([&] { BusinessCalendar::from_json(json, "c.json"); });
    };
    CHECK(load(R"({"timezone":"UTC","horizon":[1e999,2030]})") ==
          "CalendarError: c.json:1:30: malformed JSON: number overflow parsing '1e999'");
    CHECK(load(R"({"timezone":"UTC","horizon":[4294969296, 2030]})") ==
          "CalendarError: c.json: horizon[0]: 4294969296 is not a year from 1900 to 2500");
    CHECK(load(R"({"timezone":"UTC","horizon":[2000, 18446744073709551615]})") ==
          "CalendarError: c.json: horizon[1]: 18446744073709551615 is not a year from 1900 to 2500");
    CHECK(load(R"({"timezone":"UTC","horizon":[-9223372036854775808, 2030]})") ==
          "CalendarError: c.json: horizon[0]: -9223372036854775808 is not a year from 1900 to 2500");
    CHECK(load(R"({"timezone":"UTC","horizon":[2000.0, 2030]})") ==
          "CalendarError: c.json: horizon[0]: expected a year from 1900 to 2500");
    CHECK(load(R"({"timezone":"UTC","horizon":[2000, "2030"]})") ==
          "CalendarError: c.json: horizon[1]: expected a year from 1900 to 2500");
    CHECK(load(R"({"timezone":"UTC","horizon":[1900, 2099]})").empty());
    CHECK_THAT(load(R"({"timezone":"UTC","holidays":["2025-01-01"],"weekly":{"mon":[["09:00", 1e400]]}})"),
               Contains("CalendarError: c.json:1:72: malformed JSON: number overflow"));
}

TEST_CASE("iCalendar dates and durations are range-checked", "[calendar][errors][ics]") {
    const auto base = BusinessCalendar::from_json(weekly_only);
    const auto load = [&](const std::string& event) {
        return thrown([&] {
            IcsOptions options;
            options.source_name = "f.ics";
            base.with_ics("BEGIN:VCALENDAR\nBEGIN:VEVENT\n" + event + "SUMMARY:假期\nEND:VEVENT\nEND:VCALENDAR\n",
                          options);
        });
    };
    CHECK(load("DTSTART;VALUE=DATE:99991231\n") == "CalendarError: f.ics:3: DTSTART: year 9999 is outside 1900-2500");
    CHECK(load("DTSTART;VALUE=DATE:14000101\n") == "CalendarError: f.ics:3: DTSTART: year 1400 is outside 1900-2500");
    CHECK(load("DTSTART;VALUE=DATE:20250101\nDTEND;VALUE=DATE:99991231\n") ==
          "CalendarError: f.ics:4: DTEND: year 9999 is outside 1900-2500");
    CHECK(load("DTSTART;VALUE=DATE:25001231\nDURATION:P9999W\n") ==
          "CalendarError: f.ics:4: the event spans more than a year");
    CHECK(load("DTSTART;VALUE=DATE:20250101\nDURATION:P367D\n") ==
          "CalendarError: f.ics:4: the event spans more than a year");
    CHECK(load("DTSTART;VALUE=DATE:20250101\nDURATION:P366D\n").empty());
}

TEST_CASE("routing rules JSON refuses overflowing numbers with a ValidationError", "[routing][errors][json]") {
    const auto load = [](const std::string& json) { return thrown([&] { RoutingRules::from_json(json, "r.json"); }); };
    CHECK_THAT(load(R"({"rules": [], "default": {"department": 1e999, "queue": "q"}})"),
               Contains("ValidationError: ") && Contains("number overflow parsing '1e999'") && Contains("(in r.json)"));
    // Read signed, 2^64 - 1 would wrap to -1 and pass as a capacity.
    const std::string bad_agents = R"({"agents": [{"id": "a", "department": "d", "capacity": 18446744073709551615}]})";
    CHECK_THAT(thrown([&] { agents_from_json(bad_agents, "a.json"); }),
               Contains("ValidationError: ") && Contains("agents[0].capacity") && Contains("integer out of range"));
}

TEST_CASE("calendar functions refuse instants outside the horizon with a typed error", "[calendar][errors]") {
    const auto calendar = BusinessCalendar::china_mainland();
    const Instant year_zero = Instant{Duration{testing::days_from_civil(0, 6, 15) * 86400}};
    const Instant epoch = Instant{Duration{0}};
    const Instant far = Instant{Duration{std::numeric_limits<Duration::rep>::max()}};
    const Instant near_min = Instant{Duration{std::numeric_limits<Duration::rep>::min()}};
    for (const Instant t : {year_zero, epoch, far, near_min}) {
        INFO("instant " << t.time_since_epoch().count());
        CHECK_THAT(thrown([&] { calendar.local_date(t); }),
                   Contains("CalendarError: ") && Contains("outside the horizon"));
        CHECK_THAT(thrown([&] { calendar.to_local(t); }), Contains("CalendarError: "));
        CHECK_THAT(thrown([&] { calendar.utc_offset(t); }), Contains("CalendarError: "));
        CHECK_THAT(thrown([&] { calendar.next_business_instant(t); }), Contains("CalendarError: "));
        CHECK_THAT(thrown([&] { calendar.add_business_time(t, 1h); }), Contains("CalendarError: "));
        CHECK_THAT(thrown([&] { calendar.business_time_between(t, calendar.to_instant(date(2025, 1, 2), 9, 0)); }),
                   Contains("CalendarError: "));
    }
    CHECK(thrown([&] { calendar.local_date(year_zero); }) ==
          "CalendarError: calendar 'China mainland': 0000-06-15T00:00:00Z is outside the horizon 2019-01-01 to "
          "2036-12-31");
    CHECK_THAT(thrown([&] { calendar.local_date(epoch); }), Contains("1970-01-01T00:00:00Z is outside the horizon"));
    // Amounts beyond the horizon: no overflow, a typed error.
    const Instant start = calendar.to_instant(date(2025, 1, 2), 9, 0);
    CHECK_THAT(thrown([&] { calendar.add_business_time(start, Duration{std::numeric_limits<Duration::rep>::max()}); }),
               Contains("CalendarError: ") && Contains("outside the horizon"));
    CHECK_THAT(thrown([&] { calendar.add_workdays(date(2025, 1, 2), std::numeric_limits<int>::min()); }),
               Contains("CalendarError: "));
    CHECK_THAT(thrown([&] { calendar.add_workdays(date(2025, 1, 2), std::numeric_limits<int>::max()); }),
               Contains("CalendarError: "));
    CHECK_THAT(thrown([&] { calendar.to_instant(boost::posix_time::ptime(date(1400, 1, 1))); }),
               Contains("CalendarError: ") && Contains("1400-01-01"));
    CHECK_THAT(thrown([&] { calendar.is_workday(date(9999, 12, 31)); }), Contains("CalendarError: "));
    CHECK_THAT(thrown([&] { calendar.end_of_workday(date(1400, 1, 1)); }), Contains("CalendarError: "));
    CHECK_THAT(thrown([&] { calendar.is_workday(date(boost::gregorian::not_a_date_time)); }),
               Contains("CalendarError: "));
}

TEST_CASE("2,000 mutated JSON calendars give only CalendarError", "[calendar][errors][mutation]") {
    only_typed_errors(calendar_json, 2027, [](const std::string& text) {
        const auto calendar = BusinessCalendar::from_json(text, "mutated.json");
        calendar.add_business_time(calendar.to_instant(date(2025, 1, 24), 17, 0), 2h);
    });
}

TEST_CASE("2,000 mutated iCalendar feeds give only CalendarError", "[calendar][errors][mutation][ics]") {
    const auto base = BusinessCalendar::from_json(weekly_only);
    only_typed_errors(ics_feed, 2028, [&](const std::string& text) {
        IcsOptions options;
        options.source_name = "mutated.ics";
        const auto calendar = base.with_ics(text, options);
        calendar.is_workday(date(2025, 1, 26));
    });
}

TEST_CASE("2,000 mutated routing rules give only ValidationError", "[routing][errors][mutation]") {
    only_typed_errors(rules_json, 2029, [](const std::string& text) { RoutingRules::from_json(text, "mutated.json"); });
}
