// Repeated problems at the desk: probable repeats flagged at intake, duplicates merged.
#include "forwarding_store.hpp"
#include "support.hpp"

#include "ticketflow/error.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

DeskConfig with_repeats(RepeatOptions options = {}) {
    DeskConfig config;
    config.repeats = options;
    return config;
}

struct RepeatFixture {
    std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>();
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(may20_1430());
    std::shared_ptr<RecordingNotifier> notifier = std::make_shared<RecordingNotifier>();
    ServiceDesk desk;
    Actor agent{"agent-1", Role::team_lead, ""};

    explicit RepeatFixture(DeskConfig config = with_repeats()) : desk(store, clock, std::move(config), notifier) {}

    Ticket open(const std::string& description, const std::string& customer = "C20240520001",
                const std::string& order = "DD2024052012345") {
        auto request = sample_request(customer);
        request.description = description;
        request.order_number = order;
        return desk.open(agent, request);
    }
};

std::vector<TicketLink> duplicate_links(const Ticket& t) {
    std::vector<TicketLink> out;
    std::copy_if(t.links.begin(), t.links.end(), std::back_inserter(out),
                 [](const TicketLink& l) { return l.kind == LinkKind::duplicate_of; });
    return out;
}

bool has_event_containing(const std::vector<AuditEvent>& history, const std::string& text) {
    return std::any_of(history.begin(), history.end(),
                       [&](const AuditEvent& e) { return e.note.find(text) != std::string::npos; });
}

} // namespace

TEST_CASE("repeats: detection is off unless configured", "[desk][repeat]") {
    RepeatFixture f{DeskConfig{}};
    f.open("APP订单支付后状态未更新");
    auto second = f.open("APP订单支付后状态未更新");
    CHECK(duplicate_links(second).empty());
}

TEST_CASE("repeats: a similar ticket of the same customer is flagged and linked at intake", "[desk][repeat]") {
    RepeatFixture f;
    auto first = f.open("APP订单支付后状态一直没有更新，请尽快处理");
    f.clock->advance(2h);
    auto again = f.open("我的订单支付后状态还是没有更新", "C20240520001", "DD2024052099999");

    auto links = duplicate_links(again);
    REQUIRE(links.size() == 1);
    CHECK(links[0].target == first.id);
    CHECK(f.desk.get(again.id).links == again.links); // stored as returned
    auto history = f.desk.history(again.id);
    CHECK(has_event_containing(history, "probable repeat of " + first.id + " (similarity 0."));

    SECTION("a third repeat links to the root of the chain") {
        f.clock->advance(1h);
        auto third = f.open("订单支付后状态没有更新");
        REQUIRE(duplicate_links(third).size() == 1);
        CHECK(duplicate_links(third)[0].target == first.id);
    }
    SECTION("a different problem of the same customer is not a repeat") {
        auto other = f.open("发票抬头开错了，需要重新开具发票");
        CHECK(duplicate_links(other).empty());
    }
    SECTION("the same text from another customer is not a repeat") {
        auto other = f.open("APP订单支付后状态一直没有更新，请尽快处理", "C20240520777", "DD2024052077777");
        CHECK(duplicate_links(other).empty());
    }
    SECTION("a link given at intake is kept as the caller set it") {
        auto request = sample_request();
        request.description = "订单支付后状态没有更新";
        request.links = {{LinkKind::duplicate_of, again.id}};
        auto linked = f.desk.open(f.agent, request);
        REQUIRE(duplicate_links(linked).size() == 1);
        CHECK(duplicate_links(linked)[0].target == again.id);
    }
}

TEST_CASE("repeats: closed tickets count within the window only, open ones always", "[desk][repeat]") {
    RepeatOptions options;
    options.window = 48h;
    RepeatFixture f{with_repeats(options)};
    auto cancelled = f.open("退款申请提交后一直没有到账");
    f.desk.cancel(f.agent, cancelled.id, CloseReason::withdrawn, "客户撤回");
    auto still_open = f.open("物流信息三天没有更新");

    f.clock->advance(24h * 5);
    CHECK(duplicate_links(f.open("退款申请提交后还是没有到账")).empty()); // closed 5 days ago
    auto repeat = f.open("物流信息一直没有更新");
    REQUIRE(duplicate_links(repeat).size() == 1);
    CHECK(duplicate_links(repeat)[0].target == still_open.id);
}

TEST_CASE("repeats: invalid options are refused when the desk is built", "[desk][repeat]") {
    RepeatOptions options;
    options.threshold = 1.5;
    CHECK_THROWS_AS(RepeatFixture{with_repeats(options)}, ValidationError);
}

TEST_CASE("merge: the duplicate closes into its primary and both histories are kept", "[desk][merge]") {
    RepeatFixture f;
    auto primary = f.open("APP订单支付后状态一直没有更新");
    auto request = sample_request();
    request.description = "订单支付后状态还是没有更新";
    request.attachments = {"screenshot-2.png"};
    request.tags = {"支付"};
    auto duplicate = f.desk.open(f.agent, request);
    f.desk.assign(f.agent, duplicate.id, "agent-2");
    f.desk.start(f.agent, duplicate.id);
    f.clock->advance(10min);

    auto outcome = f.desk.merge(f.agent, duplicate.id, primary.id, "同一笔订单");

    const Ticket& d = outcome.duplicate;
    CHECK(d.status == Status::closed);
    CHECK(d.close_reason == CloseReason::duplicate);
    CHECK(d.times.closed == f.clock->now());
    CHECK(d.links == std::vector<TicketLink>{{LinkKind::duplicate_of, primary.id}});
    CHECK(std::all_of(d.sla.begin(), d.sla.end(), [](const SlaClock& c) { return c.stopped.has_value(); }));

    const Ticket& p = outcome.primary;
    CHECK(p.status == Status::pending);
    CHECK(p.version == primary.version + 1);
    CHECK(std::find(p.links.begin(), p.links.end(), TicketLink{LinkKind::related_to, duplicate.id}) != p.links.end());
    CHECK(duplicate_links(p).empty());
    CHECK(p.attachments == std::vector<std::string>{"screenshot-2.png"});
    CHECK(p.tags == std::vector<std::string>{"支付"});
    CHECK(f.desk.get(primary.id).version == p.version);
    CHECK(f.desk.get(duplicate.id).status == Status::closed);

    auto dup_history = f.desk.history(duplicate.id);
    REQUIRE(dup_history.size() >= 4); // open, assign, start, merge: nothing lost
    CHECK(dup_history.front().action == Action::open);
    CHECK(dup_history.back().action == Action::merge);
    CHECK(dup_history.back().from == Status::in_progress);
    CHECK(dup_history.back().to == Status::closed);
    CHECK(dup_history.back().note == "merged into " + primary.id + ": 同一笔订单");
    auto primary_history = f.desk.history(primary.id);
    CHECK(primary_history.back().action == Action::add_note);
    CHECK(primary_history.back().note ==
          "merged duplicate " + duplicate.id + ": 订单支付后状态还是没有更新 (同一笔订单)");

    auto delivered = f.notifier->delivered();
    CHECK(std::any_of(delivered.begin(), delivered.end(), [&](const Notification& n) {
        return n.ticket == duplicate.id && n.kind == NotificationKind::cancelled &&
               n.text.find("已合并至工单 " + primary.id) != std::string::npos;
    }));
}

TEST_CASE("merge: a flagged repeat is confirmed by merging it", "[desk][merge]") {
    RepeatFixture f;
    auto first = f.open("APP订单支付后状态一直没有更新");
    auto other = f.open("发票抬头开错了需要重开");
    auto repeat = f.open("订单支付后状态没有更新");
    REQUIRE(duplicate_links(repeat).size() == 1);
    // The agent judges it a repeat of a different ticket than the detector chose.
    auto outcome = f.desk.merge(f.agent, repeat.id, other.id, "");
    CHECK(outcome.duplicate.links == std::vector<TicketLink>{{LinkKind::duplicate_of, other.id}});
    CHECK(f.desk.history(repeat.id).back().note == "merged into " + other.id);
    (void)first;
}

TEST_CASE("merge: bad requests are refused and change neither ticket", "[desk][merge]") {
    RepeatFixture f;
    auto a = f.open("APP订单支付后状态一直没有更新");
    auto b = f.open("发票抬头开错了需要重开");
    auto unchanged = [&] {
        CHECK(f.desk.get(a.id).version == a.version);
        CHECK(f.desk.get(b.id).version == b.version);
    };

    SECTION("into itself") { CHECK_THROWS_AS(f.desk.merge(f.agent, a.id, a.id, ""), ValidationError); }
    SECTION("an unknown ticket") {
        CHECK_THROWS_AS(f.desk.merge(f.agent, a.id, "20990101001", ""), NotFound);
        CHECK_THROWS_AS(f.desk.merge(f.agent, "20990101001", a.id, ""), NotFound);
    }
    SECTION("into a closed primary") {
        auto closed = f.open("退款没有到账");
        f.desk.cancel(f.agent, closed.id, CloseReason::spam, "测试");
        CHECK_THROWS_AS(f.desk.merge(f.agent, a.id, closed.id, ""), ValidationError);
    }
    SECTION("a done duplicate") {
        f.desk.assign(f.agent, b.id, "agent-1");
        f.desk.start(f.agent, b.id);
        b = f.desk.resolve(f.agent, b.id, {"已重开发票", Responsibility::platform});
        CHECK_THROWS_AS(f.desk.merge(f.agent, b.id, a.id, ""), InvalidTransition);
    }
    SECTION("a customer may not merge") {
        Actor customer{"C20240520001", Role::customer, ""};
        CHECK_THROWS_AS(f.desk.merge(customer, a.id, b.id, ""), PermissionDenied);
        a = f.desk.get(a.id); // the refusal is audited, the ticket unchanged
        CHECK(f.desk.history(a.id).back().note.rfind("permission denied", 0) == 0);
    }
    SECTION("a duplicate whose solution waits for approval") {
        Actor handler{"agent-9", Role::agent, ""};
        f.desk.assign(f.agent, a.id, handler.id);
        a = f.desk.propose_solution(handler, a.id, {SolutionKind::refund, 500, "全额退款"});
        CHECK_THROWS_WITH(f.desk.merge(f.agent, a.id, b.id, ""), Catch::Contains("waiting for approval"));
    }
    SECTION("a note too long") {
        CHECK_THROWS_AS(f.desk.merge(f.agent, a.id, b.id, std::string(10000, 'x')), ValidationError);
    }
    unchanged();
}

namespace {

// A MemoryStore whose writes of more than one ticket fail, as a database that goes away
// would.
class FailingGroupStore final : public MemoryForwardingStore {
public:
    void commit_all(const std::vector<Commit>& commits) override {
        if (commits.size() > 1) throw StorageError("disk full");
        inner->commit_all(commits);
    }
};

} // namespace

TEST_CASE("merge: a failed write leaves both tickets as they were", "[desk][merge]") {
    auto store = std::make_shared<FailingGroupStore>();
    ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()));
    Actor agent{"agent-1", Role::team_lead, ""};
    auto a = desk.open(agent, sample_request());
    auto b = desk.open(agent, sample_request());
    CHECK_THROWS_AS(desk.merge(agent, b.id, a.id, ""), StorageError);
    CHECK(desk.get(a.id).version == a.version);
    CHECK(desk.get(b.id).version == b.version);
    CHECK(desk.get(b.id).status == Status::pending);
    CHECK(desk.history(a.id).size() == 1);
    CHECK(desk.history(b.id).size() == 1);
}

TEST_CASE("merge: crosswise merges of the same pair neither deadlock nor both win", "[desk][merge][threads]") {
    RepeatFixture f{DeskConfig{}};
    for (int round = 0; round < 50; ++round) {
        auto a = f.open("问题A" + std::to_string(round));
        auto b = f.open("问题B" + std::to_string(round));
        std::atomic<int> merged{0}, refused{0};
        auto attempt = [&](const TicketId& dup, const TicketId& primary) {
            try {
                f.desk.merge(f.agent, dup, primary, "");
                ++merged;
            } catch (const Error&) {
                ++refused;
            }
        };
        std::thread one(attempt, a.id, b.id);
        std::thread two(attempt, b.id, a.id);
        one.join();
        two.join();
        REQUIRE(merged == 1);
        REQUIRE(refused == 1);
        auto closed = int(f.desk.get(a.id).status == Status::closed) + int(f.desk.get(b.id).status == Status::closed);
        REQUIRE(closed == 1);
    }
}

TEST_CASE("merge: a duplicate waiting for the customer leaves the wait, and the monitor goes on",
          "[desk][merge][monitor]") {
    RepeatFixture f{DeskConfig{}};
    auto primary = f.open("APP订单支付后状态一直没有更新");
    auto duplicate = f.open("订单支付后状态还是没有更新");
    auto bystander = f.open("发票抬头开错了需要重开", "C20240520003");
    f.desk.assign(f.agent, duplicate.id, "agent-2");
    f.desk.start(f.agent, duplicate.id);
    f.desk.wait_for_customer(f.agent, duplicate.id, "等待客户提供截图", 1h);

    const auto d = f.desk.merge(f.agent, duplicate.id, primary.id, "同一问题").duplicate;

    CHECK_FALSE(d.waiting_for_customer);
    CHECK(d.wait_reason.empty());
    CHECK_FALSE(d.resume_at.has_value());
    CHECK(std::all_of(d.sla.begin(), d.sla.end(), [](const SlaClock& c) { return !c.paused_since; }));
    // Past the duplicate's maximum pause and the bystander's first-response deadline (4 h).
    f.clock->advance(5h);
    TickReport report;
    CHECK_NOTHROW(report = f.desk.tick(f.clock->now()));
    CHECK(report.breaches >= 1);
    const auto b = f.desk.get(bystander.id);
    CHECK(std::any_of(b.sla.begin(), b.sla.end(),
                      [](const SlaClock& c) { return c.stage == SlaStage::first_response && c.breached; }));
    CHECK(f.desk.get(duplicate.id).version == d.version);
}

TEST_CASE("merge: tickets of different customers are not merged", "[desk][merge]") {
    RepeatFixture f{DeskConfig{}};
    auto primary = f.open("APP订单支付后状态一直没有更新", "C20240520001");
    auto other = f.open("APP订单支付后状态一直没有更新", "C20240520999");
    const auto trails = std::make_pair(f.desk.history(primary.id).size(), f.desk.history(other.id).size());
    try {
        f.desk.merge(f.agent, other.id, primary.id, "同一问题");
        FAIL("merged tickets of two customers");
    } catch (const ValidationError& e) {
        CHECK(e.field() == "primary");
        CHECK_THAT(e.what(), Catch::Contains("another customer"));
    }
    CHECK(f.desk.get(primary.id).version == primary.version);
    CHECK(f.desk.get(other.id).version == other.version);
    CHECK(f.desk.get(other.id).status == Status::pending);
    CHECK(f.desk.history(primary.id).size() == trails.first);
    CHECK(f.desk.history(other.id).size() == trails.second);
}
