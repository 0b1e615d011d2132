#include "report/render.hpp"

#include <boost/date_time/gregorian/gregorian.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>

#include <cstdio>

namespace ticketflow::detail {
namespace {

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string percentile_name(double p) {
    // 50 → "50", 99.9 → "99.9"
    std::string text = fixed(p, 1);
    if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
    return text;
}

} // namespace

// --- Formatter ----------------------------------------------------------------------

std::string Formatter::percent(std::optional<double> share) const {
    if (!share) return numeric() ? "" : words_.none;
    std::string value = fixed(*share * 100.0, 1);
    return numeric() ? value : value + "%";
}

std::string Formatter::duration(std::optional<Duration> d) const {
    if (!d) return numeric() ? "" : words_.none;
    if (numeric()) return fixed(static_cast<double>(d->count()) / 60.0, 1);
    bool zh = locale_ == ReportLocale::zh;
    long long s = d->count();
    if (s < 60) return std::to_string(s) + (zh ? "秒" : " s");
    long long minutes = s / 60;
    if (minutes < 60) return std::to_string(minutes) + (zh ? "分钟" : " min");
    long long hours = minutes / 60;
    if (hours < 24) {
        std::string text = std::to_string(hours) + (zh ? "小时" : " h");
        if (minutes % 60) text += (zh ? "" : " ") + std::to_string(minutes % 60) + (zh ? "分" : " min");
        return text;
    }
    std::string text = std::to_string(hours / 24) + (zh ? "天" : " d");
    if (hours % 24) text += (zh ? "" : " ") + std::to_string(hours % 24) + (zh ? "小时" : " h");
    return text;
}

std::string Formatter::score(std::optional<double> mean) const {
    if (!mean) return numeric() ? "" : words_.none;
    return fixed(*mean, 2);
}

std::string Formatter::duration_header(const std::string& name) const {
    return numeric() ? name + words_.minutes_suffix : name;
}

std::string Formatter::percent_header(const std::string& name) const {
    return numeric() ? name + words_.percent_suffix : name;
}

std::string Formatter::short_duration(Duration d) const {
    bool zh = locale_ == ReportLocale::zh;
    long long s = d.count();
    if (s % 86400 == 0) return std::to_string(s / 86400) + (zh ? "天" : " d");
    if (s % 3600 == 0) return std::to_string(s / 3600) + (zh ? "小时" : " h");
    return std::to_string(s / 60) + (zh ? "分钟" : " min");
}

std::string Formatter::local_time(const boost::posix_time::ptime& t) const {
    if (t.is_special()) return words_.none;
    std::string iso = boost::posix_time::to_iso_extended_string(t); // 2024-05-20T14:30:00
    return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

std::string Formatter::local_date(const boost::gregorian::date& d) const {
    if (d.is_special()) return words_.none;
    return boost::gregorian::to_iso_extended_string(d);
}

bool numeric_column(const Table& table, std::size_t column) {
    for (const auto& row : table.rows) {
        if (column >= row.size()) continue;
        const std::string& cell = row[column];
        bool figure = cell.empty() || cell == "—" || (cell[0] >= '0' && cell[0] <= '9');
        if (!figure) return false;
    }
    return true;
}

// --- shared labels --------------------------------------------------------------------

std::string ageing_label(const AgeingBucket& bucket, const Formatter& f) {
    if (bucket.from == Duration{0} && bucket.until) return "< " + f.short_duration(*bucket.until);
    if (!bucket.until) return "≥ " + f.short_duration(bucket.from);
    return f.short_duration(bucket.from) + " – " + f.short_duration(*bucket.until);
}

std::string group_label(const std::string& key, const Formatter& f) {
    return key.empty() ? std::string(f.words().unassigned) : key;
}

std::vector<std::pair<std::string, std::string>> report_meta(const Report& r, const Formatter& f) {
    const auto& w = f.words();
    std::vector<std::pair<std::string, std::string>> meta;
    meta.emplace_back(w.period, f.local_date(r.first_day) + " – " + f.local_date(r.last_day));
    meta.emplace_back(w.generated_at, f.local_time(r.generated_local));
    meta.emplace_back(w.time_zone, r.time_zone);
    std::string filter;
    auto add = [&filter](const char* name, const std::string& value) {
        filter += (filter.empty() ? "" : ", ") + std::string(name) + "=" + value;
    };
    const auto& flt = r.filter;
    if (flt.department) add(w.department, *flt.department);
    if (flt.agent) add(w.agent, *flt.agent);
    if (flt.channel) add(w.channel, channel_label(f.locale(), *flt.channel));
    if (flt.type) add(w.type, type_label(f.locale(), *flt.type));
    if (flt.priority) add(w.priority, *flt.priority);
    if (flt.tier) add(w.tier, tier_label(f.locale(), to_string(*flt.tier)));
    meta.emplace_back(w.filter, filter.empty() ? std::string(w.no_filter) : filter);
    return meta;
}

// --- tables ---------------------------------------------------------------------------

namespace {

using Row = std::vector<std::string>;

class TableBuilder {
public:
    TableBuilder(const Report& report, const Formatter& f) : r_(report), f_(f), w_(f.words()) {}

    std::vector<Table> build() {
        overview();
        groups("types", w_.type_distribution, w_.type, r_.by_type, true);
        satisfaction();
        sla();
        problems();
        trend();
        backlog();
        follow_up();
        distribution("channels", w_.channel_distribution, w_.channel, r_.by_channel, channel_label);
        distribution("priorities", w_.priority_distribution, w_.priority, r_.by_priority, nullptr);
        distribution("tiers", w_.tier_distribution, w_.tier, r_.by_tier, tier_label);
        distribution("statuses", w_.status_distribution, w_.status, r_.by_status, status_label);
        groups("agents", w_.by_agent, w_.agent, r_.by_agent, false);
        groups("departments", w_.by_department, w_.department, r_.by_department, false);
        alerts();
        return std::move(tables_);
    }

private:
    Table& table(const char* id, const std::string& title, Row header, bool key_value = false) {
        tables_.push_back({id, title, key_value, std::move(header), {}});
        return tables_.back();
    }

    void drop_if_empty() {
        if (!tables_.empty() && tables_.back().rows.empty()) tables_.pop_back();
    }

    // A duration's mean and percentiles as key/value rows.
    void duration_rows(Table& t, const std::string& mean_name, const std::string& p_name, const DurationStats& d) {
        t.rows.push_back({f_.duration_header(mean_name), f_.duration(d.mean())});
        for (double p : r_.percentiles) {
            std::optional<Duration> value;
            for (const auto& pv : d.percentiles)
                if (pv.percentile == p) value = pv.value;
            t.rows.push_back({f_.duration_header(p_name + percentile_name(p)), f_.duration(value)});
        }
    }

    void overview() {
        const auto& o = r_.overall;
        auto& t = table("overview", w_.overview, {w_.metric, w_.value}, true);
        t.rows.push_back({w_.received, f_.count(o.received)});
        t.rows.push_back({w_.resolved, f_.count(o.resolved)});
        t.rows.push_back({w_.closed, f_.count(o.closed)});
        t.rows.push_back({w_.cancelled, f_.count(o.cancelled)});
        t.rows.push_back({w_.repeated, f_.count(o.repeated)});
        duration_rows(t, w_.avg_handling, w_.handling_p, o.handling);
        t.rows.push_back({f_.duration_header(w_.avg_handling_business), f_.duration(o.handling_business.mean())});
        duration_rows(t, w_.avg_first_response, w_.first_response_p, o.first_response);
        t.rows.push_back({f_.percent_header(w_.fcr_rate), f_.percent(o.first_contact_resolution_rate())});
        t.rows.push_back({f_.percent_header(w_.reopen_rate), f_.percent(o.reopen_rate())});
        t.rows.push_back({f_.percent_header(w_.sla_rate), f_.percent(o.sla_compliance())});
        t.rows.push_back({f_.percent_header(w_.satisfied_share), f_.percent(o.satisfaction.satisfied_share())});
        t.rows.push_back({w_.mean_score, f_.score(o.satisfaction.score.mean())});
        t.rows.push_back({w_.backlog_open, f_.count(r_.backlog.open)});
        t.rows.push_back({f_.percent_header(w_.coverage), f_.percent(r_.follow_up.coverage())});
    }

    void groups(const char* id, const char* title, const char* key_name, const std::vector<GroupStats>& groups,
                bool types) {
        Row header{key_name, w_.received};
        if (types) header.push_back(f_.percent_header(w_.share));
        for (const char* h : {w_.resolved, w_.backlog_open}) header.push_back(h);
        header.push_back(f_.duration_header(w_.avg_handling));
        for (double p : r_.percentiles) header.push_back(f_.duration_header(w_.handling_p + percentile_name(p)));
        header.push_back(f_.duration_header(w_.avg_handling_business));
        header.push_back(f_.duration_header(w_.avg_first_response));
        for (const char* h : {w_.fcr_rate, w_.reopen_rate, w_.sla_rate, w_.satisfied_share})
            header.push_back(f_.percent_header(h));
        header.push_back(w_.mean_score);
        auto& t = table(id, title, header);
        std::size_t total = r_.overall.received;
        for (const auto& g : groups) {
            Row row{types ? type_label(f_.locale(), g.key) : group_label(g.key, f_), f_.count(g.received)};
            if (types)
                row.push_back(
                    f_.percent(total ? std::optional<double>(double(g.received) / double(total)) : std::nullopt));
            row.push_back(f_.count(g.resolved));
            row.push_back(f_.count(g.backlog));
            row.push_back(f_.duration(g.handling.mean()));
            for (const auto& pv : g.handling.percentiles) row.push_back(f_.duration(pv.value));
            for (std::size_t i = g.handling.percentiles.size(); i < r_.percentiles.size(); ++i)
                row.push_back(f_.duration(std::nullopt));
            row.push_back(f_.duration(g.handling_business.mean()));
            row.push_back(f_.duration(g.first_response.mean()));
            row.push_back(f_.percent(g.first_contact_resolution_rate()));
            row.push_back(f_.percent(g.reopen_rate()));
            row.push_back(f_.percent(g.sla_compliance()));
            row.push_back(f_.percent(g.satisfaction.satisfied_share()));
            row.push_back(f_.score(g.satisfaction.score.mean()));
            t.rows.push_back(std::move(row));
        }
        drop_if_empty();
    }

    void satisfaction() {
        const auto& s = r_.overall.satisfaction;
        auto& t = table("satisfaction", w_.satisfaction, {w_.grade, w_.count, f_.percent_header(w_.share)});
        if (s.responses == 0) {
            drop_if_empty();
            return;
        }
        for (std::size_t g = 0; g < s.grades.size(); ++g)
            t.rows.push_back({grade_label(f_.locale(), static_cast<SatisfactionGrade>(g)), f_.count(s.grades[g]),
                              f_.percent(double(s.grades[g]) / double(s.responses))});
        t.rows.push_back({w_.responses, f_.count(s.responses), ""});
        // The grades are each ticket's latest answer; the rounds answered 不满意 before
        // second handling would vanish from the table without this row.
        t.rows.push_back({w_.dissatisfied_rounds, f_.count(r_.overall.dissatisfied_rounds), ""});
        t.rows.push_back({w_.mean_score, f_.score(s.score.mean()), ""});
        t.rows.push_back({w_.mean_efficiency, f_.score(s.efficiency.mean()), ""});
        t.rows.push_back({w_.mean_attitude, f_.score(s.attitude.mean()), ""});
        t.rows.push_back({w_.mean_outcome, f_.score(s.outcome.mean()), ""});
    }

    void sla() {
        auto& t = table("sla", w_.sla_compliance,
                        {w_.stage, w_.met, w_.breached, w_.running, f_.percent_header(w_.sla_rate)});
        for (const auto& s : r_.sla)
            t.rows.push_back({stage_label(f_.locale(), s.stage), f_.count(s.met), f_.count(s.breached),
                              f_.count(s.running), f_.percent(s.compliance())});
        drop_if_empty();
    }

    void problems() {
        auto& t = table("problems", w_.top_problems + std::string(" TOP") + std::to_string(r_.top_n),
                        {w_.rank, w_.type, w_.problem, w_.count, f_.percent_header(w_.share), w_.examples});
        std::size_t rank = 0;
        for (const auto& p : r_.top_problems) {
            std::string examples;
            for (const auto& e : p.examples) examples += (examples.empty() ? "" : ", ") + e.id;
            t.rows.push_back({std::to_string(++rank), type_label(f_.locale(), p.type), p.summary, f_.count(p.count),
                              f_.percent(p.share), examples});
        }
        drop_if_empty();
    }

    void trend() {
        auto& t =
            table("trend", w_.trend,
                  {w_.bucket, w_.received, w_.resolved, f_.percent_header(w_.sla_rate),
                   f_.percent_header(w_.satisfied_share), w_.mean_score, f_.percent_header(w_.visit_satisfied_share)});
        for (const auto& p : r_.trend) {
            std::optional<double> sla;
            if (p.sla_met + p.sla_breached) sla = double(p.sla_met) / double(p.sla_met + p.sla_breached);
            t.rows.push_back({bucket_label(f_.locale(), r_.bucket, p.start), f_.count(p.received), f_.count(p.resolved),
                              f_.percent(sla), f_.percent(p.satisfaction.satisfied_share()),
                              f_.score(p.satisfaction.score.mean()),
                              f_.percent(p.visit_satisfaction.satisfied_share())});
        }
        drop_if_empty();
    }

    void backlog() {
        const auto& b = r_.backlog;
        auto& t = table("backlog", w_.backlog, {w_.age, w_.count, f_.percent_header(w_.share)});
        t.rows.push_back({w_.as_of, f_.local_time(b.as_of_local), ""});
        for (const auto& bucket : b.ageing)
            t.rows.push_back(
                {ageing_label(bucket, f_), f_.count(bucket.count),
                 f_.percent(b.open ? std::optional<double>(double(bucket.count) / double(b.open)) : std::nullopt)});
        t.rows.push_back({w_.backlog_open, f_.count(b.open), ""});
        t.rows.push_back({f_.duration_header(w_.oldest), f_.duration(b.oldest), ""});
    }

    void follow_up() {
        const auto& v = r_.follow_up;
        auto& t = table("follow_up", w_.follow_up, {w_.metric, w_.value}, true);
        t.rows.push_back({w_.served, f_.count(v.served)});
        t.rows.push_back({w_.covered, f_.count(v.covered)});
        t.rows.push_back({f_.percent_header(w_.coverage), f_.percent(v.coverage())});
        t.rows.push_back({w_.visits, f_.count(v.visits)});
        t.rows.push_back({w_.reached, f_.count(v.reached)});
        t.rows.push_back({w_.unreachable, f_.count(v.unreachable)});
        t.rows.push_back({w_.declined, f_.count(v.declined)});
        t.rows.push_back({w_.pending, f_.count(v.pending)});
        t.rows.push_back({w_.window_met, f_.count(v.windows.met)});
        t.rows.push_back({w_.window_open, f_.count(v.windows.open)});
        t.rows.push_back({w_.window_missed, f_.count(v.windows.missed())});
        t.rows.push_back({w_.window_missed_planned_late, f_.count(v.windows.missed_planned_late)});
        t.rows.push_back({w_.window_missed_no_calling_time, f_.count(v.windows.missed_no_calling_time)});
        t.rows.push_back({w_.window_missed_overdue, f_.count(v.windows.missed_overdue)});
        t.rows.push_back({f_.percent_header(w_.visit_satisfied_share), f_.percent(v.satisfaction.satisfied_share())});
        t.rows.push_back({w_.mean_score, f_.score(v.satisfaction.score.mean())});

        auto& problems =
            table("visit_problems", w_.visit_problems, {w_.problem, w_.count, f_.percent_header(w_.share)});
        for (const auto& p : v.problems)
            problems.rows.push_back({problem_label(f_.locale(), p.key), f_.count(p.count), f_.percent(p.share)});
        drop_if_empty();
        auto& raised = table("visit_raised", w_.visit_raised, {w_.type, w_.count, f_.percent_header(w_.share)});
        for (const auto& p : v.raised)
            raised.rows.push_back({type_label(f_.locale(), p.key), f_.count(p.count), f_.percent(p.share)});
        drop_if_empty();
    }

    using LabelFn = std::string (*)(ReportLocale, const std::string&);
    void distribution(const char* id, const char* title, const char* key_name, const std::vector<CountShare>& rows,
                      LabelFn label) {
        auto& t = table(id, title, {key_name, w_.count, f_.percent_header(w_.share)});
        for (const auto& c : rows)
            t.rows.push_back({label ? label(f_.locale(), c.key) : c.key, f_.count(c.count), f_.percent(c.share)});
        drop_if_empty();
    }

    void alerts() {
        auto& t = table("alerts", w_.alerts,
                        {w_.alert, w_.subject, f_.percent_header(w_.value), f_.percent_header(w_.threshold)});
        for (const auto& a : r_.alerts) {
            std::string subject = a.kind == AlertKind::low_sla_compliance
                                      ? stage_label(f_.locale(), parse_sla_stage(a.subject))
                                  : a.kind == AlertKind::frequent_visit_problem ? problem_label(f_.locale(), a.subject)
                                                                                : std::string(w_.overview);
            t.rows.push_back({alert_label(f_.locale(), a.kind), subject, f_.percent(a.value), f_.percent(a.threshold)});
        }
        drop_if_empty();
    }

    const Report& r_;
    const Formatter& f_;
    const Labels& w_;
    std::vector<Table> tables_;
};

} // namespace

std::vector<Table> report_tables(const Report& report, const Formatter& f) { return TableBuilder(report, f).build(); }

} // namespace ticketflow::detail
