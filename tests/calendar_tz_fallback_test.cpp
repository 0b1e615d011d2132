// Hosts without a tz database (slim containers): zones with one fixed offset since the
// calendar's first year use a built-in rule; any other zone is a clear error naming TZDIR.

#include "calendar/loaders.hpp"
#include "calendar_reference.hpp"
#include "ticketflow/calendar.hpp"
#include "ticketflow/desk.hpp"
#include "ticketflow/error.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

using namespace ticketflow;
using boost::gregorian::date;
using testing::days_from_civil;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

// An empty directory, as TZDIR of a host without tzdata; removed at the end of the test.
class EmptyDir {
public:
    EmptyDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("ticketflow-no-tzdata-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~EmptyDir() { std::filesystem::remove_all(path_); }
    std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

class ScopedTzdir {
public:
    explicit ScopedTzdir(const std::string& value) {
        if (const char* old = std::getenv("TZDIR")) old_ = old;
        ::setenv("TZDIR", value.c_str(), 1);
    }
    ~ScopedTzdir() {
        if (old_)
            ::setenv("TZDIR", old_->c_str(), 1);
        else
            ::unsetenv("TZDIR");
    }

private:
    std::optional<std::string> old_;
};

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

CalendarDefinition in_zone(const std::string& zone, std::optional<int> first_year = std::nullopt) {
    CalendarDefinition definition;
    definition.time_zone = zone;
    definition.weekly[1] = {{9 * 60, 18 * 60}};
    definition.first_year = first_year;
    return definition;
}

} // namespace

TEST_CASE("without a tz database the built-in calendar uses its built-in UTC+8 rule", "[calendar][zone][tzfallback]") {
    const auto with_tzdata = BusinessCalendar::from_json(detail::china_mainland_json, "built-in");
    const EmptyDir dir;
    const ScopedTzdir tzdir(dir.path());
    const auto without = BusinessCalendar::from_json(detail::china_mainland_json, "built-in");
    CHECK(without.first_date() == with_tzdata.first_date());
    // The same answers as with the tz database, on random instants over the horizon.
    std::mt19937_64 rng(8);
    std::uniform_int_distribution<std::int64_t> second(days_from_civil(2019, 1, 1) * 86400,
                                                       days_from_civil(2036, 6, 30) * 86400);
    for (int i = 0; i < 2000; ++i) {
        const Instant t{Duration{second(rng)}};
        REQUIRE(without.utc_offset(t) == 8h);
        REQUIRE(without.to_local(t) == with_tzdata.to_local(t));
        REQUIRE(without.add_business_time(t, 5h) == with_tzdata.add_business_time(t, 5h));
        REQUIRE(without.next_business_instant(t) == with_tzdata.next_business_instant(t));
    }
}

TEST_CASE("without a tz database other zones are a clear error naming TZDIR", "[calendar][zone][tzfallback]") {
    const EmptyDir dir;
    const ScopedTzdir tzdir(dir.path());
    CHECK_THAT(calendar_error([] { BusinessCalendar{in_zone("Europe/Berlin")}; }),
               Contains("time zone 'Europe/Berlin': no tz database in " + dir.path() +
                        " (install tzdata or set TZDIR to one) and no built-in rule for this zone"));
    // The built-in rule holds only where the offset never changed: China kept DST until 1991.
    CHECK_THAT(calendar_error([] { BusinessCalendar{in_zone("Asia/Shanghai", 1985)}; }),
               Contains("time zone 'Asia/Shanghai': no tz database in " + dir.path()) &&
                   Contains("the built-in rule holds only from 1992, not from 1985"));
    CHECK(BusinessCalendar{in_zone("Asia/Shanghai", 1992)}.first_date() == date(1992, 1, 1));
    CHECK(BusinessCalendar{in_zone("Asia/Tokyo")}.utc_offset(Instant{Duration{days_from_civil(2024, 7, 1) * 86400}}) ==
          9h);
    CHECK(BusinessCalendar{in_zone("UTC")}.utc_offset(Instant{Duration{0}} + 24h * 365 * 40) == 0h);
    // A name that is not a zone name stays an unknown zone.
    CHECK_THAT(calendar_error([] { BusinessCalendar{in_zone("../Asia/Shanghai")}; }),
               Contains("unknown time zone '../Asia/Shanghai'"));
}

// Run in a child process with TZDIR set to an empty directory (see below): the preset is
// built once per process, so only a fresh process shows what DeskConfig{} does there.
TEST_CASE("child: DeskConfig{} without a tz database", "[.tzfallback-child]") {
    REQUIRE(std::getenv("TICKETFLOW_EXPECT_NO_TZDATA"));
    const DeskConfig config;
    CHECK(config.calendar.zone_name() == "Asia/Shanghai");
    CHECK(config.calendar.utc_offset(Instant{Duration{days_from_civil(2025, 1, 1) * 86400}}) == 8h);
    CHECK_FALSE(config.calendar.is_workday(date(2025, 1, 29)));
}

TEST_CASE("DeskConfig{} does not throw without a tz database", "[calendar][zone][tzfallback]") {
    const EmptyDir dir;
    char self[4096];
    const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
    REQUIRE(length > 0);
    self[length] = '\0';
    const std::string command = "TZDIR='" + dir.path() + "' TICKETFLOW_EXPECT_NO_TZDATA=1 '" + std::string(self) +
                                "' '[.tzfallback-child]' > /dev/null 2>&1";
    const int status = std::system(command.c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
