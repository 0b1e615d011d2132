#include "routing/keyword_matcher.hpp"
#include "shift_calendars.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/routing.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <thread>

using namespace ticketflow;
using boost::gregorian::date;
using ticketflow::testing::evening_shift;

namespace {

Ticket make_ticket(const std::string& type, const std::string& description = "",
                   const std::string& channel = channels::phone, CustomerTier tier = CustomerTier::regular,
                   std::vector<std::string> tags = {}) {
    Ticket ticket;
    ticket.id = "20250520001";
    ticket.type = type;
    ticket.description = description;
    ticket.channel = channel;
    ticket.customer.id = "C001";
    ticket.customer.tier = tier;
    ticket.tags = std::move(tags);
    return ticket;
}

RoutingRule rule(std::string name, std::string department) {
    RoutingRule r;
    r.name = std::move(name);
    r.outcome = {department, department + "-queue", std::nullopt};
    return r;
}

RoutingRules rules_of(std::vector<RoutingRule> rules) {
    return RoutingRules(std::move(rules), {"客服组", "general", std::nullopt});
}

template <class F>
ValidationError validation_error(F&& f) {
    try {
        f();
    } catch (const ValidationError& e) {
        return e;
    }
    FAIL("no ValidationError thrown");
    throw std::logic_error("unreachable");
}

// Monday to Friday 09:00–18:00 in Beijing, with 2025-10-01 (a Wednesday) off.
BusinessCalendar day_shift() {
    static const BusinessCalendar calendar = BusinessCalendar::from_json(R"({
        "name": "day shift", "timezone": "Asia/Shanghai",
        "weekly": {"mon": [["09:00","18:00"]], "tue": [["09:00","18:00"]], "wed": [["09:00","18:00"]],
                   "thu": [["09:00","18:00"]], "fri": [["09:00","18:00"]]},
        "holidays": ["2025-10-01"], "horizon": [2024, 2026]})",
                                                                         "day shift");
    return calendar;
}

Instant beijing(int y, int m, int d, int h, int mi = 0) { return day_shift().to_instant(date(y, m, d), h, mi); }

const Instant tuesday_10 = beijing(2025, 5, 20, 10);
const Instant tuesday_20 = beijing(2025, 5, 20, 20);
const Instant holiday_10 = beijing(2025, 10, 1, 10);

Agent agent(std::string id, std::string department = "技术支持组", int capacity = 5) {
    Agent a;
    a.id = std::move(id);
    a.department = std::move(department);
    a.capacity = capacity;
    return a;
}

std::shared_ptr<AgentDirectory> directory_of(std::vector<Agent> agents) {
    auto directory = std::make_shared<AgentDirectory>();
    directory->add_all(std::move(agents));
    return directory;
}

Ticket in_department(Ticket ticket, const std::string& department = "技术支持组") {
    ticket.department = department;
    return ticket;
}

std::string chosen(const Assigner& assigner, const Ticket& ticket, Instant now = tuesday_10) {
    const auto decision = assigner.choose(ticket, now);
    return decision ? decision->agent : std::string("(none)");
}

} // namespace

// ---------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------

TEST_CASE("routing: rules are evaluated in order and the first match wins", "[routing]") {
    RoutingRule first = rule("first", "A");
    first.types = {"fault"};
    RoutingRule second = rule("second", "B");
    second.types = {"fault", "consult"};
    const RuleRouter router(rules_of({first, second}));

    CHECK(router.route(make_ticket("fault")).rule == "first");
    CHECK(router.route(make_ticket("consult")).rule == "second");
    const RouteDecision fallback = router.route(make_ticket("suggestion"));
    CHECK(fallback.rule.empty());
    CHECK(fallback.department == "客服组");
    CHECK(fallback.queue == "general");
    CHECK(fallback.why == "no rule matched: default route");
}

TEST_CASE("routing: each condition kind, and all kinds of a rule must hold", "[routing]") {
    RoutingRule by_channel = rule("by-channel", "A");
    by_channel.channels = {channels::email};
    RoutingRule by_tier = rule("by-tier", "B");
    by_tier.tiers = {CustomerTier::vip, CustomerTier::enterprise};
    RoutingRule by_tag = rule("by-tag", "C");
    by_tag.tags = {"refund", "return"};
    RoutingRule combined = rule("combined", "D");
    combined.types = {"consult"};
    combined.keywords = {"发票"};
    const RuleRouter router(rules_of({by_channel, by_tier, by_tag, combined}));

    CHECK(router.route(make_ticket("consult", "", channels::email)).rule == "by-channel");
    CHECK(router.route(make_ticket("consult", "", channels::phone, CustomerTier::enterprise)).rule == "by-tier");
    CHECK(router.route(make_ticket("consult", "", channels::phone, CustomerTier::regular, {"x", "return"})).rule ==
          "by-tag");
    CHECK(router.route(make_ticket("consult", "请帮我开发票")).rule == "combined");
    // The keyword alone, or the type alone, is not enough.
    CHECK(router.route(make_ticket("fault", "请帮我开发票")).rule.empty());
    CHECK(router.route(make_ticket("consult", "请帮我开收据")).rule.empty());
    // Tags match exactly.
    CHECK(router.route(make_ticket("consult", "", channels::phone, CustomerTier::regular, {"Refund"})).rule.empty());
}

TEST_CASE("routing: keywords match inside Chinese text without spaces, ASCII case-insensitively", "[routing]") {
    RoutingRule payment = rule("payment", "技术支持组");
    payment.keywords = {"支付", "Login", "APP闪退"};
    const RuleRouter router(rules_of({payment}));

    CHECK(router.route(make_ticket("consult", "我昨天在订单页面支付失败了怎么办")).rule == "payment");
    CHECK(router.route(make_ticket("consult", "LOGIN页面一直转圈")).rule == "payment");
    CHECK(router.route(make_ticket("consult", "打开app闪退")).rule == "payment");
    CHECK(router.route(make_ticket("consult", "我想问一下付款方式")).rule.empty());
    CHECK(router.route(make_ticket("consult", "log in")).rule.empty());
    // Full-width letters are other characters, not ASCII.
    CHECK(router.route(make_ticket("consult", "ＬＯＧＩＮ")).rule.empty());
    CHECK(router.route(make_ticket("consult", "")).rule.empty());
}

TEST_CASE("routing: why names the rule and the conditions that matched", "[routing]") {
    RoutingRule complaints = rule("complaints", "客服主管");
    complaints.types = {"complaint"};
    RoutingRule vip = rule("vip-payment", "技术支持组");
    vip.tiers = {CustomerTier::vip};
    vip.channels = {channels::app};
    vip.tags = {"urgent"};
    vip.keywords = {"退款", "支付"};
    vip.outcome.priority = "P1";
    RoutingRule everything = rule("catch-all", "客服组");
    const RuleRouter router(rules_of({complaints, vip, everything}));

    CHECK(router.route(make_ticket("complaint")).why == "rule 'complaints' matched: type=complaint");
    const RouteDecision decision =
        router.route(make_ticket("fault", "支付后申请退款", channels::app, CustomerTier::vip, {"new", "urgent"}));
    CHECK(decision.rule == "vip-payment");
    CHECK(decision.department == "技术支持组");
    CHECK(decision.queue == "技术支持组-queue");
    CHECK(decision.priority == std::optional<std::string>("P1"));
    // The keyword found first in the text is named.
    CHECK(decision.why == "rule 'vip-payment' matched: channel=app, tier=vip, tag=urgent, keyword=支付");
    CHECK(router.route(make_ticket("fault")).why == "rule 'catch-all' matched: no conditions");
}

TEST_CASE("routing: the keyword automaton finds every occurrence of every keyword", "[routing]") {
    const detail::KeywordMatcher classic({"he", "she", "his", "hers", "SHE"});
    std::vector<std::uint32_t> found;
    classic.scan("uSHErs", [&](std::uint32_t k) { found.push_back(k); });
    CHECK(found == std::vector<std::uint32_t>{1, 4, 0, 3});

    // Against a naive search over random texts of a small alphabet, Chinese included.
    const std::vector<std::string> alphabet{"a", "B", "b", "支", "付", "退", "款", " "};
    std::mt19937 random(2025);
    const auto pick = [&](int n) {
        std::string text;
        for (int i = 0; i < n; ++i) text += alphabet[random() % alphabet.size()];
        return text;
    };
    const auto lower = [](std::string text) {
        for (char& c : text)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        return text;
    };
    for (int round = 0; round < 200; ++round) {
        std::vector<std::string> keywords;
        for (int k = 0; k < 6; ++k) keywords.push_back(pick(1 + static_cast<int>(random() % 3)));
        const detail::KeywordMatcher matcher(keywords);
        const std::string text = pick(40);
        std::multiset<std::uint32_t> actual, expected;
        matcher.scan(text, [&](std::uint32_t k) { actual.insert(k); });
        for (std::uint32_t k = 0; k < keywords.size(); ++k)
            for (std::size_t at = lower(text).find(lower(keywords[k])); at != std::string::npos;
                 at = lower(text).find(lower(keywords[k]), at + 1))
                expected.insert(k);
        REQUIRE(actual == expected);
    }
}

TEST_CASE("routing: rules load from JSON", "[routing][json]") {
    const RoutingRules rules = RoutingRules::from_json(R"({
      "rules": [
        { "name": "complaints", "when": { "types": ["complaint"] },
          "route": { "department": "客服主管", "queue": "complaints" } },
        { "name": "vip-payment",
          "when": { "keywords": ["支付"], "tiers": ["vip", "enterprise"], "channels": ["app"], "tags": ["t"] },
          "route": { "department": "技术支持组", "queue": "tech", "priority": "P2" } },
        { "name": "all", "route": { "department": "x", "queue": "y" } }
      ],
      "default": { "department": "客服组", "queue": "general" }
    })",
                                                       "routing.json");
    REQUIRE(rules.rules().size() == 3);
    const RoutingRule& vip = rules.rules()[1];
    CHECK(vip.keywords == std::vector<std::string>{"支付"});
    CHECK(vip.tiers == std::vector<CustomerTier>{CustomerTier::vip, CustomerTier::enterprise});
    CHECK(vip.channels == std::vector<std::string>{"app"});
    CHECK(vip.tags == std::vector<std::string>{"t"});
    CHECK(vip.outcome.priority == std::optional<std::string>("P2"));
    CHECK(rules.rules()[2].types.empty());
    CHECK(rules.fallback().department == "客服组");
    CHECK(RuleRouter(rules).route(make_ticket("complaint")).department == "客服主管");
}

TEST_CASE("routing: invalid JSON rules name the rule index and field", "[routing][json]") {
    const auto field_of = [](const std::string& text) {
        return validation_error([&] { RoutingRules::from_json(text, "routing.json"); }).field();
    };
    const std::string route = R"("route": {"department": "d", "queue": "q"})";
    const std::string fallback = R"("default": {"department": "d", "queue": "q"})";
    const auto one_rule = [&](const std::string& body) { return "{\"rules\": [" + body + "], " + fallback + "}"; };

    const ValidationError tier = validation_error([&] {
        RoutingRules::from_json(one_rule(R"({"name": "ok", )" + route + "}, " +
                                         R"({"name": "r", "when": {"tiers": ["vip", "gold"]}, )" + route + "}"),
                                "routing.json");
    });
    CHECK(tier.field() == "rules[1].when.tiers[1]");
    CHECK_THAT(tier.what(),
               Catch::Contains("gold") && Catch::Contains("routing.json") && Catch::Contains("enterprise"));

    CHECK(field_of(one_rule(R"({"name": "", )" + route + "}")) == "rules[0].name");
    CHECK(field_of(one_rule(R"({"name": "r", "colour": "red", )" + route + "}")) == "rules[0].colour");
    CHECK(field_of(one_rule(R"({"name": "r", "when": {"type": ["fault"]}, )" + route + "}")) == "rules[0].when.type");
    CHECK(field_of(one_rule(R"({"name": "r", "route": {"department": "d", "queue": "q", "team": "t"}})")) ==
          "rules[0].route.team");
    CHECK(field_of(one_rule(R"({"name": "r", "route": {"department": "d"}})")) == "rules[0].route.queue");
    CHECK(field_of(one_rule(R"({"name": "r"})")) == "rules[0].route");
    CHECK(field_of(one_rule(R"({"route": {"department": "d", "queue": "q"}})")) == "rules[0].name");
    CHECK(field_of(one_rule(R"({"name": "r", "when": {"keywords": ["a", ""]}, )" + route + "}")) ==
          "rules[0].when.keywords[1]");
    CHECK(field_of(one_rule(R"({"name": "r", "when": {"keywords": "支付"}, )" + route + "}")) ==
          "rules[0].when.keywords");
    CHECK(field_of(one_rule(R"({"name": "r", )" + route + R"(}, {"name": "r", )" + route + "}")) == "rules[1].name");
    CHECK(field_of(R"({"rules": [], "fallback": {}})") == "fallback");
    CHECK(field_of(R"({"rules": []})") == "default");
    CHECK(field_of(R"({"rules": [], "default": {"department": "", "queue": "q"}})") == "default.department");

    const ValidationError malformed =
        validation_error([] { RoutingRules::from_json("{\n  \"rules\": [,]}", "bad.json"); });
    CHECK(malformed.field() == "json");
    CHECK_THAT(malformed.what(), Catch::Contains("2:") && Catch::Contains("bad.json"));
}

TEST_CASE("routing: rules built in code are validated too", "[routing]") {
    RoutingRule unnamed = rule("", "A");
    CHECK(validation_error([&] { rules_of({unnamed}); }).field() == "rules[0].name");
    RoutingRule no_queue = rule("r", "A");
    no_queue.outcome.queue.clear();
    CHECK(validation_error([&] { rules_of({no_queue}); }).field() == "rules[0].route.queue");
    RoutingRule bad_tier = rule("r", "A");
    bad_tier.tiers = {static_cast<CustomerTier>(9)};
    CHECK(validation_error([&] { rules_of({bad_tier}); }).field() == "rules[0].when.tiers[0]");
}

TEST_CASE("routing: the seed-001 preset routes the four types as the SOP assigns them", "[routing][seed]") {
    const RuleRouter router(RoutingRules::seed001());
    CHECK(router.route(make_ticket(ticket_types::fault, "页面显示异常")).department == "技术支持组");
    CHECK(router.route(make_ticket(ticket_types::consult, "会员权益怎么领取")).department == "客服组");
    CHECK(router.route(make_ticket(ticket_types::complaint, "客服态度差")).department == "客服主管");
    CHECK(router.route(make_ticket(ticket_types::suggestion, "希望增加夜间模式")).department == "产品经理");

    // Keyword rules: technical problems filed as consultations go to technical support,
    // outages as P1; complaints and suggestions keep their routes whatever the words.
    const RouteDecision payment = router.route(make_ticket(ticket_types::consult, "支付的时候提示错误"));
    CHECK(payment.department == "技术支持组");
    CHECK(payment.rule == "payment-login");
    CHECK_FALSE(payment.priority);
    const RouteDecision outage = router.route(make_ticket(ticket_types::order, "APP闪退无法使用"));
    CHECK(outage.department == "技术支持组");
    CHECK(outage.priority == std::optional<std::string>("P1"));
    CHECK(router.route(make_ticket(ticket_types::complaint, "支付失败还被扣款")).department == "客服主管");
    CHECK(router.route(make_ticket(ticket_types::suggestion, "建议支持微信登录")).department == "产品经理");
    CHECK(router.route(make_ticket(ticket_types::return_exchange, "想换个颜色")).department == "客服组");

    CHECK_NOTHROW(RoutingRules::seed001().check_priorities(PriorityScheme::p_levels()));
    CHECK(validation_error([] { RoutingRules::seed001().check_priorities(PriorityScheme::urgency3()); }).field() ==
          "rules[2].route.priority");
}

// ---------------------------------------------------------------------------------------
// Agents
// ---------------------------------------------------------------------------------------

TEST_CASE("agents: directory add, find, update, remove and availability", "[agents]") {
    AgentDirectory directory;
    directory.add(agent("a1"));
    directory.add(agent("a2", "客服组"));
    directory.add(agent("a3"));
    CHECK(directory.size() == 3);
    CHECK(directory.find("a2")->department == "客服组");
    CHECK_FALSE(directory.find("zz"));
    REQUIRE(directory.agents_in("技术支持组").size() == 2);
    CHECK(directory.agents_in("技术支持组")[1].id == "a3");

    CHECK(validation_error([&] { directory.add(agent("a1")); }).field() == "id");
    Agent customer = agent("c1");
    customer.role = Role::customer;
    CHECK(validation_error([&] { directory.add(customer); }).field() == "role");
    CHECK(validation_error([&] { directory.add(agent("a9", "x", -1)); }).field() == "capacity");
    CHECK(validation_error([&] { directory.add_all({agent("b1"), agent("")}); }).field() == "agents[1].id");
    CHECK(validation_error([&] { directory.add_all({agent("b1"), agent("b1")}); }).field() == "agents[1].id");
    CHECK(directory.size() == 3); // add_all is all or nothing

    Agent moved = agent("a1", "客服组");
    directory.update(moved);
    CHECK(directory.agents()[0].department == "客服组"); // keeps its place
    CHECK(directory.agents_in("客服组").size() == 2);
    CHECK_THROWS_AS(directory.update(agent("zz")), NotFound);

    directory.set_available("a3", false);
    CHECK_FALSE(directory.find("a3")->available);
    CHECK_THROWS_AS(directory.set_available("zz", true), NotFound);

    CHECK(directory.remove("a2"));
    CHECK_FALSE(directory.remove("a2"));
    CHECK(directory.size() == 2);
    CHECK(directory.agents_in("客服组").size() == 1);
}

TEST_CASE("agents: load from JSON with named and inline shift calendars", "[agents][json]") {
    const NamedCalendars calendars{{"day", day_shift()}};
    const std::vector<Agent> agents = agents_from_json(R"({"agents": [
        {"id": "a1", "department": "技术支持组", "role": "team_lead", "skills": ["payment", "login"],
         "capacity": 8, "shift": "day", "available": false, "approval_limit": 120.5},
        {"id": "a2", "department": "客服组"},
        {"id": "a3", "department": "客服组", "shift": {"timezone": "Asia/Shanghai", "weekly": {"sat": [["10:00", "16:00"]]}, "horizon": [2024, 2026]}},
        {"id": "a4", "department": "客服组", "shift": {"timezone": "Asia/Shanghai", "weekly": {"sat": [["10:00", "16:00"]]}, "horizon": [2024, 2026]}}
    ]})",
                                                       "agents.json", calendars);
    REQUIRE(agents.size() == 4);
    CHECK(agents[0].role == Role::team_lead);
    CHECK(agents[0].skills == std::vector<std::string>{"payment", "login"});
    CHECK(agents[0].capacity == 8);
    CHECK_FALSE(agents[0].available);
    CHECK(agents[0].approval_limit == std::optional<double>(120.5));
    CHECK(agents[0].shift->name() == "day shift");
    CHECK(agents[1].role == Role::agent);
    CHECK(agents[1].capacity == 10);
    CHECK_FALSE(agents[1].shift);
    CHECK(agents[1].available);
    CHECK_FALSE(agents[1].approval_limit);
    // Identical inline calendars are built once and shared.
    CHECK(&agents[2].shift->definition() == &agents[3].shift->definition());
    CHECK(agents[2].shift->is_workday(date(2025, 5, 24)));

    const auto field_of = [&](const std::string& agent_json) {
        return validation_error(
                   [&] { agents_from_json(R"({"agents": [)" + agent_json + "]}", "agents.json", calendars); })
            .field();
    };
    CHECK(field_of(R"({"id": "a", "department": "d", "shift": "night"})") == "agents[0].shift");
    CHECK(field_of(R"({"id": "a", "department": "d", "shift": {"weekly": {}}})") == "agents[0].shift");
    CHECK(field_of(R"({"id": "a", "department": "d", "role": "customer"})") == "agents[0].role");
    CHECK(field_of(R"({"id": "a", "department": "d", "team": "x"})") == "agents[0].team");
    CHECK(field_of(R"({"id": "a", "department": "d", "capacity": 2.5})") == "agents[0].capacity");
    CHECK(field_of(R"({"id": "a"})") == "agents[0].department");
    CHECK(validation_error([] { agents_from_json("[1, 2", "x.json"); }).field() == "json");
}

TEST_CASE("agents: the role chain goes agent, team lead, supervisor, manager", "[agents]") {
    CHECK(next_role_up(Role::agent) == std::optional<Role>(Role::team_lead));
    CHECK(next_role_up(Role::team_lead) == std::optional<Role>(Role::supervisor));
    CHECK(next_role_up(Role::supervisor) == std::optional<Role>(Role::manager));
    CHECK_FALSE(next_role_up(Role::manager));
    CHECK_FALSE(next_role_up(Role::customer));
    CHECK_FALSE(next_role_up(Role::system));
}

TEST_CASE("agents: loads follow assignments and releases and can be rebuilt", "[agents][load]") {
    AgentDirectory directory;
    directory.add(agent("a1"));
    directory.on_assigned("a1", 3);
    directory.on_assigned("a1", 1);
    CHECK(directory.load("a1").open_tickets == 2);
    CHECK(directory.load("a1").weight == 4);
    directory.on_released("a1", 3);
    CHECK(directory.load("a1").weight == 1);
    directory.on_released("a1", 1);
    directory.on_released("a1", 1); // a ticket from before a reset: never below zero
    CHECK(directory.load("a1").open_tickets == 0);
    CHECK(directory.load("a1").weight == 0);
    CHECK_THROWS_AS(directory.on_assigned("a1", -1), ValidationError);
    CHECK_THROWS_AS(directory.on_reweighted("a1", 1, -2), ValidationError);
    CHECK_THROWS_AS(directory.on_assigned("a1", std::nan("")), ValidationError);

    // An agent not yet listed can carry load; it is there when the agent is added.
    directory.on_assigned("later", 2);
    directory.add(agent("later"));
    CHECK(directory.load("later").open_tickets == 1);

    const PriorityScheme scheme = PriorityScheme::p_levels(); // P3, P2, P1
    std::vector<Ticket> tickets(5, make_ticket("fault"));
    tickets[0].assignee = "a1", tickets[0].priority = "P1";
    tickets[1].assignee = "a1", tickets[1].priority = "P3", tickets[1].status = Status::in_progress;
    tickets[2].assignee = "a1", tickets[2].priority = "P2", tickets[2].status = Status::done;
    tickets[3].priority = "P1";
    tickets[4].assignee = "a2", tickets[4].priority = "P2";
    const auto loads = loads_of(tickets, scheme);
    CHECK(loads.at("a1").open_tickets == 2);
    CHECK(loads.at("a1").weight == 4); // P1 weighs 3, P3 weighs 1
    CHECK(loads.at("a2").weight == 2);
    CHECK(loads.count("") == 0);
    const LoadWeights steep{{1, 4, 16}};
    CHECK(loads_of(tickets, scheme, steep).at("a1").weight == 17);
    CHECK(steep.weight_of(5) == 6);
    CHECK(LoadWeights{}.weight_of(scheme, "unknown") == 1);

    directory.reset_loads(loads);
    CHECK(directory.load("a1").weight == 4);
    CHECK(directory.load("later").open_tickets == 0);
    CHECK(directory.load("a2").open_tickets == 1);
}

// ---------------------------------------------------------------------------------------
// Assignment
// ---------------------------------------------------------------------------------------

TEST_CASE("assignment: round robin rotates through the eligible agents", "[assign]") {
    auto directory = directory_of({agent("a1"), agent("a2"), agent("a3"), agent("x1", "客服组")});
    const Assigner assigner(directory, std::make_shared<RoundRobinStrategy>());
    const Ticket ticket = in_department(make_ticket("fault"));
    std::vector<std::string> order;
    for (int i = 0; i < 5; ++i) {
        const auto decision = assigner.choose(ticket, tuesday_10);
        REQUIRE(decision);
        CHECK(decision->strategy == "round_robin");
        order.push_back(decision->agent);
        directory->on_assigned(decision->agent, 1);
    }
    CHECK(order == std::vector<std::string>{"a1", "a2", "a3", "a1", "a2"});
    CHECK_THAT(assigner.choose(ticket, tuesday_10)->why, Catch::Contains("3 eligible in 技术支持组"));

    // A priority change on a3's ticket moves its weight but is not a new assignment: a3
    // keeps its turn.
    directory->on_reweighted("a3", 1, 3);
    CHECK(directory->load("a3").weight == 3);
    CHECK(directory->load("a3").open_tickets == 1);
    CHECK(assigner.choose(ticket, tuesday_10)->agent == "a3");
}

TEST_CASE("assignment: least loaded weighs open tickets by priority", "[assign]") {
    auto directory = directory_of({agent("a1"), agent("a2"), agent("a3")});
    const Assigner assigner(directory, std::make_shared<LeastLoadedStrategy>());
    const Ticket ticket = in_department(make_ticket("fault"));
    directory->on_assigned("a1", 3);
    directory->on_assigned("a2", 1);
    directory->on_assigned("a2", 1);
    directory->on_assigned("a3", 3);
    // a2 has two tickets but the lightest load.
    const auto decision = assigner.choose(ticket, tuesday_10);
    REQUIRE(decision);
    CHECK(decision->agent == "a2");
    CHECK(decision->why == "least loaded of 3 eligible in 技术支持组: load 2 (2 open)");
    // Equal load: fewer open tickets wins.
    directory->on_released("a1", 3);
    directory->on_assigned("a1", 2);
    CHECK(chosen(assigner, ticket) == "a1");
}

TEST_CASE("assignment: only agents on shift, available and under capacity are eligible", "[assign][shift]") {
    Agent day = agent("day");
    day.shift = day_shift();
    Agent evening = agent("evening");
    evening.shift = evening_shift();
    Agent away = agent("away");
    away.available = false;
    Agent full = agent("full", "技术支持组", 1);
    auto directory = directory_of({day, evening, away, full});
    directory->on_assigned("full", 1);
    const Assigner assigner(directory, std::make_shared<LeastLoadedStrategy>());
    const Ticket ticket = in_department(make_ticket("fault"));

    CHECK(chosen(assigner, ticket, tuesday_10) == "day");
    CHECK(chosen(assigner, ticket, tuesday_20) == "evening");               // a weekday evening: the day shift is off
    CHECK(chosen(assigner, ticket, holiday_10) == "(none)");                // a holiday morning: nobody works
    CHECK(chosen(assigner, ticket, beijing(2025, 5, 20, 18)) == "evening"); // 18:00 ends the day shift
    // Outside the calendars' horizon nobody is on shift.
    CHECK(chosen(assigner, ticket, beijing(2024, 1, 1, 0) - std::chrono::hours(24 * 400)) == "(none)");

    directory->on_released("full", 1);
    directory->set_available("day", false);
    CHECK(chosen(assigner, ticket, tuesday_10) == "full");
    directory->on_assigned("full", 1);
    CHECK(chosen(assigner, ticket, tuesday_10) == "(none)"); // the ticket waits in its queue
    CHECK(chosen(assigner, in_department(make_ticket("fault"), "nobody"), tuesday_20) == "(none)");
}

TEST_CASE("assignment: skill based needs every required skill, then least loaded", "[assign]") {
    Agent generalist = agent("generalist");
    generalist.skills = {"tech"};
    Agent payments = agent("payments");
    payments.skills = {"tech", "payment"};
    Agent senior = agent("senior");
    senior.skills = {"payment", "tech", "refund"};
    auto directory = directory_of({generalist, payments, senior});
    directory->on_assigned("payments", 2);
    directory->on_assigned("senior", 1);
    SkillRequirements requirements;
    requirements.by_type = {{"fault", {"tech"}}};
    requirements.by_tag = {{"payment", {"payment"}}, {"refund", {"refund", "payment"}}};
    const auto strategy = std::make_shared<SkillBasedStrategy>(requirements);
    const Assigner assigner(directory, strategy);

    CHECK(chosen(assigner, in_department(make_ticket("fault"))) == "generalist");
    const Ticket payment = in_department(make_ticket("fault", "", channels::phone, CustomerTier::regular, {"payment"}));
    CHECK(strategy->required_skills(payment) == std::vector<std::string>{"payment", "tech"});
    const auto decision = assigner.choose(payment, tuesday_10);
    REQUIRE(decision);
    CHECK(decision->agent == "senior");
    CHECK(decision->strategy == "skill_based");
    CHECK(decision->why ==
          "has skills payment, tech; least loaded of 2 such among 3 eligible in 技术支持组: load 1 (1 open)");
    CHECK(chosen(assigner, in_department(make_ticket("consult", "", channels::phone, CustomerTier::regular,
                                                     {"refund"}))) == "senior");
    requirements.by_tag["vat"] = {"invoices"};
    const Assigner nobody(directory, std::make_shared<SkillBasedStrategy>(requirements));
    CHECK(chosen(nobody, in_department(make_ticket("consult", "", channels::phone, CustomerTier::regular, {"vat"}))) ==
          "(none)");
}

TEST_CASE("assignment: sticky keeps a derived ticket with its original handler", "[assign][sticky]") {
    Agent original = agent("original", "客服主管");
    original.shift = day_shift();
    auto directory = directory_of({original, agent("t1"), agent("t2")});
    directory->on_assigned("t1", 1);
    const std::map<std::string, std::string> assignees{
        {"20250519007", "original"}, {"20250519008", ""}, {"20250519009", "gone"}};
    const AssigneeLookup lookup = [&](const TicketId& id) -> std::optional<std::string> {
        const auto found = assignees.find(id);
        if (found == assignees.end()) return std::nullopt;
        return found->second;
    };
    const auto sticky = std::make_shared<StickyStrategy>(lookup, std::make_shared<LeastLoadedStrategy>());
    const Assigner assigner(directory, sticky);
    const auto derived_from = [](const std::string& parent) {
        Ticket ticket = in_department(make_ticket("complaint"));
        ticket.links = {{LinkKind::related_to, "20250101001"}, {LinkKind::follow_up_of, parent}};
        return ticket;
    };

    // The original handler, of another department, on shift.
    const auto decision = assigner.choose(derived_from("20250519007"), tuesday_10);
    REQUIRE(decision);
    CHECK(decision->agent == "original");
    CHECK(decision->strategy == "sticky");
    CHECK(decision->why == "original handler of 20250519007 (follow_up_of)");

    // Off shift: the fallback picks among the department, and says why.
    const auto evening = assigner.choose(derived_from("20250519007"), tuesday_20);
    REQUIRE(evening);
    CHECK(evening->agent == "t2");
    CHECK(evening->strategy == "least_loaded");
    CHECK_THAT(evening->why, Catch::StartsWith("original handler original of 20250519007 is off_shift; least loaded"));
    directory->set_available("original", false);
    CHECK_THAT(assigner.choose(derived_from("20250519007"), tuesday_10)->why, Catch::Contains("is unavailable"));

    CHECK(chosen(assigner, derived_from("20250519008")) == "t2");
    CHECK_THAT(assigner.choose(derived_from("20250519008"), tuesday_10)->why,
               Catch::StartsWith("ticket 20250519008 has no handler"));
    CHECK_THAT(assigner.choose(derived_from("20250519009"), tuesday_10)->why, Catch::Contains("is unknown_agent"));
    CHECK(chosen(assigner, in_department(make_ticket("complaint"))) == "t2"); // no follow_up_of link

    CHECK_THROWS_AS(StickyStrategy(nullptr, std::make_shared<ManualStrategy>()), ValidationError);
    CHECK_THROWS_AS(StickyStrategy(lookup, nullptr), ValidationError);
}

TEST_CASE("assignment: strategies are configured per department, manual never picks", "[assign]") {
    auto directory = directory_of({agent("a1"), agent("s1", "客服主管"), agent("c1", "客服组"), agent("c2", "客服组")});
    directory->on_assigned("c1", 5);
    const auto manual = std::make_shared<ManualStrategy>();
    const Assigner assigner(directory, std::make_shared<RoundRobinStrategy>(),
                            {{"客服主管", manual}, {"客服组", std::make_shared<LeastLoadedStrategy>()}});
    CHECK(assigner.strategy_for("客服主管").name() == "manual");
    CHECK(assigner.strategy_for("技术支持组").name() == "round_robin");
    CHECK(chosen(assigner, in_department(make_ticket("complaint"), "客服主管")) == "(none)");
    CHECK(chosen(assigner, in_department(make_ticket("consult"), "客服组")) == "c2");
    CHECK(chosen(assigner, in_department(make_ticket("fault"))) == "a1");
    CHECK(&assigner.directory() == directory.get());

    CHECK_THROWS_AS(Assigner(nullptr, manual), ValidationError);
    CHECK_THROWS_AS(Assigner(directory, nullptr), ValidationError);
    CHECK_THROWS_AS(Assigner(directory, manual, {{"x", nullptr}}), ValidationError);
    CHECK(std::string(to_string(Eligibility::at_capacity)) == "at_capacity");
}

TEST_CASE("assignment: concurrent choices and load updates", "[assign][threads]") {
    std::vector<Agent> agents;
    for (int i = 0; i < 20; ++i) agents.push_back(agent("a" + std::to_string(i), "技术支持组", 1000));
    auto directory = directory_of(agents);
    const Assigner assigner(directory, std::make_shared<LeastLoadedStrategy>());
    const Ticket ticket = in_department(make_ticket("fault"));
    std::atomic<int> assigned{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                if (const auto decision = assigner.choose(ticket, tuesday_10)) {
                    directory->on_assigned(decision->agent, 1);
                    ++assigned;
                }
            }
        });
    threads.emplace_back([&] {
        for (int i = 0; i < 100; ++i) directory->set_available("a" + std::to_string(i % 20), i % 2 == 0);
    });
    for (auto& thread : threads) thread.join();
    int total = 0;
    for (const Agent& a : directory->agents()) total += directory->load(a.id).open_tickets;
    CHECK(total == assigned.load());
    CHECK(assigned.load() == 800);
}

// ---------------------------------------------------------------------------------------
// Authority limits
// ---------------------------------------------------------------------------------------

TEST_CASE("authority: amounts within the limit, and who approves beyond it", "[authority]") {
    const AuthorityPolicy policy;
    Agent handler = agent("a1");

    const AuthorityDecision small = policy.decide(handler, SolutionKind::coupon, 20);
    CHECK(small.within_limit);
    CHECK_FALSE(small.approver);
    CHECK(small.limit == 50);
    CHECK(small.why == "coupon of 20 is within the limit 50 of a1 (agent)");
    CHECK(policy.decide(handler, SolutionKind::refund, 50).within_limit); // the limit itself is within

    const AuthorityDecision medium = policy.decide(handler, SolutionKind::refund, 150);
    CHECK_FALSE(medium.within_limit);
    CHECK(medium.approver == std::optional<Role>(Role::team_lead));
    const AuthorityDecision large = policy.decide(handler, SolutionKind::compensation, 300.5);
    CHECK(large.approver == std::optional<Role>(Role::supervisor));
    CHECK(large.why == "compensation of 300.5 exceeds the limit 50 of a1 (agent); a supervisor approves (limit 1000)");
    CHECK(policy.decide(handler, SolutionKind::refund, 50000).approver == std::optional<Role>(Role::manager));

    // The agent's own limit replaces its role's.
    handler.approval_limit = 100;
    CHECK(policy.decide(handler, SolutionKind::refund, 80).within_limit);
    CHECK(policy.limit_of(handler, SolutionKind::coupon) == 100);

    CHECK(policy.decide(Role::manager, SolutionKind::refund, 1e9).within_limit);
    CHECK(std::isinf(policy.role_limit(Role::manager, SolutionKind::refund)));
    CHECK(policy.role_limit(Role::customer, SolutionKind::refund) == 0);
    CHECK_FALSE(policy.decide(Role::system, SolutionKind::coupon, 1).within_limit);
    CHECK_THROWS_AS(policy.decide(handler, SolutionKind::refund, -1), ValidationError);
    CHECK_THROWS_AS(policy.decide(handler, SolutionKind::refund, std::numeric_limits<double>::infinity()),
                    ValidationError);
}

TEST_CASE("authority: limits are configurable per role and per kind", "[authority]") {
    AuthorityPolicy policy;
    policy.set_role_limit(Role::agent, 20).set_role_limit(Role::team_lead, SolutionKind::coupon, 500);
    policy.set_role_limit(Role::manager, 5000);
    CHECK(policy.role_limit(Role::agent, SolutionKind::refund) == 20);
    CHECK(policy.decide(Role::agent, SolutionKind::coupon, 400).approver == std::optional<Role>(Role::team_lead));
    CHECK(policy.decide(Role::agent, SolutionKind::refund, 400).approver == std::optional<Role>(Role::supervisor));
    const AuthorityDecision beyond = policy.decide(Role::agent, SolutionKind::refund, 9000);
    CHECK(beyond.approver == std::optional<Role>(Role::manager));
    CHECK_THAT(beyond.why, Catch::Contains("every role's limit"));

    CHECK_THROWS_AS(policy.set_role_limit(Role::customer, 10), ValidationError);
    CHECK_THROWS_AS(policy.set_role_limit(Role::agent, -1), ValidationError);
    CHECK_THROWS_AS(policy.set_role_limit(Role::agent, std::nan("")), ValidationError);
    CHECK(parse_solution_kind("compensation") == SolutionKind::compensation);
    CHECK(std::string(to_string(SolutionKind::coupon)) == "coupon");
    CHECK(validation_error([] { parse_solution_kind("voucher", "solution.kind"); }).field() == "solution.kind");
}
