#pragma once
// What the text renderers share: number and duration formatting in the report's locale,
// and the report laid out as titled tables (Markdown and HTML print them as tables, CSV
// flattens them into long form).

#include "ticketflow/report.hpp"

#include "report/labels.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ticketflow::detail {

// How cells are written: for people (83.3%, 2小时15分) or for spreadsheets (83.3, 135.0
// with the unit in the column header).
enum class CellStyle { human, numeric };

class Formatter {
public:
    Formatter(ReportLocale locale, CellStyle style) : locale_(locale), style_(style), words_(labels(locale)) {}

    const Labels& words() const noexcept { return words_; }
    ReportLocale locale() const noexcept { return locale_; }
    bool numeric() const noexcept { return style_ == CellStyle::numeric; }

    std::string count(std::size_t n) const { return std::to_string(n); }
    std::string percent(std::optional<double> share) const;
    std::string duration(std::optional<Duration> d) const;
    std::string score(std::optional<double> mean) const;
    // Column headers of durations and shares carry the unit in numeric style.
    std::string duration_header(const std::string& name) const;
    std::string percent_header(const std::string& name) const;
    // A compact length for labels such as ageing buckets: "1天", "3 d", "12小时".
    std::string short_duration(Duration d) const;
    std::string local_time(const boost::posix_time::ptime& t) const;
    std::string local_date(const boost::gregorian::date& d) const;

private:
    ReportLocale locale_;
    CellStyle style_;
    const Labels& words_;
};

struct Table {
    std::string id;         // stable, for anchors
    std::string title;      // in the report's locale
    bool key_value = false; // two columns: metric, value
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

// True when every cell of column @p column below the header is a figure (or empty, or
// "—"): such columns are right-aligned, text columns left-aligned.
bool numeric_column(const Table& table, std::size_t column);

// The report's meta data (period, generation time, zone, filter) as label/value pairs.
std::vector<std::pair<std::string, std::string>> report_meta(const Report& report, const Formatter& f);

// Every table of the report, in reading order. Empty sections are left out.
std::vector<Table> report_tables(const Report& report, const Formatter& f);

// Label of an ageing bucket: "< 1天", "1天 – 3天", "≥ 30天".
std::string ageing_label(const AgeingBucket& bucket, const Formatter& f);

// Display name of a group key for agents and departments (empty = unassigned).
std::string group_label(const std::string& key, const Formatter& f);

} // namespace ticketflow::detail
