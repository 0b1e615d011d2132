// BusinessCalendar::with_ics on arbitrary bytes over a weekly calendar, once with the
// default policy and once clipping to an explicit horizon: only CalendarError may leave it.
#include "ticketflow/calendar.hpp"
#include "ticketflow/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

ticketflow::BusinessCalendar weekly(bool explicit_horizon) {
    ticketflow::CalendarDefinition definition;
    definition.time_zone = "Asia/Shanghai";
    for (int weekday = 1; weekday <= 5; ++weekday)
        definition.weekly[static_cast<std::size_t>(weekday)] = {{9 * 60, 12 * 60}, {13 * 60 + 30, 18 * 60}};
    definition.holidays = {boost::gregorian::date(2025, 1, 1)};
    if (explicit_horizon) {
        definition.first_year = 2020;
        definition.last_year = 2035;
    }
    return ticketflow::BusinessCalendar(definition);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto open = weekly(false);
    static const auto bounded = weekly(true);
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto* base : {&open, &bounded}) {
        try {
            ticketflow::IcsOptions options;
            options.source_name = "fuzz.ics";
            options.outside_horizon =
                base == &bounded ? ticketflow::OutsideHorizon::clip : ticketflow::OutsideHorizon::error;
            const auto calendar = base->with_ics(text, options);
            (void)calendar.coverage();
            (void)calendar.is_workday(calendar.last_date());
        } catch (const ticketflow::CalendarError&) {}
    }
    return 0;
}
