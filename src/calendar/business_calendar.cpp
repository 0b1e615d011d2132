#include "ticketflow/calendar.hpp"

#include "calendar/loaders.hpp"
#include "calendar/schedule.hpp"
#include "calendar/text.hpp"
#include "calendar/time_zone.hpp"
#include "calendar/timeline.hpp"
#include "ticketflow/error.hpp"

#include <utility>

namespace ticketflow {

namespace detail {

using boost::gregorian::date;

// Everything a calendar computes once; shared, read-only, by all its copies.
struct CalendarData {
    CalendarData(CalendarDefinition checked, const Horizon& horizon, const std::string& source)
        : definition(std::move(checked)), first_day(static_cast<unsigned short>(horizon.first_year), 1, 1),
          last_day(static_cast<unsigned short>(horizon.last_year), 12, 31),
          zone(load_zone(definition.time_zone, first_day.year(), last_day.year(), source)),
          timeline(DaySchedule(definition), zone, first_day, last_day),
          label("calendar '" + (definition.name.empty() ? definition.time_zone : definition.name) + "'"),
          coverage(coverage_of(definition)) {}

    CalendarDefinition definition;
    date first_day, last_day;
    TimeZone zone;
    Timeline timeline;
    std::string label; // names the calendar in errors about queries
    std::optional<DateRange> coverage;

    static TimeZone load_zone(const std::string& name, int first_year, int last_year, const std::string& source) {
        try {
            return TimeZone::load(name, first_year, last_year + 1);
        } catch (const CalendarError& e) {
            throw CalendarError(source + ": timezone: " + e.what());
        }
    }

    [[noreturn]] void out_of_horizon(const std::string& what) const {
        throw CalendarError(label + ": " + what + " is outside the horizon " + format_date(first_day) + " to " +
                            format_date(last_day));
    }

    Seconds checked(Instant t) const {
        const Seconds utc = t.time_since_epoch().count();
        if (utc < timeline.begin() || utc >= timeline.end()) out_of_horizon(format_utc(utc));
        return utc;
    }

    std::int64_t day_index(const date& day) const {
        if (day.is_special() || day < first_day || day > last_day)
            out_of_horizon(day.is_special() ? "a special date" : format_date(day));
        return (day - first_day).days();
    }
};

} // namespace detail

namespace {

using boost::gregorian::date;
using detail::Seconds;

Instant instant_at(Seconds utc) { return Instant{Duration{utc}}; }

std::string source_of(const CalendarDefinition& definition) {
    return definition.name.empty() ? "calendar definition" : "calendar '" + definition.name + "'";
}

} // namespace

BusinessCalendar::BusinessCalendar(CalendarDefinition definition)
    : BusinessCalendar(definition, source_of(definition)) {}

BusinessCalendar::BusinessCalendar(CalendarDefinition definition, const std::string& source) {
    definition = detail::validated(std::move(definition), source);
    const auto horizon = detail::horizon_of(definition);
    data_ = std::make_shared<const detail::CalendarData>(std::move(definition), horizon, source);
}

BusinessCalendar BusinessCalendar::from_json(std::string_view json, const std::string& source_name) {
    return BusinessCalendar(detail::parse_json_calendar(json, source_name), source_name);
}

BusinessCalendar BusinessCalendar::from_json_file(const std::string& path) {
    return from_json(detail::read_calendar_file(path), path);
}

BusinessCalendar BusinessCalendar::from_ics(std::string_view ics, const BusinessCalendar& base,
                                            const std::string& source_name) {
    IcsOptions options;
    options.source_name = source_name;
    return base.with_ics(ics, options);
}

BusinessCalendar BusinessCalendar::from_ics_file(const std::string& path, const BusinessCalendar& base) {
    return base.with_ics_file(path);
}

BusinessCalendar BusinessCalendar::with_ics(std::string_view ics, const IcsOptions& options) const {
    const std::string source = options.source_name.empty() ? "iCalendar" : options.source_name;
    return BusinessCalendar(detail::overlay_ics(ics, definition(), source, options.outside_horizon), source);
}

BusinessCalendar BusinessCalendar::with_ics_file(const std::string& path, const IcsOptions& options) const {
    IcsOptions named = options;
    if (named.source_name.empty()) named.source_name = path;
    return with_ics(detail::read_calendar_file(path), named);
}

BusinessCalendar BusinessCalendar::china_mainland() {
    static const BusinessCalendar preset = from_json(detail::china_mainland_json, "built-in cn-mainland.json");
    return preset;
}

const CalendarDefinition& BusinessCalendar::definition() const noexcept { return data_->definition; }
const std::string& BusinessCalendar::name() const noexcept { return data_->definition.name; }
const std::string& BusinessCalendar::zone_name() const noexcept { return data_->definition.time_zone; }
date BusinessCalendar::first_date() const noexcept { return data_->first_day; }
date BusinessCalendar::last_date() const noexcept { return data_->last_day; }
std::optional<DateRange> BusinessCalendar::coverage() const noexcept { return data_->coverage; }
bool BusinessCalendar::covers(date day) const noexcept { return data_->coverage && data_->coverage->contains(day); }

bool BusinessCalendar::is_workday(date day) const { return data_->timeline.is_workday(data_->day_index(day)); }

date BusinessCalendar::add_workdays(date day, int n) const {
    const auto found = data_->timeline.add_workdays(data_->day_index(day), n);
    if (!found) data_->out_of_horizon("working day " + std::to_string(n) + " from " + detail::format_date(day));
    return data_->first_day + boost::gregorian::days(*found);
}

Instant BusinessCalendar::end_of_workday(date day) const {
    const auto index = data_->day_index(day);
    if (!data_->timeline.is_workday(index))
        throw ValidationError("date", detail::format_date(day) + " is not a working day");
    return instant_at(data_->timeline.end_of_workday(index));
}

Instant BusinessCalendar::next_business_instant(Instant t) const {
    const Seconds utc = data_->checked(t);
    const auto next = data_->timeline.next_working(utc);
    if (!next) data_->out_of_horizon("working time after " + detail::format_utc(utc));
    return instant_at(*next);
}

Instant BusinessCalendar::add_business_time(Instant start, Duration amount) const {
    const Seconds utc = data_->checked(start);
    if (amount.count() < 0) throw ValidationError("amount", "business time to add must not be negative");
    if (amount.count() == 0) return start;
    const auto end = data_->timeline.advance(utc, amount.count());
    if (!end)
        data_->out_of_horizon("end of " + std::to_string(amount.count()) + " s of business time after " +
                              detail::format_utc(utc));
    return instant_at(*end);
}

Duration BusinessCalendar::business_time_between(Instant a, Instant b) const {
    const Seconds from = data_->checked(a), to = data_->checked(b);
    return Duration{data_->timeline.worked_until(to) - data_->timeline.worked_until(from)};
}

date BusinessCalendar::local_date(Instant t) const {
    return detail::date_of_seconds(data_->zone.to_local(data_->checked(t)));
}

boost::posix_time::ptime BusinessCalendar::to_local(Instant t) const {
    const Seconds local = data_->zone.to_local(data_->checked(t));
    const Seconds day = detail::floor_div(local, detail::seconds_per_day);
    return {detail::date_of_day(day),
            boost::posix_time::seconds(static_cast<long>(local - day * detail::seconds_per_day))};
}

Duration BusinessCalendar::utc_offset(Instant t) const { return Duration{data_->zone.offset_at(data_->checked(t))}; }

Instant BusinessCalendar::to_instant(date day, int hour, int minute) const {
    if (hour < 0 || hour > 24 || minute < 0 || minute > 59 || hour * 60 + minute > 24 * 60)
        throw ValidationError("time", std::to_string(hour) + ":" + std::to_string(minute) + " is not a time of day");
    data_->day_index(day);
    return instant_at(data_->zone.first_reaching(detail::midnight(day) + (hour * 60 + minute) * Seconds{60}));
}

Instant BusinessCalendar::to_instant(boost::posix_time::ptime local) const {
    if (local.is_special()) throw ValidationError("local", "not a date and time");
    data_->day_index(local.date());
    return instant_at(data_->zone.first_reaching(detail::midnight(local.date()) + local.time_of_day().total_seconds()));
}

} // namespace ticketflow
