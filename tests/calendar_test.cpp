#include "calendar_reference.hpp"
#include "ticketflow/calendar.hpp"
#include "ticketflow/error.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include <unistd.h>

using namespace ticketflow;
using boost::gregorian::date;
using testing::days_from_civil;
using testing::ReferenceCalendar;
using testing::Secs;
using namespace std::chrono_literals;

namespace {

Instant at(Secs utc) { return Instant{Duration{utc}}; }
Secs secs(Instant t) { return t.time_since_epoch().count(); }
Secs day_number(const date& d) { return (d - date(1970, 1, 1)).days(); }
date date_of(Secs day) { return date(1970, 1, 1) + boost::gregorian::days(day); }

// UTC, and Beijing time (always UTC+8), computed without the library.
Instant utc(int y, int m, int d, int h = 0, int mi = 0, int s = 0) {
    return at(days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s);
}
Instant beijing(int y, int m, int d, int h = 0, int mi = 0, int s = 0) { return utc(y, m, d, h, mi, s) - 8h; }

boost::posix_time::ptime as_ptime(Secs local) {
    const Secs day = testing::floor_div(local, 86400);
    return {date_of(day), boost::posix_time::seconds(static_cast<long>(local - day * 86400))};
}

// What the C library's clock reads at `utc`, for the zone in $TZ.
Secs c_library_clock(Secs utc) {
    const std::time_t time = static_cast<std::time_t>(utc);
    std::tm local{};
    ::localtime_r(&time, &local);
    return utc + local.tm_gmtoff;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const std::string cn_file = std::string(TICKETFLOW_SOURCE_DIR) + "/data/calendars/cn-mainland.json";

// Night and day shifts in Berlin, working through the hours the clocks change on
// (Sundays 00:00-06:00), with date-specific hours whose boundaries fall into the skipped
// and the repeated hour of 2025, and a Sunday evening shift running into Monday's night.
const std::string berlin_json = R"({
  "name": "Berlin night desk",
  "timezone": "Europe/Berlin",
  "weekly": {
    "mon": [["00:00","06:00"],["09:00","12:00"],["13:00","17:30"]],
    "tue": [["00:00","06:00"],["09:00","12:00"],["13:00","17:30"]],
    "wed": [["00:00","06:00"],["09:00","12:00"],["13:00","17:30"]],
    "thu": [["00:00","06:00"],["09:00","12:00"],["13:00","17:30"]],
    "fri": [["00:00","06:00"],["09:00","12:00"],["13:00","17:30"]],
    "sat": [["10:00","14:00"]],
    "sun": [["00:00","06:00"],["22:00","24:00"]]
  },
  "holidays": ["2024-12-25", "2024-12-26", "2025-01-01", "2025-04-18", "2025-04-21", "2025-12-25", "2025-12-26",
               "2026-01-01"],
  "workdays": ["2024-12-28", "2025-10-25"],
  "hours": {
    "2024-12-24": [["09:00","12:00"]],
    "2025-03-30": [["01:30","02:30"],["02:45","05:00"]],
    "2025-10-26": [["01:30","02:30"],["02:45","05:00"]]
  }
})";

// A directory of its own under the system temp directory, removed at the end of the test.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("ticketflow-calendar-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    std::string write(const std::string& name, const std::string& contents) const {
        const auto file = path_ / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << contents;
        return file.string();
    }
    std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

// Sets an environment variable for the scope of a test (TZ and TZDIR; tests run serially).
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value.c_str(), 1);
        ::tzset();
    }
    ~ScopedEnv() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
        ::tzset();
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

// The message of the CalendarError `load` throws ("" if it throws none or another type).
template <typename Load>
std::string calendar_error(Load load) {
    try {
        load();
    } catch (const CalendarError& e) {
        return e.what();
    } catch (...) {}
    return "";
}

using Catch::Matchers::Contains;

} // namespace

namespace Catch {
template <>
struct StringMaker<date> {
    static std::string convert(const date& d) {
        if (d.is_special()) return "special date";
        return std::to_string(d.year()) + "-" + std::to_string(d.month().as_number()) + "-" +
               std::to_string(d.day().as_number());
    }
};
} // namespace Catch

// --- loading ---------------------------------------------------------------------------

TEST_CASE("the China preset is the shipped data file, compiled in", "[calendar]") {
    const auto preset = BusinessCalendar::china_mainland();
    const auto file = BusinessCalendar::from_json_file(cn_file);
    CHECK(preset.name() == "China mainland");
    CHECK(preset.zone_name() == "Asia/Shanghai");
    CHECK(preset.definition().holidays == file.definition().holidays);
    CHECK(preset.definition().workdays == file.definition().workdays);
    CHECK(preset.definition().weekly == file.definition().weekly);
    // The horizon follows the data: five years before its first year, ten after its last.
    const auto& holidays = preset.definition().holidays;
    CHECK(preset.first_date() == date(holidays.begin()->year() - 5, 1, 1));
    CHECK(preset.last_date() == date(holidays.rbegin()->year() + 10, 12, 31));
    // The State Council's notices for 2024 to 2026, spot-checked.
    for (const date day :
         {date(2024, 2, 10), date(2024, 10, 7), date(2025, 1, 28), date(2025, 10, 8), date(2026, 2, 23)})
        CHECK(holidays.count(day) == 1);
    for (const date day :
         {date(2024, 2, 4), date(2024, 10, 12), date(2025, 1, 26), date(2025, 2, 8), date(2026, 9, 20)})
        CHECK(preset.definition().workdays.count(day) == 1);
}

TEST_CASE("a calendar loads from a JSON string with date-specific hours", "[calendar]") {
    const auto calendar = BusinessCalendar::from_json(R"({
        "timezone": "Asia/Shanghai",
        "weekly": {"mon": [["13:30","18:00"], ["09:00","12:00"]], "tue": [["09:00","12:00"]]},
        "holidays": ["2024-10-01"],
        "hours": {"2024-09-30": [["09:00","11:00"]], "2024-10-05": []},
        "horizon": [2020, 2030]
    })");
    CHECK(calendar.name().empty());
    CHECK(calendar.first_date() == date(2020, 1, 1));
    CHECK(calendar.last_date() == date(2030, 12, 31));
    // Intervals are kept sorted whatever their order in the file.
    const std::vector<WorkingInterval> monday{{9 * 60, 12 * 60}, {13 * 60 + 30, 18 * 60}};
    CHECK(calendar.definition().weekly[boost::date_time::Monday] == monday);
    // A half day on the eve of National Day (a Monday).
    CHECK(calendar.business_time_between(beijing(2024, 9, 30), beijing(2024, 10, 1)) == 2h);
    CHECK(calendar.end_of_workday(date(2024, 9, 30)) == beijing(2024, 9, 30, 11, 0));
    CHECK_FALSE(calendar.is_workday(date(2024, 10, 1)));
    CHECK(calendar.is_workday(date(2024, 10, 8)));
    CHECK_FALSE(calendar.is_workday(date(2024, 10, 9)));
}

TEST_CASE("a calendar can be built in code", "[calendar]") {
    CalendarDefinition definition;
    definition.name = "Shanghai support";
    definition.time_zone = "Asia/Shanghai";
    for (int weekday = boost::date_time::Monday; weekday <= boost::date_time::Friday; ++weekday)
        definition.weekly[static_cast<std::size_t>(weekday)] = {{9 * 60, 12 * 60}, {13 * 60 + 30, 18 * 60}};
    definition.hours[date(2024, 12, 31)] = {{9 * 60, 12 * 60}};
    const BusinessCalendar calendar(definition);
    CHECK(calendar.add_business_time(beijing(2024, 12, 31, 11, 0), 2h) == beijing(2025, 1, 1, 10, 0));
    CHECK(calendar.first_date() == date(2019, 1, 1));
}

// --- hand-picked edges on the China calendar -------------------------------------------

TEST_CASE("business time respects block edges and the lunch break", "[calendar]") {
    const auto cn = BusinessCalendar::china_mainland();
    // Monday 2024-05-20, an ordinary working day.
    CHECK(cn.add_business_time(beijing(2024, 5, 20, 10, 0), 2h) == beijing(2024, 5, 20, 12, 0));
    CHECK(cn.add_business_time(beijing(2024, 5, 20, 11, 0), 1h) == beijing(2024, 5, 20, 12, 0));
    CHECK(cn.add_business_time(beijing(2024, 5, 20, 11, 0), 1h + 1s) == beijing(2024, 5, 20, 13, 30, 1));
    CHECK(cn.add_business_time(beijing(2024, 5, 20, 12, 30), 30min) == beijing(2024, 5, 20, 14, 0));
    CHECK(cn.add_business_time(beijing(2024, 5, 20, 9, 0), 7h + 30min) == beijing(2024, 5, 20, 18, 0));
    CHECK(cn.add_business_time(beijing(2024, 5, 20, 9, 0), 7h + 30min + 1s) == beijing(2024, 5, 21, 9, 0, 1));
    CHECK(cn.add_business_time(beijing(2024, 5, 20, 6, 0), 1s) == beijing(2024, 5, 20, 9, 0, 1));

    SECTION("adding zero returns the instant itself, even outside working time") {
        CHECK(cn.add_business_time(beijing(2024, 5, 20, 12, 30), 0s) == beijing(2024, 5, 20, 12, 30));
        CHECK(cn.add_business_time(beijing(2024, 5, 25, 3, 0), 0s) == beijing(2024, 5, 25, 3, 0));
    }
    SECTION("the next business instant") {
        CHECK(cn.next_business_instant(beijing(2024, 5, 20, 11, 59, 59)) == beijing(2024, 5, 20, 11, 59, 59));
        CHECK(cn.next_business_instant(beijing(2024, 5, 20, 12, 0)) == beijing(2024, 5, 20, 13, 30));
        CHECK(cn.next_business_instant(beijing(2024, 5, 20, 13, 30)) == beijing(2024, 5, 20, 13, 30));
        CHECK(cn.next_business_instant(beijing(2024, 5, 24, 18, 0)) == beijing(2024, 5, 27, 9, 0));
    }
    SECTION("business time between two instants") {
        CHECK(cn.business_time_between(beijing(2024, 5, 20, 9, 0), beijing(2024, 5, 20, 18, 0)) == 7h + 30min);
        CHECK(cn.business_time_between(beijing(2024, 5, 20, 12, 0), beijing(2024, 5, 20, 13, 30)) == 0s);
        CHECK(cn.business_time_between(beijing(2024, 5, 20, 11, 0), beijing(2024, 5, 20, 11, 0)) == 0s);
        CHECK(cn.business_time_between(beijing(2024, 5, 20, 18, 0), beijing(2024, 5, 20, 9, 0)) == -(7h + 30min));
    }
    SECTION("negative amounts are rejected") {
        CHECK_THROWS_AS(cn.add_business_time(beijing(2024, 5, 20, 9, 0), -1s), ValidationError);
    }
}

TEST_CASE("Spring Festival 2025: holidays and make-up workdays", "[calendar]") {
    const auto cn = BusinessCalendar::china_mainland();
    // Off 2025-01-28 .. 2025-02-04; Sunday 01-26 and Saturday 02-08 are working days.
    CHECK(cn.is_workday(date(2025, 1, 26)));
    CHECK_FALSE(cn.is_workday(date(2025, 1, 28)));
    CHECK_FALSE(cn.is_workday(date(2025, 2, 4)));
    CHECK(cn.is_workday(date(2025, 2, 8)));
    CHECK_FALSE(cn.is_workday(date(2025, 2, 9)));

    CHECK(cn.add_business_time(beijing(2025, 1, 24, 17, 0), 2h) == beijing(2025, 1, 26, 10, 0));
    CHECK(cn.add_business_time(beijing(2025, 1, 27, 17, 0), 2h) == beijing(2025, 2, 5, 10, 0));
    CHECK(cn.add_business_time(beijing(2025, 2, 7, 17, 0), 2h) == beijing(2025, 2, 8, 10, 0));
    CHECK(cn.next_business_instant(beijing(2025, 1, 27, 18, 0)) == beijing(2025, 2, 5, 9, 0));

    CHECK(cn.add_workdays(date(2025, 1, 24), 1) == date(2025, 1, 26));
    CHECK(cn.add_workdays(date(2025, 1, 27), 1) == date(2025, 2, 5));
    CHECK(cn.add_workdays(date(2025, 2, 7), 1) == date(2025, 2, 8));
    CHECK(cn.add_workdays(date(2025, 2, 5), -1) == date(2025, 1, 27));
    CHECK(cn.add_workdays(date(2025, 1, 25), 0) == date(2025, 1, 25));
    CHECK(cn.add_workdays(date(2025, 1, 27), 4) == date(2025, 2, 8));
    CHECK(cn.add_workdays(date(2025, 1, 27), 5) == date(2025, 2, 10));

    CHECK(cn.business_time_between(beijing(2025, 1, 27, 9, 0), beijing(2025, 2, 5, 9, 0)) == 7h + 30min);
    // Working days 01-24, 01-26, 01-27, 02-05, 02-06, 02-07, 02-08.
    CHECK(cn.business_time_between(beijing(2025, 1, 24), beijing(2025, 2, 10)) == 7 * (7h + 30min));

    CHECK(cn.end_of_workday(date(2025, 1, 26)) == beijing(2025, 1, 26, 18, 0));
    CHECK_THROWS_AS(cn.end_of_workday(date(2025, 1, 28)), ValidationError);
}

TEST_CASE("New Year and the 2024 Spring Festival", "[calendar]") {
    const auto cn = BusinessCalendar::china_mainland();
    CHECK(cn.add_business_time(beijing(2024, 12, 31, 17, 0), 2h) == beijing(2025, 1, 2, 10, 0));
    CHECK(cn.next_business_instant(beijing(2025, 1, 1, 10, 0)) == beijing(2025, 1, 2, 9, 0));
    // 2026-01-01 .. 01-03 off, Sunday 01-04 worked.
    CHECK(cn.add_business_time(beijing(2025, 12, 31, 17, 0), 2h) == beijing(2026, 1, 4, 10, 0));
    CHECK(cn.add_workdays(date(2024, 2, 9), 1) == date(2024, 2, 18));
    CHECK(cn.is_workday(date(2024, 2, 4)));
}

TEST_CASE("local time helpers", "[calendar]") {
    const auto cn = BusinessCalendar::china_mainland();
    CHECK(cn.to_instant(date(2024, 5, 20), 9, 0) == utc(2024, 5, 20, 1, 0));
    CHECK(cn.to_instant(date(2024, 5, 20), 24, 0) == utc(2024, 5, 20, 16, 0));
    CHECK(cn.to_instant(boost::posix_time::ptime(date(2024, 5, 20),
                                                 boost::posix_time::hours(9) + boost::posix_time::seconds(5))) ==
          utc(2024, 5, 20, 1, 0, 5));
    CHECK(cn.local_date(utc(2024, 5, 19, 16, 0)) == date(2024, 5, 20));
    CHECK(cn.local_date(utc(2024, 5, 19, 15, 59, 59)) == date(2024, 5, 19));
    CHECK(cn.to_local(utc(2024, 5, 20, 1, 2, 3)) ==
          boost::posix_time::ptime(date(2024, 5, 20), boost::posix_time::time_duration(9, 2, 3)));
    CHECK(cn.utc_offset(utc(2024, 5, 20)) == 8h);
    CHECK_THROWS_AS(cn.to_instant(date(2024, 5, 20), 24, 1), ValidationError);
    CHECK_THROWS_AS(cn.to_instant(date(2024, 5, 20), 9, 60), ValidationError);
    CHECK_THROWS_AS(cn.to_instant(boost::posix_time::ptime()), ValidationError);
}

TEST_CASE("queries outside the horizon throw CalendarError", "[calendar]") {
    auto rules = BusinessCalendar::china_mainland().definition();
    rules.first_year = 2019;
    rules.last_year = 2036;
    const BusinessCalendar cn(rules);
    CHECK_THAT(calendar_error([&] { cn.is_workday(date(2037, 1, 1)); }), Contains("2037-01-01") && Contains("horizon"));
    CHECK_THAT(calendar_error([&] { cn.add_business_time(beijing(2018, 12, 31, 23, 59, 59), 1h); }),
               Contains("2018-12-31T15:59:59Z"));
    CHECK(cn.add_business_time(beijing(2036, 12, 31, 9, 0), 7h + 30min) == beijing(2036, 12, 31, 18, 0));
    CHECK_THAT(calendar_error([&] { cn.add_business_time(beijing(2036, 12, 31, 9, 0), 7h + 30min + 1s); }),
               Contains("horizon"));
    CHECK_THAT(calendar_error([&] { cn.next_business_instant(beijing(2036, 12, 31, 18, 0)); }), Contains("horizon"));
    CHECK_THAT(calendar_error([&] { cn.add_workdays(date(2036, 12, 30), 2); }), Contains("horizon"));
    CHECK_THAT(calendar_error([&] { cn.add_workdays(date(2019, 1, 1), -1); }), Contains("horizon"));
    CHECK_THAT(calendar_error([&] { cn.business_time_between(beijing(2024, 1, 1), beijing(2037, 1, 1)); }),
               Contains("horizon"));
    CHECK_THAT(calendar_error([&] { cn.local_date(beijing(2037, 1, 1)); }), Contains("horizon"));
    CHECK(cn.local_date(beijing(2036, 12, 31, 23, 59, 59)) == date(2036, 12, 31));
}

// --- daylight saving time --------------------------------------------------------------

TEST_CASE("a working interval on a DST-change day has its real length", "[calendar][dst]") {
    const auto berlin = BusinessCalendar::from_json(berlin_json);
    // Sunday 2024-03-31: 00:00 CET is 23:00 UTC, 06:00 CEST is 04:00 UTC.
    CHECK(berlin.business_time_between(utc(2024, 3, 30, 20, 0), utc(2024, 3, 31, 12, 0)) == 5h);
    CHECK(berlin.end_of_workday(date(2024, 3, 31)) == utc(2024, 3, 31, 22, 0));
    // Sunday 2024-10-27: 00:00 CEST is 22:00 UTC the day before, 06:00 CET is 05:00 UTC.
    CHECK(berlin.business_time_between(utc(2024, 10, 26, 20, 0), utc(2024, 10, 27, 12, 0)) == 7h);
    CHECK(berlin.add_business_time(utc(2024, 10, 26, 22, 0), 7h) == utc(2024, 10, 27, 5, 0));

    SECTION("boundaries in the skipped hour map to the jump") {
        // 2025-03-30 01:30-02:30 and 02:45-05:00: 02:30 and 02:45 never happen, both are
        // the jump at 01:00 UTC, so the two intervals run on as 00:30-03:00 UTC.
        CHECK(berlin.to_instant(date(2025, 3, 30), 2, 30) == utc(2025, 3, 30, 1, 0));
        CHECK(berlin.business_time_between(utc(2025, 3, 29, 23, 0), utc(2025, 3, 30, 22, 0)) == 2h + 30min);
        CHECK(berlin.next_business_instant(utc(2025, 3, 30, 0, 0)) == utc(2025, 3, 30, 0, 30));
        CHECK(berlin.add_business_time(utc(2025, 3, 30, 0, 30), 2h + 30min) == utc(2025, 3, 30, 3, 0));
    }
    SECTION("boundaries in the repeated hour take its first occurrence") {
        // 2025-10-26 01:30-02:30 CEST is 23:30-00:30 UTC; 02:45 CEST-05:00 CET is 00:45-04:00 UTC.
        CHECK(berlin.to_instant(date(2025, 10, 26), 2, 30) == utc(2025, 10, 26, 0, 30));
        CHECK(berlin.business_time_between(utc(2025, 10, 25, 22, 0), utc(2025, 10, 26, 22, 0)) == 4h + 15min);
        CHECK(berlin.next_business_instant(utc(2025, 10, 26, 0, 30)) == utc(2025, 10, 26, 0, 45));
    }
    SECTION("offsets and local dates around the change") {
        CHECK(berlin.utc_offset(utc(2025, 3, 30, 0, 59, 59)) == 1h);
        CHECK(berlin.utc_offset(utc(2025, 3, 30, 1, 0)) == 2h);
        CHECK(berlin.local_date(utc(2025, 10, 25, 22, 0)) == date(2025, 10, 26));
        CHECK(berlin.to_local(utc(2025, 10, 26, 1, 30)) ==
              boost::posix_time::ptime(date(2025, 10, 26), boost::posix_time::time_duration(2, 30, 0)));
    }
    SECTION("a Sunday evening shift runs on into Monday's night shift") {
        CHECK(berlin.add_business_time(utc(2024, 6, 2, 20, 0), 3h) == utc(2024, 6, 2, 23, 0));
        CHECK(berlin.business_time_between(utc(2024, 6, 2, 20, 0), utc(2024, 6, 3, 4, 0)) == 8h);
    }
}

// --- against the brute-force reference -------------------------------------------------

namespace {

// Random queries over 2024-2026 checked against the reference. One day in four is a
// `focus` day or next to one; one start in four lies on, or a second beside, an interval
// boundary.
void check_against_reference(const BusinessCalendar& calendar, const ReferenceCalendar& reference,
                             const std::vector<Secs>& focus, std::uint64_t seed) {
    const Secs first_day = days_from_civil(2024, 1, 1), last_day = days_from_civil(2026, 11, 15);
    std::mt19937_64 rng(seed);
    const auto uniform = [&](Secs lo, Secs hi) { return std::uniform_int_distribution<Secs>(lo, hi)(rng); };
    const auto random_day = [&] {
        if (uniform(0, 3) > 0) return uniform(first_day, last_day);
        return focus[static_cast<std::size_t>(uniform(0, static_cast<Secs>(focus.size()) - 1))] + uniform(-1, 1);
    };
    const auto random_instant = [&]() -> Secs {
        const Secs day = random_day();
        const auto intervals = reference.intervals_on(day);
        if (uniform(0, 3) > 0 || intervals.empty()) {
            const Secs t = day * 86400 + uniform(-12 * 3600, 36 * 3600);
            return uniform(0, 1) ? t : t - t % 60; // whole minutes half of the time
        }
        const auto& interval = intervals[static_cast<std::size_t>(uniform(0, Secs(intervals.size()) - 1))];
        const int minute = uniform(0, 1) ? interval.first : interval.second;
        return reference.first_reaching(day * 86400 + minute * 60) + uniform(-1, 1);
    };
    // Spans up to an hour, a day, five and thirty working days, zero now and then, and
    // spans that end exactly where an interval ends.
    const auto random_amount = [&](Secs start) -> Secs {
        switch (uniform(0, 4)) {
        case 0: return uniform(0, 3) == 0 ? 0 : uniform(1, 3600);
        case 1: return uniform(1, 9 * 3600);
        case 2: return uniform(1, 5 * 9 * 3600);
        case 3: return uniform(1, 30 * 9 * 3600);
        default: {
            const Secs day = testing::floor_div(start, 86400) + uniform(0, 10);
            const auto intervals = reference.intervals_on(day);
            if (intervals.empty()) return uniform(1, 3600);
            const int end = intervals[static_cast<std::size_t>(uniform(0, Secs(intervals.size()) - 1))].second;
            const Secs end_instant = reference.first_reaching(day * 86400 + end * 60);
            return std::max(Secs{0}, reference.business_time_between(start, end_instant));
        }
        }
    };

    for (int i = 0; i < 2000; ++i) {
        const Secs start = random_instant(), amount = random_amount(start);
        const Secs other = start + uniform(-20, 20) * 86400 + uniform(-43200, 43200);
        INFO("case " << i << ": start " << start << ", amount " << amount << ", other " << other);
        const Instant due = calendar.add_business_time(at(start), Duration{amount});
        CHECK(secs(due) == reference.add_business_time(start, amount));
        CHECK(calendar.business_time_between(at(start), due) == Duration{amount});
        CHECK(calendar.business_time_between(at(start), at(other)).count() ==
              reference.business_time_between(start, other));
        CHECK(secs(calendar.next_business_instant(at(start))) == reference.next_business_instant(start));
        CHECK(day_number(calendar.local_date(at(start))) == reference.local_day(start));

        const Secs day = random_day();
        const int n = static_cast<int>(uniform(-30, 30));
        const int minute = static_cast<int>(uniform(0, 24 * 60));
        INFO("day " << day << ", n " << n << ", minute " << minute);
        CHECK(calendar.is_workday(date_of(day)) == reference.is_workday(day));
        CHECK(day_number(calendar.add_workdays(date_of(day), n)) == reference.add_workdays(day, n));
        CHECK(secs(calendar.to_instant(date_of(day), minute / 60, minute % 60)) ==
              reference.first_reaching(day * 86400 + minute * 60));
        if (reference.is_workday(day))
            CHECK(secs(calendar.end_of_workday(date_of(day))) == reference.end_of_workday(day));
    }
}

ReferenceCalendar reference_for(const std::string& json, testing::ZoneRule zone) {
    return ReferenceCalendar(json, std::move(zone), days_from_civil(2023, 12, 1), days_from_civil(2027, 3, 31));
}

} // namespace

TEST_CASE("random queries match the reference: Asia/Shanghai with 调休", "[calendar][reference]") {
    const auto cn = BusinessCalendar::china_mainland();
    std::vector<Secs> holidays_and_workdays;
    for (const date& day : cn.definition().holidays) holidays_and_workdays.push_back(day_number(day));
    for (const date& day : cn.definition().workdays) holidays_and_workdays.push_back(day_number(day));
    check_against_reference(cn, reference_for(read_file(cn_file), testing::shanghai_rule()), holidays_and_workdays,
                            20240520);
}

TEST_CASE("random queries match the reference: Europe/Berlin across DST changes", "[calendar][reference][dst]") {
    const std::vector<Secs> dst_changes = {days_from_civil(2024, 3, 31), days_from_civil(2024, 10, 27),
                                           days_from_civil(2025, 3, 30), days_from_civil(2025, 10, 26),
                                           days_from_civil(2026, 3, 29), days_from_civil(2026, 10, 25)};
    check_against_reference(BusinessCalendar::from_json(berlin_json),
                            reference_for(berlin_json, testing::berlin_rule()), dst_changes, 20250330);
}

TEST_CASE("random queries match the reference: many short intervals a day", "[calendar][reference]") {
    // Twelve 50-minute slots on weekdays (more than the direct indexes scan, so they bisect
    // within a day), one long Saturday, Sunday off, and a few dated exceptions.
    std::string slots;
    for (int hour = 8; hour < 20; ++hour) {
        char slot[48];
        std::snprintf(slot, sizeof slot, "%s[\"%02d:00\",\"%02d:50\"]", slots.empty() ? "" : ",", hour, hour);
        slots += slot;
    }
    const std::string json = R"({"timezone": "Asia/Shanghai", "weekly": {"mon": [)" + slots + R"(], "tue": [)" + slots +
                             R"(], "wed": [)" + slots + R"(], "thu": [)" + slots + R"(], "fri": [)" + slots +
                             R"(], "sat": [["06:00","23:30"]]},
        "holidays": ["2025-01-01", "2025-05-01", "2025-10-01"], "workdays": ["2025-09-28"],
        "hours": {"2025-12-31": [["09:00","09:01"],["09:02","09:03"],["12:00","24:00"]]}})";
    const std::vector<Secs> focus = {days_from_civil(2025, 1, 1), days_from_civil(2025, 9, 28),
                                     days_from_civil(2025, 12, 31)};
    check_against_reference(BusinessCalendar::from_json(json), reference_for(json, testing::shanghai_rule()), focus,
                            20251231);
}

// --- time zones ------------------------------------------------------------------------

TEST_CASE("UTC offsets agree with the C library's tz code, 1902-2100", "[calendar][zone]") {
    const char* const zones[] = {"Europe/Berlin",       "Asia/Shanghai",
                                 "America/New_York",    "America/Sao_Paulo",
                                 "Australia/Lord_Howe", "Europe/Dublin",
                                 "Africa/Casablanca",   "America/Nuuk",
                                 "Asia/Jerusalem",      "Pacific/Chatham",
                                 "Asia/Kolkata",        "America/Santiago",
                                 "Asia/Gaza",           "UTC"};
    std::mt19937_64 rng(1902);
    for (const char* zone : zones) {
        CalendarDefinition definition;
        definition.time_zone = zone;
        definition.first_year = 1902;
        definition.last_year = 2100;
        const BusinessCalendar calendar(definition);
        const ScopedEnv tz("TZ", zone);
        const Secs from = secs(calendar.to_instant(calendar.first_date(), 0, 0));
        const Secs until = secs(calendar.to_instant(calendar.last_date(), 24, 0));
        for (int i = 0; i < 300; ++i) {
            const Secs t = std::uniform_int_distribution<Secs>(from, until - 1)(rng);
            const Secs reading = c_library_clock(t);
            INFO(zone << " at " << t);
            CHECK(calendar.utc_offset(at(t)).count() == reading - t);

            // The first instant the clock reads a given local time: it reads that time (or
            // later) there, and less at every instant in the two hours before.
            const Secs found = secs(calendar.to_instant(as_ptime(reading)));
            CHECK(c_library_clock(found) >= reading);
            for (Secs back : {1, 60, 900, 1800, 2700, 3600, 3601, 5400, 7200})
                CHECK(c_library_clock(found - back) < reading);
        }
    }
}

TEST_CASE("zones are read from TZDIR", "[calendar][zone]") {
    TempDir dir;
    dir.write("Test/Tokyo", read_file("/usr/share/zoneinfo/Asia/Tokyo"));
    dir.write("Test/Broken", "TZif2 and then nothing useful");
    dir.write("UTC", read_file("/usr/share/zoneinfo/UTC")); // makes it a tz database
    const ScopedEnv tzdir("TZDIR", dir.path());
    CalendarDefinition definition;
    definition.time_zone = "Test/Tokyo";
    CHECK(BusinessCalendar(definition).utc_offset(utc(2024, 1, 1)) == 9h);

    definition.time_zone = "Europe/Berlin";
    CHECK_THAT(calendar_error([&] { BusinessCalendar{definition}; }),
               Contains("unknown time zone 'Europe/Berlin'") && Contains(dir.path()));
    definition.time_zone = "Test/Broken";
    CHECK_THAT(calendar_error([&] { BusinessCalendar{definition}; }), Contains("Test/Broken") && Contains("damaged"));
    definition.time_zone = "../Test/Tokyo";
    CHECK_THAT(calendar_error([&] { BusinessCalendar{definition}; }), Contains("unknown time zone '../Test/Tokyo'"));
}

// --- iCalendar -------------------------------------------------------------------------

namespace {

// The same weekly schedule as the China preset, without any holidays.
BusinessCalendar weekly_only_china() {
    CalendarDefinition definition = BusinessCalendar::china_mainland().definition();
    definition.holidays.clear();
    definition.workdays.clear();
    return BusinessCalendar(definition);
}

// Early 2025 as holiday feeds publish it, in each of the supported conventions.
const std::string feed_2025 = "BEGIN:VCALENDAR\r\n"
                              "VERSION:2.0\r\n"
                              "PRODID:-//ticketflow//test feed//EN\r\n"
                              "BEGIN:VEVENT\r\n"
                              "DTSTART;VALUE=DATE:20250101\r\n"
                              "SUMMARY:New Year's Day\r\n"
                              "CATEGORIES:PUBLIC,HOLIDAY\r\n"
                              "BEGIN:VALARM\r\n"
                              "ACTION:DISPLAY\r\n"
                              "SUMMARY:上班提醒\r\n"
                              "END:VALARM\r\n"
                              "END:VEVENT\r\n"
                              "BEGIN:VEVENT\r\n"
                              "DTSTART;VALUE=DATE:20250128\r\n"
                              "DTEND;VALUE=DATE:20250205\r\n"
                              "SUMMARY:春节 假期\r\n"
                              "END:VEVENT\r\n"
                              "BEGIN:VEVENT\r\n"
                              "DTSTART;VALUE=DATE:20250126\r\n"
                              "SUMMARY:春节补\r\n"
                              " 班\r\n"
                              "END:VEVENT\r\n"
                              "BEGIN:VEVENT\r\n"
                              "DTSTART;TZID=Asia/Shanghai:20250208T090000\r\n"
                              "DTEND;TZID=Asia/Shanghai:20250208T180000\r\n"
                              "SUMMARY:Spring Festival\r\n"
                              "X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY\r\n"
                              "END:VEVENT\r\n"
                              "BEGIN:VEVENT\r\n"
                              "DTSTART;VALUE=DATE:20250214\r\n"
                              "SUMMARY:情人节\r\n"
                              "END:VEVENT\r\n"
                              "BEGIN:VEVENT\r\n"
                              "DTSTART;VALUE=DATE:2025\r\n"
                              "\t0404\r\n"
                              "DURATION:P3D\r\n"
                              "SUMMARY:清明节（休）\r\n"
                              "END:VEVENT\r\n"
                              "END:VCALENDAR\r\n";

} // namespace

TEST_CASE("an iCalendar feed overlays holidays and make-up workdays", "[calendar][ics]") {
    const auto from_feed = BusinessCalendar::from_ics(feed_2025, weekly_only_china());
    const auto preset = BusinessCalendar::china_mainland();
    CHECK(from_feed.zone_name() == "Asia/Shanghai");
    CHECK(from_feed.definition().holidays.size() == 12);
    CHECK(from_feed.definition().workdays == std::set<date>{date(2025, 1, 26), date(2025, 2, 8)});
    // Up to the next make-up workday (2025-04-27) the feed and the official data agree.
    for (date day(2025, 1, 1); day < date(2025, 4, 27); day += boost::gregorian::days(1)) {
        INFO("day " << day_number(day));
        CHECK(from_feed.is_workday(day) == preset.is_workday(day));
    }
    CHECK(from_feed.add_business_time(beijing(2025, 1, 27, 17, 0), 2h) == beijing(2025, 2, 5, 10, 0));
    CHECK(from_feed.is_workday(date(2025, 2, 14))); // Valentine's day: ignored
}

TEST_CASE("iCalendar dates override the base calendar's", "[calendar][ics]") {
    TempDir dir;
    const std::string path = dir.write("company.ics", "BEGIN:VCALENDAR\n"
                                                      "BEGIN:VEVENT\n"
                                                      "DTSTART;VALUE=DATE:20250126\n"
                                                      "SUMMARY:Company holiday\n"
                                                      "END:VEVENT\n"
                                                      "BEGIN:VEVENT\n"
                                                      "DTSTART;VALUE=DATE:20250128\n"
                                                      "CATEGORIES:WORKDAY\n"
                                                      "END:VEVENT\n"
                                                      "END:VCALENDAR\n");
    const auto calendar = BusinessCalendar::from_ics_file(path, BusinessCalendar::china_mainland());
    CHECK_FALSE(calendar.is_workday(date(2025, 1, 26)));
    CHECK(calendar.is_workday(date(2025, 1, 28)));
    CHECK_FALSE(calendar.is_workday(date(2025, 1, 29)));
    CHECK(calendar.name() == "China mainland");
}

// --- bad calendars ---------------------------------------------------------------------

TEST_CASE("bad JSON calendars are rejected with the file and the field or line", "[calendar][errors]") {
    TempDir dir;
    const auto load = [&](const std::string& json) {
        const std::string path = dir.write("bad.json", json);
        return calendar_error([&] { BusinessCalendar::from_json_file(path); });
    };
    const auto with_weekly = [](const std::string& weekly, const std::string& more = "") {
        return R"({"timezone": "Asia/Shanghai", "weekly": )" + weekly + more + "}";
    };
    const std::string file = dir.path() + "/bad.json";

    CHECK_THAT(load("{\n"
                    "  \"timezone\": \"Asia/Shanghai\",\n"
                    "  \"weekly\": {\n"
                    "    \"mon\": [[\"09:00\" \"12:00\"]]\n"
                    "  }\n"
                    "}"),
               Contains(file + ":4:") && Contains("malformed JSON"));
    CHECK_THAT(load(""), Contains(file + ":1:"));
    CHECK_THAT(load(R"({"timezone": "Mars/Olympus_Mons"})"),
               Contains(file) && Contains("timezone") && Contains("Mars/Olympus_Mons"));
    CHECK_THAT(load(R"({"weekly": {}})"), Contains(file + ": timezone: missing"));
    CHECK_THAT(load(with_weekly(R"({"mon": [["09:00","12:00"],["11:00","13:00"]]})")),
               Contains("weekly.mon") && Contains("09:00-12:00 and 11:00-13:00 overlap"));
    CHECK_THAT(load(with_weekly(R"({"tue": [["12:00","09:00"]]})")), Contains("weekly.tue") && Contains("12:00-09:00"));
    CHECK_THAT(load(with_weekly(R"({"mon": [["9:00","12:00"]]})")), Contains("weekly.mon[0]") && Contains("'9:00'"));
    CHECK_THAT(load(with_weekly(R"({"mon": [["09:00","24:30"]]})")), Contains("weekly.mon[0]") && Contains("'24:30'"));
    CHECK_THAT(load(with_weekly(R"({"mon": [["09:00"]]})")), Contains("weekly.mon[0]"));
    CHECK_THAT(load(with_weekly(R"({"thur": []})")), Contains("weekly.thur") && Contains("unknown weekday"));
    CHECK_THAT(load(with_weekly("{}", R"(, "holidays": ["2024-02-30"])")),
               Contains("holidays[0]") && Contains("'2024-02-30'"));
    CHECK_THAT(load(with_weekly("{}", R"(, "workdays": ["2024-1-4"])")), Contains("workdays[0]"));
    CHECK_THAT(load(with_weekly(R"({"mon": [["09:00","12:00"]]})",
                                R"(, "holidays": ["2024-02-04"], "workdays": ["2024-02-04"])")),
               Contains("2024-02-04 is both a holiday and a workday"));
    CHECK_THAT(load(with_weekly("{}", R"(, "holidays": ["2024-10-01"], "hours": {"2024-10-01": [["09:00","12:00"]]})")),
               Contains("2024-10-01"));
    CHECK_THAT(load(with_weekly("{}", R"(, "hours": {"2024-09-31": []})")),
               Contains("hours") && Contains("2024-09-31"));
    CHECK_THAT(load(with_weekly("{}", R"(, "workdays": ["2024-02-04"])")), Contains("workdays") && Contains("Monday"));
    CHECK_THAT(load(with_weekly("{}", R"(, "horizon": [2030, 2020])")), Contains("horizon"));
    CHECK_THAT(load(with_weekly("{}", R"(, "horizon": [2020, 2030], "holidays": ["2019-01-01"])")),
               Contains("holidays") && Contains("2019-01-01"));
    CHECK_THAT(load(with_weekly("{}", R"(, "holiday": [])")), Contains("holiday: unknown key"));
    CHECK_THAT(load(with_weekly("[]")), Contains("weekly"));
    CHECK_THAT(calendar_error([&] { BusinessCalendar::from_json_file(dir.path() + "/missing.json"); }),
               Contains(dir.path() + "/missing.json"));
    CHECK_THAT(calendar_error([] { BusinessCalendar::from_json("{\"timezone\": 8}", "inline"); }),
               Contains("inline: timezone: expected a string"));
}

TEST_CASE("a failed load leaves no calendar behind", "[calendar][errors]") {
    auto calendar = BusinessCalendar::china_mainland();
    CHECK_THROWS_AS(calendar = BusinessCalendar::from_json(R"({"timezone": "Nowhere/City"})"), CalendarError);
    CHECK(calendar.name() == "China mainland");
    CHECK(calendar.is_workday(date(2025, 1, 26)));
}

TEST_CASE("bad iCalendar files are rejected with the file and line", "[calendar][errors][ics]") {
    TempDir dir;
    const auto base = weekly_only_china();
    const auto load = [&](const std::string& ics) {
        const std::string path = dir.write("bad.ics", ics);
        return calendar_error([&] { BusinessCalendar::from_ics_file(path, base); });
    };
    const auto event = [](const std::string& properties) {
        return "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n" + properties + "END:VEVENT\nEND:VCALENDAR\n";
    };
    const std::string file = dir.path() + "/bad.ics";

    CHECK_THAT(load("BEGIN:VEVENT\nEND:VEVENT\n"), Contains(file + ":1:") && Contains("BEGIN:VCALENDAR"));
    CHECK_THAT(load(event("SUMMARY:休\nDTSTART;VALUE=DATE:2024021\n")), Contains(file + ":5:") && Contains("2024021"));
    CHECK_THAT(load(event("SUMMARY:休\nDTSTART;VALUE=DATE:20240231\n")), Contains(file + ":5:"));
    CHECK_THAT(load(event("SUMMARY:休\nDTSTART;VALUE=DATE:20240210\nDTEND;VALUE=DATE:20240210\n")),
               Contains(file + ":6:") && Contains("DTEND"));
    CHECK_THAT(load(event("SUMMARY:休\nDTSTART;VALUE=DATE:20240210\nDURATION:PT8H\n")),
               Contains(file + ":6:") && Contains("DURATION"));
    CHECK_THAT(load(event("SUMMARY:休\n")), Contains(file + ":3:") && Contains("DTSTART"));
    CHECK_THAT(load(event("SUMMARY:休\nDTSTART;VALUE=DATE:20240210\nRRULE:FREQ=YEARLY\n")),
               Contains(file + ":6:") && Contains("recurring"));
    CHECK_THAT(
        load("BEGIN:VCALENDAR\n"
             "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20240210\nDTEND;VALUE=DATE:20240212\nSUMMARY:春节假期\nEND:VEVENT\n"
             "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20240211\nSUMMARY:补班\nEND:VEVENT\n"
             "END:VCALENDAR\n"),
        Contains(file + ":8:") && Contains("2024-02-11") && Contains("line 3"));
    CHECK_THAT(load("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:休\n"), Contains(file + ":2:") && Contains("never closed"));
    CHECK_THAT(load("BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VTODO\nEND:VCALENDAR\n"), Contains(file + ":3:"));
    CHECK_THAT(load("BEGIN:VCALENDAR\nthis is not a content line\nEND:VCALENDAR\n"), Contains(file + ":2:"));
    // Unclassified events are ignored, whatever their dates look like.
    CHECK(load(event("SUMMARY:情人节\nDTSTART:whenever\n")).empty());
}

// --- sharing ---------------------------------------------------------------------------

TEST_CASE("copies share one calendar that many threads read at once", "[calendar][threads]") {
    const auto calendar = BusinessCalendar::china_mainland();
    std::vector<std::pair<Instant, Instant>> expected;
    std::mt19937_64 rng(7);
    for (int i = 0; i < 200; ++i) {
        const Instant start = beijing(2024, 1, 1) + Duration{std::uniform_int_distribution<Secs>(0, 86400 * 900)(rng)};
        expected.emplace_back(start, calendar.add_business_time(start, 37h + 30min));
    }
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([copy = calendar, &expected, &mismatches] {
            for (int round = 0; round < 5; ++round)
                for (const auto& [start, due] : expected)
                    if (copy.add_business_time(start, 37h + 30min) != due ||
                        copy.business_time_between(start, due) != 37h + 30min)
                        ++mismatches;
        });
    for (auto& thread : threads) thread.join();
    CHECK(mismatches == 0);
    CHECK(&calendar.definition() == &BusinessCalendar::china_mainland().definition());
}
