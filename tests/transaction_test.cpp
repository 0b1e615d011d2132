// Every command is one transaction: with a store that fails its k-th write, for every k,
// each composite command leaves the store exactly as before or exactly as after — ticket
// versions and contents, audit trails, outbox rows, ticket-number counters and the
// contact vault — never in between.
#include "ticketflow/json.hpp"
#include "forwarding_store.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <sstream>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

// Counts every write and fails the k-th one (0 = never).
class FailingStore final : public MemoryForwardingStore {
public:
    int fail_at = 0;
    int writes = 0;

    void commit_all(const std::vector<Commit>& commits) override {
        write("commit_all");
        inner->commit_all(commits);
    }
    void append_audit(const AuditEvent& event) override {
        write("append_audit");
        inner->append_audit(event);
    }
    void outbox_delivered(std::uint64_t sequence) override {
        write("outbox_delivered");
        inner->outbox_delivered(sequence);
    }
    void outbox_failed(std::uint64_t sequence, const std::string& error, std::optional<Instant> retry_at) override {
        write("outbox_failed");
        inner->outbox_failed(sequence, error, retry_at);
    }

private:
    void write(const char* what) {
        if (++writes == fail_at) throw StorageError(std::string("injected failure of write ") + what);
    }
};

// Everything a command could leave behind, as text, so a difference shows what differs.
std::string state_of(const FailingStore& store, const MemoryContactVault& vault) {
    std::ostringstream out;
    store.inner->scan({}, [&](const Ticket& t) {
        out << nlohmann::json(t).dump() << "\n";
        for (const auto& e : store.inner->history(t.id))
            out << "  " << e.version << " " << to_string(e.action) << " " << to_string(e.from) << "->"
                << to_string(e.to) << " " << e.actor << ": " << e.note << "\n";
        return true;
    });
    for (const auto& row : store.inner->outbox_pending(1000))
        out << "pending " << row.sequence << " " << row.notification.idempotency_key << " " << row.notification.text
            << "\n";
    for (const auto& row : store.inner->outbox_dead(1000)) out << "dead " << row.sequence << "\n";
    out << "counter " << store.inner->sequence_value("ticket-id/20240520") << "\n";
    out << "vault " << vault.size() << "\n";
    return out.str();
}

// A desk on a fresh failing store, brought to the state a scenario starts from. The
// notifier is host-driven, so the command's own writes are all that happens.
struct Scene {
    std::shared_ptr<FailingStore> store = std::make_shared<FailingStore>();
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(may20_1430());
    std::shared_ptr<MemoryContactVault> vault = std::make_shared<MemoryContactVault>(7);
    std::unique_ptr<ServiceDesk> desk;
    Actor lead{"lead-1", Role::team_lead, ""};
    TicketId served, visit, other, duplicate, done;

    Scene() {
        DeskConfig config;
        config.contact_vault = vault;
        config.delivery.mode = DeliveryMode::host;
        desk = std::make_unique<ServiceDesk>(store, clock, config, std::make_shared<RecordingNotifier>());
        served = desk->open(lead, sample_request()).id;
        desk->assign(lead, served, "eng-1");
        desk->start(lead, served);
        desk->resolve(lead, served, {"已处理", Responsibility::platform});
        desk->close(lead, served, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
        visit = desk->open_visit(lead, visit_request()).id;
        other = desk->open(lead, sample_request("C2")).id;
        duplicate = desk->open(lead, sample_request("C2")).id;
        done = desk->open(lead, sample_request("C3")).id;
        desk->assign(lead, done, "eng-2");
        desk->start(lead, done);
        desk->resolve(lead, done, {"已处理", Responsibility::platform});
        clock->set(may20_1430() + 10min);
    }

    VisitRequest visit_request() const {
        VisitRequest r;
        r.served = served;
        r.reason = VisitReason::regular;
        r.plan = "weekly/1";
        r.window_from = may20_1430();
        r.window_until = may20_1430() + 48h;
        r.department = "回访组";
        return r;
    }
};

NewTicket problem(const std::string& text) {
    NewTicket p;
    p.type = ticket_types::complaint;
    p.description = text;
    return p;
}

struct Scenario {
    const char* name;
    std::function<void(Scene&)> command;
    std::function<void(Scene&)> prepare = [](Scene&) {}; // before the command, never failing
};

const std::vector<Scenario>& scenarios() {
    static const std::vector<Scenario> all{
        {"open", [](Scene& s) { s.desk->open(s.lead, sample_request("C9")); }},
        {"open with contact details",
         [](Scene& s) {
             auto r = sample_request("C9");
             r.contact.name = "王小明";
             r.contact.phone = "13812345678";
             s.desk->open(s.lead, r);
         }},
        {"open_derived", [](Scene& s) { s.desk->open_derived(s.lead, s.served, problem("回访中发现退款未到账")); }},
        {"open_visit with an assignee",
         [](Scene& s) {
             auto r = s.visit_request();
             r.assignee = "visitor-1";
             s.desk->open_visit(s.lead, r);
         }},
        {"record_attempt that ends the visit",
         [](Scene& s) { s.desk->record_attempt(s.lead, s.visit, ContactOutcome::refused, "不需要回访"); }},
        {"record_attempt after the last unanswered call",
         [](Scene& s) { s.desk->record_attempt(s.lead, s.visit, ContactOutcome::no_answer); },
         [](Scene& s) {
             s.desk->record_attempt(s.lead, s.visit, ContactOutcome::no_answer);
             s.desk->record_attempt(s.lead, s.visit, ContactOutcome::no_answer);
         }},
        {"record_visit with two problems",
         [](Scene& s) {
             VisitRecord record;
             record.answers = {{"处理速度", 2, "太慢"}, {"服务态度", 4, ""}};
             record.problems = {problem("处理太慢"), problem("退款未到账")};
             s.desk->record_visit(s.lead, s.visit, record);
         }},
        {"merge", [](Scene& s) { s.desk->merge(s.lead, s.duplicate, s.other, "同一问题"); }},
        {"record_feedback that reopens",
         [](Scene& s) {
             s.desk->record_feedback(s.lead, s.done, {Satisfaction{SatisfactionGrade::dissatisfied, 1, "没解决"}});
         }},
        {"close", [](Scene& s) { s.desk->close(s.lead, s.done, {}); }},
    };
    return all;
}

} // namespace

TEST_CASE("every composite command leaves the store as before or as after, whichever write fails",
          "[desk][transaction]") {
    for (const auto& scenario : scenarios()) {
        DYNAMIC_SECTION(scenario.name) {
            Scene reference;
            scenario.prepare(reference);
            reference.store->writes = 0;
            scenario.command(reference);
            const int writes = reference.store->writes;
            const std::string after = state_of(*reference.store, *reference.vault);
            REQUIRE(writes >= 1);
            for (int k = 1; k <= writes + 1; ++k) {
                Scene s;
                scenario.prepare(s);
                const std::string before = state_of(*s.store, *s.vault);
                s.store->writes = 0;
                s.store->fail_at = k;
                bool failed = false;
                try {
                    scenario.command(s);
                } catch (const StorageError&) {
                    failed = true;
                }
                const std::string now = state_of(*s.store, *s.vault);
                INFO("write " << k << " of " << writes << " failed: " << failed);
                if (failed)
                    CHECK(now == before);
                else
                    CHECK(now == after);
            }
        }
    }
}

TEST_CASE("composite commands write once", "[desk][transaction]") {
    for (const auto& scenario : scenarios()) {
        DYNAMIC_SECTION(scenario.name) {
            Scene s;
            scenario.prepare(s);
            s.store->writes = 0;
            scenario.command(s);
            CHECK(s.store->writes == 1);
        }
    }
}

TEST_CASE("a refused open takes no ticket number", "[desk][transaction]") {
    Scene s;
    const auto before = s.store->inner->sequence_value("ticket-id/20240520");
    Actor stranger{"C-other", Role::customer, ""};
    CHECK_THROWS_AS(s.desk->open(stranger, sample_request("C9")), PermissionDenied);
    auto bad = sample_request("C9");
    bad.priority = "最高";
    CHECK_THROWS_AS(s.desk->open(s.lead, bad), ValidationError);
    s.store->fail_at = s.store->writes + 1;
    CHECK_THROWS_AS(s.desk->open(s.lead, sample_request("C9")), StorageError);
    CHECK(s.store->inner->sequence_value("ticket-id/20240520") == before);
    const auto next = s.desk->open(s.lead, sample_request("C9"));
    char expected[16];
    std::snprintf(expected, sizeof expected, "20240520%03llu", static_cast<unsigned long long>(before + 1));
    CHECK(next.id == expected);
}

TEST_CASE("a recorded visit is one version of the visit with an event per step", "[desk][transaction]") {
    Scene s;
    VisitRecord record;
    record.answers = {{"处理速度", 2, "太慢"}};
    record.problems = {problem("处理太慢"), problem("退款未到账")};
    const auto before = s.desk->get(s.visit).version;
    auto outcome = s.desk->record_visit(s.lead, s.visit, record);
    CHECK(outcome.visit.version == before + 1);
    CHECK(outcome.visit.status == Status::closed);
    std::vector<Action> steps;
    for (const auto& e : s.desk->history(s.visit))
        if (e.version == outcome.visit.version) steps.push_back(e.action);
    CHECK(steps == std::vector<Action>{Action::assign, Action::start, Action::resolve, Action::close});
    REQUIRE(outcome.derived.size() == 2);
    CHECK(outcome.derived[0].id != outcome.derived[1].id);
    for (const auto& d : outcome.derived) {
        CHECK(d.version == 1);
        CHECK(d.links.back().target == s.visit);
        CHECK(s.desk->get(d.id).status == Status::pending);
    }
}

TEST_CASE("time never goes backwards on a ticket", "[desk][transaction]") {
    Scene s;
    const auto id = s.other;
    const auto before = s.desk->get(id);
    // A little behind (another server's clock): recorded at the ticket's latest change.
    s.clock->set(before.times.updated - 30s);
    const auto noted = s.desk->add_note(s.lead, id, "时钟略慢的服务器");
    CHECK(noted.times.updated == before.times.updated);
    CHECK(s.desk->history(id).back().at == before.times.updated);
    // Far behind (1969, or a day before receipt): refused, naming both instants; nothing written.
    for (auto at : {Instant{} - 1s, before.times.received - 24h}) {
        s.clock->set(at);
        const auto version = s.desk->get(id).version;
        try {
            s.desk->start(s.lead, id);
            FAIL("a command before the ticket's latest change was accepted");
        } catch (const ValidationError& e) {
            CHECK(e.field() == "now");
            CHECK(std::string(e.what()).find(format_instant(before.times.updated)) != std::string::npos);
        }
        CHECK(s.desk->get(id).version == version);
    }
    // The monitor leaves such a ticket for a later tick instead of failing the tick.
    s.clock->set(may20_1430() + 24h);
    s.desk->add_note(s.lead, id, "明天的备注");
    CHECK_NOTHROW(s.desk->tick(may20_1430() + 1h));
}

TEST_CASE("an identifier that is itself personal data is refused at intake", "[desk][privacy]") {
    Scene s;
    auto phone_id = sample_request("13812345678");
    CHECK_THROWS_WITH(s.desk->open(s.lead, phone_id), Catch::Contains("customer.id") && Catch::Contains("mobile"));
    auto id_card_order = sample_request("C9");
    id_card_order.order_number = "11010519491231002X";
    CHECK_THROWS_WITH(s.desk->open(s.lead, id_card_order), Catch::Contains("order_number"));
    CHECK_NOTHROW(s.desk->open(s.lead, sample_request("C20240520009")));
}

TEST_CASE("instants outside the calendar's range are typed errors, and nothing is written", "[desk][transaction]") {
    Scene s;
    const auto counter = s.store->inner->sequence_value("ticket-id/20240520");
    // 0000-01-01T00:00:00Z as a received time: before anything the calendar can place.
    auto ancient = sample_request("C9");
    ancient.received_at = Instant{Duration{-62167219200}};
    CHECK_THROWS_AS(s.desk->open(s.lead, ancient), Error);
    try {
        s.desk->open(s.lead, ancient);
    } catch (const Error& e) {
        CHECK((e.code() == ErrorCode::calendar_error || e.code() == ErrorCode::invalid_argument));
    }
    // A desk whose clock stands in year 0.
    s.clock->set(Instant{Duration{-62167219200}});
    try {
        s.desk->open(s.lead, sample_request("C9"));
        FAIL("opened a ticket in year 0");
    } catch (const Error& e) {
        CHECK((e.code() == ErrorCode::calendar_error || e.code() == ErrorCode::invalid_argument));
    }
    CHECK(s.store->inner->sequence_value("ticket-id/20240520") == counter);
}

TEST_CASE("one tick handles every due ticket, however many fall due at once", "[desk][monitor]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    ServiceDesk desk(store, clock);
    Actor lead{"lead-1", Role::team_lead, ""};
    for (int i = 0; i < 600; ++i) desk.open(lead, sample_request("C" + std::to_string(i)));
    // Every ticket's first clock falls due at the same instant: more than one batch of them.
    const auto report = desk.tick(may20_1430() + 24h * 3);
    CHECK(report.tickets == 600);
    CHECK(store->due_until(may20_1430() + 24h * 3, 1000).size() < 600);
}

TEST_CASE("a due entry left for a closed ticket is dropped, and the tick goes on with the others", "[desk][monitor]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    ServiceDesk desk(store, clock);
    Actor lead{"lead-1", Role::team_lead, ""};
    const auto open_one = desk.open(lead, sample_request("C1"));
    auto closed = desk.cancel(lead, desk.open(lead, sample_request("C2")).id, CloseReason::spam, "测试");
    // A closed ticket with an entry in the due index, as a store written before closed
    // tickets dropped theirs may hold.
    Commit stale;
    stale.ticket = closed;
    stale.ticket.version = closed.version + 1;
    stale.expected_version = closed.version;
    stale.events.push_back(AuditEvent{closed.id, stale.ticket.version, clock->now(), "system", Action::add_note,
                                      Status::closed, Status::closed, "kept from an older version"});
    stale.next_due = may20_1430() + 1h;
    store->commit(stale);
    const auto trail = desk.history(closed.id).size();

    clock->advance(5h); // past the open ticket's first-response deadline (4 h)
    TickReport report;
    CHECK_NOTHROW(report = desk.tick(clock->now()));
    CHECK(report.tickets == 1);
    CHECK(report.breaches >= 1);
    const auto t = desk.get(open_one.id);
    CHECK(std::any_of(t.sla.begin(), t.sla.end(),
                      [](const SlaClock& c) { return c.stage == SlaStage::first_response && c.breached; }));
    CHECK(desk.get(closed.id).version == stale.ticket.version);
    CHECK(desk.history(closed.id).size() == trail);
    CHECK_NOTHROW(desk.tick(clock->now() + 1h)); // and on every later tick
}
