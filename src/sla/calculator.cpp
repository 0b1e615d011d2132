// The default SlaCalculator: deadlines on a BusinessCalendar.
#include "ticketflow/sla.hpp"

#include <algorithm>
#include <cmath>

namespace ticketflow {

namespace {

Duration scaled(Duration d, double fraction) {
    return Duration{static_cast<Duration::rep>(std::llround(static_cast<double>(d.count()) * fraction))};
}

} // namespace

CalendarSlaCalculator::CalendarSlaCalculator(BusinessCalendar calendar) : calendar_(std::move(calendar)) {}

Instant CalendarSlaCalculator::effective_start(const SlaTarget& target, Instant start) const {
    if (!target.cutoff) return start;
    auto day = calendar_.local_date(start);
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(*target.cutoff).count();
    auto cutoff = calendar_.to_instant(day, static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
    if (calendar_.is_workday(day) && start <= cutoff) return start; // "after" the cut-off counts tomorrow
    // Counts from the beginning of the next working day.
    return calendar_.next_business_instant(calendar_.to_instant(calendar_.add_workdays(day, 1), 0, 0));
}

Instant CalendarSlaCalculator::point(const SlaTarget& target, Instant start, double fraction) const {
    switch (target.unit) {
    case TargetUnit::calendar_time: return start + scaled(target.amount, fraction);
    case TargetUnit::business_time: return calendar_.add_business_time(start, scaled(target.amount, fraction));
    case TargetUnit::working_days: {
        auto day = calendar_.local_date(start);
        // "The same day" after its working hours is the next working day: never a deadline
        // already gone when the clock starts.
        const bool today = calendar_.is_workday(day) && start < calendar_.end_of_workday(day);
        auto last = target.days > 0 ? calendar_.add_workdays(day, target.days)
                    : today         ? day
                                    : calendar_.add_workdays(day, 1);
        Instant deadline = calendar_.end_of_workday(last);
        if (fraction >= 1.0 || deadline <= start) return deadline;
        return calendar_.add_business_time(start, scaled(calendar_.business_time_between(start, deadline), fraction));
    }
    }
    return start;
}

Instant CalendarSlaCalculator::extend(const SlaTarget& target, Instant instant, Instant from, Instant to) const {
    if (to <= from) return instant;
    if (target.unit == TargetUnit::calendar_time) return instant + (to - from);
    return calendar_.add_business_time(instant, calendar_.business_time_between(from, to));
}

Duration CalendarSlaCalculator::measure(const SlaTarget& target, Instant from, Instant to) const {
    if (to <= from) return Duration{0};
    if (target.unit == TargetUnit::calendar_time) return to - from;
    return calendar_.business_time_between(from, to);
}

std::optional<boost::gregorian::date> SlaCalculator::uncovered_date(const SlaTarget&, Instant, Instant) const {
    return std::nullopt;
}

std::optional<DateRange> SlaCalculator::coverage() const { return std::nullopt; }

std::optional<boost::gregorian::date> CalendarSlaCalculator::uncovered_date(const SlaTarget& target, Instant start,
                                                                            Instant due) const {
    if (target.unit == TargetUnit::calendar_time && !target.cutoff) return std::nullopt;
    const auto covered = calendar_.coverage();
    if (!covered) return std::nullopt;
    const auto first = calendar_.local_date(start);
    const auto last = calendar_.local_date(std::max(start, due));
    if (first < covered->first) return first;
    if (last > covered->last) return std::max(first, covered->last + boost::gregorian::days(1));
    return std::nullopt;
}

std::optional<DateRange> CalendarSlaCalculator::coverage() const { return calendar_.coverage(); }

} // namespace ticketflow
