// CSV and Markdown: the report's tables, flattened (CSV) or printed as tables (Markdown).
#include "ticketflow/report.hpp"

#include "report/render.hpp"

namespace ticketflow {
namespace {

// RFC 4180: a field with a comma, quote, CR or LF is quoted and its quotes doubled.
// Text that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
// apostrophe, so a customer's description can never execute in Excel.
std::string csv_field(const std::string& value) {
    std::string text = value;
    if (!text.empty() && std::string("=+-@\t\r").find(text.front()) != std::string::npos) {
        bool number = text.find_first_not_of("+-0123456789.") == std::string::npos && text.size() > 1;
        if (!number) text.insert(text.begin(), '\'');
    }
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

void csv_row(std::string& out, std::initializer_list<std::string> fields) {
    bool first = true;
    for (const auto& f : fields) {
        if (!first) out += ',';
        out += csv_field(f);
        first = false;
    }
    out += "\r\n";
}

// Markdown table cells: pipes escaped, line breaks flattened.
std::string md_cell(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n' || c == '\r')
            out += ' ';
        else
            out += c;
    }
    return out.empty() ? " " : out;
}

void md_row(std::string& out, const std::vector<std::string>& cells) {
    out += "|";
    for (const auto& c : cells) out += " " + md_cell(c) + " |";
    out += "\n";
}

} // namespace

std::string to_csv(const Report& report, const CsvOptions& options) {
    detail::Formatter f(report.locale, detail::CellStyle::numeric);
    const auto& w = f.words();
    std::string out = options.bom ? "\xEF\xBB\xBF" : "";
    csv_row(out, {w.section, w.group, w.metric, w.value});
    for (const auto& [name, value] : detail::report_meta(report, f)) csv_row(out, {report.title, "", name, value});
    for (const auto& t : detail::report_tables(report, f)) {
        for (const auto& row : t.rows) {
            if (t.key_value) {
                csv_row(out, {t.title, "", row[0], row[1]});
                continue;
            }
            for (std::size_t i = 1; i < row.size() && i < t.header.size(); ++i)
                if (!row[i].empty()) csv_row(out, {t.title, row[0], t.header[i], row[i]});
        }
    }
    return out;
}

std::string to_markdown(const Report& report) {
    detail::Formatter f(report.locale, detail::CellStyle::human);
    std::string out = "# " + md_cell(report.title) + "\n\n";
    for (const auto& [name, value] : detail::report_meta(report, f))
        out += "- **" + name + "**: " + md_cell(value) + "\n";
    for (const auto& t : detail::report_tables(report, f)) {
        out += "\n## " + t.title + "\n\n";
        md_row(out, t.header);
        out += "|";
        for (std::size_t i = 0; i < t.header.size(); ++i)
            out += i > 0 && detail::numeric_column(t, i) ? " ---: |" : " --- |";
        out += "\n";
        for (const auto& row : t.rows) md_row(out, row);
    }
    return out;
}

} // namespace ticketflow
