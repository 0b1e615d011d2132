// whatif: simulate a month of the desk on one or more scenario files and compare them
// side by side (see docs/whatif.md).
//
//   whatif festival-10.json festival-12.json --replications 5 --html compare.html
//
// Every scenario runs with the same seeds (common random numbers). The text summary goes
// to stdout; --html/--json/--csv write the comparison, --report-html/--report-json/
// --report-csv the library's monthly report of the first scenario's first replication.

#include <ticketflow/error.hpp>
#include <ticketflow/report.hpp>
#include <ticketflow/simulation.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    if (!out || !(out << text)) throw std::runtime_error("cannot write " + path);
    std::cerr << "wrote " << path << '\n';
}

std::string directory_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string pct(const ticketflow::sim::Estimate& e) {
    char buf[64];
    if (e.n == 0) return "   -";
    if (e.n == 1)
        std::snprintf(buf, sizeof buf, "%5.1f%%", 100 * e.mean);
    else
        std::snprintf(buf, sizeof buf, "%5.1f%% ±%4.1f", 100 * e.mean, 100 * e.half_width);
    return buf;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Simulate the desk on scenario files and compare them (docs/whatif.md)"};
    std::vector<std::string> files;
    std::size_t replications = 5;
    std::optional<std::uint64_t> seed;
    std::string html, json, csv, report_html, report_json, report_csv;
    app.add_option("scenarios", files, "Scenario JSON files")->required()->check(CLI::ExistingFile);
    app.add_option("-r,--replications", replications, "Runs per scenario")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--seed", seed, "First seed (default: the first scenario's)");
    app.add_option("--html", html, "Write the comparison page here");
    app.add_option("--json", json, "Write the comparison as JSON here");
    app.add_option("--csv", csv, "Write per-priority estimates as CSV here");
    app.add_option("--report-html", report_html, "Write the monthly report of the first scenario's first run here");
    app.add_option("--report-json", report_json, "... the same report as JSON");
    app.add_option("--report-csv", report_csv, "... the same report as CSV");
    CLI11_PARSE(app, argc, argv);

    try {
        std::vector<ticketflow::sim::Scenario> scenarios;
        for (const auto& file : files) {
            auto scenario = ticketflow::sim::scenario_from_json(read(file), file, directory_of(file));
            scenario.keep_store =
                scenarios.empty() && !(report_html.empty() && report_json.empty() && report_csv.empty());
            scenarios.push_back(std::move(scenario));
        }
        const auto first_seed = seed ? *seed : scenarios.front().seed;
        const auto start = scenarios.front().start;
        const auto end = scenarios.front().end;
        const auto calendar = scenarios.front().calendar;
        const auto comparison = ticketflow::sim::compare(scenarios, replications, first_seed);

        std::cout << replications << " replications per scenario, seeds " << first_seed << " to "
                  << first_seed + replications - 1 << " (95% intervals)\n";
        for (const auto& s : comparison.scenarios) {
            std::cout << "\n"
                      << s.name << ": " << static_cast<long>(s.tickets.mean) << " tickets, SLA "
                      << pct(s.overall_compliance) << ", utilisation " << pct(s.utilisation) << "\n";
            for (const auto& level : s.priorities) {
                auto c = s.compliance.find(level);
                auto w = s.mean_wait_minutes.find(level);
                char buf[160];
                std::snprintf(buf, sizeof buf, "  %-6s compliance %-14s mean wait %7.1f min\n", level.c_str(),
                              c == s.compliance.end() ? "-" : pct(c->second).c_str(),
                              w == s.mean_wait_minutes.end() ? 0.0 : w->second.mean);
                std::cout << buf;
            }
            std::size_t stages_breached = 0;
            for (const auto& row : s.breaches)
                for (double v : row) stages_breached += v > 0;
            if (stages_breached) {
                std::cout << "  breaches by stage:";
                for (int stage = 0; stage < ticketflow::sla_stage_count; ++stage) {
                    double total = 0;
                    for (double v : s.breaches[static_cast<std::size_t>(stage)]) total += v;
                    if (total > 0)
                        std::cout << ' ' << ticketflow::to_string(static_cast<ticketflow::SlaStage>(stage)) << ' '
                                  << static_cast<long>(total + 0.5);
                }
                std::cout << '\n';
            }
        }
        if (!html.empty()) write(html, ticketflow::sim::to_html(comparison));
        if (!json.empty()) write(json, ticketflow::sim::to_json(comparison));
        if (!csv.empty()) write(csv, ticketflow::sim::to_csv(comparison));
        if (const auto& first = comparison.scenarios.front().first; first.store) {
            ticketflow::ReportOptions options;
            options.calendar = calendar;
            options.now = first.finished;
            ticketflow::ReportFilter filter;
            filter.from = start;
            filter.until = end;
            const auto report = ticketflow::build_report(*first.store, filter, options);
            if (!report_html.empty()) write(report_html, ticketflow::to_html(report));
            if (!report_json.empty()) write(report_json, ticketflow::to_json(report));
            if (!report_csv.empty()) write(report_csv, ticketflow::to_csv(report));
        }
    } catch (const ticketflow::ValidationError& e) {
        std::cerr << "whatif: invalid input: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "whatif: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
