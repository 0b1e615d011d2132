#include "calendar/loaders.hpp"
#include "calendar/schedule.hpp"
#include "calendar/text.hpp"
#include "core/text_position.hpp"
#include "ticketflow/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>

namespace ticketflow::detail {

namespace {

using nlohmann::json;

// Reads the fields of one JSON calendar, naming `source` and the field in every error.
class JsonCalendarReader {
public:
    explicit JsonCalendarReader(const std::string& source) : source_(source) {}

    CalendarDefinition read(const json& document) const {
        if (!document.is_object()) fail("(top level)", "expected an object");
        CalendarDefinition definition;
        for (const auto& [key, value] : document.items()) {
            if (key == "name")
                definition.name = text(value, key);
            else if (key == "timezone")
                definition.time_zone = text(value, key);
            else if (key == "weekly")
                read_weekly(value, definition);
            else if (key == "holidays")
                definition.holidays = dates(value, key);
            else if (key == "workdays")
                definition.workdays = dates(value, key);
            else if (key == "hours")
                read_hours(value, definition);
            else if (key == "horizon")
                read_horizon(value, definition);
            else if (key == "covers")
                read_covers(value, definition);
            else
                fail(key,
                     "unknown key (expected name, timezone, weekly, holidays, workdays, hours, covers or horizon)");
        }
        if (definition.time_zone.empty()) fail("timezone", "missing");
        return definition;
    }

private:
    [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
        throw CalendarError(source_ + ": " + field + ": " + problem);
    }

    std::string text(const json& value, const std::string& field) const {
        if (!value.is_string()) fail(field, "expected a string");
        return value.get<std::string>();
    }

    boost::gregorian::date date(const std::string& value, const std::string& field) const {
        const auto parsed = parse_iso_date(value);
        if (!parsed) fail(field, "'" + value + "' is not a date YYYY-MM-DD");
        return *parsed;
    }

    std::set<boost::gregorian::date> dates(const json& value, const std::string& field) const {
        if (!value.is_array()) fail(field, "expected a list of dates YYYY-MM-DD");
        std::set<boost::gregorian::date> result;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string item = field + "[" + std::to_string(i) + "]";
            result.insert(date(text(value[i], item), item));
        }
        return result;
    }

    int minutes(const json& value, const std::string& field) const {
        const std::string time = text(value, field);
        const auto parsed = parse_hhmm(time);
        if (!parsed) fail(field, "'" + time + "' is not a time HH:MM (00:00 to 24:00)");
        return *parsed;
    }

    std::vector<WorkingInterval> intervals(const json& value, const std::string& field) const {
        if (!value.is_array()) fail(field, "expected a list of [\"HH:MM\", \"HH:MM\"] intervals");
        std::vector<WorkingInterval> result;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string item = field + "[" + std::to_string(i) + "]";
            if (!value[i].is_array() || value[i].size() != 2) fail(item, "expected [\"HH:MM\", \"HH:MM\"]");
            result.push_back({minutes(value[i][0], item), minutes(value[i][1], item)});
        }
        return result;
    }

    void read_weekly(const json& value, CalendarDefinition& definition) const {
        if (!value.is_object()) fail("weekly", "expected an object with keys mon ... sun");
        for (const auto& [key, day] : value.items()) {
            int weekday = 0;
            while (weekday < 7 && key != weekday_key(weekday)) ++weekday;
            if (weekday == 7) fail("weekly." + key, "unknown weekday (expected mon, tue, wed, thu, fri, sat or sun)");
            definition.weekly[static_cast<std::size_t>(weekday)] = intervals(day, "weekly." + key);
        }
    }

    void read_hours(const json& value, CalendarDefinition& definition) const {
        if (!value.is_object()) fail("hours", "expected an object of YYYY-MM-DD: intervals");
        for (const auto& [key, day] : value.items())
            definition.hours[date(key, "hours")] = intervals(day, "hours." + key);
    }

    void read_covers(const json& value, CalendarDefinition& definition) const {
        if (!value.is_array() || value.size() != 2) fail("covers", "expected [\"YYYY-MM-DD\", \"YYYY-MM-DD\"]");
        definition.covers =
            DateRange{date(text(value[0], "covers[0]"), "covers[0]"), date(text(value[1], "covers[1]"), "covers[1]")};
    }

    void read_horizon(const json& value, CalendarDefinition& definition) const {
        if (!value.is_array() || value.size() != 2) fail("horizon", "expected [first_year, last_year]");
        definition.first_year = year(value[0], "horizon[0]");
        definition.last_year = year(value[1], "horizon[1]");
    }

    // A whole number from earliest_year to latest_year; read without narrowing first, so
    // that 4294969296 is refused rather than wrapped to 2000.
    int year(const json& value, const std::string& field) const {
        const std::string expected =
            "a year from " + std::to_string(earliest_year) + " to " + std::to_string(latest_year);
        if (!value.is_number_integer()) fail(field, "expected " + expected);
        const bool in_range =
            value.is_number_unsigned()
                ? value.get<std::uint64_t>() <= static_cast<std::uint64_t>(latest_year) &&
                      value.get<std::uint64_t>() >= static_cast<std::uint64_t>(earliest_year)
                : value.get<std::int64_t>() >= earliest_year && value.get<std::int64_t>() <= latest_year;
        if (!in_range) fail(field, value.dump() + " is not " + expected);
        return static_cast<int>(value.get<std::int64_t>());
    }

    const std::string& source_;
};

} // namespace

CalendarDefinition parse_json_calendar(std::string_view text, const std::string& source) {
    json document;
    try {
        document = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        // e.what() reads "[json.exception.parse_error.101] parse error at ...: <reason>".
        const std::string what = e.what();
        const std::size_t reason = what.find(": ");
        throw CalendarError(source + ":" + line_column(text, e.byte) +
                            ": malformed JSON: " + (reason == std::string::npos ? what : what.substr(reason + 2)));
    } catch (const json::exception& e) {
        // Other parser errors, e.g. out_of_range.406 "number overflow parsing '1e999'",
        // which carry no position: the first occurrence of the number gives it.
        const std::string what = e.what();
        const std::size_t reason = what.find("] ");
        const std::size_t quote = what.find('\'');
        const std::size_t end = what.rfind('\'');
        const std::size_t at =
            quote < end ? text.find(what.substr(quote + 1, end - quote - 1)) : std::string_view::npos;
        throw CalendarError(source + (at == std::string_view::npos ? "" : ":" + line_column(text, at + 1)) +
                            ": malformed JSON: " + (reason == std::string::npos ? what : what.substr(reason + 2)));
    }
    // The reader checks every type and range before it converts a value.
    return JsonCalendarReader(source).read(document);
}

std::string read_calendar_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream contents;
    if (!file) throw CalendarError(path + ": cannot read the calendar file");
    contents << file.rdbuf();
    return contents.str();
}

} // namespace ticketflow::detail
