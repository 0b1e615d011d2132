#pragma once
// A deliberately simple business calendar to check BusinessCalendar against. It shares no
// code with the library: it reads the calendar JSON itself, knows the UTC offset rules of
// its zones by heart, marks every working minute of a window in a table, and answers each
// query by walking that table minute by minute (dates: day by day).
//
// Times are integer seconds since 1970-01-01 00:00 (UTC unless named local); dates are day
// numbers since 1970-01-01. Every boundary it deals with falls on a whole minute.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ticketflow::testing {

using Secs = std::int64_t;

inline Secs floor_div(Secs a, Secs b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Day number of a civil date (Howard Hinnant's days_from_civil).
inline Secs days_from_civil(Secs y, Secs m, Secs d) {
    y -= m <= 2;
    const Secs era = floor_div(y, 400);
    const Secs year_of_era = y - era * 400;
    const Secs day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const Secs day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

// 0 = Sunday; 1970-01-01 was a Thursday.
inline int weekday_of(Secs day) { return static_cast<int>(((day % 7) + 7 + 4) % 7); }

// A zone as the reference knows it: its UTC offset at any instant, and the largest offset.
struct ZoneRule {
    std::function<Secs(Secs)> offset_at;
    Secs max_offset;
};

inline ZoneRule shanghai_rule() {
    return {[](Secs) { return Secs{8 * 3600}; }, 8 * 3600};
}

// Germany since 1996 (EU rule): UTC+2 from 01:00 UTC on the last Sunday of March to 01:00
// UTC on the last Sunday of October, UTC+1 otherwise.
inline ZoneRule berlin_rule() {
    const auto last_sunday = [](Secs year, Secs month) {
        const Secs day31 = days_from_civil(year, month, 31);
        return day31 - weekday_of(day31);
    };
    return {[last_sunday](Secs utc) {
                Secs year = 1970 + floor_div(utc, 31556952);
                while (days_from_civil(year + 1, 1, 1) * 86400 <= utc) ++year;
                while (days_from_civil(year, 1, 1) * 86400 > utc) --year;
                const Secs summer_from = last_sunday(year, 3) * 86400 + 3600;
                const Secs summer_until = last_sunday(year, 10) * 86400 + 3600;
                return utc >= summer_from && utc < summer_until ? Secs{7200} : Secs{3600};
            },
            7200};
}

class ReferenceCalendar {
public:
    using Intervals = std::vector<std::pair<int, int>>; // [from, to) in local minutes

    // Reads `json` (the calendar file form) and marks the working minutes of the local days
    // first_day..last_day.
    ReferenceCalendar(const std::string& json, ZoneRule zone, Secs first_day, Secs last_day) : zone_(std::move(zone)) {
        read_rules(nlohmann::json::parse(json));
        first_minute_ = first_reaching(first_day * 86400) / 60;
        working_.assign(static_cast<std::size_t>(first_reaching((last_day + 1) * 86400) / 60 - first_minute_), 0);
        for (Secs day = first_day; day <= last_day; ++day) {
            for (const auto& [from, to] : intervals_on(day)) {
                const Secs first = first_reaching(day * 86400 + from * 60) / 60;
                const Secs end = first_reaching(day * 86400 + to * 60) / 60;
                for (Secs minute = first; minute < end; ++minute)
                    working_.at(static_cast<std::size_t>(minute - first_minute_)) = 1;
            }
        }
    }

    // Date-specific hours, else holiday, else make-up workday, else the weekday's hours.
    Intervals intervals_on(Secs day) const {
        if (hours_.count(day)) return hours_.at(day);
        if (holidays_.count(day)) return {};
        if (workdays_.count(day)) {
            for (int weekday = 1; weekday <= 5; ++weekday)
                if (!weekly_[weekday].empty()) return weekly_[weekday];
        }
        return weekly_[weekday_of(day)];
    }

    bool is_workday(Secs day) const { return !intervals_on(day).empty(); }

    Secs add_workdays(Secs day, int n) const {
        while (n > 0) {
            ++day;
            if (is_workday(day)) --n;
        }
        while (n < 0) {
            --day;
            if (is_workday(day)) ++n;
        }
        return day;
    }

    Secs local_time(Secs utc) const { return utc + zone_.offset_at(utc); }
    Secs local_day(Secs utc) const { return floor_div(local_time(utc), 86400); }

    // The first instant at which the local clock reads `local` or later: no instant before
    // local - max_offset can, so step forward from there a minute at a time.
    Secs first_reaching(Secs local) const {
        Secs utc = local - zone_.max_offset;
        while (local_time(utc) < local) utc += 60;
        return utc;
    }

    Secs end_of_workday(Secs day) const { return first_reaching(day * 86400 + intervals_on(day).back().second * 60); }

    bool working_at(Secs utc) const {
        const Secs minute = floor_div(utc, 60) - first_minute_;
        if (minute < 0 || minute >= static_cast<Secs>(working_.size()))
            throw std::out_of_range("instant outside the reference window");
        return working_[static_cast<std::size_t>(minute)] != 0;
    }

    Secs add_business_time(Secs t, Secs amount) const {
        while (amount > 0) {
            const Secs minute_end = (floor_div(t, 60) + 1) * 60;
            const Secs step = working_at(t) ? std::min(amount, minute_end - t) : 0;
            amount -= step;
            t = step > 0 ? t + step : minute_end;
        }
        return t;
    }

    Secs business_time_between(Secs a, Secs b) const {
        if (a > b) return -business_time_between(b, a);
        Secs total = 0;
        while (a < b) {
            const Secs step = std::min(b, (floor_div(a, 60) + 1) * 60) - a;
            if (working_at(a)) total += step;
            a += step;
        }
        return total;
    }

    Secs next_business_instant(Secs t) const {
        if (working_at(t)) return t;
        t = (floor_div(t, 60) + 1) * 60;
        while (!working_at(t)) t += 60;
        return t;
    }

private:
    static int minutes_of(const std::string& hhmm) {
        return std::stoi(hhmm.substr(0, 2)) * 60 + std::stoi(hhmm.substr(3, 2));
    }

    static Secs day_of(const std::string& iso) {
        return days_from_civil(std::stoi(iso.substr(0, 4)), std::stoi(iso.substr(5, 2)), std::stoi(iso.substr(8, 2)));
    }

    static Intervals intervals_of(const nlohmann::json& list) {
        Intervals result;
        for (const auto& pair : list) result.emplace_back(minutes_of(pair[0]), minutes_of(pair[1]));
        return result;
    }

    void read_rules(const nlohmann::json& calendar) {
        const char* keys[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
        for (int weekday = 0; weekday < 7; ++weekday)
            if (calendar["weekly"].contains(keys[weekday]))
                weekly_[weekday] = intervals_of(calendar["weekly"][keys[weekday]]);
        for (const auto& day : calendar.value("holidays", nlohmann::json::array())) holidays_.insert(day_of(day));
        for (const auto& day : calendar.value("workdays", nlohmann::json::array())) workdays_.insert(day_of(day));
        const auto hours = calendar.value("hours", nlohmann::json::object());
        for (const auto& [day, list] : hours.items()) hours_[day_of(day)] = intervals_of(list);
    }

    ZoneRule zone_;
    Intervals weekly_[7];
    std::set<Secs> holidays_, workdays_;
    std::map<Secs, Intervals> hours_;
    Secs first_minute_ = 0;
    std::vector<char> working_; // one entry per UTC minute from first_minute_
};

} // namespace ticketflow::testing
