#pragma once
/// @file calendar.hpp
/// @brief Business calendars: when a service desk works, and business-time arithmetic.
///
/// A BusinessCalendar knows a time zone, a weekly schedule of working intervals, public
/// holidays, make-up workdays (调休) and date-specific hours. It answers the questions an
/// SLA needs: is a date a working day, what is the n-th working day after a date, which
/// instant lies a given amount of business time after another, how much business time
/// lies between two instants.
///
/// Semantics shared by every query:
/// - Working intervals are half-open, [from, to), in the calendar's local wall-clock time.
/// - A boundary of an interval is the first instant at which the local clock reads that
///   time. A time skipped by a spring-forward jump therefore maps to the jump itself, and
///   a time that occurs twice (fall-back) to its first occurrence. Between two boundaries
///   the real elapsed time counts: 00:00-06:00 lasts 5 hours on the day clocks go forward
///   and 7 hours on the day they go back.
/// - Instants have second precision.
/// - The calendar is precomputed over a horizon of whole years (see first_date() and
///   last_date()); a query about a date or instant outside it, or whose answer would lie
///   outside it, throws CalendarError. Instant queries are direct lookups in indexes of the
///   precomputed intervals (by UTC day and by running total of business time); day
///   queries are binary searches over the days of the horizon.
///
/// Thread-safety: a BusinessCalendar is immutable once constructed. Any number of threads
/// may query the same calendar, or copies of it, concurrently. Copies are cheap: they share
/// the precomputed tables (reference-counted, freed with the last copy).

#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ticketflow {

namespace detail {
struct CalendarData;
}

/// @brief One working interval of a day, half-open [from, to), in local wall-clock time.
struct WorkingInterval {
    int from = 0; ///< Start in minutes after local midnight, 0 to 1439.
    int to = 0;   ///< End in minutes after local midnight, from < to <= 1440 (1440 is 24:00).

    /// @brief Equal when both ends are equal.
    friend bool operator==(const WorkingInterval& a, const WorkingInterval& b) {
        return a.from == b.from && a.to == b.to;
    }
};

/// @brief A closed range of dates, [first, last].
struct DateRange {
    boost::gregorian::date first; ///< First date of the range.
    boost::gregorian::date last;  ///< Last date of the range, first <= last.

    /// @brief True when first <= @p date <= last.
    bool contains(const boost::gregorian::date& date) const { return first <= date && date <= last; }

    /// @brief Equal when both ends are equal.
    friend bool operator==(const DateRange& a, const DateRange& b) { return a.first == b.first && a.last == b.last; }
};

/// @brief The rules of a business calendar: what a calendar file holds, as plain data.
///
/// Which intervals a date has is decided in this order:
/// 1. a date listed in `hours` has exactly those intervals (an empty list is a day off);
/// 2. a date in `holidays` has none;
/// 3. a date in `workdays` (a make-up workday) has the make-up schedule: the intervals of
///    the first of Monday ... Friday that has any (Monday in the usual case);
/// 4. any other date has the intervals of its weekday in `weekly`.
///
/// A date is a working day when it has at least one interval. A date may not be both a
/// holiday and a workday, nor both a holiday and in `hours`; it may be a workday with its
/// own `hours`.
struct CalendarDefinition {
    /// @brief Display name, e.g. `"China mainland"`; may be empty.
    std::string name;
    /// @brief IANA time-zone name, e.g. `"Asia/Shanghai"`.
    std::string time_zone;
    /// @brief Working intervals per weekday, indexed by `boost::date_time::weekdays`
    /// (Sunday = 0, Monday = 1, ... Saturday = 6). An empty list is a day off.
    std::array<std::vector<WorkingInterval>, 7> weekly;
    /// @brief Days off whatever their weekday.
    std::set<boost::gregorian::date> holidays;
    /// @brief Make-up workdays (调休): working days whatever their weekday.
    std::set<boost::gregorian::date> workdays;
    /// @brief Dates with their own intervals, e.g. a half day before a holiday.
    std::map<boost::gregorian::date, std::vector<WorkingInterval>> hours;
    /// @brief The dates the holiday data covers: within them, `holidays` and `workdays`
    /// are known to list every day off and make-up workday; outside them the calendar only
    /// knows the weekly schedule. It must lie within the horizon; holidays and workdays may
    /// lie outside it (a holiday period that begins in the last days of December belongs
    /// to the next year's data). Default: January 1 of the earliest to December 31 of the
    /// latest year named in `holidays` or `workdays`; none when they are both empty.
    std::optional<DateRange> covers;
    /// @brief First year of the horizon. Default: five years before the earliest year
    /// named in `holidays`, `workdays` or `hours`, or 2000 when none is named.
    std::optional<int> first_year;
    /// @brief Last year of the horizon. Default: ten years after the latest year named in
    /// `holidays`, `workdays` or `hours`, or 2060 when none is named.
    std::optional<int> last_year;
};

/// @brief What loading an iCalendar feed does with dates outside an explicitly set horizon
/// (CalendarDefinition::first_year / last_year, the JSON `horizon`).
enum class OutsideHorizon {
    error, ///< Refuse the feed with a CalendarError naming the line of the first such date.
    clip,  ///< Drop those dates; the rest of the feed is loaded as usual.
};

/// @brief Options of BusinessCalendar::with_ics().
struct IcsOptions {
    /// @brief Names the feed in error messages; empty: `"iCalendar"` for a text, the path
    /// for a file.
    std::string source_name;
    /// @brief Dates outside an explicitly set horizon: an error (the default) or dropped.
    /// A calendar without an explicit horizon grows its horizon to hold the feed instead.
    OutsideHorizon outside_horizon = OutsideHorizon::error;
};

/// @brief A business calendar with precomputed, constant-time business-time queries.
///
/// Construction validates the definition, loads the time zone from the system tz database
/// (`$TZDIR`, default `/usr/share/zoneinfo`; without one, zones with a fixed offset since
/// the horizon's first year, such as Asia/Shanghai, use a built-in rule, see
/// docs/calendar.md) and precomputes every working interval of the
/// horizon in UTC. It either fully succeeds or throws CalendarError; no half-built calendar
/// ever exists.
///
/// @snippet header_examples_test.cpp add-business-time
class TICKETFLOW_API BusinessCalendar {
public:
    /// @brief Builds a calendar from @p definition.
    /// @throws CalendarError naming the offending field (with JSON key names, e.g.
    ///         `weekly.mon`, `holidays`) when the definition is invalid or its zone unknown.
    explicit BusinessCalendar(CalendarDefinition definition);

    /// @brief Loads a calendar from JSON text (the form documented in docs/calendar.md).
    /// @p source_name names the text in error messages.
    /// @throws CalendarError naming the source and the line (malformed JSON) or field.
    static BusinessCalendar from_json(std::string_view json, const std::string& source_name = "JSON calendar");

    /// @brief Loads a calendar from the JSON file at @p path.
    /// @throws CalendarError naming the file, and the line or field, when it cannot be read
    ///         or is invalid.
    static BusinessCalendar from_json_file(const std::string& path);

    /// @brief The calendar @p base overlaid with the holidays and make-up workdays of an
    /// iCalendar (RFC 5545) text.
    ///
    /// Each VEVENT is classified, first match wins:
    /// 1. `X-APPLE-SPECIAL-DAY:WORK-HOLIDAY` is a holiday, `...:ALTERNATE-WORKDAY` a workday;
    /// 2. `CATEGORIES` containing `HOLIDAY` or `WORKDAY` (any case);
    /// 3. a `SUMMARY` containing 班 or "workday" (any case) is a workday; one containing
    ///    休, 假 or "holiday" is a holiday.
    ///
    /// Other events (festivals, observances) are ignored. A classified event covers the
    /// dates from `DTSTART` up to but excluding `DTEND` (or `DTSTART` plus a `DURATION` of
    /// `PnD` or `PnW`; one day when neither is given). A timed event (DATE-TIME) covers
    /// only the date written in its `DTSTART`; its times are ignored, since a make-up
    /// workday follows the calendar's make-up schedule. Event dates override the base's
    /// classification of those dates; zone, weekly schedule and other dates stay as in
    /// @p base. Folded lines are unfolded; recurring classified events are rejected.
    /// Equivalent to `base.with_ics(ics, {source_name})`, which also tells how coverage
    /// and the horizon follow the feed.
    /// @throws CalendarError naming @p source_name and the line of the offending property.
    static BusinessCalendar from_ics(std::string_view ics, const BusinessCalendar& base,
                                     const std::string& source_name = "iCalendar");

    /// @brief from_ics() on the file at @p path.
    /// @throws CalendarError naming the file and line when it cannot be read or is invalid.
    static BusinessCalendar from_ics_file(const std::string& path, const BusinessCalendar& base);

    /// @brief This calendar overlaid with the holidays and make-up workdays of an
    /// iCalendar text, for loading new holiday data at run time (no rebuild).
    ///
    /// Events are read as documented at from_ics(). The result's coverage() is this
    /// calendar's extended by the whole years the feed's classified events fall in (with
    /// OutsideHorizon::clip, the years of the events kept); a first year whose events all
    /// fall in its last week (a break of the next year beginning in December) and a last
    /// year whose events all fall in its first week do not count. The coverage stays one
    /// range: every year in it must be the feed's or already covered, so that no year
    /// without data is claimed covered.
    /// @throws CalendarError naming the source and line when the text is invalid, when it
    ///         has dates outside an explicit horizon and @p options say error, or when a
    ///         year between its years and the current coverage would have no data.
    BusinessCalendar with_ics(std::string_view ics, const IcsOptions& options = {}) const;

    /// @brief with_ics() on the file at @p path (the source name defaults to the path).
    /// @throws CalendarError naming the file when it cannot be read, and as with_ics().
    BusinessCalendar with_ics_file(const std::string& path, const IcsOptions& options = {}) const;

    /// @brief Mainland China's official calendar: Asia/Shanghai, Monday to Friday
    /// 09:00-12:00 and 13:30-18:00, with the State Council's public holidays and make-up
    /// workdays for the years shipped in `calendars/cn-mainland.json` (compiled in; no file
    /// is read at run time).
    static BusinessCalendar china_mainland();

    /// @brief The definition the calendar was built from (intervals sorted by start).
    const CalendarDefinition& definition() const noexcept;
    /// @brief The display name; may be empty.
    const std::string& name() const noexcept;
    /// @brief The IANA name of the calendar's time zone.
    const std::string& zone_name() const noexcept;
    /// @brief First date of the horizon: January 1 of its first year.
    boost::gregorian::date first_date() const noexcept;
    /// @brief Last date of the horizon: December 31 of its last year.
    boost::gregorian::date last_date() const noexcept;
    /// @brief The dates the holiday data covers (see CalendarDefinition::covers); none when
    /// the calendar has no holidays or make-up workdays at all. Inside the horizon but
    /// outside the coverage, queries still answer from the weekly schedule alone, so a
    /// host should load newer data (from_json_file(), with_ics()) before the coverage ends.
    std::optional<DateRange> coverage() const noexcept;
    /// @brief True when @p date lies within coverage().
    bool covers(boost::gregorian::date date) const noexcept;

    /// @brief True when @p date has working intervals (see CalendarDefinition).
    /// @throws CalendarError when @p date is outside the horizon.
    bool is_workday(boost::gregorian::date date) const;

    /// @brief For @p n > 0 the n-th working day strictly after @p date; for @p n < 0 the
    /// |n|-th working day strictly before it; for 0, @p date itself (working day or not).
    /// @throws CalendarError when @p date or the result is outside the horizon.
    boost::gregorian::date add_workdays(boost::gregorian::date date, int n) const;

    /// @brief The instant at which the last working interval of @p date ends, e.g. 18:00
    /// local; for deadlines such as "by the end of the n-th working day".
    /// @throws ValidationError when @p date is not a working day; CalendarError when it is
    ///         outside the horizon.
    Instant end_of_workday(boost::gregorian::date date) const;

    /// @brief @p t itself when it lies inside a working interval (from <= t < to),
    /// otherwise the start of the next working interval.
    /// @throws CalendarError when @p t is outside the horizon or no working time follows
    ///         within it.
    Instant next_business_instant(Instant t) const;

    /// @brief The instant @p amount of business time after @p start: the earliest t with
    /// business_time_between(start, t) == amount.
    ///
    /// Adding zero returns @p start, even outside working time. A deadline that falls on
    /// the end of an interval stays there (12:00, not 13:30 after the lunch break).
    /// @throws ValidationError when @p amount is negative; CalendarError when @p start or
    ///         the result is outside the horizon.
    Instant add_business_time(Instant start, Duration amount) const;

    /// @brief Business time in [@p a, @p b): the length of its overlap with the working
    /// intervals. When @p a > @p b the result is negative: -business_time_between(b, a).
    /// @throws CalendarError when @p a or @p b is outside the horizon.
    Duration business_time_between(Instant a, Instant b) const;

    /// @brief The local calendar date at @p t.
    /// @throws CalendarError when @p t is outside the horizon.
    boost::gregorian::date local_date(Instant t) const;

    /// @brief The local wall-clock time at @p t.
    /// @throws CalendarError when @p t is outside the horizon.
    boost::posix_time::ptime to_local(Instant t) const;

    /// @brief The zone's UTC offset at @p t (positive east of Greenwich; +8 h in Beijing).
    /// @throws CalendarError when @p t is outside the horizon.
    Duration utc_offset(Instant t) const;

    /// @brief The instant at which the local clock first reads @p hour:@p minute on
    /// @p date (24:00 is the start of the next day). A time skipped by a spring-forward
    /// jump gives the jump; a repeated time gives its first occurrence.
    /// @throws ValidationError for an invalid time of day; CalendarError when @p date is
    ///         outside the horizon.
    Instant to_instant(boost::gregorian::date date, int hour, int minute) const;

    /// @brief The instant at which the local clock first reads @p local (second precision,
    /// fractions are dropped); skipped and repeated times as for the overload above.
    /// @throws ValidationError for a special (not-a-date-time) value; CalendarError when
    ///         the date of @p local is outside the horizon.
    Instant to_instant(boost::posix_time::ptime local) const;

private:
    BusinessCalendar(CalendarDefinition definition, const std::string& source);

    std::shared_ptr<const detail::CalendarData> data_;
};

} // namespace ticketflow
