#include "calendar/posix_tz.hpp"

#include <cctype>
#include <stdexcept>
#include <string>

namespace ticketflow::detail {

namespace {

using boost::gregorian::date;

[[noreturn]] void malformed(std::string_view what) {
    throw std::invalid_argument("malformed POSIX TZ rule (" + std::string(what) + ")");
}

bool starts_with_digit(std::string_view text) {
    return !text.empty() && std::isdigit(static_cast<unsigned char>(text.front()));
}

int parse_number(std::string_view& text) {
    if (!starts_with_digit(text)) malformed("expected a number");
    int value = 0;
    while (starts_with_digit(text) && value < 10000) {
        value = value * 10 + (text.front() - '0');
        text.remove_prefix(1);
    }
    return value;
}

bool consume(std::string_view& text, char c) {
    if (text.empty() || text.front() != c) return false;
    text.remove_prefix(1);
    return true;
}

// A zone abbreviation: "CET", or quoted like "<+08>".
void skip_name(std::string_view& text) {
    std::size_t length = 0;
    if (consume(text, '<')) {
        length = text.find('>');
        if (length == std::string_view::npos) malformed("unterminated <name>");
        text.remove_prefix(length + 1);
        return;
    }
    while (length < text.size() && std::isalpha(static_cast<unsigned char>(text[length]))) ++length;
    if (length < 3) malformed("zone abbreviation");
    text.remove_prefix(length);
}

// [+-]hh[:mm[:ss]] in seconds.
int parse_time(std::string_view& text) {
    int sign = 1;
    if (consume(text, '-'))
        sign = -1;
    else
        consume(text, '+');
    int seconds = parse_number(text) * 3600;
    if (consume(text, ':')) seconds += parse_number(text) * 60;
    if (consume(text, ':')) seconds += parse_number(text);
    return sign * seconds;
}

} // namespace

PosixTimeZone::PosixTimeZone(std::string_view rule) {
    skip_name(rule);
    // POSIX offsets count hours west of Greenwich; ours count seconds east.
    standard_offset_ = -parse_time(rule);
    if (rule.empty()) return;
    skip_name(rule);
    has_daylight_ = true;
    daylight_offset_ = (rule.empty() || rule.front() == ',') ? standard_offset_ + 3600 : -parse_time(rule);
    if (!consume(rule, ',')) malformed("daylight time without a rule");
    start_ = parse_change(rule);
    if (!consume(rule, ',')) malformed("daylight time without an end");
    end_ = parse_change(rule);
    if (!rule.empty()) malformed("trailing characters");
}

PosixTimeZone::Change PosixTimeZone::parse_change(std::string_view& text) {
    Change change{};
    if (consume(text, 'M')) {
        change.kind = Change::Kind::month_week_day;
        change.month = parse_number(text);
        if (!consume(text, '.')) malformed("Mm.w.d");
        change.week = parse_number(text);
        if (!consume(text, '.')) malformed("Mm.w.d");
        change.weekday = parse_number(text);
        if (change.month < 1 || change.month > 12 || change.week < 1 || change.week > 5 || change.weekday > 6)
            malformed("Mm.w.d out of range");
    } else if (consume(text, 'J')) {
        change.kind = Change::Kind::julian_without_leap_day;
        change.day = parse_number(text);
        if (change.day < 1 || change.day > 365) malformed("Jn out of range");
    } else {
        change.kind = Change::Kind::zero_based_day;
        change.day = parse_number(text);
        if (change.day > 365) malformed("n out of range");
    }
    change.time = consume(text, '/') ? parse_time(text) : 7200;
    return change;
}

Seconds PosixTimeZone::Change::local_seconds(int year) const {
    const date new_year(static_cast<unsigned short>(year), 1, 1);
    date result = new_year;
    switch (kind) {
    case Kind::julian_without_leap_day: {
        // Jn never counts February 29: J60 is always March 1.
        const bool after_leap_day = boost::gregorian::gregorian_calendar::is_leap_year(new_year.year()) && day >= 60;
        result = new_year + boost::gregorian::days(day - 1 + (after_leap_day ? 1 : 0));
        break;
    }
    case Kind::zero_based_day: result = new_year + boost::gregorian::days(day); break;
    case Kind::month_week_day: {
        const date first(new_year.year(), static_cast<unsigned short>(month), 1);
        const int first_weekday = first.day_of_week().as_number();
        result = first + boost::gregorian::days((weekday - first_weekday + 7) % 7 + 7 * (week - 1));
        while (result.month() != first.month()) result -= boost::gregorian::days(7); // week 5 = the last
        break;
    }
    }
    return midnight(result) + time;
}

int PosixTimeZone::offset_at(Seconds utc) const {
    if (!has_daylight_) return standard_offset_;
    const int year = date_of_seconds(utc + standard_offset_).year();
    const Seconds start = start_utc(year), end = end_utc(year);
    // Southern-hemisphere rules start daylight time late in the year and end it early.
    const bool daylight = start < end ? (start <= utc && utc < end) : !(end <= utc && utc < start);
    return daylight ? daylight_offset_ : standard_offset_;
}

std::vector<Seconds> PosixTimeZone::changes_in(int year) const {
    if (!has_daylight_) return {};
    return {start_utc(year), end_utc(year)};
}

} // namespace ticketflow::detail
