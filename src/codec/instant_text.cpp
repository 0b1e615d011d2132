// The text form of instants in JSON and messages: "2024-05-20T06:30:00Z" (ticketflow/clock.hpp).
#include "ticketflow/clock.hpp"
#include "ticketflow/error.hpp"

#include <cstdio>

namespace ticketflow {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

CivilDate civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2), month, day};
}

// Appends "2024-05-20T06:30:00Z" to `out`.
void append_instant(std::string& out, Instant t) {
    const std::int64_t seconds = t.time_since_epoch().count();
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    const CivilDate date = civil_from_days(days);
    const auto hour = static_cast<unsigned>(rest / 3600);
    const auto minute = static_cast<unsigned>(rest / 60 % 60);
    const auto second = static_cast<unsigned>(rest % 60);
    if (date.year < 0 || date.year > 9999) { // outside ISO 8601's four digits: rare, keep it simple
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(date.year),
                      date.month, date.day, hour, minute, second);
        out += buffer;
        return;
    }
    const auto year = static_cast<unsigned>(date.year);
    auto digit = [](unsigned v) { return static_cast<char>('0' + v % 10); };
    const char text[20] = {digit(year / 1000),
                           digit(year / 100),
                           digit(year / 10),
                           digit(year),
                           '-',
                           digit(date.month / 10),
                           digit(date.month),
                           '-',
                           digit(date.day / 10),
                           digit(date.day),
                           'T',
                           digit(hour / 10),
                           digit(hour),
                           ':',
                           digit(minute / 10),
                           digit(minute),
                           ':',
                           digit(second / 10),
                           digit(second),
                           'Z'};
    out.append(text, sizeof text);
}

} // namespace

std::string format_instant(Instant t) {
    std::string text;
    append_instant(text, t);
    return text;
}

Instant parse_instant(const std::string& text, const std::string& field) {
    auto malformed = [&] {
        return ValidationError(field, "'" + text + "' is not a UTC time like 2024-05-20T06:30:00Z");
    };
    const bool shaped = text.size() == 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
                        text[16] == ':' && text[19] == 'Z';
    if (!shaped) throw malformed();
    auto number = [&](std::size_t at, std::size_t digits) {
        unsigned value = 0;
        for (std::size_t i = at; i < at + digits; ++i) {
            if (text[i] < '0' || text[i] > '9') throw malformed();
            value = value * 10 + static_cast<unsigned>(text[i] - '0');
        }
        return value;
    };
    const unsigned year = number(0, 4), month = number(5, 2), day = number(8, 2);
    const unsigned hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
    const std::int64_t days = days_from_civil(year, month, day);
    const CivilDate check = civil_from_days(days);
    if (month < 1 || month > 12 || check.month != month || check.day != day || hour > 23 || minute > 59 || second > 59)
        throw ValidationError(field, "'" + text + "' is not a valid date and time");
    return Instant{Duration{days * 86400 + hour * 3600 + minute * 60 + second}};
}

} // namespace ticketflow
