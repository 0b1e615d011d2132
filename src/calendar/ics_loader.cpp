// iCalendar (RFC 5545) holiday feeds: all-day VEVENTs marking days off and make-up
// workdays, classified as documented at BusinessCalendar::from_ics.

#include "calendar/loaders.hpp"
#include "calendar/schedule.hpp"
#include "calendar/text.hpp"
#include "ticketflow/error.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace ticketflow::detail {

namespace {

using boost::gregorian::date;

// One unfolded content line, NAME;PARAMETERS:VALUE; the parameters are not needed.
struct ContentLine {
    std::size_t line = 0; // where it starts in the file
    std::string name;     // upper case
    std::string value;
};

enum class DayKind { holiday, workday };

const char* kind_name(DayKind kind) { return kind == DayKind::holiday ? "holiday" : "workday"; }

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
    return text;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// The longest classified event accepted, in days.
constexpr long max_event_days = 366;

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

class IcsReader {
public:
    explicit IcsReader(const std::string& source) : source_(source) {}

    // Every classified date of the text, with the line of the event's DTSTART.
    std::map<date, std::pair<DayKind, std::size_t>> read(std::string_view text) {
        const auto lines = unfold(text);
        if (lines.empty() || lines.front().name != "BEGIN" || upper(lines.front().value) != "VCALENDAR")
            fail(lines.empty() ? 1 : lines.front().line, "not an iCalendar file (expected BEGIN:VCALENDAR)");
        std::vector<std::pair<std::string, std::size_t>> open; // components with the line of their BEGIN
        std::vector<ContentLine> event;
        for (const auto& line : lines) {
            if (line.name == "BEGIN") {
                open.emplace_back(upper(line.value), line.line);
                if (open.back().first == "VEVENT") event.clear();
            } else if (line.name == "END") {
                if (open.empty() || open.back().first != upper(line.value))
                    fail(line.line, "END:" + line.value + " does not close " +
                                        (open.empty() ? std::string("any component") : "BEGIN:" + open.back().first));
                if (open.back().first == "VEVENT") add_event(event, open.back().second);
                open.pop_back();
            } else if (!open.empty() && open.back().first == "VEVENT") {
                event.push_back(line);
            }
        }
        if (!open.empty()) fail(open.back().second, "BEGIN:" + open.back().first + " is never closed");
        return days_;
    }

private:
    [[noreturn]] void fail(std::size_t line, const std::string& problem) const {
        throw CalendarError(source_ + ":" + std::to_string(line) + ": " + problem);
    }

    // Logical lines: a physical line starting with a space or tab continues the previous one.
    std::vector<ContentLine> unfold(std::string_view text) const {
        std::vector<std::pair<std::size_t, std::string>> logical;
        std::size_t number = 0;
        while (!text.empty()) {
            const std::size_t end = std::min(text.find('\n'), text.size());
            std::string_view physical = text.substr(0, end);
            text.remove_prefix(std::min(end + 1, text.size()));
            ++number;
            if (!physical.empty() && physical.back() == '\r') physical.remove_suffix(1);
            if (!physical.empty() && (physical.front() == ' ' || physical.front() == '\t') && !logical.empty())
                logical.back().second.append(physical.substr(1));
            else if (!physical.empty())
                logical.emplace_back(number, std::string(physical));
        }
        std::vector<ContentLine> lines;
        for (const auto& [line, content] : logical) lines.push_back(parse(line, content));
        return lines;
    }

    ContentLine parse(std::size_t number, const std::string& content) const {
        // The value starts after the first ':' outside double-quoted parameter values.
        bool quoted = false;
        std::size_t colon = 0;
        for (; colon < content.size() && (quoted || content[colon] != ':'); ++colon)
            if (content[colon] == '"') quoted = !quoted;
        const std::size_t name_end = std::min(content.find(';'), colon);
        if (colon == content.size() || name_end == 0) fail(number, "malformed content line");
        return {number, upper(content.substr(0, name_end)), content.substr(colon + 1)};
    }

    static const ContentLine* find(const std::vector<ContentLine>& event, const char* name) {
        const auto found =
            std::find_if(event.begin(), event.end(), [&](const ContentLine& l) { return l.name == name; });
        return found == event.end() ? nullptr : &*found;
    }

    static std::optional<DayKind> classify(const std::vector<ContentLine>& event) {
        if (const auto* special = find(event, "X-APPLE-SPECIAL-DAY")) {
            const std::string value = upper(special->value);
            if (value == "WORK-HOLIDAY") return DayKind::holiday;
            if (value == "ALTERNATE-WORKDAY") return DayKind::workday;
        }
        for (const auto& line : event) {
            if (line.name != "CATEGORIES") continue;
            const std::string categories = "," + upper(line.value) + ",";
            if (contains(categories, ",HOLIDAY,")) return DayKind::holiday;
            if (contains(categories, ",WORKDAY,")) return DayKind::workday;
        }
        if (const auto* summary = find(event, "SUMMARY")) {
            const std::string text = lower(summary->value);
            if (contains(text, "班") || contains(text, "workday")) return DayKind::workday;
            if (contains(text, "休") || contains(text, "假") || contains(text, "holiday")) return DayKind::holiday;
        }
        return std::nullopt;
    }

    // The date of a DATE ("20240210") or DATE-TIME ("20240210T090000") value.
    date date_of(const ContentLine& line, bool& timed) const {
        timed = line.value.size() > 8 && line.value[8] == 'T';
        const auto parsed = parse_basic_date(timed ? line.value.substr(0, 8) : line.value);
        if (!parsed) fail(line.line, line.name + ": '" + line.value + "' is not a DATE (YYYYMMDD) or DATE-TIME");
        // Calendars span earliest_year..latest_year; the check also keeps the date
        // arithmetic below far from the ends of Boost's range (1400..9999).
        if (parsed->year() < earliest_year || parsed->year() > latest_year)
            fail(line.line, line.name + ": year " + std::to_string(parsed->year()) + " is outside " +
                                std::to_string(earliest_year) + "-" + std::to_string(latest_year));
        return *parsed;
    }

    // Days of a DURATION such as P3D or P1W.
    long duration_days(const ContentLine& line) const {
        const std::string value = upper(line.value);
        const bool well_formed =
            value.size() >= 3 && value.size() <= 6 && value.front() == 'P' &&
            (value.back() == 'D' || value.back() == 'W') &&
            std::all_of(value.begin() + 1, value.end() - 1, [](unsigned char c) { return std::isdigit(c); });
        const std::string number = well_formed ? value.substr(1, value.size() - 2) : "0";
        if (std::stol(number) == 0)
            fail(line.line, "DURATION: '" + line.value + "' is not a whole number of days (PnD or PnW)");
        const long days = std::stol(number) * (value.back() == 'W' ? 7 : 1);
        if (days > max_event_days) fail(line.line, "the event spans more than a year");
        return days;
    }

    void add_event(const std::vector<ContentLine>& event, std::size_t begin_line) {
        const auto kind = classify(event);
        if (!kind) return;
        const ContentLine* start_line = find(event, "DTSTART");
        if (!start_line) fail(begin_line, "the event has no DTSTART");
        if (const auto* rule = find(event, "RRULE")) fail(rule->line, "recurring holiday events are not supported");
        if (const auto* rule = find(event, "RDATE")) fail(rule->line, "recurring holiday events are not supported");

        bool timed = false;
        const date start = date_of(*start_line, timed);
        date end = start + boost::gregorian::days(1);
        if (const auto* end_line = find(event, "DTEND"); end_line && !timed) {
            bool end_timed = false;
            end = date_of(*end_line, end_timed);
            if (end <= start) fail(end_line->line, "DTEND must be after DTSTART (it is exclusive)");
        } else if (const auto* duration = find(event, "DURATION"); duration && !timed) {
            end = start + boost::gregorian::days(duration_days(*duration));
        }
        if ((end - start).days() > max_event_days) fail(start_line->line, "the event spans more than a year");
        for (date day = start; day < end; day += boost::gregorian::days(1)) mark(day, *kind, start_line->line);
    }

    void mark(const date& day, DayKind kind, std::size_t line) {
        const auto [entry, added] = days_.emplace(day, std::make_pair(kind, line));
        if (!added && entry->second.first != kind)
            fail(line, format_date(day) + " is marked as a " + kind_name(kind) + " here but as a " +
                           kind_name(entry->second.first) + " on line " + std::to_string(entry->second.second));
    }

    const std::string& source_;
    std::map<date, std::pair<DayKind, std::size_t>> days_;
};

} // namespace

namespace {

// The years a feed's dates cover: those with a marked date, except a first year whose
// dates all fall in its last week, when the next year has dates too (a holiday period of
// the next year that begins in December, as the 2023 New Year break on 2022-12-31), and a
// last year whose dates all fall in its first week, when the year before has dates.
std::set<int> covered_years(const std::vector<date>& days) {
    std::map<int, std::pair<date, date>> spans; // year: first and last marked date
    for (const date& day : days) {
        auto [entry, added] = spans.emplace(day.year(), std::make_pair(day, day));
        if (!added) entry->second = {std::min(entry->second.first, day), std::max(entry->second.second, day)};
    }
    std::set<int> years;
    for (const auto& entry : spans) years.insert(entry.first);
    if (years.size() > 1) {
        const int first = *years.begin(), last = *years.rbegin();
        if (years.count(first + 1) && spans[first].first >= date(static_cast<unsigned short>(first), 12, 25))
            years.erase(first);
        if (years.count(last - 1) && spans[last].second <= date(static_cast<unsigned short>(last), 1, 7))
            years.erase(last);
    }
    return years;
}

DateRange whole_years(int first, int last) {
    return {date(static_cast<unsigned short>(first), 1, 1), date(static_cast<unsigned short>(last), 12, 31)};
}

std::string format_range(const DateRange& range) { return format_date(range.first) + " to " + format_date(range.last); }

} // namespace

CalendarDefinition overlay_ics(std::string_view text, CalendarDefinition base, const std::string& source,
                               OutsideHorizon outside_horizon) {
    const auto outside = [&](const date& day) {
        return (base.first_year && day.year() < *base.first_year) || (base.last_year && day.year() > *base.last_year);
    };
    const std::optional<DateRange> covered = coverage_of(base);
    std::vector<date> laid; // the dates laid over the base, in order
    for (const auto& [day, marking] : IcsReader(source).read(text)) {
        if (outside(day)) {
            if (outside_horizon == OutsideHorizon::clip) continue;
            const Horizon horizon = horizon_of(base);
            throw CalendarError(source + ":" + std::to_string(marking.second) + ": " + format_date(day) +
                                " lies outside the calendar's horizon " + std::to_string(horizon.first_year) + "-" +
                                std::to_string(horizon.last_year) +
                                " (load it with OutsideHorizon::clip to drop such dates)");
        }
        laid.push_back(day);
        if (marking.first == DayKind::holiday) {
            base.workdays.erase(day);
            base.hours.erase(day);
            base.holidays.insert(day);
        } else {
            base.holidays.erase(day);
            base.workdays.insert(day);
        }
    }
    const std::set<int> years = covered_years(laid);
    if (years.empty()) return base;

    // The new coverage is one range: every year in it must be the feed's or reached by the
    // old coverage, so that no year without data is claimed covered.
    DateRange result = whole_years(*years.begin(), *years.rbegin());
    if (covered) result = {std::min(result.first, covered->first), std::max(result.last, covered->last)};
    for (int year = result.first.year(); year <= result.last.year(); ++year) {
        const DateRange whole = whole_years(year, year);
        const DateRange part{std::max(whole.first, result.first), std::min(whole.last, result.last)};
        const bool reached = covered && covered->first <= part.first && part.last <= covered->last;
        if (!years.count(year) && !reached)
            throw CalendarError(source + ": the feed has no holidays or make-up workdays in " + std::to_string(year) +
                                (covered ? ", nor does the calendar's coverage " + format_range(*covered) + " reach it"
                                         : std::string()) +
                                ": a year without data would be claimed covered (load " + std::to_string(year) +
                                " first)");
    }
    base.covers = result;
    return base;
}

} // namespace ticketflow::detail
