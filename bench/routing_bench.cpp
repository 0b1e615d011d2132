// Routing and assignment decision for one ticket: 50 rules, 1,000 agents in 10
// departments on 3 shift calendars. Two baselines measured in the same run:
// - copying the ticket (the least any decision about a ticket costs);
// - a naive router that evaluates the same rules in order, lower-casing the description
//   again for every rule with keywords and searching each keyword with std::string::find.
// After the run, a summary prints each measurement next to its baseline with the ratio.

#include "ticketflow/routing.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <random>

namespace {

using namespace ticketflow;

constexpr int rule_count = 50;
constexpr int agent_count = 1000;
constexpr int department_count = 10;

// Characters for keywords, and disjoint ones for the filler text, so that the filler never
// matches a keyword by chance.
const std::vector<std::string> keyword_chars{"支", "付", "登", "录", "退", "款", "闪", "账", "单", "密",
                                             "码", "卡", "顿", "扣", "费", "绑", "定", "票", "物", "流"};
const std::vector<std::string> filler_chars{"我", "昨", "天", "在", "上", "面", "的", "时", "候", "发",
                                            "现", "一", "直", "没", "有", "反", "应", "请", "帮", "看"};

std::string department_name(int d) { return "部门" + std::to_string(d); }

// Rules 0–47 never match the benchmark ticket: each names a type or a keyword set it lacks
// (their keywords all go into the automaton); rule 48 matches on type and keyword, so the
// evaluation walks nearly the whole list, which is the expensive case.
RoutingRules make_rules() {
    std::mt19937 random(50);
    const auto keyword = [&] {
        std::string word;
        for (int i = 0; i < 3; ++i) word += keyword_chars[random() % keyword_chars.size()];
        return word;
    };
    std::vector<RoutingRule> rules;
    for (int r = 0; r < rule_count - 2; ++r) {
        RoutingRule rule;
        rule.name = "rule-" + std::to_string(r);
        if (r % 3 == 0) rule.types = {ticket_types::consult, ticket_types::order};
        if (r % 5 == 0) rule.tiers = {CustomerTier::vip};
        if (r % 7 == 0) rule.channels = {channels::email};
        if (r % 3 != 0) rule.keywords = {keyword(), keyword(), "Refund-" + std::to_string(r)};
        rule.outcome = {department_name(r % department_count), "queue-" + std::to_string(r), std::nullopt};
        rules.push_back(rule);
    }
    RoutingRule match;
    match.name = "payment-faults";
    match.types = {ticket_types::fault};
    match.keywords = {"支付超时", "PAYMENT TIMEOUT"};
    match.outcome = {department_name(3), "payments", "P1"};
    rules.push_back(match);
    RoutingRule faults;
    faults.name = "faults";
    faults.types = {ticket_types::fault};
    faults.outcome = {department_name(0), "faults", std::nullopt};
    rules.push_back(faults);
    return RoutingRules(std::move(rules), {department_name(9), "general", std::nullopt});
}

// About 300 bytes of Chinese text; the matching keyword comes near the end.
Ticket make_ticket() {
    std::mt19937 random(7);
    Ticket ticket;
    ticket.id = "20250520001";
    ticket.type = ticket_types::fault;
    ticket.channel = channels::app;
    ticket.priority = "P2";
    ticket.customer.id = "C20250520001";
    ticket.customer.tier = CustomerTier::regular;
    ticket.tags = {"payment", "app"};
    for (int i = 0; i < 90; ++i) ticket.description += filler_chars[random() % filler_chars.size()];
    ticket.description += "支付超时了 order DD2025052000123";
    return ticket;
}

BusinessCalendar shift_calendar(const std::string& weekly) {
    return BusinessCalendar::from_json(R"({"timezone": "Asia/Shanghai", "horizon": [2024, 2026], "weekly": )" + weekly +
                                       "}");
}

// 100 agents per department; a third on each of a day, an evening and a weekend-day
// shift; random skills and loads.
std::shared_ptr<AgentDirectory> make_directory() {
    const std::string day = R"([["09:00","12:00"],["13:30","18:00"]])";
    const std::string evening = R"([["18:00","24:00"]])";
    const std::vector<BusinessCalendar> shifts{
        shift_calendar(R"({"mon": )" + day + R"(, "tue": )" + day + R"(, "wed": )" + day + R"(, "thu": )" + day +
                       R"(, "fri": )" + day + "}"),
        shift_calendar(R"({"mon": )" + evening + R"(, "tue": )" + evening + R"(, "wed": )" + evening + R"(, "thu": )" +
                       evening + R"(, "fri": )" + evening + R"(, "sat": )" + evening + "}"),
        shift_calendar(R"({"sat": )" + day + R"(, "sun": )" + day + R"(, "tue": )" + day + "}"),
    };
    const std::vector<std::string> skills{"payment", "login", "refund", "app", "invoice", "logistics"};
    std::mt19937 random(1000);
    auto directory = std::make_shared<AgentDirectory>();
    std::vector<Agent> agents;
    for (int i = 0; i < agent_count; ++i) {
        Agent agent;
        agent.id = "agent-" + std::to_string(i);
        agent.department = department_name(i % department_count);
        agent.skills = {skills[random() % skills.size()], skills[random() % skills.size()]};
        agent.capacity = 20;
        agent.shift = shifts[static_cast<std::size_t>(i / department_count) % shifts.size()];
        agent.available = random() % 10 != 0;
        agents.push_back(agent);
    }
    directory->add_all(agents);
    for (int i = 0; i < agent_count * 8; ++i)
        directory->on_assigned("agent-" + std::to_string(random() % agent_count), 1 + random() % 3);
    return directory;
}

// Tuesday 2025-05-20 10:00 in Beijing: the day and the third shift work, the evening does not.
const Instant now = shift_calendar("{}").to_instant(boost::gregorian::date(2025, 5, 20), 10, 0);

struct Fixture {
    RoutingRules rules = make_rules();
    RuleRouter router{rules};
    Ticket ticket = make_ticket();
    std::shared_ptr<AgentDirectory> directory = make_directory();
    Assigner least_loaded{directory, std::make_shared<LeastLoadedStrategy>()};
    Assigner skill_based{directory, std::make_shared<SkillBasedStrategy>(SkillRequirements{
                                        {{ticket_types::fault, {"app"}}}, {{"payment", {"payment"}}}})};
};

const Fixture& fixture() {
    static const Fixture instance;
    return instance;
}

std::string lowered(const std::string& text) {
    std::string result = text;
    std::transform(result.begin(), result.end(), result.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    return result;
}

bool listed(const std::vector<std::string>& values, const std::string& value) {
    return values.empty() || std::find(values.begin(), values.end(), value) != values.end();
}

// The straightforward evaluation RuleRouter replaces.
std::string naive_route(const RoutingRules& rules, const Ticket& ticket) {
    for (const RoutingRule& rule : rules.rules()) {
        if (!listed(rule.types, ticket.type) || !listed(rule.channels, ticket.channel)) continue;
        if (!rule.tiers.empty() &&
            std::find(rule.tiers.begin(), rule.tiers.end(), ticket.customer.tier) == rule.tiers.end())
            continue;
        if (rule.keywords.empty()) return rule.outcome.department;
        const std::string text = lowered(ticket.description);
        for (const std::string& keyword : rule.keywords)
            if (text.find(lowered(keyword)) != std::string::npos) return rule.outcome.department;
    }
    return rules.fallback().department;
}

void BM_BaselineCopyTicket(benchmark::State& state) {
    const Ticket& ticket = fixture().ticket;
    for (auto _ : state) {
        Ticket copy = ticket;
        benchmark::DoNotOptimize(copy.description.data());
    }
}

void BM_BaselineNaiveRoute(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) benchmark::DoNotOptimize(naive_route(f.rules, f.ticket));
}

void BM_Route(benchmark::State& state) {
    const Fixture& f = fixture();
    for (auto _ : state) benchmark::DoNotOptimize(f.router.route(f.ticket));
}

void BM_Assign_LeastLoaded(benchmark::State& state) {
    const Fixture& f = fixture();
    Ticket ticket = f.ticket;
    ticket.department = department_name(3);
    for (auto _ : state) benchmark::DoNotOptimize(f.least_loaded.choose(ticket, now));
}

void route_and_assign(benchmark::State& state, const Assigner& assigner) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        Ticket ticket = f.ticket;
        const RouteDecision route = f.router.route(ticket);
        ticket.department = route.department;
        benchmark::DoNotOptimize(assigner.choose(ticket, now));
    }
}

void BM_RouteAndAssign_LeastLoaded(benchmark::State& state) { route_and_assign(state, fixture().least_loaded); }
void BM_RouteAndAssign_SkillBased(benchmark::State& state) { route_and_assign(state, fixture().skill_based); }

// Keeps the median CPU time of each benchmark: the "median" aggregate with repetitions,
// the only run without.
class SummaryReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
            if (median || runs.size() == 1) medians_[run.run_name.function_name] = run.GetAdjustedCPUTime();
        }
    }

    void print_ratio(const std::string& name, const std::string& baseline) const {
        const auto value = medians_.find(name), base = medians_.find(baseline);
        if (value == medians_.end() || base == medians_.end()) return;
        std::printf("%-32s %9.0f ns   vs %-24s %9.0f ns   ratio %.2f\n", name.c_str(), value->second, baseline.c_str(),
                    base->second, value->second / base->second);
    }

private:
    std::map<std::string, double> medians_;
};

} // namespace

BENCHMARK(BM_BaselineCopyTicket)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_BaselineNaiveRoute)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_Route)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_Assign_LeastLoaded)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_RouteAndAssign_LeastLoaded)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_RouteAndAssign_SkillBased)->Unit(benchmark::kNanosecond);

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    SummaryReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    std::printf("\nmedian CPU time per decision (50 rules, 1,000 agents):\n");
    reporter.print_ratio("BM_Route", "BM_BaselineNaiveRoute");
    reporter.print_ratio("BM_Route", "BM_BaselineCopyTicket");
    reporter.print_ratio("BM_RouteAndAssign_LeastLoaded", "BM_BaselineCopyTicket");
    reporter.print_ratio("BM_RouteAndAssign_SkillBased", "BM_BaselineCopyTicket");
    return 0;
}
