#pragma once
// The arrival process of a scenario: piecewise-constant Poisson arrivals by local hour and
// day type (or a replay of historic intake), drawn from the scenario's arrival stream.

#include "simulation/random.hpp"

#include "ticketflow/simulation.hpp"

#include <cmath>
#include <optional>

namespace ticketflow::sim {

inline DayType day_type(const BusinessCalendar& calendar, boost::gregorian::date date) {
    if (calendar.definition().holidays.count(date)) return DayType::holiday;
    return calendar.is_workday(date) ? DayType::working_day : DayType::weekend;
}

// Piecewise-constant Poisson arrivals by local hour and day type.
class ArrivalStream {
public:
    explicit ArrivalStream(const Scenario& s) : s_(s), state_(stream_seed(s.seed, 0xA5517A1)) {}

    std::optional<Instant> next() {
        if (!s_.replay.empty()) {
            while (replay_ < s_.replay.size() && s_.replay[replay_].received < s_.start) ++replay_;
            if (replay_ >= s_.replay.size() || s_.replay[replay_].received >= s_.end) return std::nullopt;
            return s_.replay[replay_++].received;
        }
        const double horizon = static_cast<double>((s_.end - s_.start).count());
        while (pos_ < horizon) {
            if (pos_ >= segment_end_) open_segment();
            if (rate_ > 0) {
                const double gap = -std::log(next_uniform(state_)) * 3600.0 / rate_;
                if (pos_ + gap < segment_end_) {
                    pos_ += gap;
                    if (pos_ >= horizon) break;
                    return s_.start + Duration(static_cast<Duration::rep>(std::floor(pos_)));
                }
            }
            pos_ = segment_end_; // memoryless: redraw at the boundary with the next hour's rate
        }
        pos_ = horizon;
        return std::nullopt;
    }
    // The attributes of the replayed arrival last returned by next().
    const HistoricArrival* replayed() const { return replay_ ? &s_.replay[replay_ - 1] : nullptr; }

private:
    // The local hour containing pos_: its rate and end (seconds after the start).
    void open_segment() {
        const Instant t = s_.start + Duration(static_cast<Duration::rep>(std::floor(pos_)));
        const auto local = s_.calendar.to_local(t);
        const auto date = local.date();
        const auto hour = static_cast<std::size_t>(local.time_of_day().hours());
        const auto into_hour = local.time_of_day().minutes() * 60 + local.time_of_day().seconds();
        switch (day_type(s_.calendar, date)) {
        case DayType::working_day: rate_ = s_.arrivals.working_day[date.day_of_week().as_number()][hour]; break;
        case DayType::weekend: rate_ = s_.arrivals.weekend[hour]; break;
        case DayType::holiday: rate_ = s_.arrivals.holiday[hour]; break;
        }
        segment_end_ = std::floor(pos_) + static_cast<double>(3600 - into_hour);
    }

    const Scenario& s_;
    std::uint64_t state_;
    double pos_ = 0;         // seconds after the start, continuous
    double segment_end_ = 0; // end of the current local hour
    double rate_ = 0;        // tickets per hour in it
    std::size_t replay_ = 0;
};

} // namespace ticketflow::sim
