// The monthly 《客户需求分析报告》 (seed 003): every month, by the 5th, the previous month.
#include "ticketflow/report.hpp"

#include "ticketflow/error.hpp"

#include "report/labels.hpp"

namespace ticketflow {

Period month_period(int year, int month, const BusinessCalendar& calendar) {
    if (month < 1 || month > 12) throw ValidationError("month", "must be between 1 and 12");
    if (year < 1401 || year > 9998) throw ValidationError("year", "out of range");
    boost::gregorian::date first(static_cast<unsigned short>(year), static_cast<unsigned short>(month), 1);
    auto next = first + boost::gregorian::months(1);
    return {calendar.to_instant(first, 0, 0), calendar.to_instant(next, 0, 0)};
}

Period previous_month_period(boost::gregorian::date day, const BusinessCalendar& calendar) {
    auto previous = boost::gregorian::date(day.year(), day.month(), 1) - boost::gregorian::months(1);
    return month_period(previous.year(), previous.month(), calendar);
}

boost::gregorian::date monthly_report_due(boost::gregorian::date day) { return {day.year(), day.month(), 5}; }

Report monthly_report(const TicketStore& store, boost::gregorian::date day, const ReportOptions& options,
                      const ReportFilter& filter) {
    Period period = previous_month_period(day, options.calendar);
    ReportFilter monthly = filter;
    monthly.from = period.from;
    monthly.until = period.until;
    ReportOptions titled = options;
    if (titled.title.empty()) {
        auto month = boost::gregorian::date(day.year(), day.month(), 1) - boost::gregorian::months(1);
        titled.title = detail::monthly_title(options.locale, month.year(), month.month());
    }
    return build_report(store, monthly, titled);
}

Report monthly_report(const TicketStore& store, const ReportOptions& options, const ReportFilter& filter) {
    Instant now = options.now.value_or(SystemClock().now());
    ReportOptions fixed = options;
    fixed.now = now; // the same instant decides the month and judges the clocks
    return monthly_report(store, options.calendar.local_date(now), fixed, filter);
}

} // namespace ticketflow
