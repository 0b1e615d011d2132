// Replications, several scenarios side by side with common random numbers, and the
// comparison page (HTML with inline SVG), JSON and CSV.

#include "report/svg.hpp"

#include "ticketflow/error.hpp"
#include "ticketflow/simulation.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace ticketflow::sim {

namespace {

using detail::escape_xml;

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string percent(const Estimate& e) {
    if (e.n == 0) return "–";
    std::string s = fixed(100 * e.mean, 1) + "%";
    if (e.n > 1) s += " ± " + fixed(100 * e.half_width, 1);
    return s;
}

std::string plain(const Estimate& e, int digits) {
    if (e.n == 0) return "–";
    std::string s = fixed(e.mean, digits);
    if (e.n > 1) s += " ± " + fixed(e.half_width, digits);
    return s;
}

const char* const colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"};

const char* colour(std::size_t i) { return colours[i % (sizeof colours / sizeof colours[0])]; }

// Grouped bars: one group per priority, one bar per scenario, with 95 % whiskers.
std::string compliance_chart(const Comparison& c) {
    std::vector<std::string> levels;
    for (const auto& s : c.scenarios)
        for (const auto& p : s.priorities)
            if (std::find(levels.begin(), levels.end(), p) == levels.end()) levels.push_back(p);
    const double w = 860, h = 260, left = 50, bottom = 30, top = 20;
    const double group = (w - left) / std::max<std::size_t>(1, levels.size());
    const double bar = group * 0.8 / std::max<std::size_t>(1, c.scenarios.size());
    std::ostringstream out;
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"compliance\" width=\"" << w << "\" height=\"" << h + 40
        << "\" role=\"img\"><title>SLA compliance by priority (95% CI)</title>";
    const double plot = h - bottom - top;
    for (int tick = 0; tick <= 100; tick += 20) {
        const double y = top + plot * (1 - tick / 100.0);
        out << "<line x1=\"" << left << "\" x2=\"" << w << "\" y1=\"" << y << "\" y2=\"" << y
            << "\" stroke=\"#ddd\"/><text x=\"" << left - 6 << "\" y=\"" << y + 4
            << "\" font-size=\"11\" text-anchor=\"end\">" << tick << "%</text>";
    }
    for (std::size_t g = 0; g < levels.size(); ++g) {
        const double gx = left + g * group + group * 0.1;
        out << "<text x=\"" << gx + group * 0.4 << "\" y=\"" << h - 10 << "\" font-size=\"12\" text-anchor=\"middle\">"
            << escape_xml(levels[g]) << "</text>";
        for (std::size_t k = 0; k < c.scenarios.size(); ++k) {
            auto it = c.scenarios[k].compliance.find(levels[g]);
            if (it == c.scenarios[k].compliance.end() || it->second.n == 0) continue;
            const auto& e = it->second;
            const double x = gx + k * bar;
            const double y = top + plot * (1 - e.mean);
            out << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << bar * 0.9 << "\" height=\"" << top + plot - y
                << "\" fill=\"" << colour(k) << "\"><title>" << escape_xml(c.scenarios[k].name) << ": " << percent(e)
                << "</title></rect>";
            if (e.half_width > 0) {
                const double cx = x + bar * 0.45;
                const double y1 = top + plot * (1 - std::min(1.0, e.mean + e.half_width));
                const double y2 = top + plot * (1 - std::max(0.0, e.mean - e.half_width));
                out << "<line x1=\"" << cx << "\" x2=\"" << cx << "\" y1=\"" << y1 << "\" y2=\"" << y2
                    << "\" stroke=\"#000\"/>";
            }
            out << "<text x=\"" << x + bar * 0.45 << "\" y=\"" << y - 4 << "\" font-size=\"10\" text-anchor=\"middle\">"
                << fixed(100 * e.mean, 1) << "</text>";
        }
    }
    double lx = left;
    for (std::size_t k = 0; k < c.scenarios.size(); ++k) {
        out << "<rect x=\"" << lx << "\" y=\"" << h + 14 << "\" width=\"12\" height=\"12\" fill=\"" << colour(k)
            << "\"/><text x=\"" << lx + 16 << "\" y=\"" << h + 24 << "\" font-size=\"12\">"
            << escape_xml(c.scenarios[k].name) << "</text>";
        lx += 20 + 8 * static_cast<double>(c.scenarios[k].name.size());
    }
    out << "</svg>";
    return out.str();
}

// One line per scenario over the series steps; y from 0 to the largest value.
template <class Value>
std::string series_chart(const Comparison& c, const std::string& id, const std::string& title, Value value,
                         bool as_percent) {
    const double w = 860, h = 240, left = 50, top = 20, bottom = 30;
    std::size_t steps = 0;
    double max = 0;
    for (const auto& s : c.scenarios) {
        steps = std::max(steps, s.series.size());
        for (const auto& p : s.series) max = std::max(max, value(p));
    }
    if (as_percent) max = 1;
    if (max <= 0) max = 1;
    std::ostringstream out;
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" << id << "\" width=\"" << w << "\" height=\"" << h
        << "\" role=\"img\"><title>" << escape_xml(title) << "</title>";
    const double plot = h - top - bottom;
    for (int tick = 0; tick <= 4; ++tick) {
        const double v = max * tick / 4.0;
        const double y = top + plot * (1 - tick / 4.0);
        out << "<line x1=\"" << left << "\" x2=\"" << w << "\" y1=\"" << y << "\" y2=\"" << y
            << "\" stroke=\"#ddd\"/><text x=\"" << left - 6 << "\" y=\"" << y + 4
            << "\" font-size=\"11\" text-anchor=\"end\">" << (as_percent ? fixed(100 * v, 0) + "%" : fixed(v, 1))
            << "</text>";
    }
    if (steps > 1) {
        for (std::size_t k = 0; k < c.scenarios.size(); ++k) {
            const auto& series = c.scenarios[k].series;
            out << "<polyline fill=\"none\" stroke-width=\"1.2\" stroke=\"" << colour(k) << "\" points=\"";
            for (std::size_t i = 0; i < series.size(); ++i)
                out << fixed(left + (w - left) * static_cast<double>(i) / static_cast<double>(steps - 1), 1) << ','
                    << fixed(top + plot * (1 - value(series[i]) / max), 1) << ' ';
            out << "\"><title>" << escape_xml(c.scenarios[k].name) << "</title></polyline>";
        }
        // Local dates under the axis, about eight of them.
        const std::size_t every = std::max<std::size_t>(1, steps / 8);
        for (std::size_t i = 0; i < c.series_labels.size() && i < steps; i += every)
            out << "<text x=\"" << fixed(left + (w - left) * static_cast<double>(i) / static_cast<double>(steps - 1), 1)
                << "\" y=\"" << h - 8 << "\" font-size=\"10\" text-anchor=\"middle\">" << escape_xml(c.series_labels[i])
                << "</text>";
    }
    out << "</svg>";
    return out.str();
}

std::string breach_table(const ScenarioSummary& s) {
    double max = 0;
    for (const auto& row : s.breaches)
        for (double v : row) max = std::max(max, v);
    std::ostringstream out;
    out << "<table class=\"heat\"><tr><th>stage \\ hour</th>";
    for (int h = 0; h < 24; ++h) out << "<th>" << h << "</th>";
    out << "</tr>";
    for (int stage = 0; stage < sla_stage_count; ++stage) {
        const auto& row = s.breaches[static_cast<std::size_t>(stage)];
        double total = 0;
        for (double v : row) total += v;
        if (total == 0) continue;
        out << "<tr><th>" << to_string(static_cast<SlaStage>(stage)) << "</th>";
        for (double v : row) {
            const int alpha = max > 0 ? static_cast<int>(std::lround(80 * v / max)) : 0;
            out << "<td style=\"background:rgba(214,39,40," << alpha / 100.0 << ")\">"
                << (v > 0 ? fixed(v, v < 10 ? 1 : 0) : "") << "</td>";
        }
        out << "</tr>";
    }
    out << "</table>";
    return out.str();
}

} // namespace

Comparison compare(std::vector<Scenario> scenarios, std::size_t replications, std::uint64_t seed) {
    if (replications == 0) throw ValidationError("replications", "must be at least 1");
    if (scenarios.empty()) throw ValidationError("scenarios", "nothing to compare");
    Comparison out;
    out.seed = seed;
    for (auto& scenario : scenarios) {
        scenario.validate();
        ScenarioSummary summary;
        summary.name = scenario.name;
        summary.replications = replications;
        summary.priorities = scenario.sla.priorities.levels();
        std::map<std::string, std::vector<double>> compliance, waits;
        std::vector<double> overall, utilisation, tickets;
        for (std::size_t r = 0; r < replications; ++r) {
            Scenario run = scenario;
            run.seed = seed + r;
            run.keep_store = r == 0 && scenario.keep_store;
            run.keep_tickets = r == 0 && scenario.keep_tickets;
            auto result = simulate(run);
            std::size_t met = 0, breached = 0;
            for (const auto& p : result.priorities) {
                met += p.met;
                breached += p.breached;
                if (auto v = p.compliance()) compliance[p.priority].push_back(*v);
                if (p.tickets) waits[p.priority].push_back(p.mean_wait_seconds / 60);
            }
            if (met + breached) overall.push_back(static_cast<double>(met) / static_cast<double>(met + breached));
            utilisation.push_back(result.mean_utilisation());
            tickets.push_back(static_cast<double>(result.counted));
            for (std::size_t st = 0; st < result.breaches.size(); ++st)
                for (std::size_t h = 0; h < 24; ++h)
                    summary.breaches[st][h] +=
                        static_cast<double>(result.breaches[st][h]) / static_cast<double>(replications);
            if (summary.series.size() < result.series.size()) summary.series.resize(result.series.size());
            for (std::size_t i = 0; i < result.series.size(); ++i) {
                auto& p = summary.series[i];
                const auto& q = result.series[i];
                const double n = static_cast<double>(replications);
                p.from = q.from;
                p.queue += q.queue / n;
                p.in_handling += q.in_handling / n;
                p.busy_agents += q.busy_agents / n;
                p.on_shift += q.on_shift / n;
            }
            if (r == 0) summary.first = std::move(result);
        }
        for (const auto& [level, values] : compliance) summary.compliance[level] = estimate(values);
        for (const auto& [level, values] : waits) summary.mean_wait_minutes[level] = estimate(values);
        summary.overall_compliance = estimate(overall);
        summary.utilisation = estimate(utilisation);
        summary.tickets = estimate(tickets);
        out.scenarios.push_back(std::move(summary));
    }
    const auto& calendar = scenarios.front().calendar;
    for (const auto& p : out.scenarios.front().series) {
        const auto local = calendar.to_local(p.from);
        char label[32];
        std::snprintf(label, sizeof label, "%02d-%02d %02dh", static_cast<int>(local.date().month()),
                      static_cast<int>(local.date().day()), static_cast<int>(local.time_of_day().hours()));
        out.series_labels.push_back(label);
    }
    return out;
}

std::string to_html(const Comparison& c) {
    std::ostringstream out;
    out << "<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>What-if comparison</title><style>"
           "body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}"
           "td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px;text-align:right}th{background:#f4f4f4}"
           "table.heat td{min-width:18px}h2{margin-top:28px}</style></head><body>";
    out << "<h1>What-if comparison</h1><p>" << c.scenarios.size() << " scenarios, "
        << (c.scenarios.empty() ? 0 : c.scenarios.front().replications) << " replications each with seeds " << c.seed
        << "… (the same seeds for every scenario: common random "
        << "numbers). ± is the 95% confidence half-width over the replications.</p>";
    out << "<h2>Summary</h2><table><tr><th>scenario</th><th>tickets</th><th>SLA compliance (all stages)</th>"
           "<th>utilisation</th>";
    std::vector<std::string> levels;
    for (const auto& s : c.scenarios)
        for (const auto& p : s.priorities)
            if (std::find(levels.begin(), levels.end(), p) == levels.end()) levels.push_back(p);
    for (const auto& l : levels)
        out << "<th>" << escape_xml(l) << " compliance</th><th>" << escape_xml(l) << " mean wait (min)</th>";
    out << "</tr>";
    for (const auto& s : c.scenarios) {
        out << "<tr><th>" << escape_xml(s.name) << "</th><td>" << plain(s.tickets, 0) << "</td><td>"
            << percent(s.overall_compliance) << "</td><td>" << percent(s.utilisation) << "</td>";
        for (const auto& l : levels) {
            auto cit = s.compliance.find(l);
            auto wit = s.mean_wait_minutes.find(l);
            out << "<td>" << (cit == s.compliance.end() ? "–" : percent(cit->second)) << "</td><td>"
                << (wit == s.mean_wait_minutes.end() ? "–" : plain(wit->second, 1)) << "</td>";
        }
        out << "</tr>";
    }
    out << "</table>";
    out << "<h2>SLA compliance by priority</h2>" << compliance_chart(c);
    out << "<h2>Agent utilisation over time</h2><p>Agents on shift handling a ticket, share of agents on shift "
           "(mean over replications).</p>"
        << series_chart(
               c, "utilisation", "Utilisation", [](const SeriesPoint& p) { return p.utilisation(); }, true);
    out << "<h2>Queue length over time</h2><p>Tickets waiting for an agent (time average per step).</p>"
        << series_chart(
               c, "queue", "Queue length", [](const SeriesPoint& p) { return p.queue; }, false);
    out << "<h2>Breaches by stage and hour of day</h2><p>Mean breaches per run, by the local hour of the "
           "deadline.</p>";
    for (const auto& s : c.scenarios) out << "<h3>" << escape_xml(s.name) << "</h3>" << breach_table(s);
    out << "</body></html>\n";
    return out.str();
}

namespace {

nlohmann::json estimate_json(const Estimate& e) { return {{"mean", e.mean}, {"half_width", e.half_width}, {"n", e.n}}; }

} // namespace

std::string to_json(const Comparison& c, int indent) {
    nlohmann::json doc;
    doc["seed"] = c.seed;
    doc["scenarios"] = nlohmann::json::array();
    for (const auto& s : c.scenarios) {
        nlohmann::json j;
        j["name"] = s.name;
        j["replications"] = s.replications;
        j["tickets"] = estimate_json(s.tickets);
        j["overall_compliance"] = estimate_json(s.overall_compliance);
        j["utilisation"] = estimate_json(s.utilisation);
        for (const auto& [level, e] : s.compliance) j["compliance"][level] = estimate_json(e);
        for (const auto& [level, e] : s.mean_wait_minutes) j["mean_wait_minutes"][level] = estimate_json(e);
        for (int stage = 0; stage < sla_stage_count; ++stage) {
            const auto& row = s.breaches[static_cast<std::size_t>(stage)];
            if (std::all_of(row.begin(), row.end(), [](double v) { return v == 0; })) continue;
            j["breaches_by_hour"][to_string(static_cast<SlaStage>(stage))] = row;
        }
        auto& series = j["series"] = nlohmann::json::array();
        for (const auto& p : s.series)
            series.push_back({{"from", p.from.time_since_epoch().count()},
                              {"queue", p.queue},
                              {"busy_agents", p.busy_agents},
                              {"on_shift", p.on_shift},
                              {"utilisation", p.utilisation()}});
        doc["scenarios"].push_back(std::move(j));
    }
    return doc.dump(indent);
}

std::string to_csv(const Comparison& c) {
    std::ostringstream out;
    out << "scenario,priority,compliance,compliance_ci95,mean_wait_minutes,mean_wait_ci95,replications\n";
    for (const auto& s : c.scenarios)
        for (const auto& level : s.priorities) {
            auto ci = s.compliance.find(level);
            auto wi = s.mean_wait_minutes.find(level);
            std::string name = s.name;
            for (std::size_t at = name.find('"'); at != std::string::npos; at = name.find('"', at + 2))
                name.insert(at, 1, '"');
            out << '"' << name << "\"," << level << ','
                << (ci == s.compliance.end() ? std::string() : fixed(ci->second.mean, 4)) << ','
                << (ci == s.compliance.end() ? std::string() : fixed(ci->second.half_width, 4)) << ','
                << (wi == s.mean_wait_minutes.end() ? std::string() : fixed(wi->second.mean, 2)) << ','
                << (wi == s.mean_wait_minutes.end() ? std::string() : fixed(wi->second.half_width, 2)) << ','
                << s.replications << '\n';
        }
    return out.str();
}

} // namespace ticketflow::sim
