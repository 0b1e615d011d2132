// The examples the public headers show (Doxygen @snippet pulls them from here between the
// `//! [name]` markers), compiled and run, so an example cannot drift from the API.
#include "support.hpp"
#include "ticketflow/authorizer.hpp"
#include "ticketflow/json.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/observer.hpp"
#include "ticketflow/privacy.hpp"
#include "ticketflow/report.hpp"
#include "ticketflow/routing.hpp"
#include "ticketflow/simulation.hpp"
#include "ticketflow/similarity.hpp"
#include "ticketflow/templates.hpp"
#include "ticketflow/ticket_encoding.hpp"
#include "ticketflow/ticket_fields.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

using namespace ticketflow::testing;

namespace {

// What a host's SMS gateway client looks like to the example.
class MyGateway {
public:
    void send(const std::string& to, const std::string& text, const std::string& key) {
        if (text.empty()) throw std::runtime_error("empty message");
        sent.push_back(to + ": " + text + " (" + key + ")");
    }
    std::vector<std::string> sent;
};

//! [sms-notifier]
class SmsNotifier : public ticketflow::Notifier {
public:
    bool deliver(const ticketflow::Notification& n) override {
        if (n.audience != ticketflow::Audience::customer) return true; // staff hear it elsewhere
        gateway_.send(n.recipient, n.text, n.idempotency_key);         // throws on failure
        return true;
    }
    MyGateway gateway_;
};
//! [sms-notifier]

//! [only-own-team]
class OnlyOwnTeam : public ticketflow::Authorizer {
public:
    std::optional<std::string> refusal(const ticketflow::Actor& actor, ticketflow::Action,
                                       const ticketflow::Ticket& ticket) const override {
        if (ticket.department.empty() || ticket.department == actor.department) return std::nullopt;
        return "tickets of " + ticket.department + " are handled by that team";
    }
};
//! [only-own-team]

//! [refusal-counter]
class RefusalCounter : public ticketflow::DeskObserver {
public:
    void on_command(const ticketflow::CommandEvent& e) override {
        if (e.error == ticketflow::ErrorCode::permission_denied) ++refused; // called concurrently
    }
    std::atomic<int> refused{0};
};
//! [refusal-counter]

std::string example_file(const std::string& name) {
    std::ifstream in(std::string(TICKETFLOW_SOURCE_DIR) + "/examples/data/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST_CASE("header example: an SMS notifier", "[examples]") {
    auto notifier = std::make_shared<SmsNotifier>();
    ticketflow::ServiceDesk desk(std::make_shared<ticketflow::MemoryStore>(),
                                 std::make_shared<ticketflow::ManualClock>(may20_1430()), {}, notifier);
    auto t = desk.open({"agent-1", ticketflow::Role::team_lead, ""}, sample_request());
    desk.assign({"agent-1", ticketflow::Role::team_lead, ""}, t.id, "eng-1"); // staff: not sent by SMS
    REQUIRE(notifier->gateway_.sent.size() == 1);
    CHECK(notifier->gateway_.sent[0].find(t.id + "/1/0") != std::string::npos);
}

TEST_CASE("header example: an observer counting refused commands", "[examples]") {
    auto counter = std::make_shared<RefusalCounter>();
    ticketflow::DeskConfig config;
    config.observer = counter;
    ticketflow::ServiceDesk desk(std::make_shared<ticketflow::MemoryStore>(),
                                 std::make_shared<ticketflow::ManualClock>(may20_1430()), config);
    auto t = desk.open({"agent-1", ticketflow::Role::team_lead, ""}, sample_request());
    const ticketflow::Actor stranger{"C20240520009", ticketflow::Role::customer, ""};
    CHECK_THROWS_AS(desk.start(stranger, t.id), ticketflow::PermissionDenied);
    CHECK(counter->refused == 1);
}

TEST_CASE("header example: the outbox dispatcher on its own thread", "[examples]") {
    auto store = std::make_shared<ticketflow::MemoryStore>();
    auto notifier = std::make_shared<RecordingNotifier>();
    auto clock = std::make_shared<ticketflow::ManualClock>(may20_1430());
    std::vector<std::string> logged;
    auto log = [&](const std::string& line) { logged.push_back(line); };
    //! [dispatcher]
    auto dispatcher = std::make_shared<ticketflow::OutboxDispatcher>(store, notifier, clock);
    dispatcher->start(std::chrono::seconds(1)); // delivers in the background
    // ... after a command: dispatcher->wake(); to deliver without waiting for the poll
    for (const auto& row : dispatcher->dead_letters(100)) log(row.last_error);
    dispatcher->retry_dead_letters(); // e.g. after the SMS gateway is fixed
    dispatcher->stop();
    //! [dispatcher]
    CHECK(logged.empty());
    CHECK_FALSE(dispatcher->running());
}

TEST_CASE("header example: an authorizer that keeps tickets in their team", "[examples]") {
    OnlyOwnTeam policy;
    ticketflow::Ticket t;
    t.department = "技术部";
    CHECK_FALSE(policy.refusal({"eng-7", ticketflow::Role::agent, "技术部"}, ticketflow::Action::start, t));
    CHECK(policy.refusal({"cs-3", ticketflow::Role::agent, "服务部"}, ticketflow::Action::start, t) ==
          std::string("tickets of 技术部 are handled by that team"));
}

TEST_CASE("header example: routing rules and agents in their JSON forms", "[examples]") {
    auto rules = ticketflow::RoutingRules::from_json(example_file("routing-rules.json"), "routing-rules.json");
    ticketflow::RuleRouter router(rules);
    ticketflow::Ticket t;
    t.type = ticketflow::ticket_types::complaint;
    CHECK(router.route(t).department == "客服主管");
    const ticketflow::NamedCalendars calendars{{"day", ticketflow::BusinessCalendar::china_mainland()}};
    auto agents = ticketflow::agents_from_json(example_file("agents.json"), "agents.json", calendars);
    REQUIRE(agents.size() == 1);
    CHECK(agents[0].approval_limit == 50);
}

TEST_CASE("header example: choosing a handler", "[examples]") {
    const std::string agents_json = example_file("agents.json");
    ticketflow::ManualClock clock(may20_1430());
    ticketflow::Ticket ticket;
    ticket.department = "技术支持组";
    ticket.priority = "一般";
    const auto scheme = ticketflow::SlaPolicy::seed000().priorities;
    const ticketflow::LoadWeights weights;
    const ticketflow::NamedCalendars calendars{{"day", ticketflow::BusinessCalendar::china_mainland()}};
    //! [assigner]
    auto directory = std::make_shared<ticketflow::AgentDirectory>();
    directory->add_all(ticketflow::agents_from_json(agents_json, "agents.json", calendars));
    ticketflow::Assigner assigner(directory, std::make_shared<ticketflow::LeastLoadedStrategy>(),
                                  {{"客服主管", std::make_shared<ticketflow::ManualStrategy>()}});
    if (auto decision = assigner.choose(ticket, clock.now()))
        directory->on_assigned(decision->agent, weights.weight_of(scheme, ticket.priority));
    //! [assigner]
    CHECK(directory->load("a01").open_tickets == 1);
}

TEST_CASE("header example: shingles of Chinese and English text", "[examples]") {
    using ticketflow::shingles;
    using Shingles = std::vector<std::string>;
    //! [shingles]
    CHECK(shingles("订单DD2024052012345支付后状态未更新") ==
          Shingles{"订单", "支付", "付后", "后状", "状态", "态未", "未更", "更新"});
    CHECK(shingles("The app CRASHES when I open settings!") ==
          Shingles{"app", "crash", "app crash", "open", "crash open", "setting", "open setting"});
    //! [shingles]
}

TEST_CASE("header example: flagging a repeat", "[examples]") {
    ticketflow::MemoryStore store;
    ticketflow::ServiceDesk desk(std::shared_ptr<ticketflow::MemoryStore>(&store, [](auto*) {}),
                                 std::make_shared<ticketflow::ManualClock>(may20_1430()));
    desk.open({"agent-1", ticketflow::Role::team_lead, ""}, sample_request());
    ticketflow::Ticket incoming;
    incoming.customer = sample_request().customer;
    incoming.description = sample_request().description;
    incoming.times.received = may20_1430();
    //! [repeat-detector]
    ticketflow::RepeatDetector detector;
    auto candidates = store.query(detector.candidate_query(incoming));
    if (auto match = detector.find(incoming, candidates))
        incoming.links.push_back({ticketflow::LinkKind::duplicate_of, match->root});
    //! [repeat-detector]
    REQUIRE(incoming.links.size() == 1);
}

TEST_CASE("header example: notification templates in code and from a file", "[examples]") {
    const std::string path = std::string(TICKETFLOW_SOURCE_DIR) + "/examples/data/templates-en.json";
    //! [message-templates]
    ticketflow::DeskConfig config;
    config.templates = ticketflow::MessageTemplates::en();
    config.templates.set(ticketflow::MessageId::closed, "Ticket {ticket} is closed. Thank you!");
    // or: house wording over the built-in English set, refused at load if it has a typo
    config.templates = ticketflow::MessageTemplates::from_json_file(path);
    //! [message-templates]
    auto notifier = std::make_shared<RecordingNotifier>();
    ticketflow::ServiceDesk desk(std::make_shared<ticketflow::MemoryStore>(),
                                 std::make_shared<ticketflow::ManualClock>(may20_1430()), config, notifier);
    auto t = desk.open({"agent-1", ticketflow::Role::team_lead, ""}, sample_request());
    REQUIRE(notifier->delivered().size() == 1);
    CHECK(notifier->delivered()[0].text.rfind("Hello from Acme Support! Ticket " + t.id, 0) == 0);
}

TEST_CASE("header example: a ticket as JSON and back", "[examples]") {
    ticketflow::Ticket ticket;
    ticketflow::Ticket back;
    //! [ticket-json]
    ticket.id = "20240520001";
    ticket.status = ticketflow::Status::in_progress;
    nlohmann::json json = ticket; // {"id": "20240520001", "status": "in_progress", ...}
    try {
        back = nlohmann::json::parse(json.dump()).get<ticketflow::Ticket>();
        nlohmann::json{{"times", {{"resolved", "noon"}}}}.get<ticketflow::Ticket>(); // throws
    } catch (const ticketflow::ValidationError& e) {
        std::cerr << e.field() << ": " << e.what() << '\n'; // "times.resolved": ...
    }
    //! [ticket-json]
    CHECK(back.id == "20240520001");
    CHECK(json["status"] == "in_progress");
}

TEST_CASE("header example: the binary encoding", "[examples]") {
    ticketflow::Ticket ticket;
    ticket.id = "20240520001";
    //! [ticket-encoding]
    const std::string bytes = ticketflow::encode_ticket(ticket); // format 2, CRC-32C at the end
    const ticketflow::Ticket back = ticketflow::decode_ticket(bytes);
    std::string damaged = bytes;
    damaged[3] ^= 1;
    try {
        ticketflow::decode_ticket(damaged);
    } catch (const ticketflow::DamagedEncoding& e) { // a StorageError
        std::cerr << e.what() << '\n';               // "... checksum mismatch ..."
    }
    //! [ticket-encoding]
    CHECK(back.id == ticket.id);
    CHECK_THROWS_AS(ticketflow::decode_ticket(damaged), ticketflow::DamagedEncoding);
}

//! [visit-fields]
// The names of a ticket's text fields that may carry personal data, and their policy names.
struct PersonalTexts {
    std::vector<std::string> found;
    void operator()(const ticketflow::FieldInfo& field, const std::string&) {
        if (field.privacy_field) found.push_back(std::string(field.name) + " -> " + field.privacy_field);
    }
    template <class Other>
    void operator()(const ticketflow::FieldInfo&, const Other&) {} // nested structs, numbers, ...
};
//! [visit-fields]

TEST_CASE("header example: walking a ticket's fields", "[examples]") {
    ticketflow::Ticket ticket;
    PersonalTexts texts;
    ticketflow::visit_fields(ticket, texts);
    CHECK(texts.found == std::vector<std::string>{"description -> description", "resolution -> resolution",
                                                  "remarks -> remarks", "wait_reason -> wait_reason"});
    static_assert(ticketflow::field_count<ticketflow::Ticket> == 34);
}

TEST_CASE("header example: business time across a make-up workday", "[examples]") {
    //! [add-business-time]
    auto calendar = ticketflow::BusinessCalendar::china_mainland();
    // Friday 2025-01-24 17:00 in Beijing plus 2 business hours: Sunday 2025-01-26 10:00,
    // a make-up workday before the Spring Festival.
    auto start = calendar.to_instant(boost::gregorian::date(2025, 1, 24), 17, 0);
    auto due = calendar.add_business_time(start, std::chrono::hours(2));
    //! [add-business-time]
    CHECK(due == calendar.to_instant(boost::gregorian::date(2025, 1, 26), 10, 0));
}

TEST_CASE("header example: masking personal data", "[examples]") {
    //! [pii-mask]
    ticketflow::PiiScanner scanner;
    auto result = scanner.mask("请回电 138 1234 5678，邮箱 zhang@example.com");
    // result.text == "请回电 138 **** 5678，邮箱 z***@example.com"
    // result.report.summary() == "1 mobile number, 1 e-mail address"
    //! [pii-mask]
    CHECK(result.text == "请回电 138 **** 5678，邮箱 z***@example.com");
    CHECK(result.report.summary() == "1 mobile number, 1 e-mail address");
}

TEST_CASE("header example: a privacy policy per field", "[examples]") {
    const std::string text = "客户电话 13812345678，无法登录";
    //! [privacy-policy]
    ticketflow::PrivacyPolicy policy;
    policy.set("customer.nickname", ticketflow::FieldAction::reject);
    auto description = policy.apply("description", text); // masked, with a report
    std::string refused;
    try {
        policy.apply("customer.nickname", "13812345678"); // throws ValidationError
    } catch (const ticketflow::ValidationError& e) {
        refused = e.field(); // "customer.nickname"; the message never shows the number
    }
    //! [privacy-policy]
    CHECK(description.text.find("13812345678") == std::string::npos);
    CHECK(refused == "customer.nickname");
}

namespace {
// What a host's CRM client looks like to the example.
class Crm {
public:
    std::string insert_contact(const ticketflow::Contact& c) {
        contacts_.push_back(c);
        return "crm-" + std::to_string(contacts_.size());
    }
    ticketflow::Contact load_contact(const std::string& token) const {
        const auto n = token.rfind("crm-", 0) == 0 ? std::stoul(token.substr(4)) : 0;
        if (n == 0 || n > contacts_.size() || erased_.count(n)) throw ticketflow::NotFound("contact " + token);
        return contacts_[n - 1];
    }
    bool delete_contact(const std::string& token) {
        const auto n = token.rfind("crm-", 0) == 0 ? std::stoul(token.substr(4)) : 0;
        return n > 0 && n <= contacts_.size() && erased_.insert(n).second;
    }

private:
    std::vector<ticketflow::Contact> contacts_;
    std::set<std::size_t> erased_;
};

//! [crm-vault]
class CrmVault : public ticketflow::ContactVault {
public:
    std::string store(const ticketflow::Contact& c) override { return crm_.insert_contact(c); }
    ticketflow::Contact reveal(const std::string& token) const override { return crm_.load_contact(token); }
    bool erase(const std::string& token) override { return crm_.delete_contact(token); }

private:
    Crm crm_;
};
//! [crm-vault]
} // namespace

TEST_CASE("header example: a host's contact vault", "[examples]") {
    CrmVault vault;
    ticketflow::Contact contact;
    contact.phone = "13812345678";
    const auto token = vault.store(contact);
    CHECK(vault.reveal(token).phone == "13812345678");
    CHECK(vault.erase(token));
    CHECK_THROWS_AS(vault.reveal(token), ticketflow::NotFound);
}

TEST_CASE("header example: a simulated month and its report", "[examples]") {
    std::ifstream file(std::string(TICKETFLOW_SOURCE_DIR) + "/examples/whatif/small-2.json");
    const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    //! [simulate-month]
    auto scenario = ticketflow::sim::scenario_from_json(text, "small-2.json");
    auto result = ticketflow::sim::simulate(scenario);
    // The report run on 2026-04-01 covers March, the scenario's days.
    auto report = ticketflow::monthly_report(*result.store, boost::gregorian::date(2026, 4, 1));
    //! [simulate-month]
    CHECK(report.overall.received > 0);
}

TEST_CASE("header example: the monthly report as HTML", "[examples]") {
    auto store = std::make_shared<ticketflow::MemoryStore>();
    ticketflow::ServiceDesk desk(store, std::make_shared<ticketflow::ManualClock>(may20_1430()));
    desk.open({"agent-1", ticketflow::Role::team_lead, ""}, sample_request());
    const auto path = std::filesystem::temp_directory_path() / "ticketflow-header-example-2024-05.html";
    //! [monthly-report]
    ticketflow::ReportOptions options; // Chinese labels, top 3, p50/p90
    auto report = ticketflow::monthly_report(*store, boost::gregorian::date(2024, 6, 3), options);
    std::ofstream(path) << ticketflow::to_html(report); // May 2024
    //! [monthly-report]
    CHECK(report.overall.received == 1);
    CHECK(std::filesystem::file_size(path) > 0);
    std::filesystem::remove(path);
}
