// The follow-up planner (回访, seed 004) on the mainland-China calendar, driven by a manual
// clock: selection, exclusions, sampling, windows in calling hours, assignment,
// scheduling, attempts, derived tickets, campaign evaluation and two simulated weeks.
#include "support.hpp"
#include "ticketflow/followup.hpp"
#include "ticketflow/report.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;
using boost::gregorian::date;

namespace {

const Actor system_actor{"system", Role::system, ""};

struct FollowUpDesk {
    std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>();
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    ServiceDesk desk{store, clock};
    BusinessCalendar calendar = desk.config().calendar;
    std::shared_ptr<MemoryCustomerDirectory> directory = std::make_shared<MemoryCustomerDirectory>();

    // A Beijing wall-clock time.
    Instant at(int year, int month, int day, int hour, int minute) const {
        return calendar.to_instant(date(year, month, day), hour, minute);
    }

    // A served ticket: received an hour before `resolved`, resolved then by `handler`, and
    // closed by the customer's confirmation `close_after` later.
    TicketId serve(const std::string& customer, CustomerTier tier, Instant resolved,
                   const std::string& type = ticket_types::consult, const std::string& handler = "eng-1",
                   Duration close_after = 10min) {
        clock->set(resolved - 1h);
        NewTicket request = sample_request(customer);
        request.type = type;
        request.customer.tier = tier;
        request.department = "售后部";
        auto id = desk.open(system_actor, request).id;
        desk.assign(system_actor, id, handler);
        desk.start(system_actor, id);
        clock->set(resolved);
        desk.resolve(system_actor, id, {"已处理", Responsibility::platform});
        clock->set(resolved + close_after);
        desk.close(system_actor, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
        return id;
    }

    FollowUpPlanner planner(FollowUpRules rules, VisitRouter route = nullptr) {
        PlannerOptions options;
        options.directory = directory;
        options.route = std::move(route);
        return FollowUpPlanner(store, desk.config(), std::move(rules), options);
    }
};

// Seed 004's rules with every group called in full, so selection is checked without sampling.
FollowUpRules full_rules(const std::string& name = "weekly") {
    FollowUpRules rules;
    rules.name = name;
    for (auto& rule : rules.rules) rule.share = 1.0;
    rules.new_customer_desk = {"新客户专岗", {"nc-1", "nc-2"}};
    return rules;
}

std::vector<TicketId> served_ids(const FollowUpPlan& plan) {
    std::vector<TicketId> ids;
    for (const auto& v : plan.visits) ids.push_back(v.request.served);
    return ids;
}

const PlannedVisit* visit_of(const FollowUpPlan& plan, const TicketId& served) {
    for (const auto& v : plan.visits)
        if (v.request.served == served) return &v;
    return nullptr;
}

const TierCount* count_of(const FollowUpPlan& plan, const std::string& rule, CustomerTier tier) {
    for (const auto& c : plan.counts)
        if (c.rule == rule && c.tier == tier) return &c;
    return nullptr;
}

const SlaClock* clock_of(const Ticket& t, SlaStage stage) {
    for (const auto& c : t.sla)
        if (c.stage == stage) return &c;
    return nullptr;
}

std::string field_of_error(const std::string& json) {
    try {
        FollowUpRules::from_json(json);
    } catch (const ValidationError& e) {
        return e.field();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("follow-up rules load from JSON, and bad input names the field", "[followup]") {
    auto rules = FollowUpRules::from_json(R"({
        "name": "weekly", "seed": 20240603, "horizon": "60d", "revisit_period": "14d",
        "min_calling_time": "1h30min", "campaign_threshold": 0.6, "satisfied_score": 4,
        "new_customer_desk": {"department": "新客户专岗", "agents": ["nc-1", "nc-2"]},
        "rules": [
            {"reason": "complaint", "period": "48h", "types": ["complaint"], "share": 1, "throttled": false,
             "window": {"delay": "0min", "length": "2h business"}},
            {"name": "vip-campaign", "reason": "campaign", "period": "30d", "tiers": ["vip", "regular"],
             "share": 0.3, "tier_shares": {"vip": 0.5}, "window": {"length": "3 working days"}}
        ]})");
    CHECK(rules.name == "weekly");
    CHECK(rules.seed == 20240603u);
    CHECK(rules.horizon == 60 * 24h);
    CHECK(rules.revisit_period == 14 * 24h);
    CHECK(rules.min_calling_time == 90min);
    CHECK(rules.new_customer_desk.agents == std::vector<std::string>{"nc-1", "nc-2"});
    REQUIRE(rules.rules.size() == 2);
    CHECK(rules.rules[0].name == "complaint"); // a rule without a name takes its reason's
    CHECK(rules.rules[0].period == 48h);
    CHECK(to_string(rules.rules[0].window->length) == "2h business");
    CHECK_FALSE(rules.rules[0].throttled);
    CHECK(rules.rules[1].reason == VisitReason::campaign);
    CHECK(rules.rules[1].throttled); // rules are throttled unless they say otherwise
    CHECK(rules.rules[1].share_for(CustomerTier::vip) == 0.5);
    CHECK(rules.rules[1].share_for(CustomerTier::regular) == 0.3);
    CHECK(to_string(rules.rules[1].window->length) == "3 working days");
    CHECK(to_string(rules.rules[1].window->delay) == "0h");

    auto standard = FollowUpRules::from_json("{}");
    REQUIRE(standard.rules.size() == 3);
    CHECK(standard.rules[0].reason == VisitReason::complaint);
    CHECK(standard.rules[1].period == 30 * 24h);
    CHECK(standard.rules[2].share == 1.0);  // regular service is called in full,
    for (const auto& rule : standard.rules) // and no standard rule looks at the tier label
        CHECK(rule.tiers.empty());
    CHECK_FALSE(standard.rules[0].throttled); // complaints are always called back
    CHECK(standard.rules[1].throttled);
    CHECK(standard.rules[2].throttled);
    auto campaign = FollowUpRules::campaign_rule("vip", 30 * 24h, 0.3, {CustomerTier::vip});
    CHECK(campaign.reason == VisitReason::campaign);
    CHECK(campaign.share == 0.3);

    auto windowed = FollowUpRules::from_json(R"({"rules": [{"reason": "new_customer", "period": "30d",
        "window": {"delay": "24h", "length": "24h", "deadline": "48h"}},
        {"reason": "complaint", "period": "48h", "window": {"deadline": "2h business"}}]})");
    CHECK(to_string(*windowed.rules[0].window->deadline) == "48h");
    CHECK(to_string(*windowed.rules[1].window->deadline) == "2h business");

    CHECK(field_of_error(R"({"rules": [{"reason": "regular", "period": "7d", "share": 1.5}]})") == "rules[0].share");
    CHECK(field_of_error(R"({"rules": [{"reason": "regular", "period": "7 days"}]})") == "rules[0].period");
    CHECK(field_of_error(R"({"rules": [{"reason": "sometimes", "period": "7d"}]})") == "rules[0].reason");
    CHECK(field_of_error(R"({"rules": [{"reason": "regular"}]})") == "rules[0].period");
    CHECK(field_of_error(R"({"rules": [{"reason": "regular", "period": "7d", "tiers": ["vip", "gold"]}]})") ==
          "rules[0].tiers[1]");
    CHECK(field_of_error(R"({"rules": [{"reason": "regular", "period": "7d", "tier_shares": {"vip": 0}}]})") ==
          "rules[0].tier_shares.vip");
    CHECK(field_of_error(R"({"rules": [{"reason": "regular", "period": "7d", "window": {"length": "0h"}}]})") ==
          "rules[0].window.length");
    CHECK(field_of_error(R"({"rules": [{"reason": "regular", "period": "7d", "window": {"delay": "1h"}}]})") ==
          "rules[0].window");
    CHECK(field_of_error(
              R"({"rules": [{"reason": "regular", "period": "7d", "window": {"delay": "24h", "deadline": "12h"}}]})") ==
          "rules[0].window.deadline");
    CHECK(field_of_error(R"({"rules": [{"reason": "regular", "period": "7d", "window": {"deadline": "soon"}}]})") ==
          "rules[0].window.deadline");
    CHECK(field_of_error(
              R"({"rules": [{"reason": "regular", "period": "7d"}, {"reason": "regular", "period": "1d"}]})") ==
          "rules[1].name");
    CHECK(field_of_error(R"({"rules": [{"reason": "regular", "period": "120d"}]})") == "rules[0].period");
    CHECK(field_of_error(R"({"rules": [{"reason": "complaint", "period": "48h", "throttled": "no"}]})") ==
          "rules[0].throttled");
    CHECK(field_of_error(R"({"rules": []})") == "rules");
    CHECK(field_of_error(R"({"name": "weekly plan"})") == "name");
    CHECK(field_of_error(R"({"seed": -1})") == "seed");
    CHECK(field_of_error(R"({"campaign_threshold": 1.2})") == "campaign_threshold");
    CHECK(field_of_error(R"({"new_customer_desk": {"agents": ["nc-1", ""]}})") == "new_customer_desk.agents[1]");
    CHECK(field_of_error(R"({"shares": 0.3})") == "shares");
    CHECK(field_of_error(R"({"rules": [)") == "json");
    CHECK(field_of_error(R"({"seed": 1e99999})") == "json"); // beyond a double: the parser's own error
    CHECK_THROWS_AS(FollowUpRules::from_json_file("/nonexistent/rules.json"), ValidationError);
}

TEST_CASE("the planner selects new, regular and complaint customers and excludes each kind", "[followup]") {
    FollowUpDesk f;
    // Planning on Thursday 2024-06-13 at 10:00; Monday 06-10 was the Dragon Boat holiday.
    const Instant now = f.at(2024, 6, 13, 10, 0);
    // Customers served before (in April) are not new, whatever their tier says.
    for (const char* c : {"R-recent", "R-old", "V-1", "C-fresh", "C-stale", "X-refused", "X-invalid", "X-not-dm",
                          "X-dir-visited", "X-dir-long-ago", "X-visited", "X-open-visit", "X-unreached"})
        f.serve(c, CustomerTier::regular, f.at(2024, 4, 10, 10, 0));
    auto fresh_new = f.serve("N-fresh", CustomerTier::new_customer, f.at(2024, 6, 3, 10, 0));
    f.serve("N-fresh", CustomerTier::new_customer, f.at(2024, 6, 11, 10, 0)); // not the first service
    f.serve("N-old", CustomerTier::new_customer, f.at(2024, 5, 6, 10, 0));    // first served 38 days ago
    auto labelled_new = f.serve("N-old", CustomerTier::new_customer, f.at(2024, 6, 11, 10, 0)); // but served lately
    // New by history, whatever the tier: first served 10 and 20 days ago.
    auto enterprise = f.serve("E-first", CustomerTier::enterprise, f.at(2024, 6, 3, 14, 0));
    auto vip_first = f.serve("V-first", CustomerTier::vip, f.at(2024, 5, 24, 14, 0));
    auto recent = f.serve("R-recent", CustomerTier::regular, f.at(2024, 6, 11, 15, 0));
    f.serve("R-recent", CustomerTier::regular, f.at(2024, 6, 5, 15, 0)); // older: the latest is followed up
    f.serve("R-old", CustomerTier::regular, f.at(2024, 6, 3, 10, 0));    // 10 days ago
    auto vip = f.serve("V-1", CustomerTier::vip, f.at(2024, 6, 12, 9, 30));
    auto complaint =
        f.serve("C-fresh", CustomerTier::regular, f.at(2024, 6, 12, 15, 50), ticket_types::complaint, "eng-7");
    auto stale = f.serve("C-stale", CustomerTier::regular, f.at(2024, 6, 7, 11, 0), ticket_types::complaint, "eng-8");
    f.clock->set(f.at(2024, 6, 12, 9, 0));
    auto spam = f.desk.open(system_actor, sample_request("S-spam")).id;
    f.desk.cancel(system_actor, spam, CloseReason::spam, "广告");

    // One customer per exclusion kind, each served on 06-11.
    std::map<std::string, TicketId> excluded;
    for (const char* c : {"X-refused", "X-invalid", "X-not-dm", "X-dir-visited", "X-dir-long-ago", "X-visited",
                          "X-open-visit", "X-unreached"})
        excluded[c] = f.serve(c, CustomerTier::regular, f.at(2024, 6, 11, 11, 0));
    f.directory->put("X-refused", {true, false, false, std::nullopt});
    f.directory->put("X-invalid", {false, true, false, std::nullopt});
    f.directory->put("X-not-dm", {false, false, true, std::nullopt});
    f.directory->put("X-dir-visited", {false, false, false, f.at(2024, 6, 1, 10, 0)});
    f.directory->put("X-dir-long-ago", {false, false, false, f.at(2024, 4, 1, 10, 0)});
    // Visits of an earlier plan: one reached on 06-05, one still open, one unreachable.
    auto earlier_visit = [&](const std::string& customer, Instant served) {
        auto id = f.serve(customer, CustomerTier::regular, served);
        f.clock->set(served + 1h);
        return f.desk
            .open_visit(system_actor, {id, VisitReason::regular, "weekly 2024-05-30 seed 1", served + 1h, served + 48h,
                                       "visitor-9", ""})
            .id;
    };
    auto reached = earlier_visit("X-visited", f.at(2024, 6, 4, 10, 0));
    f.clock->set(f.at(2024, 6, 5, 10, 0));
    f.desk.record_visit(system_actor, reached, {{{"您对服务效率是否满意？", 5, ""}}, "", std::nullopt, {}});
    earlier_visit("X-open-visit", f.at(2024, 6, 4, 10, 0));
    auto unreached = earlier_visit("X-unreached", f.at(2024, 6, 4, 10, 0));
    f.desk.record_attempt(system_actor, unreached, ContactOutcome::wrong_number);

    auto route = [](const FollowUpCandidate& c) {
        return VisitAssignment{"回访组", std::string("router-") + to_string(c.tier)};
    };
    auto plan = f.planner(full_rules(), route).plan(now);

    CHECK(plan.id == "weekly 2024-06-13 10:00 seed 1");
    CHECK(plan.generated_at == now);
    auto ids = served_ids(plan);
    std::set<TicketId> selected(ids.begin(), ids.end());
    std::set<TicketId> expected{fresh_new,
                                enterprise,
                                vip_first,
                                labelled_new,
                                recent,
                                vip,
                                complaint,
                                stale,
                                excluded["X-dir-long-ago"],
                                excluded["X-unreached"]};
    CHECK(selected == expected);
    CHECK(plan.visits.size() == expected.size()); // one visit per customer

    // Plan order: rule order (complaint, new_customer, regular), then served id.
    REQUIRE(plan.visits.size() >= 2);
    CHECK(plan.visits[0].request.served == complaint);
    CHECK(plan.visits[1].candidate.reason == VisitReason::new_customer);
    for (const auto& v : plan.visits) CHECK(v.request.plan == plan.id);

    auto c = visit_of(plan, complaint);
    CHECK(c->request.reason == VisitReason::complaint);
    CHECK(c->request.assignee == "eng-7"); // 投诉客户由原处理人跟进回访
    CHECK(c->request.department == "售后部");
    // Solved yesterday 15:50: its two calling hours ended at 17:50 yesterday. The visit is
    // late from the start and keeps that window rather than getting a fresh one.
    CHECK(c->fit == WindowFit::passed);
    CHECK(c->request.window_from == f.at(2024, 6, 12, 15, 50));
    CHECK(c->request.window_until == f.at(2024, 6, 12, 17, 50));

    auto n = visit_of(plan, fresh_new);
    CHECK(n->request.reason == VisitReason::new_customer);
    CHECK(n->candidate.served_at == f.at(2024, 6, 3, 10, 0));
    CHECK((n->request.assignee == "nc-1" || n->request.assignee == "nc-2")); // in turn
    CHECK(n->request.department == "新客户专岗");
    CHECK(n->fit == WindowFit::passed); // 24–48 h after the service passed long ago
    CHECK(n->request.window_from == f.at(2024, 6, 4, 10, 0));
    CHECK(n->request.window_until == f.at(2024, 6, 5, 10, 0));
    CHECK(visit_of(plan, enterprise)->request.reason == VisitReason::new_customer);
    CHECK(visit_of(plan, vip_first)->request.reason == VisitReason::new_customer);
    CHECK(visit_of(plan, labelled_new)->request.reason == VisitReason::regular);

    auto s = visit_of(plan, stale);
    CHECK(s->request.reason == VisitReason::regular); // a complaint older than 48 h is routine service
    CHECK(s->request.assignee == "router-regular");
    CHECK(s->request.department == "回访组");
    // Regular visits: from now until the end of the third working day after today.
    CHECK(s->request.window_until == f.at(2024, 6, 18, 18, 0));
    CHECK(s->fit == WindowFit::open);
    CHECK(visit_of(plan, vip)->request.assignee == "router-vip");
    CHECK(visit_of(plan, vip)->request.reason == VisitReason::regular);
    CHECK(visit_of(plan, recent)->candidate.served_at == f.at(2024, 6, 11, 15, 0));

    std::map<TicketId, ExclusionReason> reasons;
    for (const auto& e : plan.exclusions) reasons[e.candidate.served] = e.reason;
    CHECK(reasons.size() == 6);
    CHECK(reasons[excluded["X-refused"]] == ExclusionReason::refused);
    CHECK(reasons[excluded["X-invalid"]] == ExclusionReason::contact_invalid);
    CHECK(reasons[excluded["X-not-dm"]] == ExclusionReason::not_decision_maker);
    CHECK(reasons[excluded["X-dir-visited"]] == ExclusionReason::recently_visited);
    CHECK(reasons[excluded["X-visited"]] == ExclusionReason::recently_visited);
    CHECK(reasons[excluded["X-open-visit"]] == ExclusionReason::recently_visited);
    CHECK(std::string(to_string(ExclusionReason::contact_invalid)) == "contact_invalid");

    auto regular = count_of(plan, "regular", CustomerTier::regular);
    REQUIRE(regular);
    CHECK(regular->candidates == 10); // R-recent, C-stale and the 8 X- customers
    CHECK(regular->excluded == 6);
    CHECK(regular->sampled == 4);
    CHECK(count_of(plan, "regular", CustomerTier::vip)->sampled == 1);
    CHECK(count_of(plan, "complaint", CustomerTier::regular)->sampled == 1);
    CHECK(count_of(plan, "complaint", CustomerTier::regular)->late == 1);
    CHECK(count_of(plan, "new_customer", CustomerTier::new_customer)->candidates == 1);
    CHECK(count_of(plan, "new_customer", CustomerTier::new_customer)->late == 1);
    CHECK(count_of(plan, "new_customer", CustomerTier::enterprise)->candidates == 1);
    CHECK(count_of(plan, "new_customer", CustomerTier::vip)->candidates == 1);
    CHECK(count_of(plan, "regular", CustomerTier::new_customer)->candidates == 1); // N-old
    CHECK(count_of(plan, "regular", CustomerTier::regular)->late == 0);
    CHECK(plan.scanned > 0);
}

TEST_CASE("sampling takes the share per tier, reproducibly from the seed", "[followup]") {
    FollowUpDesk f;
    const Instant served = f.at(2025, 3, 11, 10, 0);
    for (int i = 0; i < 40; ++i) f.serve("R" + std::to_string(i), CustomerTier::regular, served + i * 1min);
    for (int i = 0; i < 20; ++i) f.serve("V" + std::to_string(i), CustomerTier::vip, served + i * 1min);
    for (int i = 0; i < 7; ++i) f.serve("E" + std::to_string(i), CustomerTier::enterprise, served + i * 1min);
    const Instant now = f.at(2025, 3, 12, 9, 0);

    FollowUpRules rules;
    rules.rules = {FollowUpRules::campaign_rule("regular", 7 * 24h)}; // a campaign: 30 % per tier
    rules.rules[0].tier_shares[CustomerTier::vip] = 0.5;
    rules.seed = 7;
    auto plan = f.planner(rules).plan(now);
    CHECK(count_of(plan, "regular", CustomerTier::regular)->sampled == 12);   // ceil(0.3 × 40)
    CHECK(count_of(plan, "regular", CustomerTier::vip)->sampled == 10);       // ceil(0.5 × 20)
    CHECK(count_of(plan, "regular", CustomerTier::enterprise)->sampled == 3); // ceil(0.3 × 7)
    CHECK(plan.visits.size() == 25);
    std::map<CustomerTier, int> per_tier;
    for (const auto& v : plan.visits) ++per_tier[v.candidate.tier];
    CHECK(per_tier[CustomerTier::regular] == 12);
    CHECK(per_tier[CustomerTier::vip] == 10);

    // Same seed and store: the same plan, also from another planner object.
    CHECK(served_ids(f.planner(rules).plan(now)) == served_ids(plan));
    rules.seed = 8;
    auto other = f.planner(rules).plan(now);
    CHECK(other.visits.size() == 25);
    CHECK(served_ids(other) != served_ids(plan));
    CHECK(other.id == "follow-up 2025-03-12 09:00 seed 8");

    // Scheduling the plan does not change it: its own visits are not "recently visited".
    rules.seed = 7;
    auto planner = f.planner(rules);
    f.clock->set(now);
    CHECK(planner.schedule(f.desk, plan, system_actor).opened.size() == 25);
    CHECK(served_ids(planner.plan(now)) == served_ids(plan));
    // Another plan the next day leaves out everyone this one scheduled.
    auto next_day = planner.plan(now + 24h);
    for (const auto& v : next_day.visits) CHECK(!visit_of(plan, v.request.served));
    CHECK(next_day.exclusions.size() == 25);
}

TEST_CASE("windows open in calling hours and close in business time", "[followup]") {
    FollowUpDesk f;
    FollowUpRules rules = full_rules();
    auto planner = f.planner(rules);
    CHECK(to_string(planner.window_of("complaint").length) == "2h business"); // SlaPolicy::follow_up
    CHECK(to_string(*planner.window_of("complaint").deadline) == "2h business");
    CHECK(to_string(planner.window_of("new_customer").delay) == "24h");
    CHECK(to_string(planner.window_of("new_customer").length) == "24h");
    CHECK(to_string(*planner.window_of("new_customer").deadline) == "48h");
    CHECK_FALSE(planner.window_of("regular").deadline);
    CHECK_THROWS_AS(planner.window_of("nonexistent"), ValidationError);

    SECTION("a complaint solved at 17:50 on a Friday: 10 minutes on Friday, 110 on Monday") {
        auto id =
            f.serve("C1", CustomerTier::regular, f.at(2024, 6, 14, 17, 50), ticket_types::complaint, "eng-1", 0min);
        auto plan = planner.plan(f.at(2024, 6, 14, 17, 50));
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].request.served == id);
        CHECK(plan.visits[0].request.window_from == f.at(2024, 6, 14, 17, 50));
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 17, 10, 50));
    }
    SECTION("the same before the Dragon Boat holiday ends on Tuesday") {
        f.serve("C1", CustomerTier::regular, f.at(2024, 6, 7, 17, 50), ticket_types::complaint, "eng-1", 0min);
        auto plan = planner.plan(f.at(2024, 6, 7, 17, 50));
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 11, 10, 50));
    }
    SECTION("a complaint planned at night opens at 09:00 the next working day") {
        f.serve("C1", CustomerTier::regular, f.at(2024, 6, 12, 20, 0), ticket_types::complaint);
        auto plan = planner.plan(f.at(2024, 6, 12, 21, 0));
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].request.window_from == f.at(2024, 6, 13, 9, 0));
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 13, 11, 0));
    }
    SECTION("a new customer served Monday 10:00 is called Tuesday 10:00 to Wednesday 10:00") {
        f.serve("N1", CustomerTier::new_customer, f.at(2024, 6, 17, 10, 0));
        auto plan = planner.plan(f.at(2024, 6, 17, 12, 0));
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].request.window_from == f.at(2024, 6, 18, 10, 0));
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 19, 10, 0));
    }
    SECTION("a new customer served Wednesday 15:00 and planned Thursday 16:00: until Friday 15:00") {
        f.serve("N1", CustomerTier::new_customer, f.at(2024, 6, 19, 15, 0));
        auto plan = planner.plan(f.at(2024, 6, 20, 16, 0));
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].fit == WindowFit::open);
        CHECK(plan.visits[0].request.window_from == f.at(2024, 6, 20, 16, 0));
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 21, 15, 0)); // 48 h after the service
    }
    SECTION("a complaint solved 10:15 and planned 10:40 ends two calling hours after the solution") {
        f.serve("C1", CustomerTier::regular, f.at(2024, 6, 19, 10, 15), ticket_types::complaint, "eng-1", 0min);
        auto plan = planner.plan(f.at(2024, 6, 19, 10, 40));
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].request.window_from == f.at(2024, 6, 19, 10, 40));
        // 10:15–12:00 and 13:30–13:45: the lunch break is not calling time.
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 19, 13, 45));
    }
    SECTION("complaint windows in wall-clock hours, as a setting") {
        DeskConfig config = f.desk.config();
        config.sla.follow_up.complaint_within = SlaTarget::calendar(2h);
        FollowUpPlanner wall(f.store, config, rules);
        f.serve("C1", CustomerTier::regular, f.at(2024, 6, 19, 10, 15), ticket_types::complaint, "eng-1", 0min);
        auto plan = wall.plan(f.at(2024, 6, 19, 10, 40));
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].request.window_from == f.at(2024, 6, 19, 10, 40));
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 19, 12, 15)); // not 13:40
    }
    SECTION("a window over a weekend still ends 48 h after the service") {
        f.serve("N1", CustomerTier::new_customer, f.at(2024, 6, 13, 17, 30));
        auto plan = planner.plan(f.at(2024, 6, 13, 18, 0));
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].fit == WindowFit::open);
        CHECK(plan.visits[0].request.window_from == f.at(2024, 6, 14, 17, 30));
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 15, 17, 30)); // not Monday
    }
    SECTION("a window whose rest lies outside calling hours cannot be met") {
        f.serve("N1", CustomerTier::new_customer, f.at(2024, 6, 14, 11, 0)); // Friday: 24–48 h is the weekend
        auto plan = planner.plan(f.at(2024, 6, 14, 17, 50));
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].fit == WindowFit::no_calling_time);
        CHECK(plan.visits[0].request.window_from == f.at(2024, 6, 15, 11, 0));
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 16, 11, 0));
        CHECK(plan.counts.at(0).late == 1);
    }
    SECTION("a visit planned after its window is late from the start and flagged at the next tick") {
        f.serve("N1", CustomerTier::new_customer, f.at(2024, 6, 17, 10, 0));
        const Instant late = f.at(2024, 6, 20, 9, 0);
        auto plan = planner.plan(late);
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].fit == WindowFit::passed);
        CHECK(plan.visits[0].request.window_from == f.at(2024, 6, 18, 10, 0));
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 19, 10, 0)); // no fresh window
        f.clock->set(late);
        auto opened = planner.schedule(f.desk, plan, system_actor).opened;
        REQUIRE(opened.size() == 1);
        CHECK(clock_of(opened[0], SlaStage::follow_up)->due == f.at(2024, 6, 19, 10, 0));
        CHECK(f.desk.tick(late + 1min).breaches == 1);
    }
    SECTION("planning twice a day meets the 24–48 h windows of every working-day service") {
        // Served Monday to Thursday at 10:00 and 17:00; plans at 08:30 and 17:50 each day.
        std::set<TicketId> served;
        std::vector<PlannedVisit> planned;
        for (int day = 17; day <= 21; ++day) {
            for (int hour : {10, 17})
                if (day <= 20)
                    served.insert(f.serve("N" + std::to_string(day * 100 + hour), CustomerTier::new_customer,
                                          f.at(2024, 6, day, hour, 0)));
            for (auto [hour, minute] : {std::pair{8, 30}, std::pair{17, 50}}) {
                const Instant when = f.at(2024, 6, day, hour, minute);
                f.clock->set(when);
                auto plan = planner.plan(when);
                for (const auto& v : planner.schedule(f.desk, plan, system_actor).opened)
                    for (const auto& p : plan.visits)
                        if (p.request.served == v.links.at(0).target) planned.push_back(p);
            }
        }
        CHECK(planned.size() == served.size());
        for (const auto& p : planned) {
            CHECK(p.fit == WindowFit::open);
            CHECK(p.request.window_until == p.candidate.served_at + 48h);
            CHECK(p.request.window_from >= p.candidate.served_at + 24h);
        }
    }
    SECTION("a calendar of calling hours of its own") {
        CalendarDefinition hours = f.calendar.definition();
        for (int day = 1; day <= 5; ++day)
            hours.weekly[static_cast<std::size_t>(day)] = {{10 * 60, 12 * 60}, {14 * 60, 17 * 60}};
        PlannerOptions options;
        options.calling_hours = BusinessCalendar(hours);
        FollowUpPlanner own(f.store, f.desk.config(), rules, options);
        f.serve("C1", CustomerTier::regular, f.at(2024, 6, 14, 9, 0), ticket_types::complaint);
        auto plan = own.plan(f.at(2024, 6, 14, 9, 15));
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].request.window_from == f.at(2024, 6, 14, 10, 0));
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 14, 12, 0));
    }
    SECTION("a rule's own window in business time") {
        FollowUpRules custom = full_rules();
        custom.rules[2].window = VisitWindow{SlaTarget::calendar(24h), SlaTarget::business(4h), std::nullopt};
        f.serve("R1", CustomerTier::regular, f.at(2024, 4, 10, 16, 0)); // served before: not new
        f.serve("R1", CustomerTier::regular, f.at(2024, 6, 12, 16, 0));
        auto plan = f.planner(custom).plan(f.at(2024, 6, 12, 18, 0));
        REQUIRE(plan.visits.size() == 1);
        CHECK(plan.visits[0].request.window_from == f.at(2024, 6, 13, 16, 0));
        CHECK(plan.visits[0].request.window_until == f.at(2024, 6, 14, 11, 0)); // 2 h Thursday, 2 h Friday
    }
}

TEST_CASE("a visit opened after its window is flagged by the first tick and counted as missed", "[followup]") {
    FollowUpDesk f;
    auto served = f.serve("N1", CustomerTier::new_customer, f.at(2024, 6, 17, 10, 0));
    const Instant planned = f.at(2024, 6, 20, 9, 0);
    f.clock->set(planned);
    VisitRequest request{served,
                         VisitReason::new_customer,
                         "weekly 2024-06-20 09:00 seed 1",
                         f.at(2024, 6, 18, 10, 0),
                         f.at(2024, 6, 19, 10, 0),
                         "nc-1",
                         "新客户专岗"};
    auto visit = f.desk.open_visit(system_actor, request);
    REQUIRE(clock_of(visit, SlaStage::follow_up));
    CHECK(clock_of(visit, SlaStage::follow_up)->due == f.at(2024, 6, 19, 10, 0)); // its own window, no fresh one
    CHECK(f.desk.compliance(visit.id).front().state == ComplianceState::breached);

    // The first tick, even at the very instant of planning, flags it: no waiting for a
    // deadline that has already passed.
    auto report = f.desk.tick(planned);
    CHECK(report.breaches == 1);
    auto trail = f.desk.history(visit.id);
    auto breach =
        std::find_if(trail.begin(), trail.end(), [](const AuditEvent& e) { return e.action == Action::sla_breach; });
    REQUIRE(breach != trail.end());
    CHECK(breach->note == "follow_up overdue");
    CHECK(breach->at == f.at(2024, 6, 19, 10, 0)); // the window's end, the instant it fell due
    CHECK(clock_of(f.desk.get(visit.id), SlaStage::follow_up)->breached);
    CHECK(f.desk.tick(planned + 1h).breaches == 0); // once

    // Recorded later all the same, it stays a missed window in the follow-up report.
    f.clock->set(planned + 2h);
    f.desk.record_visit(Actor{"nc-1", Role::agent, "新客户专岗"}, visit.id,
                        {{{"服务效率", 5, ""}}, "", std::nullopt, {}});
    ReportOptions options;
    options.now = f.at(2024, 7, 1, 9, 0);
    auto r = monthly_report(*f.store, date(2024, 7, 1), options);
    CHECK(r.follow_up.windows.missed_planned_late == 1);
    CHECK(r.follow_up.windows.missed() == 1);
    CHECK(r.follow_up.windows.met == 0);
}

TEST_CASE("scheduling is idempotent; attempts, records, promises and overdue visits", "[followup]") {
    FollowUpDesk f;
    auto complaint =
        f.serve("C1", CustomerTier::regular, f.at(2024, 6, 14, 17, 50), ticket_types::complaint, "eng-7", 0min);
    auto newcomer = f.serve("N1", CustomerTier::new_customer, f.at(2024, 6, 13, 16, 0));
    for (const char* returning : {"R1", "R2"}) f.serve(returning, CustomerTier::regular, f.at(2024, 4, 10, 10, 0));
    auto regular = f.serve("R1", CustomerTier::regular, f.at(2024, 6, 14, 15, 0));
    auto other = f.serve("R2", CustomerTier::regular, f.at(2024, 6, 14, 15, 10));
    const Instant now = f.at(2024, 6, 14, 17, 50);
    auto planner = f.planner(full_rules());
    auto plan = planner.plan(now);
    REQUIRE(plan.visits.size() == 4);

    f.clock->set(now);
    auto first = planner.schedule(f.desk, plan, system_actor);
    CHECK(first.opened.size() == 4);
    CHECK(first.skipped.empty());
    auto again = planner.schedule(f.desk, plan, system_actor);
    CHECK(again.opened.empty());
    CHECK(again.skipped.size() == 4);
    CHECK(served_ids(planner.plan(now)) == served_ids(plan)); // planning again gives the same plan

    std::map<TicketId, Ticket> visit_for;
    for (const auto& v : first.opened) visit_for[v.links.at(0).target] = v;
    const Ticket& cv = visit_for.at(complaint);
    CHECK(cv.type == ticket_types::follow_up_visit);
    CHECK(cv.assignee == "eng-7");
    CHECK(cv.visit->plan == plan.id);
    CHECK(cv.visit->reason == VisitReason::complaint);
    REQUIRE(clock_of(cv, SlaStage::follow_up));
    CHECK(clock_of(cv, SlaStage::follow_up)->due == f.at(2024, 6, 17, 10, 50));
    CHECK(visit_for.at(newcomer).assignee == "nc-1");
    // Served Thursday 16:00: from now until Saturday 16:00, 48 h after the service.
    CHECK(visit_for.at(newcomer).visit->window_from == now);
    CHECK(visit_for.at(newcomer).visit->window_until == f.at(2024, 6, 15, 16, 0));
    CHECK(visit_for.at(regular).visit->window_until == f.at(2024, 6, 19, 18, 0));

    // The new customer answers at the third attempt and asks for a manual today.
    const Actor caller{"nc-1", Role::agent, "新客户专岗"};
    const auto& nv = visit_for.at(newcomer);
    f.clock->set(f.at(2024, 6, 14, 17, 51));
    CHECK(f.desk.record_attempt(caller, nv.id, ContactOutcome::no_answer).status == Status::pending);
    f.clock->set(f.at(2024, 6, 14, 17, 53));
    CHECK(f.desk.record_attempt(caller, nv.id, ContactOutcome::no_answer).status == Status::pending);
    f.clock->set(f.at(2024, 6, 14, 17, 55));
    f.desk.record_attempt(caller, nv.id, ContactOutcome::reached);
    NewTicket manual;
    manual.type = ticket_types::how_to;
    manual.description = "需要补充一份使用手册";
    auto promised = promise_request(f.desk, caller, nv.id, manual, SlaTarget::working_days_end(0),
                                    "我马上安排同事今天内发送给您，请注意查收");
    CHECK(promised.links.at(0).target == nv.id);
    CHECK(promised.channel == channels::follow_up_visit);
    CHECK(promised.customer.id == "N1");
    REQUIRE(promised.estimated_completion);
    CHECK(*promised.estimated_completion == f.at(2024, 6, 14, 18, 0)); // 今天内
    NewTicket question;
    question.type = ticket_types::fault;
    question.description = "设备偶尔断网";
    auto answer = promise_request(f.desk, caller, nv.id, question, SlaTarget::working_days_end(1),
                                  "您反馈的问题，我会在1个工作日内与技术团队确认后给您答复");
    CHECK(*answer.estimated_completion == f.at(2024, 6, 17, 18, 0));
    auto fixed = promise_request(f.desk, caller, nv.id, question, f.at(2024, 6, 17, 15, 0), "下午三点前回电");
    CHECK(*fixed.estimated_completion == f.at(2024, 6, 17, 15, 0));
    CHECK_THROWS_AS(promise_request(f.desk, caller, nv.id, question, f.at(2024, 6, 17, 15, 0), ""), ValidationError);
    CHECK_THROWS_AS(promise_request(f.desk, caller, regular, question, f.at(2024, 6, 17, 15, 0), "x"), ValidationError);

    // The record closes the visit in its window; a complex problem raised becomes a work
    // order with 3 working days to be done (SlaPolicy::work_orders) and, from its priority
    // (一般), 24 h to respond.
    VisitRecord record;
    record.answers = {{"您对本次服务的效率是否满意？", 4, "还可以"}, {"工程师是否准时到达？", 3, "晚了半小时"}};
    NewTicket late;
    late.type = ticket_types::complaint;
    late.description = "工程师迟到半小时";
    record.problems = {RaisedProblem{late, ProblemKind::complex, "人员态度"}};
    auto outcome = f.desk.record_visit(caller, nv.id, record);
    CHECK(outcome.visit.status == Status::closed);
    CHECK(f.desk.compliance(nv.id).front().state == ComplianceState::met);

    // The complaint visit is not done by Monday 10:50: the monitor flags it the minute after.
    f.desk.tick(f.at(2024, 6, 17, 10, 0)); // the derived ticket's weekend response deadline
    CHECK(f.desk.tick(f.at(2024, 6, 17, 10, 50)).breaches == 0);
    CHECK(f.desk.tick(f.at(2024, 6, 17, 10, 51)).breaches == 1);
    f.clock->set(f.at(2024, 6, 17, 11, 0));
    CHECK(f.desk.compliance(cv.id).front().state == ComplianceState::breached);
    REQUIRE(outcome.derived.size() == 1);
    CHECK(clock_of(outcome.derived[0], SlaStage::first_response)->due == f.at(2024, 6, 15, 17, 55));
    REQUIRE(clock_of(outcome.derived[0], SlaStage::resolution));
    CHECK(clock_of(outcome.derived[0], SlaStage::resolution)->due == f.at(2024, 6, 19, 18, 0));
    CHECK(outcome.derived[0].department == "人力资源部");
    CHECK(outcome.derived[0].work_order->kind == ProblemKind::complex);

    // The other two: three unanswered calls, and a refusal.
    const auto& rv = visit_for.at(regular);
    for (int i = 0; i < 3; ++i) {
        f.clock->set(f.at(2024, 6, 17, 14, 0) + i * 30min);
        f.desk.record_attempt(system_actor, rv.id, ContactOutcome::no_answer);
    }
    CHECK(f.desk.get(rv.id).close_reason == CloseReason::unreachable);
    CHECK(f.desk.record_attempt(system_actor, visit_for.at(other).id, ContactOutcome::refused).close_reason ==
          CloseReason::withdrawn);

    // Next week's plan leaves out who was reached or declined, not who could not be reached.
    auto week_after = planner.plan(f.at(2024, 6, 18, 9, 0));
    std::map<TicketId, ExclusionReason> reasons;
    for (const auto& e : week_after.exclusions) reasons[e.candidate.served] = e.reason;
    CHECK(reasons.count(complaint) == 1); // its visit is still open (overdue)
    CHECK(reasons.count(newcomer) == 1);  // reached on Monday
    CHECK(reasons.count(other) == 1);     // declined on Monday
    CHECK(visit_of(week_after, regular)); // unreachable: tried again
}

TEST_CASE("a campaign below 60 % satisfaction gets an improvement plan within 3 working days", "[followup]") {
    FollowUpDesk f;
    std::vector<TicketId> served;
    for (int i = 0; i < 6; ++i)
        served.push_back(f.serve("VIP" + std::to_string(i), CustomerTier::vip, f.at(2025, 4, 1, 10, 0) + i * 1min));
    FollowUpRules rules;
    rules.name = "vip-2025Q2";
    SelectionRule campaign;
    campaign.name = "vip";
    campaign.reason = VisitReason::campaign;
    campaign.period = 30 * 24h;
    campaign.tiers = {CustomerTier::vip};
    campaign.share = 1.0;
    rules.rules = {campaign};
    auto planner = f.planner(rules);
    const Instant now = f.at(2025, 4, 2, 9, 0);
    auto plan = planner.plan(now);
    REQUIRE(plan.visits.size() == 6);
    f.clock->set(now);
    auto visits = planner.schedule(f.desk, plan, system_actor).opened;

    // Nothing reached yet: no satisfaction, no improvement plan.
    auto early = planner.evaluate_campaign(f.desk, plan.id, system_actor, plan.scan_from);
    CHECK(early.visits == 6);
    CHECK(!early.satisfaction);
    CHECK(!early.improvement_plan);

    // Scores 5, 4, 2, 3, 1 and one customer never reached: 2 of 5 satisfied = 40 %.
    const int scores[] = {5, 4, 2, 3, 1};
    f.clock->set(f.at(2025, 4, 2, 10, 0));
    for (int i = 0; i < 5; ++i)
        f.desk.record_visit(system_actor, visits[static_cast<std::size_t>(i)].id,
                            {{{"您对服务的整体满意度？", scores[i], ""}}, "", std::nullopt, {}});
    f.desk.record_attempt(system_actor, visits[5].id, ContactOutcome::wrong_number);

    f.clock->set(f.at(2025, 4, 2, 16, 30));
    auto result = planner.evaluate_campaign(f.desk, plan.id, system_actor, plan.scan_from);
    CHECK(result.visits == 6);
    CHECK(result.reached == 5);
    CHECK(result.satisfied == 2);
    REQUIRE(result.satisfaction);
    CHECK(*result.satisfaction == Approx(0.4));
    CHECK(result.below_threshold);
    CHECK(result.opened);
    REQUIRE(result.improvement_plan);
    const Ticket& improvement = *result.improvement_plan;
    CHECK(improvement.type == ticket_types::suggestion);
    CHECK(improvement.tags == std::vector<std::string>{"improvement_plan"});
    CHECK(improvement.links.at(0).target == visits[4].id); // the worst visit (score 1)
    CHECK(improvement.customer.id == "VIP4");
    // Qingming, 04-04 to 04-06, is off: the third working day after 04-02 is 04-08.
    CHECK(clock_of(improvement, SlaStage::resolution)->due == f.at(2025, 4, 8, 18, 0));

    // Evaluating again finds the plan rather than opening another.
    auto repeat = planner.evaluate_campaign(f.desk, plan.id, system_actor);
    CHECK(!repeat.opened);
    REQUIRE(repeat.improvement_plan);
    CHECK(repeat.improvement_plan->id == improvement.id);

    // A plan without campaign visits, or unknown, evaluates to nothing.
    auto unknown = planner.evaluate_campaign(f.desk, "nothing 2025-04-02 09:00 seed 1", system_actor);
    CHECK(unknown.visits == 0);
    CHECK(!unknown.improvement_plan);
}

TEST_CASE("a satisfied campaign needs no improvement plan", "[followup]") {
    FollowUpDesk f;
    for (int i = 0; i < 4; ++i)
        f.serve("VIP" + std::to_string(i), CustomerTier::vip, f.at(2025, 5, 6, 10, 0) + i * 1min);
    FollowUpRules rules;
    rules.name = "vip";
    rules.rules = {FollowUpRules::standard_rules()[2]};
    rules.rules[0].reason = VisitReason::campaign;
    rules.rules[0].share = 1.0;
    auto planner = f.planner(rules);
    auto plan = planner.plan(f.at(2025, 5, 7, 9, 0));
    f.clock->set(f.at(2025, 5, 7, 9, 0));
    auto visits = planner.schedule(f.desk, plan, system_actor).opened;
    REQUIRE(visits.size() == 4);
    f.clock->set(f.at(2025, 5, 7, 10, 0));
    for (int i = 0; i < 4; ++i) {
        VisitRecord record;
        record.satisfaction = Satisfaction{i == 0 ? SatisfactionGrade::neutral : SatisfactionGrade::satisfied,
                                           std::nullopt, ""}; // grades only: 3, 4, 4, 4
        f.desk.record_visit(system_actor, visits[static_cast<std::size_t>(i)].id, record);
    }
    auto result = planner.evaluate_campaign(f.desk, plan.id, system_actor, plan.scan_from);
    CHECK(*result.satisfaction == Approx(0.75));
    CHECK(!result.below_threshold);
    CHECK(!result.improvement_plan);
}

TEST_CASE("two simulated weeks of follow-up planning, morning and evening", "[followup]") {
    FollowUpDesk f;
    FollowUpRules rules = full_rules("daily");
    rules.rules[2].share = 0.5;
    rules.seed = 11;
    auto planner = f.planner(rules, [](const FollowUpCandidate&) { return VisitAssignment{"回访组", "visitor-1"}; });
    const Actor visitor{"visitor-1", Role::team_lead, ""};

    std::map<TicketId, std::vector<TicketId>> visits_of_served; // every visit ever opened
    std::map<TicketId, Instant> complaint_until;                // complaint visits by served ticket
    std::set<TicketId> expected_breaches;
    std::size_t breaches = 0;
    std::size_t late = 0;
    int n = 0;
    auto plan_and_schedule = [&](Instant when) {
        f.clock->set(when);
        auto plan = planner.plan(when);
        std::map<TicketId, WindowFit> fit;
        for (const auto& p : plan.visits) fit[p.request.served] = p.fit;
        for (const auto& v : planner.schedule(f.desk, plan, system_actor).opened) {
            const auto& served = v.links.at(0).target;
            visits_of_served[served].push_back(v.id);
            if (v.visit->reason == VisitReason::complaint) complaint_until[served] = v.visit->window_until;
            // Only Friday's new customers (24–48 h is the weekend) cannot be met.
            if (fit.at(served) != WindowFit::open) {
                CHECK(v.visit->reason == VisitReason::new_customer);
                CHECK(f.calendar.local_date(v.visit->window_from).day_of_week() == boost::gregorian::Saturday);
                ++late;
                continue;
            }
            // Calls never start before the plan, nor outside calling hours.
            CHECK(v.visit->window_from >= when);
            CHECK(f.calendar.next_business_instant(v.visit->window_from) == v.visit->window_from);
        }
    };
    for (date day(2024, 6, 3); day <= date(2024, 6, 14); day += boost::gregorian::days(1)) {
        if (!f.calendar.is_workday(day)) continue;
        auto time = [&](int hour, int minute) { return f.calendar.to_instant(day, hour, minute); };
        plan_and_schedule(time(8, 30));
        // The day's service: two new customers, two returning ones, a complaint solved at 17:50.
        for (int i = 0; i < 2; ++i) f.serve("N" + std::to_string(n++), CustomerTier::new_customer, time(10, i));
        for (int i = 0; i < 2; ++i) f.serve("R" + std::to_string(n++ % 7), CustomerTier::regular, time(11, i));
        f.serve("C" + std::to_string(n++), CustomerTier::vip, time(17, 50), ticket_types::complaint, "eng-3", 0min);
        // 14:00: the visitor works the open windows; every third visit is left for later,
        // and a first call is unanswered every other time.
        int k = 0;
        for (const auto& [served, list] : visits_of_served) {
            Ticket visit = f.desk.get(list.back());
            if (visit.status != Status::pending || visit.visit->window_from > time(14, 0)) continue;
            if (k++ % 3 == 2) continue;
            f.clock->set(time(14, 0) + k * 1min);
            if (visit.visit->attempts.empty() && k % 2 == 0)
                f.desk.record_attempt(visitor, visit.id, ContactOutcome::no_answer);
            else
                f.desk.record_visit(visitor, visit.id, {{{"您对服务是否满意？", 3 + k % 3, ""}}, "", std::nullopt, {}});
        }
        plan_and_schedule(time(17, 50));
        // 18:30: the monitor flags every visit still pending past its window, once.
        for (const auto& [served, list] : visits_of_served) {
            Ticket visit = f.desk.get(list.back());
            if (visit.status == Status::pending && visit.visit->window_until < time(18, 30))
                expected_breaches.insert(visit.id);
        }
        breaches += f.desk.tick(time(18, 30)).breaches;
        CHECK(breaches == expected_breaches.size());
    }
    CHECK(breaches > 0);
    CHECK(late == 4); // two new customers on each of the two Fridays
    // Every complaint was planned the evening it was solved; Friday's ones end on the next
    // working day at 10:50 (after the Dragon Boat holiday on 06-10, Tuesday).
    CHECK(complaint_until.size() == 9);
    std::set<Instant> ends;
    for (const auto& [served, until] : complaint_until) ends.insert(until);
    CHECK(ends.count(f.at(2024, 6, 11, 10, 50)) == 1);
    CHECK(ends.count(f.at(2024, 6, 17, 10, 50)) == 1);
    CHECK(ends.count(f.at(2024, 6, 4, 10, 50)) == 1);
    // No served ticket got two visits, and no customer was called twice within 30 days.
    std::map<std::string, int> visits_per_customer;
    for (const auto& [served, list] : visits_of_served) {
        CHECK(list.size() == 1);
        ++visits_per_customer[f.desk.get(list.front()).customer.id];
    }
    for (const auto& [customer, count] : visits_per_customer) CHECK(count == 1);
}

TEST_CASE("a complaint closed in the last 48 h is called back even after another recent visit", "[followup]") {
    FollowUpDesk f;
    // Served in April, so nobody is a new customer; then a regular service on 06-12.
    for (const char* c : {"C-reached", "C-open", "C-dir", "C-refused", "C-twice"})
        f.serve(c, CustomerTier::regular, f.at(2024, 4, 10, 10, 0));
    std::map<std::string, TicketId> regular;
    for (const char* c : {"C-reached", "C-open"})
        regular[c] = f.serve(c, CustomerTier::regular, f.at(2024, 6, 12, 10, 0));
    // Another plan reached C-reached on 06-13 and still has C-open's visit open.
    f.clock->set(f.at(2024, 6, 12, 11, 0));
    for (const char* c : {"C-reached", "C-open"})
        regular[c] =
            f.desk
                .open_visit(system_actor, {regular[c], VisitReason::regular, "weekly 2024-06-12 11:00 seed 1",
                                           f.at(2024, 6, 12, 11, 0), f.at(2024, 6, 17, 18, 0), "visitor-9", ""})
                .id;
    f.clock->set(f.at(2024, 6, 13, 10, 0));
    f.desk.record_visit(system_actor, regular["C-reached"],
                        {{{"您对服务效率是否满意？", 5, ""}}, "", std::nullopt, {}});
    f.directory->put("C-dir", {false, false, false, f.at(2024, 6, 13, 10, 0)});
    f.directory->put("C-refused", {true, false, false, std::nullopt});

    // Monday 06-17: each of them has a complaint solved at 15:00.
    std::map<std::string, TicketId> complaint;
    for (const char* c : {"C-reached", "C-open", "C-dir", "C-refused", "C-twice"})
        complaint[c] = f.serve(c, CustomerTier::regular, f.at(2024, 6, 17, 15, 0), ticket_types::complaint, "eng-7");
    auto morning = f.planner(full_rules("daily")).plan(f.at(2024, 6, 17, 15, 30));
    std::map<TicketId, ExclusionReason> reasons;
    for (const auto& e : morning.exclusions) reasons[e.candidate.served] = e.reason;
    for (const char* c : {"C-reached", "C-open", "C-dir", "C-twice"}) {
        INFO(c);
        REQUIRE(visit_of(morning, complaint[c]));
        CHECK(visit_of(morning, complaint[c])->request.reason == VisitReason::complaint);
        CHECK(visit_of(morning, complaint[c])->request.assignee == "eng-7");
        CHECK(reasons.count(complaint[c]) == 0);
    }
    CHECK(reasons[complaint["C-refused"]] == ExclusionReason::refused); // the SOP's exclusions still apply
    CHECK(count_of(morning, "complaint", CustomerTier::regular)->excluded == 1);

    // The complaint itself is called back once: a later plan leaves out what this one scheduled.
    f.clock->set(f.at(2024, 6, 17, 15, 30));
    f.planner(full_rules("daily")).schedule(f.desk, morning, system_actor);
    auto evening = f.planner(full_rules("daily")).plan(f.at(2024, 6, 17, 17, 50));
    CHECK(evening.visits.empty());
    reasons.clear();
    for (const auto& e : evening.exclusions) reasons[e.candidate.served] = e.reason;
    for (const char* c : {"C-reached", "C-open", "C-dir", "C-twice"})
        CHECK(reasons[complaint[c]] == ExclusionReason::recently_visited);
}

TEST_CASE("a visit is not called before its window opens", "[followup]") {
    FollowUpDesk f;
    auto served = f.serve("N1", CustomerTier::new_customer, f.at(2024, 6, 17, 10, 0));
    const Instant planned = f.at(2024, 6, 17, 15, 30);
    f.clock->set(planned);
    VisitRequest request{served,
                         VisitReason::new_customer,
                         "daily 2024-06-17 15:30 seed 1",
                         f.at(2024, 6, 18, 10, 0),
                         f.at(2024, 6, 19, 10, 0),
                         "nc-1",
                         "新客户专岗"};
    auto visit = f.desk.open_visit(system_actor, request);
    const Actor caller{"nc-1", Role::agent, "新客户专岗"};
    const VisitRecord record{{{"您对本次服务的效率是否满意？", 4, ""}}, "", std::nullopt, {}};
    auto refused_field = [&](auto&& call) {
        try {
            call();
        } catch (const ValidationError& e) {
            return e.field();
        }
        return std::string("(no error)");
    };

    // Monday 15:40, the day before its window: refused, nothing written.
    f.clock->set(f.at(2024, 6, 17, 15, 40));
    const auto history = f.desk.history(visit.id).size();
    CHECK(refused_field([&] { f.desk.record_visit(caller, visit.id, record); }) == "window_from");
    CHECK(refused_field([&] { f.desk.record_attempt(caller, visit.id, ContactOutcome::reached); }) == "window_from");
    CHECK(refused_field([&] { f.desk.record_attempt(caller, visit.id, ContactOutcome::no_answer); }) == "window_from");
    Ticket unchanged = f.desk.get(visit.id);
    CHECK(unchanged.version == visit.version);
    CHECK(unchanged.status == Status::pending);
    CHECK(unchanged.visit->attempts.empty());
    CHECK(f.desk.history(visit.id).size() == history);

    // From the window's first minute on it is called and recorded, and the window is met.
    f.clock->set(f.at(2024, 6, 18, 10, 0));
    f.desk.record_attempt(caller, visit.id, ContactOutcome::reached);
    f.clock->set(f.at(2024, 6, 18, 10, 20));
    auto outcome = f.desk.record_visit(caller, visit.id, record);
    CHECK(outcome.visit.status == Status::closed);
    CHECK(f.desk.compliance(visit.id).front().state == ComplianceState::met);

    // A visit stored as finished before its window (by an older version, or a host's own
    // store) does not count as a met window in the report.
    Ticket early = f.desk.get(visit.id);
    for (auto& c : early.sla)
        if (c.stage == SlaStage::follow_up) c.stopped = f.at(2024, 6, 17, 15, 40);
    ReportOptions options;
    options.now = f.at(2024, 7, 1, 9, 0);
    ReportFilter june;
    june.from = f.at(2024, 6, 1, 0, 0);
    june.until = f.at(2024, 7, 1, 0, 0);
    ReportBuilder builder(june, options);
    builder.add(f.desk.get(served));
    builder.add(early);
    auto r = builder.finish();
    CHECK(r.follow_up.visits == 1);
    CHECK(r.follow_up.windows.met == 0);
    CHECK(r.follow_up.windows.missed() == 1);
    CHECK(r.follow_up.windows.missed_overdue == 1);
}

TEST_CASE("a verdict whose score and grade disagree is refused, so campaign and report agree", "[followup]") {
    FollowUpDesk f;
    for (int i = 0; i < 4; ++i)
        f.serve("VIP" + std::to_string(i), CustomerTier::vip, f.at(2024, 6, 17, 10, 0) + i * 1min);
    FollowUpRules rules;
    rules.name = "vip";
    rules.rules = {FollowUpRules::campaign_rule("vip-q2", 30 * 24h, 1.0, {CustomerTier::vip})};
    auto planner = f.planner(rules);
    f.clock->set(f.at(2024, 6, 18, 9, 0));
    auto plan = planner.plan(f.clock->now());
    auto visits = planner.schedule(f.desk, plan, system_actor).opened;
    REQUIRE(visits.size() == 4);
    f.clock->set(f.at(2024, 6, 18, 10, 0));

    // 满意 with 3 points, 一般 with 4: each contradicts grade_for_score().
    const std::vector<std::pair<SatisfactionGrade, int>> contradictions{{SatisfactionGrade::satisfied, 3},
                                                                        {SatisfactionGrade::neutral, 4},
                                                                        {SatisfactionGrade::very_satisfied, 1},
                                                                        {SatisfactionGrade::dissatisfied, 5}};
    for (const auto& [grade, score] : contradictions) {
        INFO(to_string(grade) << " " << score);
        VisitRecord record;
        record.satisfaction = Satisfaction{grade, score, ""};
        const auto before = f.desk.get(visits[0].id);
        const auto trail = f.desk.history(visits[0].id).size();
        try {
            f.desk.record_visit(system_actor, visits[0].id, record);
            FAIL("accepted");
        } catch (const ValidationError& e) {
            CHECK(e.field() == "satisfaction.grade");
            CHECK(std::string(e.what()).find(to_string(grade_for_score(score))) != std::string::npos);
        }
        CHECK(f.desk.get(visits[0].id).version == before.version);
        CHECK(f.desk.get(visits[0].id).status == Status::pending);
        CHECK(f.desk.history(visits[0].id).size() == trail);
    }
    // The same rule for the result feedback of a ticket.
    auto open = f.desk.open(system_actor, sample_request("C-feedback")).id;
    f.desk.assign(system_actor, open, "eng-1");
    f.desk.start(system_actor, open);
    const auto resolved = f.desk.resolve(system_actor, open, {"已处理", Responsibility::platform});
    CHECK_THROWS_AS(f.desk.close(system_actor, open, {Satisfaction{SatisfactionGrade::satisfied, 5, ""}}),
                    ValidationError);
    CHECK(f.desk.get(open).version == resolved.version);

    // Consistent verdicts (or a grade alone) pass, and both views count the same visits.
    const Satisfaction verdicts[] = {{SatisfactionGrade::very_satisfied, 5, ""},
                                     {SatisfactionGrade::satisfied, 4, ""},
                                     {SatisfactionGrade::neutral, 3, ""},
                                     {SatisfactionGrade::dissatisfied, 2, ""}};
    for (std::size_t i = 0; i < visits.size(); ++i) {
        VisitRecord record;
        record.satisfaction = verdicts[i];
        f.desk.record_visit(system_actor, visits[i].id, record);
    }
    auto campaign = planner.evaluate_campaign(f.desk, plan.id, system_actor, plan.scan_from);
    ReportOptions options;
    options.now = f.at(2024, 6, 21, 17, 0);
    ReportFilter week;
    week.from = f.at(2024, 6, 17, 0, 0);
    week.until = f.at(2024, 6, 24, 0, 0);
    auto report = build_report(*f.store, week, options);
    REQUIRE(campaign.satisfaction);
    REQUIRE(report.follow_up.satisfaction.satisfied_share());
    CHECK(*campaign.satisfaction == Approx(0.5));
    CHECK(*report.follow_up.satisfaction.satisfied_share() == Approx(*campaign.satisfaction));
}
