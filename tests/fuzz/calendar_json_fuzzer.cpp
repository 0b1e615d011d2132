// BusinessCalendar::from_json on arbitrary bytes: only CalendarError may leave it, and a
// calendar it accepts answers queries at the ends of its horizon without crashing.
#include "ticketflow/calendar.hpp"
#include "ticketflow/error.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto calendar = ticketflow::BusinessCalendar::from_json(text, "fuzz.json");
        const auto first = calendar.to_instant(calendar.first_date(), 0, 0);
        const auto last = calendar.to_instant(calendar.last_date(), 23, 59);
        (void)calendar.is_workday(calendar.last_date());
        (void)calendar.business_time_between(first, last);
        (void)calendar.add_workdays(calendar.first_date(), 1);
        (void)calendar.add_business_time(first, std::chrono::hours(1));
    } catch (const ticketflow::CalendarError&) {
        // refused, or a query past the horizon: both typed
    } catch (const ticketflow::ValidationError&) {
        // end_of_workday and friends on a day off; not expected here, but typed
    }
    return 0;
}
