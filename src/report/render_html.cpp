// HTML: one self-contained page, inline CSS and SVG, no script and no external resource
// (a Content-Security-Policy forbids both), so it can be mailed, archived and opened
// offline.
#include "ticketflow/report.hpp"

#include "report/render.hpp"
#include "report/svg.hpp"

namespace ticketflow {
namespace {

using detail::escape_xml;

constexpr const char* style = R"css(
body { margin: 0; background: #f4f6f8; color: #222;
       font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 8px 0 12px; }
h2 { font-size: 19px; margin: 28px 0 10px; border-left: 4px solid #2f6fb3; padding-left: 8px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 8px; }
dl.meta dt { color: #666; }
dl.meta dd { margin: 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(580px, 1fr)); gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid #dde3ea; border-radius: 6px; padding: 8px; }
table { border-collapse: collapse; background: #fff; font-size: 14px; }
th, td { border: 1px solid #dde3ea; padding: 5px 10px; text-align: right; vertical-align: top; }
th { background: #eef2f7; white-space: nowrap; word-break: keep-all; }
th:first-child, td:first-child { text-align: left; }
td { white-space: nowrap; }
td.text { text-align: left; max-width: 420px; white-space: normal; }
.scroll { overflow-x: auto; }
.alerts { background: #fff4f0; border: 1px solid #e3a48f; border-radius: 6px; padding: 8px 16px; }
.alerts li { margin: 4px 0; }
.headline { display: grid; grid-template-columns: minmax(360px, 1fr) 580px; gap: 16px; align-items: start;
            background: #fff; border: 1px solid #dde3ea; border-radius: 6px; padding: 8px 16px; margin: 0 0 16px; }
.headline h2 { margin-top: 8px; }
.headline ol { margin: 0; padding-left: 22px; }
.headline li { margin: 6px 0; }
.headline .figure { color: #2f6fb3; font-weight: bold; white-space: nowrap; }
.headline .kind { color: #666; white-space: nowrap; }
)css";

std::string table_html(const detail::Table& t) {
    std::string out = "<section id=\"" + escape_xml(t.id) + "\"><h2>" + escape_xml(t.title) +
                      "</h2><div class=\"scroll\"><table><thead><tr>";
    for (const auto& h : t.header) out += "<th>" + escape_xml(h) + "</th>";
    out += "</tr></thead><tbody>";
    std::vector<bool> text_column(t.header.size());
    for (std::size_t i = 1; i < text_column.size(); ++i) text_column[i] = !detail::numeric_column(t, i);
    for (const auto& row : t.rows) {
        out += "<tr>";
        for (std::size_t i = 0; i < row.size(); ++i)
            out += std::string(i < text_column.size() && text_column[i] ? "<td class=\"text\">" : "<td>") +
                   escape_xml(row[i]) + "</td>";
        out += "</tr>";
    }
    return out + "</tbody></table></div></section>\n";
}

std::string type_chart(const Report& r, const detail::Formatter& f) {
    std::vector<detail::Bar> bars;
    for (const auto& g : r.by_type) {
        if (g.received == 0) continue;
        double share = r.overall.received ? double(g.received) / double(r.overall.received) : 0;
        bars.push_back({detail::type_label(r.locale, g.key), double(g.received),
                        std::to_string(g.received) + " (" + f.percent(share) + ")"});
    }
    return detail::bar_chart("chart-types", f.words().type_distribution, bars, f.words().no_data);
}

// The frequent problems TOP N, the SOP's headline item (高频问题TOP3): a list and a chart,
// first on the page.
std::string problems_headline(const Report& r, const detail::Formatter& f) {
    const std::string title = std::string(f.words().top_problems) + " TOP" + std::to_string(r.top_n);
    std::vector<detail::Bar> bars;
    std::string list;
    std::size_t rank = 0;
    for (const auto& p : r.top_problems) {
        ++rank;
        const std::string figure = std::to_string(p.count) + " (" + f.percent(p.share) + ")";
        bars.push_back({std::to_string(rank) + ". " + detail::cut_text(p.summary, 10), double(p.count), figure});
        list += "<li><span class=\"summary\">" + escape_xml(p.summary) + "</span> <span class=\"kind\">" +
                escape_xml(detail::type_label(r.locale, p.type)) + "</span> <span class=\"figure\">" +
                escape_xml(figure) + "</span></li>";
    }
    std::string out = "<section class=\"headline\" id=\"top-problems\"><div><h2>" + escape_xml(title) + "</h2>";
    out += list.empty() ? "<p>" + escape_xml(f.words().no_data) + "</p>" : "<ol>" + list + "</ol>";
    out += "</div><figure>" + detail::bar_chart("chart-problems", title, bars, f.words().no_data) + "</figure>";
    return out + "</section>\n";
}

// Compliance of every timed stage over the whole period, on a 0–100 % scale.
std::string sla_stage_chart(const Report& r, const detail::Formatter& f) {
    std::vector<detail::Bar> bars;
    for (const auto& s : r.sla) {
        auto share = s.compliance();
        if (!share) continue;
        bars.push_back(
            {detail::stage_label(r.locale, s.stage), *share,
             f.percent(share) + " (" + std::to_string(s.met) + "/" + std::to_string(s.met + s.breached) + ")"});
    }
    return detail::bar_chart("chart-sla-stages", f.words().sla_by_stage, bars, f.words().no_data, 1.0);
}

std::vector<std::string> trend_labels(const Report& r) {
    std::vector<std::string> labels;
    for (const auto& p : r.trend) labels.push_back(detail::bucket_label(r.locale, r.bucket, p.start));
    return labels;
}

std::string sla_chart(const Report& r, const detail::Formatter& f) {
    std::vector<detail::Series> series{{f.words().overall_compliance, {}}};
    for (const auto& p : r.trend) {
        std::optional<double> v;
        if (p.sla_met + p.sla_breached) v = double(p.sla_met) / double(p.sla_met + p.sla_breached);
        series[0].values.push_back(v);
    }
    for (const auto& stats : r.sla) { // every timed stage, not only the first two
        const SlaStage stage = stats.stage;
        detail::Series s{detail::stage_label(r.locale, stage), {}};
        bool any = false;
        for (const auto& p : r.trend) {
            std::optional<double> v;
            for (const auto& st : p.sla)
                if (st.stage == stage) v = st.compliance();
            any = any || v.has_value();
            s.values.push_back(v);
        }
        if (any) series.push_back(std::move(s));
    }
    return detail::line_chart("chart-sla", f.words().sla_compliance, trend_labels(r), series, f.words().no_data);
}

std::string satisfaction_chart(const Report& r, const detail::Formatter& f) {
    detail::Series customers{f.words().customer_satisfaction, {}};
    detail::Series visits{f.words().visit_satisfaction, {}};
    for (const auto& p : r.trend) {
        customers.values.push_back(p.satisfaction.satisfied_share());
        visits.values.push_back(p.visit_satisfaction.satisfied_share());
    }
    return detail::line_chart("chart-satisfaction", f.words().satisfaction, trend_labels(r), {customers, visits},
                              f.words().no_data);
}

std::string backlog_chart(const Report& r, const detail::Formatter& f) {
    std::vector<detail::Bar> bars;
    for (const auto& b : r.backlog.ageing)
        bars.push_back({detail::ageing_label(b, f), double(b.count), std::to_string(b.count)});
    return detail::bar_chart("chart-backlog", f.words().backlog, bars, f.words().no_data);
}

std::string alerts_html(const Report& r, const detail::Formatter& f) {
    if (r.alerts.empty()) return "";
    std::string out = "<section class=\"alerts\" id=\"alert-list\"><h2>" + escape_xml(f.words().alerts) + "</h2><ul>";
    for (const auto& a : r.alerts) {
        std::string subject;
        if (a.kind == AlertKind::low_sla_compliance)
            subject = detail::stage_label(r.locale, parse_sla_stage(a.subject)) + ": ";
        if (a.kind == AlertKind::frequent_visit_problem) subject = detail::problem_label(r.locale, a.subject) + ": ";
        out += "<li>" + escape_xml(subject + detail::alert_label(r.locale, a.kind)) + " (" +
               escape_xml(f.percent(a.value)) + " / " + escape_xml(f.percent(a.threshold)) + ")</li>";
    }
    return out + "</ul></section>\n";
}

} // namespace

std::string to_html(const Report& r) {
    detail::Formatter f(r.locale, detail::CellStyle::human);
    std::string out = "<!DOCTYPE html>\n<html lang=\"";
    out += r.locale == ReportLocale::zh ? "zh-CN" : "en";
    out += "\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
           escape_xml(r.title) + "</title>\n<style>" + style + "</style>\n</head>\n<body>\n<main>\n<h1>" +
           escape_xml(r.title) + "</h1>\n<dl class=\"meta\">";
    for (const auto& [name, value] : detail::report_meta(r, f))
        out += "<dt>" + escape_xml(name) + "</dt><dd>" + escape_xml(value) + "</dd>";
    out += "</dl>\n" + problems_headline(r, f) + alerts_html(r, f);
    out += "<section id=\"charts\"><h2>" + escape_xml(f.words().charts) + "</h2><div class=\"charts\">\n";
    for (const auto& chart :
         {sla_stage_chart(r, f), type_chart(r, f), sla_chart(r, f), satisfaction_chart(r, f), backlog_chart(r, f)})
        out += "<figure>" + chart + "</figure>\n";
    out += "</div></section>\n";
    for (const auto& t : detail::report_tables(r, f))
        if (t.id != "alerts") out += table_html(t);
    return out + "</main>\n</body>\n</html>\n";
}

} // namespace ticketflow
