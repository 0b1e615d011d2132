#include "calendar/text.hpp"

#include <cctype>
#include <cstdio>
#include <exception>

namespace ticketflow::detail {

namespace {

// The digits text[from, from + count) as a number, or -1 if any is not a digit.
int digits(std::string_view text, std::size_t from, std::size_t count) {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

std::optional<boost::gregorian::date> make_date(int year, int month, int day) {
    if (year < 1400 || month < 1 || month > 12 || day < 1) return std::nullopt;
    try {
        return boost::gregorian::date(static_cast<unsigned short>(year), static_cast<unsigned short>(month),
                                      static_cast<unsigned short>(day));
    } catch (const std::exception&) { // e.g. February 30
        return std::nullopt;
    }
}

} // namespace

std::optional<boost::gregorian::date> parse_iso_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    return make_date(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2));
}

std::optional<boost::gregorian::date> parse_basic_date(std::string_view text) {
    if (text.size() != 8) return std::nullopt;
    return make_date(digits(text, 0, 4), digits(text, 4, 2), digits(text, 6, 2));
}

std::optional<int> parse_hhmm(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    const int hours = digits(text, 0, 2), minutes = digits(text, 3, 2);
    if (hours < 0 || minutes < 0 || minutes > 59) return std::nullopt;
    const int total = hours * 60 + minutes;
    if (total > 24 * 60) return std::nullopt;
    return total;
}

std::string format_date(const boost::gregorian::date& d) {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(d.year()), static_cast<int>(d.month()),
                  static_cast<int>(d.day()));
    return text;
}

std::string format_hhmm(int minutes) {
    char text[16];
    std::snprintf(text, sizeof text, "%02d:%02d", minutes / 60 % 100, minutes % 60);
    return text;
}

std::string format_interval(const WorkingInterval& interval) {
    return format_hhmm(interval.from) + "-" + format_hhmm(interval.to);
}

std::string format_utc(Seconds utc) {
    // Any instant, also one in year 0 or far beyond Boost's 1400..9999: the civil date is
    // computed here (Howard Hinnant's civil_from_days) instead of through boost::gregorian.
    const Seconds day = floor_div(utc, seconds_per_day);
    // Not utc - day * seconds_per_day, which overflows for the earliest instants.
    const Seconds second_of_day = utc % seconds_per_day + (utc % seconds_per_day < 0 ? seconds_per_day : 0);
    const Seconds z = day + 719468;
    const Seconds era = floor_div(z, 146097);
    const Seconds day_of_era = z - era * 146097;
    const Seconds year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const Seconds day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const Seconds shifted_month = (5 * day_of_year + 2) / 153; // March = 0
    const Seconds month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    const Seconds year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    char text[64];
    std::snprintf(text, sizeof text, "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(year),
                  static_cast<int>(month), static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1),
                  static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                  static_cast<int>(second_of_day % 60));
    return text;
}

} // namespace ticketflow::detail
