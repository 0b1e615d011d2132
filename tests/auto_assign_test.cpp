// Automatic assignment at intake: only agents on shift and under capacity get work; a
// ticket nobody can take waits in its queue and is assigned on a later tick(); loads
// follow every assignment and are released when the ticket no longer counts.
#include "forwarding_store.hpp"
#include "shift_calendars.hpp"
#include "store_factories.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

Agent agent(const std::string& id, int capacity, std::optional<BusinessCalendar> shift = std::nullopt) {
    Agent a;
    a.id = id;
    a.department = "客服组";
    a.capacity = capacity;
    a.shift = std::move(shift);
    return a;
}

// A MemoryStore whose commits can be made to fail, and which remembers the queries it ran.
class FlakyStore : public MemoryForwardingStore {
public:
    bool fail_commits = false;
    mutable std::vector<TicketQuery> scans;

    void commit_all(const std::vector<Commit>& cs) override {
        if (fail_commits) throw StorageError("disk full");
        inner->commit_all(cs);
    }
    void scan(const TicketQuery& q, const std::function<bool(const Ticket&)>& v) const override {
        scans.push_back(q);
        inner->scan(q, v);
    }
};

struct AutoDesk {
    std::shared_ptr<TicketStore> store;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(may20_1430());
    std::shared_ptr<RecordingNotifier> notifier = std::make_shared<RecordingNotifier>();
    std::shared_ptr<AgentDirectory> directory = std::make_shared<AgentDirectory>();
    std::unique_ptr<ServiceDesk> desk;
    Actor intake{"intake-1", Role::team_lead, ""};
    Actor lead{"lead-cs", Role::team_lead, "客服组"};

    explicit AutoDesk(std::vector<Agent> agents, std::shared_ptr<TicketStore> s = std::make_shared<MemoryStore>())
        : store(std::move(s)) {
        directory->add_all(std::move(agents));
        DeskConfig config;
        config.router = std::make_shared<RuleRouter>(RoutingRules({}, RouteOutcome{"客服组", "general", std::nullopt}));
        config.directory = directory;
        config.assigner = std::make_shared<Assigner>(directory, std::make_shared<LeastLoadedStrategy>());
        desk = std::make_unique<ServiceDesk>(store, clock, config, notifier);
    }

    // The start-handling clock runs from the assignment (seed 000: 2 h to start).
    static std::optional<Instant> start_handling_since(const Ticket& t) {
        for (const auto& clock : t.sla)
            if (clock.stage == SlaStage::start_handling) return clock.started;
        return std::nullopt;
    }

    double weight(const std::string& priority) const {
        return LoadWeights{}.weight_of(desk->config().sla.priorities, priority);
    }

    std::size_t assign_events(const TicketId& id) const {
        std::size_t n = 0;
        for (const auto& e : desk->history(id)) n += e.action == Action::assign;
        return n;
    }
};

} // namespace

TEMPLATE_LIST_TEST_CASE("auto-assignment: a ticket waits while every agent is off shift, then a tick assigns it",
                        "[assign][desk]", StoreFactories) {
    INFO(TestType::name);
    AutoDesk d({agent("night-1", 5, evening_shift())}, TestType{}.make());
    auto t = d.desk->open(d.intake, sample_request());
    CHECK(t.department == "客服组");
    CHECK(t.assignee.empty());
    CHECK(t.status == Status::pending);
    CHECK(d.assign_events(t.id) == 0);
    CHECK(d.directory->load("night-1").open_tickets == 0);

    auto early = d.desk->tick(may20_1430() + 1h); // 15:30: still off shift
    CHECK(early.assigned == 0);
    CHECK(d.desk->get(t.id).version == t.version); // a retry that finds nobody leaves no trace

    auto on_shift = d.desk->tick(may20_1430() + 3h + 31min); // 18:01
    CHECK(on_shift.assigned == 1);
    auto assigned = d.desk->get(t.id);
    CHECK(assigned.assignee == "night-1");
    CHECK(assigned.times.assigned == may20_1430() + 3h + 31min);
    CHECK_FALSE(AutoDesk::start_handling_since(t)); // not while it waited
    CHECK(AutoDesk::start_handling_since(assigned) == may20_1430() + 3h + 31min);
    CHECK(d.directory->load("night-1").open_tickets == 1);
    CHECK(d.directory->load("night-1").weight == d.weight("紧急"));
    const auto history = d.desk->history(t.id);
    CHECK(history.back().action == Action::assign);
    CHECK(history.back().actor == "system");
    bool explained = false;
    for (const auto& e : history)
        explained |= e.action == Action::assign && e.note.find("least_loaded") != std::string::npos;
    CHECK(explained);
    CHECK(d.notifier->delivered().back().kind == NotificationKind::assigned);
    CHECK(d.notifier->delivered().back().recipient == "night-1");
    CHECK(d.desk->tick(may20_1430() + 4h).assigned == 0); // nothing left waiting
}

TEST_CASE("auto-assignment: capacity is respected and loads are released on resolve", "[assign][desk]") {
    AutoDesk d({agent("a1", 1), agent("a2", 1)});
    auto first = d.desk->open(d.intake, sample_request());
    auto second = d.desk->open(d.intake, sample_request());
    auto third = d.desk->open(d.intake, sample_request());
    CHECK(first.assignee == "a1");
    CHECK(second.assignee == "a2");
    CHECK(third.assignee.empty()); // both at capacity
    CHECK(d.assign_events(first.id) == 1);
    CHECK(AutoDesk::start_handling_since(first) == may20_1430());
    CHECK(d.directory->load("a1").open_tickets == 1);
    CHECK(d.directory->load("a2").open_tickets == 1);
    CHECK(d.desk->tick(may20_1430() + 1min).assigned == 0);

    d.desk->start(Actor{"a1", Role::agent, "客服组"}, first.id);
    CHECK(d.directory->load("a1").open_tickets == 1); // still counts while in progress
    d.desk->resolve(Actor{"a1", Role::agent, "客服组"}, first.id, {"已处理", Responsibility::platform});
    CHECK(d.directory->load("a1").open_tickets == 0);
    CHECK(d.directory->load("a1").weight == 0);

    auto report = d.desk->tick(may20_1430() + 2min);
    CHECK(report.assigned == 1);
    CHECK(d.desk->get(third.id).assignee == "a1");
    CHECK(d.directory->load("a1").open_tickets == 1);
}

TEST_CASE("auto-assignment: reassignment, cancel and refused commands keep loads right", "[assign][desk]") {
    AutoDesk d({agent("a1", 5), agent("a2", 5)});
    auto t = d.desk->open(d.intake, sample_request());
    REQUIRE(t.assignee == "a1");
    // An agent may not reassign: refused, and the loads stay as they were.
    CHECK_THROWS_AS(d.desk->assign(Actor{"a1", Role::agent, "客服组"}, t.id, "a2"), PermissionDenied);
    CHECK(d.directory->load("a1").open_tickets == 1);
    CHECK(d.directory->load("a2").open_tickets == 0);

    d.desk->assign(d.lead, t.id, "a2");
    CHECK(d.directory->load("a1").open_tickets == 0);
    CHECK(d.directory->load("a2").open_tickets == 1);

    d.desk->change_priority(d.lead, t.id, "特急", "客户投诉升级");
    CHECK(d.directory->load("a2").open_tickets == 1);
    CHECK(d.directory->load("a2").weight == d.weight("特急"));

    d.desk->cancel(d.lead, t.id, CloseReason::duplicate, "重复提交");
    CHECK(d.directory->load("a2").open_tickets == 0);
    CHECK(d.directory->load("a2").weight == 0);
}

TEST_CASE("auto-assignment: a duplicate merged into its primary releases its handler's load", "[assign][desk][merge]") {
    AutoDesk d({agent("a1", 5), agent("a2", 5)});
    auto primary = d.desk->open(d.intake, sample_request());
    auto duplicate = d.desk->open(d.intake, sample_request());
    REQUIRE(primary.assignee == "a1");
    REQUIRE(duplicate.assignee == "a2");
    d.desk->merge(d.lead, duplicate.id, primary.id, "重复提交");
    CHECK(d.directory->load("a1").open_tickets == 1);
    CHECK(d.directory->load("a2").open_tickets == 0);
    CHECK(d.directory->load("a2").weight == 0);
}

TEST_CASE("auto-assignment: the most urgent waiting ticket is assigned first", "[assign][desk]") {
    AutoDesk d({agent("night-1", 1, evening_shift())});
    auto routine_request = sample_request();
    routine_request.priority = "一般";
    auto routine = d.desk->open(d.intake, routine_request);
    d.clock->set(may20_1430() + 1min);
    auto urgent_request = sample_request();
    urgent_request.priority = "特急";
    auto urgent = d.desk->open(d.intake, urgent_request);
    CHECK(d.desk->tick(may20_1430() + 3h + 31min).assigned == 1);
    CHECK(d.desk->get(urgent.id).assignee == "night-1");
    CHECK(d.desk->get(routine.id).assignee.empty());
}

TEST_CASE("auto-assignment: the assigner needs the desk's directory", "[assign][config]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    auto directory = std::make_shared<AgentDirectory>();
    DeskConfig config;
    config.assigner = std::make_shared<Assigner>(directory, std::make_shared<LeastLoadedStrategy>());
    try {
        ServiceDesk desk(store, clock, config);
        FAIL("expected ValidationError");
    } catch (const ValidationError& e) {
        CHECK(e.field() == "directory");
    }
    config.directory = std::make_shared<AgentDirectory>(); // another directory
    CHECK_THROWS_AS(ServiceDesk(store, clock, config), ValidationError);
    config.directory = directory;
    CHECK_NOTHROW(ServiceDesk(store, clock, config));
    config.load_weights.by_rank = {1, -2};
    CHECK_THROWS_AS(ServiceDesk(store, clock, config), ValidationError);
}

TEST_CASE("auto-assignment: waiting tickets are found by a status query; failed commits leave loads alone",
          "[assign][desk]") {
    auto store = std::make_shared<FlakyStore>();
    AutoDesk d({agent("a1", 5)}, store);
    auto t = d.desk->open(d.intake, sample_request());
    REQUIRE(t.assignee == "a1");

    store->fail_commits = true;
    CHECK_THROWS_AS(d.desk->open(d.intake, sample_request()), StorageError);
    CHECK(d.directory->load("a1").open_tickets == 1);
    CHECK_THROWS_AS(d.desk->cancel(d.lead, t.id, CloseReason::withdrawn, "客户撤回"), StorageError);
    CHECK(d.directory->load("a1").open_tickets == 1);
    store->fail_commits = false;

    store->scans.clear();
    d.desk->tick(may20_1430() + 1min);
    REQUIRE(store->scans.size() == 1);
    CHECK(store->scans[0].status == Status::pending);
    CHECK(store->scans[0].assignee == std::string());
}
