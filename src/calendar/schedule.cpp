#include "calendar/schedule.hpp"

#include "calendar/text.hpp"
#include "ticketflow/error.hpp"

#include <algorithm>

namespace ticketflow::detail {

namespace {

using boost::gregorian::date;

// Years before the first and after the last dated entry that the horizon covers.
constexpr int years_before_data = 5;
constexpr int years_after_data = 10;
// Horizon of a calendar without dated entries.
constexpr Horizon undated_horizon{2000, 2060};
// Explicit horizons must also span at most this many years (see earliest_year, latest_year).
constexpr int longest_horizon = 200;

[[noreturn]] void fail(const std::string& source, const std::string& field, const std::string& problem) {
    throw CalendarError(source + ": " + field + ": " + problem);
}

void check_intervals(std::vector<WorkingInterval>& intervals, const std::string& field, const std::string& source) {
    for (const auto& interval : intervals) {
        if (interval.from < 0 || interval.to > 24 * 60)
            fail(source, field,
                 "interval from minute " + std::to_string(interval.from) + " to minute " + std::to_string(interval.to) +
                     " lies outside 00:00-24:00");
        if (interval.from >= interval.to)
            fail(source, field, "interval " + format_interval(interval) + " does not end after it starts");
    }
    std::sort(intervals.begin(), intervals.end(),
              [](const WorkingInterval& a, const WorkingInterval& b) { return a.from < b.from; });
    for (std::size_t i = 1; i < intervals.size(); ++i)
        if (intervals[i - 1].to > intervals[i].from)
            fail(source, field,
                 "intervals " + format_interval(intervals[i - 1]) + " and " + format_interval(intervals[i]) +
                     " overlap");
}

void check_conflicts(const CalendarDefinition& definition, const std::string& source) {
    for (const date& day : definition.holidays) {
        if (definition.workdays.count(day))
            fail(source, "holidays/workdays", format_date(day) + " is both a holiday and a workday");
        if (definition.hours.count(day))
            fail(source, "holidays/hours", format_date(day) + " is a holiday with working hours");
    }
    if (!definition.workdays.empty() && make_up_schedule(definition).empty())
        fail(source, "workdays", "make-up workdays need working hours on at least one of Monday to Friday");
}

// Earliest and latest year named by a dated entry, if any.
std::optional<Horizon> data_years(const CalendarDefinition& definition) {
    std::set<int> years;
    for (const date& day : definition.holidays) years.insert(day.year());
    for (const date& day : definition.workdays) years.insert(day.year());
    for (const auto& entry : definition.hours) years.insert(entry.first.year());
    if (years.empty()) return std::nullopt;
    return Horizon{*years.begin(), *years.rbegin()};
}

void check_horizon(const CalendarDefinition& definition, const std::string& source) {
    const Horizon horizon = horizon_of(definition);
    const std::string range = std::to_string(horizon.first_year) + "-" + std::to_string(horizon.last_year);
    if (horizon.first_year < earliest_year || horizon.last_year > latest_year)
        fail(source, "horizon",
             range + " is not within " + std::to_string(earliest_year) + "-" + std::to_string(latest_year));
    if (horizon.first_year > horizon.last_year || horizon.last_year - horizon.first_year >= longest_horizon)
        fail(source, "horizon", range + " must span 1 to " + std::to_string(longest_horizon) + " years");

    const auto check = [&](const date& day, const char* field) {
        if (day.year() < horizon.first_year || day.year() > horizon.last_year)
            fail(source, field, format_date(day) + " lies outside the horizon " + range);
    };
    for (const date& day : definition.holidays) check(day, "holidays");
    for (const date& day : definition.workdays) check(day, "workdays");
    for (const auto& entry : definition.hours) check(entry.first, "hours");
}

void check_coverage(const CalendarDefinition& definition, const std::string& source) {
    if (!definition.covers) return;
    const DateRange& covers = *definition.covers;
    if (covers.first.is_special() || covers.last.is_special()) fail(source, "covers", "is not a range of dates");
    const std::string range = format_date(covers.first) + " to " + format_date(covers.last);
    if (covers.first > covers.last) fail(source, "covers", range + " ends before it starts");
    const Horizon horizon = horizon_of(definition);
    if (covers.first.year() < horizon.first_year || covers.last.year() > horizon.last_year)
        fail(source, "covers",
             range + " lies outside the horizon " + std::to_string(horizon.first_year) + "-" +
                 std::to_string(horizon.last_year));
    // Holidays may lie outside it: the New Year break of 2023 began on 2022-12-31, and a
    // calendar holding it does not thereby know the rest of 2022.
}

} // namespace

const char* weekday_key(int weekday) {
    static const char* const keys[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    return keys[weekday];
}

CalendarDefinition validated(CalendarDefinition definition, const std::string& source) {
    if (definition.time_zone.empty()) fail(source, "timezone", "missing");
    for (int weekday = 0; weekday < 7; ++weekday)
        check_intervals(definition.weekly[static_cast<std::size_t>(weekday)],
                        std::string("weekly.") + weekday_key(weekday), source);
    for (auto& entry : definition.hours) check_intervals(entry.second, "hours." + format_date(entry.first), source);
    check_conflicts(definition, source);
    check_horizon(definition, source);
    check_coverage(definition, source);
    return definition;
}

Horizon horizon_of(const CalendarDefinition& definition) {
    const auto data = data_years(definition);
    const Horizon fallback =
        data ? Horizon{data->first_year - years_before_data, data->last_year + years_after_data} : undated_horizon;
    return {definition.first_year.value_or(fallback.first_year), definition.last_year.value_or(fallback.last_year)};
}

std::optional<DateRange> coverage_of(const CalendarDefinition& definition) {
    if (definition.covers) return definition.covers;
    std::set<int> years;
    for (const date& day : definition.holidays) years.insert(day.year());
    for (const date& day : definition.workdays) years.insert(day.year());
    if (years.empty()) return std::nullopt;
    return DateRange{date(static_cast<unsigned short>(*years.begin()), 1, 1),
                     date(static_cast<unsigned short>(*years.rbegin()), 12, 31)};
}

std::vector<WorkingInterval> make_up_schedule(const CalendarDefinition& definition) {
    for (int weekday = boost::date_time::Monday; weekday <= boost::date_time::Friday; ++weekday)
        if (!definition.weekly[static_cast<std::size_t>(weekday)].empty())
            return definition.weekly[static_cast<std::size_t>(weekday)];
    return {};
}

DaySchedule::DaySchedule(const CalendarDefinition& definition)
    : definition_(definition), make_up_(make_up_schedule(definition)) {}

const std::vector<WorkingInterval>& DaySchedule::intervals_on(const date& day) const {
    if (const auto own = definition_.hours.find(day); own != definition_.hours.end()) return own->second;
    if (definition_.holidays.count(day)) return none_;
    if (definition_.workdays.count(day)) return make_up_;
    return definition_.weekly[static_cast<std::size_t>(day.day_of_week().as_number())];
}

} // namespace ticketflow::detail
