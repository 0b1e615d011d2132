// How far a calendar's holiday data reaches, and loading newer data at run time.

#include "calendar_reference.hpp"
#include "ticketflow/calendar.hpp"
#include "ticketflow/error.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace ticketflow;
using boost::gregorian::date;
using testing::days_from_civil;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

Instant beijing(int y, int m, int d, int h = 0, int mi = 0) {
    return Instant{Duration{days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60}} - 8h;
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

// An iCalendar text of all-day events: {YYYYMMDD, SUMMARY} each.
std::string feed(std::initializer_list<std::pair<const char*, const char*>> events) {
    std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n";
    for (const auto& [day, summary] : events)
        text +=
            std::string("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:") + day + "\r\nSUMMARY:" + summary + "\r\nEND:VEVENT\r\n";
    return text + "END:VCALENDAR\r\n";
}

// Test data shaped like a yearly notice, for a year the shipped data does not hold.
const std::string feed_2027 = feed({{"20270101", "元旦假期"},
                                    {"20270206", "春节假期"},
                                    {"20270207", "春节假期"},
                                    {"20270208", "春节假期"},
                                    {"20270209", "春节假期"},
                                    {"20270210", "春节假期"},
                                    {"20270211", "春节假期"},
                                    {"20270212", "春节假期"},
                                    {"20270213", "春节假期"},
                                    {"20270214", "上班(补春节假期)"}});

const std::string weekly_json = R"({
  "timezone": "Asia/Shanghai",
  "weekly": {"mon": [["09:00","18:00"]], "tue": [["09:00","18:00"]], "wed": [["09:00","18:00"]],
             "thu": [["09:00","18:00"]], "fri": [["09:00","18:00"]]})";

class TempFile {
public:
    explicit TempFile(const std::string& contents) {
        static std::atomic<int> counter{0};
        path_ = (std::filesystem::temp_directory_path() /
                 ("ticketflow-coverage-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                    .string();
        std::ofstream(path_, std::ios::binary) << contents;
    }
    ~TempFile() { std::filesystem::remove(path_); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

} // namespace

TEST_CASE("the built-in calendar says how far its holiday data reaches", "[calendar][coverage]") {
    const auto calendar = BusinessCalendar::china_mainland();
    REQUIRE(calendar.coverage());
    CHECK(*calendar.coverage() == DateRange{date(2024, 1, 1), date(2026, 12, 31)});
    CHECK(calendar.covers(date(2026, 12, 31)));
    CHECK_FALSE(calendar.covers(date(2027, 1, 1)));
    CHECK_FALSE(calendar.covers(date(2023, 12, 31)));
    // Beyond the coverage the calendar knows only the weekly schedule: this Monday in the
    // 2027 Spring Festival week reads as a working day, and coverage() is how to tell.
    CHECK(calendar.is_workday(date(2027, 2, 8)));
    CHECK(calendar.last_date() > calendar.coverage()->last);
}

TEST_CASE("coverage defaults to the years the holidays and workdays name", "[calendar][coverage]") {
    CHECK_FALSE(BusinessCalendar::from_json(weekly_json + "}").coverage());
    const auto calendar =
        BusinessCalendar::from_json(weekly_json + R"(, "holidays": ["2025-05-01"], "workdays": ["2026-02-14"],
                                                   "hours": {"2030-12-31": [["09:00","12:00"]]}})");
    CHECK(*calendar.coverage() == DateRange{date(2025, 1, 1), date(2026, 12, 31)});
    CHECK(calendar.definition().covers == std::nullopt);
}

TEST_CASE("a JSON calendar states its coverage with covers", "[calendar][coverage]") {
    const auto calendar = BusinessCalendar::from_json(
        weekly_json + R"(, "holidays": ["2025-05-01"], "covers": ["2024-07-01", "2025-06-30"]})");
    CHECK(*calendar.coverage() == DateRange{date(2024, 7, 1), date(2025, 6, 30)});
    CHECK(calendar.covers(date(2024, 7, 1)));
    CHECK_FALSE(calendar.covers(date(2024, 6, 30)));
    CHECK_FALSE(calendar.covers(date(2025, 7, 1)));
    // A calendar that knows there are no holidays in a year covers it with an empty list.
    const auto quiet = BusinessCalendar::from_json(weekly_json + R"(, "covers": ["2030-01-01", "2030-12-31"]})");
    CHECK(quiet.covers(date(2030, 6, 1)));

    const auto load = [](const std::string& tail) {
        return calendar_error([&] { BusinessCalendar::from_json(weekly_json + tail, "c.json"); });
    };
    CHECK_THAT(load(R"(, "covers": ["2025-06-30", "2024-07-01"]})"),
               Contains("c.json: covers: 2025-06-30 to 2024-07-01 ends before it starts"));
    // The 2023 New Year break began on 2022-12-31: a holiday just outside the coverage.
    const auto early_start = BusinessCalendar::from_json(
        weekly_json + R"(, "holidays": ["2022-12-31", "2023-01-02"], "covers": ["2023-01-01", "2023-12-31"]})");
    CHECK_FALSE(early_start.covers(date(2022, 12, 31)));
    CHECK_FALSE(early_start.is_workday(date(2023, 1, 2)));
    CHECK_THAT(load(R"(, "covers": ["2024-01-01", "2031-12-31"], "horizon": [2020, 2030]})"),
               Contains("c.json: covers: 2024-01-01 to 2031-12-31 lies outside the horizon 2020-2030"));
    CHECK_THAT(load(R"(, "covers": ["2024-01-01"]})"), Contains("c.json: covers: expected [\"YYYY-MM-DD\""));
    CHECK_THAT(load(R"(, "covers": ["2024-01-01", 2025]})"), Contains("c.json: covers[1]: expected a string"));
    CHECK_THAT(load(R"(, "covers": ["2024-01-01", "2025-02-30"]})"), Contains("covers[1]: '2025-02-30' is not a date"));
}

TEST_CASE("a newer iCalendar feed is loaded over the current calendar at run time", "[calendar][coverage][ics]") {
    const auto current = BusinessCalendar::china_mainland();
    const auto updated = current.with_ics(feed_2027);
    CHECK(*updated.coverage() == DateRange{date(2024, 1, 1), date(2027, 12, 31)});
    CHECK_FALSE(updated.is_workday(date(2027, 2, 8)));
    CHECK(updated.is_workday(date(2027, 2, 14))); // Sunday make-up workday
    CHECK_FALSE(updated.is_workday(date(2027, 1, 1)));
    // Friday 2027-02-05 17:00 plus 2 business hours: the make-up Sunday 10:00.
    CHECK(updated.add_business_time(beijing(2027, 2, 5, 17, 0), 2h) == beijing(2027, 2, 14, 10, 0));
    // The older years and the rules are the current calendar's.
    CHECK_FALSE(updated.is_workday(date(2025, 1, 29)));
    CHECK(updated.name() == current.name());
    CHECK(updated.definition().weekly == current.definition().weekly);
    // The current calendar is immutable: it still ends its coverage with 2026.
    CHECK_FALSE(current.covers(date(2027, 2, 8)));
    CHECK(current.is_workday(date(2027, 2, 8)));
}

TEST_CASE("a feed extends the coverage backwards too, and a feed without events leaves it",
          "[calendar][coverage][ics]") {
    const auto current = BusinessCalendar::china_mainland();
    const auto older = current.with_ics(feed({{"20230122", "春节假期"}, {"20230128", "春节补班"}}));
    CHECK(*older.coverage() == DateRange{date(2023, 1, 1), date(2026, 12, 31)});
    CHECK(older.is_workday(date(2023, 1, 28)));
    CHECK(older.first_date() <= date(2018, 1, 1)); // the horizon follows the data

    const auto festivals_only = current.with_ics(feed({{"20280214", "情人节"}}));
    CHECK(festivals_only.coverage() == current.coverage());
}

TEST_CASE("a feed that would leave a year without data is refused", "[calendar][coverage][ics]") {
    const auto current = BusinessCalendar::china_mainland();
    IcsOptions options;
    options.source_name = "cn-2028.ics";
    CHECK_THAT(calendar_error([&] {
                   current.with_ics(feed({{"20280101", "元旦假期"}}), options);
               }),
               Contains("cn-2028.ics: the feed has no holidays or make-up workdays in 2027, nor does the "
                        "calendar's coverage 2024-01-01 to 2026-12-31 reach it: a year without data would be "
                        "claimed covered (load 2027 first)"));
    CHECK_THAT(calendar_error([&] {
                   current.with_ics(feed({{"20220101", "元旦假期"}}));
               }),
               Contains("iCalendar: the feed has no holidays or make-up workdays in 2023"));
    // Nor may a feed itself skip a year.
    CHECK_THAT(calendar_error([&] {
                   BusinessCalendar::from_json(weekly_json + "}")
                       .with_ics(feed({{"20250101", "元旦假期"}, {"20270101", "元旦假期"}}));
               }),
               Contains("iCalendar: the feed has no holidays or make-up workdays in 2026: a year without data"));
    // In order, year by year, it loads.
    const auto both = current.with_ics(feed_2027).with_ics(feed({{"20280101", "元旦假期"}}), options);
    CHECK(both.coverage()->last == date(2028, 12, 31));
}

TEST_CASE("a calendar without holidays takes the feed's years as its coverage", "[calendar][coverage][ics]") {
    const auto plain = BusinessCalendar::from_json(weekly_json + "}");
    const auto loaded = plain.with_ics(feed_2027);
    CHECK(*loaded.coverage() == DateRange{date(2027, 1, 1), date(2027, 12, 31)});
    CHECK_FALSE(loaded.is_workday(date(2027, 2, 8)));
}

TEST_CASE("with_ics_file reads the feed from a file and names it in errors", "[calendar][coverage][ics]") {
    const TempFile good(feed_2027);
    const auto updated = BusinessCalendar::china_mainland().with_ics_file(good.path());
    CHECK_FALSE(updated.is_workday(date(2027, 2, 8)));

    const TempFile bad(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2027021\nSUMMARY:春节假期\nEND:VEVENT\nEND:VCALENDAR\n");
    CHECK_THAT(calendar_error([&] { BusinessCalendar::china_mainland().with_ics_file(bad.path()); }),
               Contains(bad.path() + ":3: DTSTART: '2027021' is not a DATE"));
    CHECK_THAT(calendar_error([&] { BusinessCalendar::china_mainland().with_ics_file(bad.path() + ".missing"); }),
               Contains(bad.path() + ".missing: cannot read the calendar file"));
}

TEST_CASE("a JSON calendar file with newer data is loaded at run time", "[calendar][coverage]") {
    const TempFile file(weekly_json +
                        R"(, "name": "next year", "holidays": ["2027-02-08"], "workdays": ["2027-02-14"]})");
    const auto calendar = BusinessCalendar::from_json_file(file.path());
    CHECK(*calendar.coverage() == DateRange{date(2027, 1, 1), date(2027, 12, 31)});
    CHECK_FALSE(calendar.is_workday(date(2027, 2, 8)));
}

TEST_CASE("feed dates outside an explicit horizon are an error by default, or clipped", "[calendar][coverage][ics]") {
    const auto base =
        BusinessCalendar::from_json(weekly_json + R"(, "holidays": ["2024-10-01"], "horizon": [2020, 2035]})");
    const std::string reaching_back =
        feed({{"20080101", "元旦假期"}, {"20240101", "元旦假期"}, {"20251001", "国庆节假期"}});
    IcsOptions options;
    options.source_name = "all-years.ics";
    CHECK_THAT(calendar_error([&] { base.with_ics(reaching_back, options); }),
               Contains("all-years.ics:4: 2008-01-01 lies outside the calendar's horizon 2020-2035") &&
                   Contains("OutsideHorizon::clip"));

    options.outside_horizon = OutsideHorizon::clip;
    const auto clipped = base.with_ics(reaching_back, options);
    CHECK(clipped.first_date() == date(2020, 1, 1));
    CHECK(clipped.definition().holidays == std::set<date>{date(2024, 1, 1), date(2024, 10, 1), date(2025, 10, 1)});
    CHECK(*clipped.coverage() == DateRange{date(2024, 1, 1), date(2025, 12, 31)});

    // Without an explicit horizon the horizon grows with the feed instead.
    const auto grown = BusinessCalendar::from_json(weekly_json + "}").with_ics(feed({{"20080101", "元旦假期"}}));
    CHECK(grown.first_date() == date(2003, 1, 1));
    CHECK_FALSE(grown.is_workday(date(2008, 1, 1)));
    CHECK(*grown.coverage() == DateRange{date(2008, 1, 1), date(2008, 12, 31)});
}
