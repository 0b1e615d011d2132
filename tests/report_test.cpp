// Reports: every metric of a month driven through a ServiceDesk, checked against values
// worked out by hand; the monthly helper; CSV, Markdown, HTML and JSON outputs.
#include "support.hpp"

#include "report/labels.hpp"
#include "report/svg.hpp"
#include "ticketflow/report.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <ctime>
#include <map>
#include <regex>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

// A Beijing wall-clock time (UTC+8, no DST).
Instant bj(int year, int month, int day, int hour, int minute) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour - 8;
    tm.tm_min = minute;
    return Instant{Duration{timegm(&tm)}};
}

// Simple targets, so compliance is easy to work out: reply within 1 h, resolve within 24 h.
SlaPolicy simple_policy() {
    SlaPolicy policy;
    policy.name = "report-test";
    for (const auto& level : policy.priorities.levels()) {
        policy.targets[level][SlaStage::first_response] = SlaTarget::calendar(1h);
        policy.targets[level][SlaStage::resolution] = SlaTarget::calendar(24h);
    }
    return policy;
}

Satisfaction verdict(SatisfactionGrade grade, int score) {
    Satisfaction s;
    s.grade = grade;
    s.score = score;
    return s;
}

// May 2024 on one desk. Tickets A–G are received in May; H (29 April) is still open, I
// (20 April) was closed on 10 May, J arrives in June. V1–V4 are follow-up visits.
struct MonthDesk {
    std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>();
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(bj(2024, 4, 20, 9, 0));
    std::unique_ptr<ServiceDesk> desk;
    Actor manager{"mgr-1", Role::manager, ""};
    std::map<std::string, TicketId> ids;

    MonthDesk() {
        DeskConfig config;
        config.sla = simple_policy();
        desk = std::make_unique<ServiceDesk>(store, clock, config);
        build();
    }

    void at(Instant t) { clock->set(t); }

    TicketId open(const std::string& name, const char* type, const char* channel, const char* priority,
                  const std::string& customer, CustomerTier tier, const std::string& text,
                  const std::string& order = "", std::vector<TicketLink> links = {}) {
        NewTicket r;
        r.type = type;
        r.channel = channel;
        r.priority = priority;
        r.customer = {customer, "", tier, ""};
        r.description = text;
        r.order_number = order;
        r.links = std::move(links);
        return ids[name] = desk->open(manager, r).id;
    }

    void take(const std::string& name, const std::string& agent, const std::string& department) {
        desk->assign(manager, ids[name], agent, department);
        desk->start(manager, ids[name]);
    }

    void resolve(const std::string& name) { desk->resolve(manager, ids[name], {"已处理", Responsibility::platform}); }

    void feedback(const std::string& name, std::optional<Satisfaction> s) {
        desk->record_feedback(manager, ids[name], {s});
    }

    TicketId visit(const std::string& name, const std::string& served) {
        VisitRequest v;
        v.served = ids[served];
        v.plan = "2024-05";
        v.window_from = clock->now();
        v.window_until = clock->now() + 48h;
        return ids[name] = desk->open_visit(manager, v).id;
    }

    void build() {
        using G = SatisfactionGrade;
        const auto regular = CustomerTier::regular;
        at(bj(2024, 4, 20, 9, 0));
        open("I", ticket_types::fault, channels::phone, "一般", "C7", regular, "退款一直没有到账");
        take("I", "eng-1", "技术部");
        at(bj(2024, 4, 29, 10, 0));
        open("H", ticket_types::fault, channels::phone, "一般", "C8", regular, "APP闪退，打开就崩溃");

        at(bj(2024, 5, 6, 10, 0));
        open("A", ticket_types::fault, channels::phone, "紧急", "C1", regular, "无法登录账号，提示密码错误");
        at(bj(2024, 5, 6, 10, 30));
        desk->post_update(manager, ids["A"], "已收到，正在排查");
        take("A", "eng-1", "技术部");
        at(bj(2024, 5, 6, 12, 0));
        resolve("A");
        at(bj(2024, 5, 6, 13, 0));
        feedback("A", verdict(G::very_satisfied, 5));

        at(bj(2024, 5, 6, 14, 0));
        open("B", ticket_types::fault, channels::online_chat, "一般", "C2", regular, "登录不了账号，一直提示密码错误");
        at(bj(2024, 5, 6, 16, 0));
        desk->post_update(manager, ids["B"], "已收到");
        take("B", "eng-1", "技术部");
        at(bj(2024, 5, 7, 10, 0));
        resolve("B");
        at(bj(2024, 5, 7, 11, 0));
        feedback("B", verdict(G::dissatisfied, 1)); // second handling
        at(bj(2024, 5, 7, 15, 0));
        resolve("B");
        at(bj(2024, 5, 7, 16, 0));
        feedback("B", verdict(G::satisfied, 4));

        at(bj(2024, 5, 8, 9, 0));
        open("C", ticket_types::complaint, channels::email, "特急", "C3", CustomerTier::vip,
             "快递显示已签收但是我没有收到货", "DD2024050800001");
        take("C", "cs-1", "服务部");
        at(bj(2024, 5, 8, 9, 40));
        resolve("C"); // no reply before: the result is the first response
        at(bj(2024, 5, 8, 10, 0));
        feedback("C", std::nullopt); // no answer

        at(bj(2024, 5, 9, 10, 0));
        resolve("I");
        at(bj(2024, 5, 10, 9, 0));
        feedback("I", std::nullopt);

        at(bj(2024, 5, 10, 10, 0));
        visit("V1", "A");
        at(bj(2024, 5, 10, 11, 0));
        desk->record_visit(manager, ids["V1"], {{{"服务效率", 5, ""}, {"人员态度", 4, ""}}, "", std::nullopt, {}});

        at(bj(2024, 5, 13, 20, 0));
        open("D", ticket_types::complaint, channels::phone, "紧急", "C4", regular, "物流显示已经签收了，可是我没收到货",
             "DD2024051300002");
        at(bj(2024, 5, 13, 20, 30));
        desk->post_update(manager, ids["D"], "已联系快递");
        take("D", "cs-1", "服务部");
        at(bj(2024, 5, 14, 20, 0));
        resolve("D"); // exactly at the 24 h deadline: met
        at(bj(2024, 5, 14, 21, 0));
        feedback("D", verdict(G::neutral, 3));

        at(bj(2024, 5, 15, 11, 0));
        open("E", ticket_types::consult, channels::app, "一般", "C5", CustomerTier::new_customer, "怎么修改收货地址");
        at(bj(2024, 5, 15, 11, 30));
        desk->cancel(manager, ids["E"], CloseReason::withdrawn, "客户撤回");

        at(bj(2024, 5, 16, 10, 0));
        visit("V2", "D");
        at(bj(2024, 5, 16, 11, 0));
        Satisfaction v2 = verdict(G::neutral, 3);
        v2.efficiency = 2;
        v2.attitude = 4;
        desk->record_visit(manager, ids["V2"], {{{"处理速度", 2, "太慢"}}, "", v2, {}});
        at(bj(2024, 5, 16, 12, 0));
        visit("V3", "C");
        desk->record_attempt(manager, ids["V3"], ContactOutcome::wrong_number);
        at(bj(2024, 5, 16, 13, 0));
        visit("V4", "B"); // not done yet

        at(bj(2024, 5, 20, 9, 0));
        open("F", ticket_types::fault, channels::phone, "一般", "C1", regular, "无法登录账号，提示密码错误", "",
             {{LinkKind::duplicate_of, ids["A"]}});

        at(bj(2024, 5, 27, 10, 0));
        open("G", ticket_types::order, channels::web_form, "一般", "C6", CustomerTier::enterprise,
             "订单支付后状态未更新");
        at(bj(2024, 5, 27, 10, 10));
        desk->post_update(manager, ids["G"], "正在核实");
        take("G", "eng-1", "技术部");

        at(bj(2024, 6, 2, 10, 0));
        open("J", ticket_types::consult, channels::phone, "一般", "C9", regular, "发票怎么开");
        at(bj(2024, 6, 3, 9, 0));
    }

    ReportOptions options(ReportLocale locale = ReportLocale::zh) const {
        ReportOptions o;
        o.locale = locale;
        o.now = clock->now();
        return o;
    }

    Report may(ReportLocale locale = ReportLocale::zh) const {
        return monthly_report(*store, boost::gregorian::date(2024, 5 + 1, 3), options(locale));
    }
};

const GroupStats& group(const std::vector<GroupStats>& groups, const std::string& key) {
    for (const auto& g : groups)
        if (g.key == key) return g;
    FAIL("no group " << key);
    throw std::logic_error("unreachable");
}

std::size_t count_of(const std::vector<CountShare>& rows, const std::string& key) {
    for (const auto& r : rows)
        if (r.key == key) return r.count;
    return 0;
}

Duration minutes(long long m) { return Duration{m * 60}; }

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
    return n;
}

// Checks that every element opened is closed in order (void elements and `/>` aside).
void check_balanced(const std::string& html) {
    static const std::regex tag(R"(<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>)");
    static const std::vector<std::string> void_elements{"meta", "br", "hr", "img", "input", "link"};
    std::vector<std::string> open;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator(); ++it) {
        std::string name = (*it)[2];
        if ((*it)[3] == "/" || std::find(void_elements.begin(), void_elements.end(), name) != void_elements.end())
            continue;
        if ((*it)[1] == "/") {
            REQUIRE_FALSE(open.empty());
            REQUIRE(open.back() == name);
            open.pop_back();
        } else {
            open.push_back(name);
        }
    }
    CHECK(open.empty());
}

} // namespace

TEST_CASE("monthly periods: the previous month in the calendar's zone, due by the 5th", "[report]") {
    auto cal = BusinessCalendar::china_mainland();
    auto may = previous_month_period(boost::gregorian::date(2024, 6, 3), cal);
    CHECK(may.from == bj(2024, 5, 1, 0, 0));
    CHECK(may.until == bj(2024, 6, 1, 0, 0));
    auto december = previous_month_period(boost::gregorian::date(2024, 1, 20), cal);
    CHECK(december.from == bj(2023, 12, 1, 0, 0));
    CHECK(december.until == bj(2024, 1, 1, 0, 0));
    CHECK(monthly_report_due(boost::gregorian::date(2024, 6, 3)) == boost::gregorian::date(2024, 6, 5));
    CHECK_THROWS_AS(month_period(2024, 13, cal), ValidationError);
}

TEST_CASE("a month of tickets: volumes, handling times, first-contact resolution, satisfaction", "[report]") {
    MonthDesk d;
    Report r = d.may();
    CHECK(r.title == "2024年5月客户需求分析报告");
    CHECK(r.period.from == bj(2024, 5, 1, 0, 0));
    CHECK(r.period.until == bj(2024, 6, 1, 0, 0));
    CHECK(r.first_day == boost::gregorian::date(2024, 5, 1));
    CHECK(r.last_day == boost::gregorian::date(2024, 5, 31));

    const auto& o = r.overall;
    CHECK(o.received == 7); // A–G
    CHECK(o.resolved == 4); // A, B, C, D
    CHECK(o.first_contact_resolved == 3);
    CHECK(*o.first_contact_resolution_rate() == Approx(0.75));
    CHECK(o.reopened == 1); // B
    CHECK(*o.reopen_rate() == Approx(1.0 / 7));
    CHECK(o.closed == 4);
    CHECK(o.cancelled == 1); // E
    CHECK(o.repeated == 1);  // F

    // Handling, received → resolved: C 40 min, A 2 h, D 24 h, B 25 h (second round).
    CHECK(o.handling.count == 4);
    CHECK(o.handling.mean() == minutes(775));
    CHECK(o.handling.max == minutes(1500));
    REQUIRE(o.handling.percentiles.size() == 2);
    CHECK(o.handling.percentiles[0].percentile == 50);
    CHECK(o.handling.percentiles[0].value == minutes(120));
    CHECK(o.handling.percentiles[1].value == minutes(1500));
    // Business time (09:00–12:00, 13:30–18:00): A 2 h, B 4 h + 3 h + 1.5 h, C 40 min, D 7.5 h.
    CHECK(o.handling_business.total == minutes(120 + 510 + 40 + 450));
    CHECK(o.handling_business.mean() == minutes(280));
    // First response: A 30, B 120, C 40 (its result), D 30, G 10 minutes.
    CHECK(o.first_response.count == 5);
    CHECK(o.first_response.mean() == minutes(46));
    CHECK(o.first_response.percentiles[0].value == minutes(30));
    CHECK(o.first_response.percentiles[1].value == minutes(120));

    // Satisfaction: A 非常满意 5, B 满意 4 (after second handling), D 一般 3; C did not answer.
    const auto& s = o.satisfaction;
    CHECK(s.responses == 3);
    CHECK(s.grades == std::array<std::size_t, 4>{1, 1, 1, 0});
    CHECK(*s.satisfied_share() == Approx(2.0 / 3));
    CHECK(*s.score.mean() == Approx(4.0));

    // Distributions.
    REQUIRE(r.by_type.size() == 4);
    CHECK(r.by_type[0].key == ticket_types::fault);
    CHECK(r.by_type[0].received == 3);
    CHECK(r.by_type[0].backlog == 2); // F and H (received in April)
    CHECK(r.by_type[1].key == ticket_types::complaint);
    CHECK(r.by_type[1].received == 2);
    CHECK(r.by_type[1].first_contact_resolution_rate() == 1.0);
    CHECK(r.by_type[2].key == ticket_types::order); // ties: more backlog first
    CHECK(r.by_type[3].key == ticket_types::consult);
    CHECK(count_of(r.by_channel, channels::phone) == 3);
    CHECK(r.by_channel.front().key == channels::phone);
    CHECK(r.by_channel.front().share == Approx(3.0 / 7));
    CHECK(count_of(r.by_priority, "一般") == 4);
    CHECK(count_of(r.by_priority, "紧急") == 2);
    CHECK(count_of(r.by_priority, "特急") == 1);
    CHECK(count_of(r.by_tier, "regular") == 4);
    CHECK(count_of(r.by_tier, "vip") == 1);
    CHECK(count_of(r.by_status, "closed") == 5);
    CHECK(count_of(r.by_status, "pending") == 1);
    CHECK(count_of(r.by_status, "in_progress") == 1);
}

TEST_CASE("a month of tickets: SLA compliance, backlog ageing, agents and departments", "[report]") {
    MonthDesk d;
    Report r = d.may();
    // First response: met A, C, D, G; breached B (replied after 2 h) and F (never, judged
    // on 3 June). Resolution: met A, B, C, D (exactly at the deadline); F and G overdue.
    // E was cancelled and is left out.
    REQUIRE(r.sla.size() == 2);
    CHECK(r.sla[0].stage == SlaStage::first_response);
    CHECK(r.sla[0].met == 4);
    CHECK(r.sla[0].breached == 2);
    CHECK(r.sla[0].running == 0);
    CHECK(*r.sla[0].compliance() == Approx(4.0 / 6));
    CHECK(r.sla[1].stage == SlaStage::resolution);
    CHECK(r.sla[1].met == 4);
    CHECK(r.sla[1].breached == 2);
    CHECK(*r.overall.sla_compliance() == Approx(8.0 / 12));

    // Backlog at the end of May: G (4 d 14 h), F (11 d 15 h), H (32 d 14 h).
    CHECK(r.backlog.as_of == bj(2024, 6, 1, 0, 0));
    CHECK(r.backlog.open == 3);
    REQUIRE(r.backlog.ageing.size() == 5);
    std::vector<std::size_t> ageing;
    for (const auto& b : r.backlog.ageing) ageing.push_back(b.count);
    CHECK(ageing == std::vector<std::size_t>{0, 0, 1, 1, 1});
    CHECK(r.backlog.ageing[2].from == 72h);
    CHECK(r.backlog.ageing[2].until == 168h);
    CHECK_FALSE(r.backlog.ageing[4].until);
    CHECK(r.backlog.oldest == Duration{32 * 86400 + 14 * 3600});
    CHECK(r.overall.backlog == 3);

    REQUIRE(r.by_agent.size() == 3);
    const auto& eng = r.by_agent[0];
    CHECK(eng.key == "eng-1");
    CHECK(eng.received == 3); // A, B, G
    CHECK(eng.resolved == 2);
    CHECK(*eng.first_contact_resolution_rate() == Approx(0.5));
    CHECK(eng.handling.mean() == minutes(810));
    CHECK(eng.sla_met == 4);
    CHECK(eng.sla_breached == 2);
    CHECK(eng.backlog == 1); // G
    CHECK(*eng.satisfaction.score.mean() == Approx(4.5));
    CHECK(r.by_agent[1].key.empty()); // E, F unassigned, and H in the backlog
    CHECK(r.by_agent[1].backlog == 2);
    CHECK(group(r.by_agent, "cs-1").received == 2);
    CHECK(group(r.by_department, "技术部").received == 3);
    CHECK(group(r.by_department, "服务部").handling.mean() == minutes((40 + 1440) / 2));
}

TEST_CASE("a month of tickets: frequent problems, weekly trend, follow-up visits, alerts", "[report]") {
    MonthDesk d;
    Report r = d.may();
    REQUIRE(r.top_problems.size() == 3);
    const auto& login = r.top_problems[0];
    CHECK(login.type == ticket_types::fault);
    CHECK(login.count == 3); // A, B and the repeat F
    CHECK(login.share == Approx(3.0 / 7));
    CHECK(login.summary == "无法登录账号，提示密码错误");
    REQUIRE(login.examples.size() == 3);
    CHECK(login.examples[0].id == d.ids["A"]);
    CHECK(login.examples[1].id == d.ids["B"]);
    CHECK(r.top_problems[1].type == ticket_types::complaint);
    CHECK(r.top_problems[1].count == 2);                  // C and D: the same parcel problem in other words
    CHECK(r.top_problems[2].type == ticket_types::order); // G: E was withdrawn, so no problem
    CHECK(r.problem_clusters == 3);
    CHECK(r.unclustered == 0);

    // Weeks from Monday 29 April (1 May falls in it) to Monday 27 May.
    REQUIRE(r.trend.size() == 5);
    CHECK(r.trend[0].start == boost::gregorian::date(2024, 4, 29));
    CHECK(r.trend[0].received == 0);
    const auto& w19 = r.trend[1];
    CHECK(w19.start == boost::gregorian::date(2024, 5, 6));
    CHECK(w19.received == 3);
    CHECK(w19.resolved == 3);
    CHECK(w19.sla_met == 5);
    CHECK(w19.sla_breached == 1);
    CHECK(w19.satisfaction.satisfied_share() == 1.0);
    CHECK(w19.visit_satisfaction.responses == 1); // V1 on A
    CHECK(r.trend[2].received == 2);
    CHECK(r.trend[2].satisfaction.satisfied_share() == 0.0);
    CHECK(r.trend[2].visit_satisfaction.satisfied_share() == 0.0);
    CHECK(r.trend[3].sla_breached == 2);
    CHECK(r.trend[4].sla_met == 1);
    CHECK(r.trend[4].sla_breached == 1);

    // Served: A, B, C, D. Visits: V1 (A) and V2 (D) reached, V3 (C) unreachable, V4 (B) pending.
    const auto& f = r.follow_up;
    CHECK(f.served == 4);
    CHECK(f.covered == 2);
    CHECK(*f.coverage() == Approx(0.5));
    CHECK(f.visits == 4);
    CHECK(f.reached == 2);
    CHECK(f.unreachable == 1);
    CHECK(f.pending == 1);
    CHECK(f.declined == 0);
    CHECK(f.satisfaction.responses == 2);
    CHECK(*f.satisfaction.satisfied_share() == Approx(0.5));
    CHECK(*f.satisfaction.score.mean() == Approx(4.0)); // V1 5 (mean of 5 and 4, rounded), V2 3
    REQUIRE(f.problems.size() == 2);
    CHECK(f.problems[0].key == "efficiency");
    CHECK(f.problems[0].share == Approx(0.5));
    CHECK(f.problems[1].key == "处理速度");

    std::vector<std::pair<AlertKind, std::string>> alerts;
    for (const auto& a : r.alerts) alerts.emplace_back(a.kind, a.subject);
    CHECK(alerts == std::vector<std::pair<AlertKind, std::string>>{
                        {AlertKind::low_visit_satisfaction, ""},
                        {AlertKind::low_sla_compliance, "first_response"},
                        {AlertKind::low_sla_compliance, "resolution"},
                        {AlertKind::frequent_visit_problem, "efficiency"},
                        {AlertKind::frequent_visit_problem, "处理速度"},
                    });
}

TEST_CASE("follow-up windows: met, still open, and missed with the reason", "[report][followup]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(bj(2024, 5, 6, 9, 0));
    DeskConfig config;
    config.sla = simple_policy();
    ServiceDesk desk(store, clock, config);
    const Actor manager{"mgr-1", Role::manager, ""};
    int n = 0;
    // A served ticket of May, and a visit of it opened at `planned` with the given window.
    auto visit = [&](Instant planned, Instant from, Instant until) {
        clock->set(bj(2024, 5, 6, 9, 0) + n * 1min);
        NewTicket r = sample_request("C" + std::to_string(++n));
        auto id = desk.open(manager, r).id;
        desk.assign(manager, id, "eng-1");
        desk.start(manager, id);
        desk.resolve(manager, id, {"已处理", Responsibility::platform});
        clock->set(planned);
        VisitRequest v;
        v.served = id;
        v.plan = "weekly";
        v.window_from = from;
        v.window_until = until;
        return desk.open_visit(manager, v).id;
    };
    auto met = visit(bj(2024, 5, 20, 10, 0), bj(2024, 5, 20, 10, 0), bj(2024, 5, 21, 10, 0));
    clock->set(bj(2024, 5, 20, 11, 0));
    desk.record_visit(manager, met, {{{"服务效率", 5, ""}}, "", std::nullopt, {}});
    auto unreachable = visit(bj(2024, 5, 20, 10, 0), bj(2024, 5, 20, 10, 0), bj(2024, 5, 21, 10, 0));
    clock->set(bj(2024, 5, 20, 12, 0));
    desk.record_attempt(manager, unreachable, ContactOutcome::wrong_number);        // finished in the window
    visit(bj(2024, 5, 20, 10, 0), bj(2024, 5, 17, 10, 0), bj(2024, 5, 18, 10, 0));  // planned after its window
    visit(bj(2024, 5, 17, 17, 50), bj(2024, 5, 18, 11, 0), bj(2024, 5, 19, 11, 0)); // the weekend only
    visit(bj(2024, 5, 21, 9, 0), bj(2024, 5, 21, 10, 0), bj(2024, 5, 22, 10, 0));   // never done
    auto late_record = visit(bj(2024, 5, 22, 9, 0), bj(2024, 5, 22, 10, 0), bj(2024, 5, 22, 12, 0));
    clock->set(bj(2024, 5, 22, 15, 0));
    desk.record_visit(manager, late_record, {{{"服务效率", 4, ""}}, "", std::nullopt, {}}); // after 12:00
    visit(bj(2024, 5, 31, 10, 0), bj(2024, 5, 31, 10, 0), bj(2024, 6, 4, 10, 0));           // open at the report

    ReportOptions options;
    options.now = bj(2024, 6, 3, 9, 0);
    Report r = monthly_report(*store, boost::gregorian::date(2024, 6, 3), options);
    const auto& w = r.follow_up.windows;
    CHECK(r.follow_up.visits == 7);
    CHECK(w.met == 2);
    CHECK(w.open == 1);
    CHECK(w.missed_planned_late == 1);
    CHECK(w.missed_no_calling_time == 1);
    CHECK(w.missed_overdue == 2);
    CHECK(w.missed() == 4);

    auto j = nlohmann::json::parse(to_json(r));
    CHECK(j["follow_up"]["windows"]["missed"] == 4);
    CHECK(j["follow_up"]["windows"]["missed_planned_late"] == 1);
    CHECK(j["follow_up"]["windows"]["missed_no_calling_time"] == 1);
    auto md = to_markdown(r);
    CHECK(md.find("排期时已过时间窗") != std::string::npos);
    CHECK(md.find("时间窗内无可拨打时段") != std::string::npos);
}

TEST_CASE("filters, monthly buckets and the problems raised in visits", "[report]") {
    MonthDesk d;
    ReportFilter tech;
    tech.department = "技术部";
    auto options = d.options();
    options.bucket = TrendBucket::month;
    Report r = monthly_report(*d.store, boost::gregorian::date(2024, 6, 3), options, tech);
    CHECK(r.overall.received == 3);
    CHECK(r.by_department.size() == 1);
    CHECK(r.follow_up.served == 2); // A and B
    CHECK(r.follow_up.covered == 1);
    REQUIRE(r.trend.size() == 1);
    CHECK(r.trend[0].start == boost::gregorian::date(2024, 5, 1));

    ReportFilter vip;
    vip.tier = CustomerTier::vip;
    CHECK(monthly_report(*d.store, boost::gregorian::date(2024, 6, 3), options, vip).overall.received == 1);

    // A visit in June raises a problem: a derived ticket in the June report.
    d.at(bj(2024, 6, 3, 10, 0));
    d.visit("V5", "G");
    NewTicket problem;
    problem.type = ticket_types::complaint;
    problem.description = "上门安装后未清理现场";
    d.desk->record_visit(d.manager, d.ids["V5"], {{{"服务效率", 4, ""}}, "", std::nullopt, {problem}});
    auto july = d.options();
    july.now = bj(2024, 7, 2, 9, 0);
    Report june = monthly_report(*d.store, boost::gregorian::date(2024, 7, 2), july);
    CHECK(june.title == "2024年6月客户需求分析报告");
    REQUIRE(june.follow_up.raised.size() == 1);
    CHECK(june.follow_up.raised[0].key == ticket_types::complaint);
    CHECK(june.follow_up.raised[0].count == 1);
    CHECK(june.overall.received == 2); // J and the derived complaint
}

TEST_CASE("percentile precision: exact minutes below 1024, buckets of 1/256 above", "[report]") {
    ReportFilter filter;
    filter.from = bj(2024, 5, 1, 0, 0);
    filter.until = bj(2024, 6, 1, 0, 0);
    ReportOptions options;
    options.now = bj(2024, 6, 3, 0, 0);
    options.percentiles = {25, 50, 75, 99, 100};
    ReportBuilder builder(filter, options);
    auto add = [&](Duration handling, const std::string& id) {
        Ticket t;
        t.id = id;
        t.type = ticket_types::fault;
        t.description = "x";
        t.times.received = bj(2024, 5, 10, 9, 0);
        t.times.resolved = t.times.received + handling;
        t.status = Status::done;
        builder.add(t);
    };
    add(61min + 30s, "1"); // 61.5 min → 61 min
    add(2001min, "2");     // [2000, 2004) → 2000 min
    add(43201min, "3");    // a month: [43136, 43264) → 43136 min
    add(-5min, "4");       // a resolution before receipt counts as 0
    Report r = builder.finish();
    const auto& p = r.overall.handling.percentiles;
    REQUIRE(p.size() == 5);
    CHECK(p[0].value == minutes(0));
    CHECK(p[1].value == minutes(61));
    CHECK(p[2].value == minutes(2000));
    CHECK(p[3].value == minutes(43136));
    CHECK(p[4].value == minutes(43201)); // the maximum is exact
    CHECK(r.overall.handling.max == minutes(43201));
    CHECK(builder.tickets_seen() == 4);
    CHECK_THROWS_AS(builder.finish(), ValidationError);
}

TEST_CASE("report options are validated", "[report]") {
    ReportOptions o;
    o.percentiles = {0};
    CHECK_THROWS_AS(ReportBuilder({}, o), ValidationError);
    o = {};
    o.ageing_bounds = {72h, 24h};
    CHECK_THROWS_AS(ReportBuilder({}, o), ValidationError);
    o = {};
    o.top_n = 0;
    CHECK_THROWS_AS(ReportBuilder({}, o), ValidationError);
    o = {};
    o.thresholds.problem_similarity = 1.5;
    CHECK_THROWS_AS(ReportBuilder({}, o), ValidationError);
    ReportFilter backwards;
    backwards.from = bj(2024, 6, 1, 0, 0);
    backwards.until = bj(2024, 5, 1, 0, 0);
    CHECK_THROWS_AS(ReportBuilder(backwards, {}), ValidationError);
}

TEST_CASE("problem clusters are capped; later strangers are counted as unclustered", "[report]") {
    ReportOptions options;
    options.now = bj(2024, 6, 3, 0, 0);
    options.max_problem_clusters = 2;
    ReportBuilder builder({}, options);
    const char* texts[] = {"无法登录账号", "快递没有收到", "发票怎么开", "无法登录账号了"};
    int n = 0;
    for (const char* text : texts) {
        Ticket t;
        t.id = std::to_string(++n);
        t.type = ticket_types::consult;
        t.description = text;
        t.times.received = bj(2024, 5, 10, 9, n);
        builder.add(t);
    }
    Report r = builder.finish();
    CHECK(r.problem_clusters == 2);
    CHECK(r.unclustered == 1);
    CHECK(r.top_problems[0].count == 2);
    CHECK(r.period.from == bj(2024, 5, 10, 9, 1)); // open bounds come from the tickets
}

TEST_CASE("JSON carries every figure with machine names", "[report][output]") {
    MonthDesk d;
    auto j = nlohmann::json::parse(to_json(d.may()));
    CHECK(j["title"] == "2024年5月客户需求分析报告");
    CHECK(j["period"]["from"] == "2024-04-30T16:00:00Z");
    CHECK(j["overall"]["received"] == 7);
    CHECK(j["overall"]["handling"]["mean_seconds"] == 775 * 60);
    CHECK(j["overall"]["handling"]["percentiles"][1]["seconds"] == 1500 * 60);
    CHECK(j["overall"]["first_contact_resolution_rate"] == 0.75);
    CHECK(j["by_type"][0]["key"] == "fault");
    CHECK(j["sla"][0]["stage"] == "first_response");
    CHECK(j["follow_up"]["coverage"] == 0.5);
    CHECK(j["alerts"][0]["kind"] == "low_visit_satisfaction");
    CHECK(j["backlog"]["ageing"][4]["until_seconds"].is_null());
    CHECK(j["trend"].size() == 5);
}

TEST_CASE("CSV: RFC 4180 quoting, CRLF, optional BOM, formulas neutralised", "[report][output]") {
    ReportOptions options;
    options.now = bj(2024, 6, 3, 0, 0);
    ReportBuilder builder({}, options);
    Ticket t;
    t.id = "1";
    t.type = ticket_types::fault;
    t.description = "屏幕显示\"错误,代码\"\n无法使用";
    t.times.received = bj(2024, 5, 10, 9, 0);
    builder.add(t);
    Ticket formula = t;
    formula.id = "2";
    formula.type = ticket_types::consult;
    formula.description = "=HYPERLINK(\"http://x\")";
    builder.add(formula);
    Report r = builder.finish();

    std::string csv = to_csv(r);
    CHECK(csv.rfind("类别,分组,指标,数值\r\n", 0) == 0);
    CHECK(csv.find("\"屏幕显示\"\"错误,代码\"\"\n无法使用\"") != std::string::npos);
    CHECK(csv.find(",\"'=HYPERLINK(\"\"http://x\"\")\"\r\n") != std::string::npos);
    CHECK(csv.find("需求类型分布,故障,受理量,1\r\n") != std::string::npos);
    CHECK(csv.find("概览,,平均处理时长（分钟）,") != std::string::npos);
    CHECK(occurrences(csv, "\r\n") >= 20);
    std::string with_bom = to_csv(r, {true});
    CHECK(with_bom.rfind("\xEF\xBB\xBF类别,", 0) == 0);
    CHECK(with_bom.substr(3) == csv);
}

TEST_CASE("line charts label their points and scale the axis to the data", "[report][output]") {
    std::vector<detail::Series> series{{"满意率", {0.8, std::nullopt, 0.875, 0.775}}};
    auto svg = detail::line_chart("c", "t", {"W1", "W2", "W3", "W4"}, series, "none");
    for (const char* mark : {">75%<", ">80%<", ">85%<", ">90%<"}) CHECK(svg.find(mark) != std::string::npos);
    CHECK(svg.find(">0%<") == std::string::npos); // the 75–90 % band is not flattened into 0–100 %
    CHECK(svg.find(">100%<") == std::string::npos);
    CHECK(occurrences(svg, "class=\"point-label\"") == 3);
    CHECK(svg.find(">87.5%</text>") != std::string::npos);
    // A single value still gets an axis around it; values at the ends keep 0–100 %.
    auto one = detail::line_chart("c", "t", {"W1"}, {{"x", {1.0}}}, "none");
    CHECK(one.find(">100%<") != std::string::npos);
    CHECK(one.find(">90%<") != std::string::npos);
    CHECK(one.find(">85%<") == std::string::npos);
    auto full = detail::line_chart("c", "t", {"W1", "W2"}, {{"x", {0.0, 1.0}}}, "none");
    CHECK(full.find(">0%<") != std::string::npos);
    CHECK(full.find(">100%<") != std::string::npos);
}

TEST_CASE("dissatisfied rounds are counted; cancelled tickets do not count against SLA", "[report]") {
    MonthDesk d;
    Report r = d.may();
    CHECK(r.overall.dissatisfied_rounds == 1); // B, answered 不满意 before its second handling
    CHECK(r.overall.satisfaction.grades[static_cast<std::size_t>(SatisfactionGrade::dissatisfied)] == 0);
    CHECK(to_markdown(r).find("| 不满意轮次（已二次处理） | 1 |") != std::string::npos);
    CHECK(nlohmann::json::parse(to_json(r))["overall"]["dissatisfied_rounds"] == 1);

    // An unassigned ticket past its first response, then cancelled as a duplicate, and an
    // unassigned one answered in time: the (unassigned) row is 1 met, 0 breached.
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(bj(2024, 5, 6, 9, 0));
    DeskConfig config;
    config.sla = simple_policy();
    for (auto& [level, stages] : config.sla.targets) stages.erase(SlaStage::resolution); // first response only
    ServiceDesk desk(store, clock, config);
    const Actor manager{"mgr-1", Role::manager, ""};
    auto late = desk.open(manager, sample_request("C1")).id;
    auto answered = desk.open(manager, sample_request("C2")).id;
    clock->set(bj(2024, 5, 6, 9, 30));
    desk.post_update(manager, answered, "已收到");
    REQUIRE(desk.tick(bj(2024, 5, 6, 10, 30)).breaches == 1);
    clock->set(bj(2024, 5, 6, 11, 0));
    desk.cancel(manager, late, CloseReason::duplicate, "重复提交");
    ReportOptions options;
    options.now = bj(2024, 6, 3, 9, 0);
    Report month = monthly_report(*store, boost::gregorian::date(2024, 6, 3), options);
    const auto& unassigned = group(month.by_agent, "");
    CHECK(unassigned.received == 2);
    CHECK(unassigned.cancelled == 1);
    CHECK(unassigned.sla_breached == 0);
    CHECK(unassigned.sla_met == 1);
    CHECK(*unassigned.sla_compliance() == 1.0);
}

TEST_CASE("Markdown and labels in both locales", "[report][output]") {
    MonthDesk d;
    std::string zh = to_markdown(d.may());
    CHECK(zh.rfind("# 2024年5月客户需求分析报告\n", 0) == 0);
    CHECK(zh.find("## 需求类型分布") != std::string::npos);
    CHECK(zh.find("| 故障 | 3 | 42.9% |") != std::string::npos);
    CHECK(zh.find("| 一次性解决率 | 75.0% |") != std::string::npos);
    CHECK(zh.find("| 平均处理时长 | 12小时55分 |") != std::string::npos);
    CHECK(zh.find("| 1 | 故障 | 无法登录账号，提示密码错误 | 3 |") != std::string::npos);
    CHECK(zh.find("| 回访覆盖率 | 50.0% |") != std::string::npos);
    CHECK(zh.find("第19周（05-06）") != std::string::npos);

    std::string en = to_markdown(d.may(ReportLocale::en));
    CHECK(en.rfind("# Customer request analysis, May 2024\n", 0) == 0);
    CHECK(en.find("## Request types") != std::string::npos);
    CHECK(en.find("| Fault | 3 | 42.9% |") != std::string::npos);
    CHECK(en.find("| First-contact resolution | 75.0% |") != std::string::npos);
    CHECK(en.find("| Avg handling time | 12 h 55 min |") != std::string::npos);
    CHECK(en.find("W19 (05-06)") != std::string::npos);
    CHECK(en.find("一次性解决率") == std::string::npos);
}

TEST_CASE("HTML: one balanced page, six sized SVG charts, no script or external resource", "[report][output]") {
    MonthDesk d;
    for (auto locale : {ReportLocale::zh, ReportLocale::en}) {
        const Report r = d.may(locale);
        std::string html = to_html(r);
        CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
        check_balanced(html);
        CHECK(occurrences(html, "<svg ") == 6);
        CHECK(occurrences(html, "</svg>") == 6);
        static const std::regex sized(R"re(<svg [^>]*width="(\d+)" height="(\d+)")re");
        CHECK(std::distance(std::sregex_iterator(html.begin(), html.end(), sized), std::sregex_iterator()) == 6);
        for (const char* id :
             {"chart-problems", "chart-sla-stages", "chart-types", "chart-sla", "chart-satisfaction", "chart-backlog"})
            CHECK(html.find(std::string("id=\"") + id + "\"") != std::string::npos);
        // The TOP3 problems come first, above the alerts and the other charts.
        const auto headline = html.find("id=\"top-problems\"");
        REQUIRE(headline != std::string::npos);
        CHECK(headline < html.find("id=\"alert-list\""));
        CHECK(headline < html.find("id=\"charts\""));
        CHECK(html.find("无法登录账号，提示密码错误") < html.find("id=\"charts\""));
        // Every timed stage has a bar and a line, not only the overall rate and the first two.
        const auto sla_stages = html.substr(html.find("id=\"chart-sla-stages\""));
        const auto sla_trend = html.substr(html.find("id=\"chart-sla\""));
        for (const auto& stage : r.sla) {
            const std::string label = detail::escape_xml(detail::stage_label(locale, stage.stage));
            CHECK(sla_stages.substr(0, sla_stages.find("</svg>")).find(label) != std::string::npos);
            CHECK(sla_trend.substr(0, sla_trend.find("</svg>")).find(label) != std::string::npos);
        }
        CHECK(occurrences(html, "class=\"point-label\"") > 0);
        CHECK(html.find("th { background: #eef2f7; white-space: nowrap; word-break: keep-all; }") != std::string::npos);
        CHECK(html.find("<script") == std::string::npos);
        CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg")); // only the SVG namespace
        CHECK(html.find("https://") == std::string::npos);
        CHECK(html.find(locale == ReportLocale::zh ? "回访满意率" : "Visit satisfied") != std::string::npos);
    }
    // Text from tickets is escaped.
    ReportOptions options;
    options.now = bj(2024, 6, 3, 0, 0);
    options.title = "<b>&\"report\"";
    ReportBuilder builder({}, options);
    std::string html = to_html(builder.finish());
    CHECK(html.find("&lt;b&gt;&amp;&quot;report&quot;") != std::string::npos);
    CHECK(html.find("<b>") == std::string::npos);
    check_balanced(html);
}

TEST_CASE("dissatisfied rounds come from the satisfaction history; final verdicts stay counted", "[report]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(bj(2024, 5, 6, 9, 0));
    DeskConfig config;
    config.sla = simple_policy();
    ServiceDesk desk(store, clock, config);
    const Actor manager{"mgr-1", Role::manager, ""};
    const Actor customer{"C1", Role::customer, ""};
    auto handled = [&](const std::string& who) {
        auto id = desk.open(manager, sample_request(who)).id;
        desk.assign(manager, id, "eng-1");
        desk.start(manager, id);
        desk.resolve(manager, id, {"已处理", Responsibility::platform});
        return id;
    };
    // 不满意 → second handling → resolved → closed without an answer.
    auto silent = handled("C1");
    desk.record_feedback(customer, silent, {verdict(SatisfactionGrade::dissatisfied, 1)});
    desk.resolve(manager, silent, {"再次处理", Responsibility::platform});
    desk.close(manager, silent, {});
    // 不满意 → second handling → 满意.
    auto won_back = handled("C2");
    desk.record_feedback(Actor{"C2", Role::customer, ""}, won_back, {verdict(SatisfactionGrade::dissatisfied, 2)});
    desk.resolve(manager, won_back, {"再次处理", Responsibility::platform});
    desk.record_feedback(Actor{"C2", Role::customer, ""}, won_back, {verdict(SatisfactionGrade::satisfied, 4)});
    // Reopened by staff without an answer from the customer: not a dissatisfied round.
    auto staff = handled("C3");
    desk.reopen(manager, staff, "处理不完整");
    desk.resolve(manager, staff, {"补充处理", Responsibility::platform});
    desk.close(manager, staff, {verdict(SatisfactionGrade::very_satisfied, 5)});

    ReportOptions options;
    options.now = bj(2024, 6, 3, 9, 0);
    Report r = monthly_report(*store, boost::gregorian::date(2024, 6, 3), options);
    CHECK(r.overall.reopened == 3);
    CHECK(r.overall.dissatisfied_rounds == 2);
    const auto& grades = r.overall.satisfaction.grades;
    CHECK(grades[static_cast<std::size_t>(SatisfactionGrade::dissatisfied)] == 1); // the silent one's latest answer
    CHECK(grades[static_cast<std::size_t>(SatisfactionGrade::satisfied)] == 1);
    CHECK(grades[static_cast<std::size_t>(SatisfactionGrade::very_satisfied)] == 1);
    CHECK(r.overall.satisfaction.responses == 3);

    // A ticket stored before the history was kept counts its rounds of second handling.
    Ticket legacy = desk.get(silent);
    legacy.id = "20240506999";
    legacy.satisfaction_history.clear();
    legacy.reopen_count = 2;
    ReportBuilder builder(ReportFilter{}, options);
    builder.add(legacy);
    CHECK(builder.finish().overall.dissatisfied_rounds == 2);
}

TEST_CASE("first-contact resolution counts tickets still in second handling as handled", "[report]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(bj(2024, 5, 6, 9, 0));
    DeskConfig config;
    config.sla = simple_policy();
    ServiceDesk desk(store, clock, config);
    const Actor manager{"mgr-1", Role::manager, ""};
    // Four solved once and confirmed; four answered 不满意 and back in handling (reopening
    // clears times.resolved) at the report.
    for (int i = 0; i < 8; ++i) {
        clock->set(bj(2024, 5, 6 + i, 10, 0));
        auto id = desk.open(manager, sample_request("C" + std::to_string(i))).id;
        desk.assign(manager, id, "eng-1");
        desk.start(manager, id);
        clock->set(bj(2024, 5, 6 + i, 11, 0));
        desk.resolve(manager, id, {"已处理", Responsibility::platform});
        clock->set(bj(2024, 5, 6 + i, 12, 0));
        desk.record_feedback(
            manager, id,
            {i < 4 ? verdict(SatisfactionGrade::satisfied, 4) : verdict(SatisfactionGrade::dissatisfied, 1)});
        REQUIRE(desk.get(id).times.resolved.has_value() == (i < 4));
    }
    ReportOptions options;
    options.now = bj(2024, 6, 3, 9, 0);
    Report r = monthly_report(*store, boost::gregorian::date(2024, 6, 3), options);
    CHECK(r.overall.received == 8);
    CHECK(r.overall.resolved == 8); // handled at least once
    CHECK(r.overall.first_contact_resolved == 4);
    CHECK(*r.overall.first_contact_resolution_rate() == Approx(0.5));
    CHECK(r.overall.reopened == 4);
    CHECK(r.overall.handling.count == 4); // handling times only of the tickets resolved now
}

TEST_CASE("spam, merged repeats and withdrawn requests are not frequent problems", "[report]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(bj(2024, 5, 6, 9, 0));
    DeskConfig config;
    config.sla = simple_policy();
    ServiceDesk desk(store, clock, config);
    const Actor manager{"mgr-1", Role::manager, ""};
    auto open = [&](const std::string& customer, const std::string& text) {
        clock->advance(1min);
        NewTicket r = sample_request(customer);
        r.type = ticket_types::consult;
        r.description = text;
        return desk.open(manager, r).id;
    };
    // Two real invoice questions; five spam messages, three repeats merged into the first
    // question and two withdrawn requests, each more often than the real problem.
    auto invoice = open("C1", "发票开错了需要重开");
    open("C2", "发票开错了需要重开");
    for (int i = 0; i < 5; ++i)
        desk.cancel(manager, open("S" + std::to_string(i), "加微信领取红包优惠券"), CloseReason::spam, "广告");
    for (int i = 0; i < 3; ++i)
        desk.cancel(manager, open("C1", "退款一直没有到账怎么办"), CloseReason::duplicate, "重复提交");
    for (int i = 0; i < 2; ++i)
        desk.cancel(manager, open("W" + std::to_string(i), "怎么修改收货地址"), CloseReason::withdrawn, "客户撤回");
    REQUIRE(desk.get(invoice).status == Status::pending);

    ReportOptions options;
    options.now = bj(2024, 6, 3, 9, 0);
    Report r = monthly_report(*store, boost::gregorian::date(2024, 6, 3), options);
    CHECK(r.overall.received == 12);
    CHECK(r.overall.cancelled == 10);
    REQUIRE(r.top_problems.size() == 1);
    CHECK(r.top_problems[0].summary == "发票开错了需要重开");
    CHECK(r.top_problems[0].count == 2);
    CHECK(r.problem_clusters == 1);
    CHECK(r.unclustered == 0);
}

TEST_CASE("open-ended periods never run backwards; a lookahead past the end of time is refused", "[report]") {
    MemoryStore empty;
    ReportOptions options;
    options.now = bj(2024, 6, 3, 9, 0);
    ReportFilter until_only;
    until_only.until = bj(2024, 5, 1, 0, 0);
    Report r = build_report(empty, until_only, options);
    CHECK(r.period.from <= r.period.until);
    CHECK(r.period.until == bj(2024, 5, 1, 0, 0));
    CHECK(r.trend.empty());
    CHECK(r.overall.received == 0);

    ReportFilter may;
    may.from = bj(2024, 5, 1, 0, 0);
    may.until = bj(2024, 6, 1, 0, 0);
    for (auto lookahead : {Duration::max(), Duration::max() - Duration{1}, Instant::max() - *may.until + Duration{1}}) {
        ReportOptions huge = options;
        huge.follow_up_lookahead = lookahead;
        try {
            ReportBuilder builder(may, huge);
            FAIL("accepted a lookahead of " << lookahead.count() << " s");
        } catch (const ValidationError& e) {
            CHECK(e.field() == "follow_up_lookahead");
        }
    }
    ReportOptions longest = options; // to the last instant there is: still a valid query
    longest.follow_up_lookahead = Instant::max() - *may.until;
    CHECK(ReportBuilder(may, longest).query().received_until == Instant::max());
    longest.follow_up_lookahead = Duration::max(); // without an end there is nothing to add it to
    CHECK_NOTHROW(ReportBuilder(ReportFilter{}, longest));

    ReportFilter long_ago; // the same for the backlog lookback before the period
    long_ago.from = Instant{Duration{-(1LL << 40)}};
    long_ago.until = *may.until;
    ReportOptions deep = options;
    deep.backlog_lookback = Duration::max();
    try {
        ReportBuilder builder(long_ago, deep);
        FAIL("accepted a lookback past the first instant");
    } catch (const ValidationError& e) {
        CHECK(e.field() == "backlog_lookback");
    }
    CHECK_NOTHROW(ReportBuilder(may, deep)); // from a date after 1970 it reaches no further than there is
}
