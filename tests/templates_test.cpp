// Notification texts come from DeskConfig::templates: the built-in zh-CN and en sets word
// every message without raw identifiers, a host's override reaches its notifier, and a
// bad template is refused when it is set or loaded.
#include "support.hpp"

#include "ticketflow/templates.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

const std::string data_dir = std::string(TICKETFLOW_SOURCE_DIR) + "/examples/data/";

// Identifiers a reader must never see: stage, role and notification kind names with an
// underscore (the plain words "agent", "customer" … are fine in English).
std::vector<std::string> raw_identifiers() {
    std::vector<std::string> ids;
    for (int s = 0; s < sla_stage_count; ++s) ids.emplace_back(to_string(static_cast<SlaStage>(s)));
    for (int k = 0; k < notification_kind_count; ++k) ids.emplace_back(to_string(static_cast<NotificationKind>(k)));
    for (int m = 0; m < message_id_count; ++m) ids.emplace_back(to_string(static_cast<MessageId>(m)));
    ids.emplace_back(to_string(Role::team_lead));
    std::vector<std::string> with_underscore;
    for (auto& id : ids)
        if (id.find('_') != std::string::npos) with_underscore.push_back(id);
    return with_underscore;
}

void require_worded(const std::string& text) {
    INFO(text);
    CHECK(!text.empty());
    CHECK(text.find('{') == std::string::npos);
    CHECK(text.find('}') == std::string::npos);
    for (const auto& id : raw_identifiers()) CHECK(text.find(id) == std::string::npos);
}

// A value for every placeholder: "<name>" (dashes for underscores, which would read as raw
// identifiers), so each value can be found in the text.
PlaceholderValues sample_values(std::vector<std::string>& storage) {
    storage.clear();
    storage.reserve(placeholder_count);
    PlaceholderValues values{};
    for (int p = 0; p < placeholder_count; ++p) {
        std::string name = to_string(static_cast<Placeholder>(p));
        std::replace(name.begin(), name.end(), '_', '-');
        storage.push_back("<" + name + ">");
        values[p] = storage.back();
    }
    return values;
}

struct Desk {
    std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>();
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(may20_1430());
    std::shared_ptr<RecordingNotifier> notifier = std::make_shared<RecordingNotifier>();
    ServiceDesk desk;
    Actor lead{"lead-1", Role::team_lead, ""};
    Actor boss{"mgr-1", Role::manager, ""};
    Actor eng{"eng-7", Role::agent, "技术部"};

    explicit Desk(DeskConfig config) : desk(store, clock, std::move(config), notifier) {}
    explicit Desk(MessageTemplates templates) : Desk(config_with(std::move(templates))) {}

    static DeskConfig config_with(MessageTemplates templates) {
        DeskConfig config;
        config.templates = std::move(templates);
        return config;
    }

    TicketId handled_ticket() {
        auto id = desk.open(lead, sample_request()).id;
        desk.assign(lead, id, eng.id, std::string("技术部"));
        desk.start(eng, id);
        return id;
    }

    std::vector<Notification> of(NotificationKind kind) const {
        std::vector<Notification> found;
        for (auto& n : notifier->delivered())
            if (n.kind == kind) found.push_back(n);
        return found;
    }
    std::string last(NotificationKind kind) const {
        auto found = of(kind);
        REQUIRE(!found.empty());
        return found.back().text;
    }
};

// Drives one desk through every command and monitor event that notifies.
std::vector<Notification> every_notification(const MessageTemplates& templates) {
    Desk d(templates);
    auto a = d.handled_ticket();
    d.desk.escalate(d.lead, a, "客户投诉");
    d.desk.add_task(d.eng, a, {"物流部", "log-1", "核实物流信息", may20_1430() + 30min});
    d.desk.propose_solution(d.eng, a, {SolutionKind::refund, 500, "退还运费"});
    d.desk.approve(d.boss, a, 1, "同意");
    d.desk.propose_solution(d.eng, a, {SolutionKind::coupon, 100, "补偿优惠券"});
    d.clock->advance(26h);
    d.desk.tick(d.clock->now());
    d.desk.deny(d.boss, a, 2, "超出标准");
    d.desk.complete_task(d.eng, a, 1, "已核实");
    d.desk.post_update(d.eng, a, "正在处理", d.clock->now() + 2h);
    d.desk.resolve(d.eng, a, {"已退款", Responsibility::platform});
    d.desk.reopen(d.lead, a, "仍未到账");

    auto b = d.desk.open(d.lead, sample_request()).id;
    d.desk.cancel(d.lead, b, CloseReason::spam, "重复提交");
    auto primary = d.desk.open(d.lead, sample_request()).id;
    auto duplicate = d.desk.open(d.lead, sample_request()).id;
    d.desk.merge(d.lead, duplicate, primary, "");
    auto c = d.handled_ticket();
    d.desk.resolve(d.eng, c, {"已修复", Responsibility::platform});
    d.desk.record_feedback({"C20240520001", Role::customer, ""}, c,
                           {Satisfaction{SatisfactionGrade::very_satisfied, 5, ""}});
    return d.notifier->delivered();
}

} // namespace

TEST_CASE("every built-in message renders in zh-CN and en with every placeholder filled", "[templates]") {
    std::vector<std::string> storage;
    const auto values = sample_values(storage);
    for (const auto& set : {MessageTemplates::zh_CN(), MessageTemplates::en()}) {
        for (int m = 0; m < message_id_count; ++m) {
            const auto id = static_cast<MessageId>(m);
            const std::string text = set.render(id, values);
            INFO(to_string(set.language()) << " " << to_string(id));
            require_worded(text);
            // Every text names its ticket, but the agent's own and the part of another.
            if (id != MessageId::progress && id != MessageId::reply_promise)
                CHECK(text.find("<ticket>") != std::string::npos);
            // Every placeholder the template uses is one its message offers.
            const auto offered = MessageTemplates::placeholders(id);
            for (int p = 0; p < placeholder_count; ++p) {
                const auto placeholder = static_cast<Placeholder>(p);
                if (std::find(offered.begin(), offered.end(), placeholder) == offered.end())
                    CHECK(text.find(storage[p]) == std::string::npos);
            }
        }
    }
}

TEST_CASE("every notification the desk sends is worded, in zh-CN and in en", "[templates]") {
    for (const auto& set : {MessageTemplates::zh_CN(), MessageTemplates::en()}) {
        INFO(to_string(set.language()));
        const auto sent = every_notification(set);
        std::set<NotificationKind> kinds;
        for (const auto& n : sent) {
            INFO(to_string(n.kind));
            require_worded(n.text);
            kinds.insert(n.kind);
        }
        for (auto kind :
             {NotificationKind::received, NotificationKind::assigned, NotificationKind::progress,
              NotificationKind::escalated, NotificationKind::resolved, NotificationKind::reopened,
              NotificationKind::closed, NotificationKind::cancelled, NotificationKind::sla_warning,
              NotificationKind::sla_breach, NotificationKind::progress_reminder, NotificationKind::task_assigned,
              NotificationKind::task_overdue, NotificationKind::approval_requested, NotificationKind::approval_decided,
              NotificationKind::approval_overdue}) {
            INFO(to_string(kind));
            CHECK(kinds.count(kind) == 1);
        }
    }
}

TEST_CASE("zh-CN keeps the SOP wording with stages, roles and due times in words", "[templates]") {
    Desk d(MessageTemplates::zh_CN());
    auto id = d.handled_ticket();
    CHECK(d.last(NotificationKind::received) ==
          "感谢您的反馈，我们会尽快为您处理。您的工单号为 " + id +
              "，已记录为【紧急】级别，预计今日18:30前给您初步答复。处理过程中如有进展，我们将主动与您联系。");
    d.clock->advance(3h); // 17:30, the warning of the 4-hour first response
    d.desk.tick(d.clock->now());
    CHECK(d.last(NotificationKind::sla_warning) == "工单 " + id + " 的首次响应时限即将到期（今日18:30），请尽快处理。");
    d.clock->advance(90min);
    d.desk.tick(d.clock->now());
    CHECK(d.last(NotificationKind::sla_breach) == "工单 " + id + " 的首次响应已超时，请在系统中备注超时原因。");
    CHECK(d.last(NotificationKind::escalated) == "工单 " + id + " 的首次响应已超时，升级至技术部 主管。");
    d.desk.escalate(d.lead, id, "客户投诉");
    CHECK(d.last(NotificationKind::escalated) == "工单 " + id + " 已升级至第 3 级（技术部 经理）：客户投诉");
}

TEST_CASE("en words stages, roles, solutions and due times in English", "[templates]") {
    Desk d(MessageTemplates::en());
    auto id = d.handled_ticket();
    CHECK(d.last(NotificationKind::received).find("We will reply by 18:30 today. ") != std::string::npos);
    d.clock->advance(3h);
    d.desk.tick(d.clock->now());
    CHECK(d.last(NotificationKind::sla_warning) ==
          "Ticket " + id + ": first response due 18:30 today. Please act soon.");
    d.clock->advance(90min);
    d.desk.tick(d.clock->now());
    CHECK(d.last(NotificationKind::escalated) ==
          "Ticket " + id + ": first response overdue, escalated to supervisor (技术部).");
    d.desk.propose_solution(d.eng, id, {SolutionKind::refund, 500, "shipping refunded"});
    CHECK(d.last(NotificationKind::approval_requested) ==
          "Ticket " + id +
              ": solution #1 is beyond the handler's limit and awaits supervisor approval: refund 500.00: shipping "
              "refunded");
    d.desk.deny(d.boss, id, 1, "too much");
    CHECK(d.last(NotificationKind::approval_decided) == "Ticket " + id + ": solution #1 not approved. too much");
}

TEST_CASE("an escalation names the person in that role of the ticket's department when the directory has one",
          "[templates]") {
    auto directory = std::make_shared<AgentDirectory>();
    directory->add({"tl-wang", "技术部", Role::team_lead, {}, 10, std::nullopt, true, std::nullopt});
    directory->add({"tl-li", "客服部", Role::team_lead, {}, 10, std::nullopt, true, std::nullopt});
    DeskConfig config;
    config.directory = directory;
    Desk d(config);
    auto id = d.handled_ticket();
    d.desk.escalate(d.lead, id, "客户投诉");
    CHECK(d.last(NotificationKind::escalated) == "工单 " + id + " 已升级至第 1 级（技术部 组长 tl-wang）：客户投诉");
    CHECK(d.of(NotificationKind::escalated).back().recipient == "team_lead");
}

TEST_CASE("a template set in code is the text the host's notifier receives", "[templates]") {
    auto templates = MessageTemplates::zh_CN();
    templates.set(MessageId::closed, "工单 {ticket} 已归档，{{谢谢}}。")
        .set(MessageId::assigned, "新工单 {ticket}（{department}，{priority}）");
    Desk d(templates);
    auto id = d.handled_ticket();
    CHECK(d.last(NotificationKind::assigned) == "新工单 " + id + "（技术部，紧急）");
    d.desk.resolve(d.eng, id, {"已修复", Responsibility::platform});
    d.desk.record_feedback({"C20240520001", Role::customer, ""}, id,
                           {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
    CHECK(d.last(NotificationKind::closed) == "工单 " + id + " 已归档，{谢谢}。");
    // The other messages keep the built-in wording.
    CHECK(d.last(NotificationKind::resolved) == MessageTemplates::zh_CN().render(MessageId::resolved, [&] {
        PlaceholderValues v{};
        v[static_cast<int>(Placeholder::ticket)] = id;
        v[static_cast<int>(Placeholder::resolution)] = "已修复";
        return v;
    }()));
}

TEST_CASE("templates read from a file reach the notifier: examples/data/templates-en.json", "[templates]") {
    const auto templates = MessageTemplates::from_json_file(data_dir + "templates-en.json");
    CHECK(templates.language() == Language::en);
    CHECK(templates.text(MessageId::received) != MessageTemplates::en().text(MessageId::received));
    CHECK(templates.text(MessageId::closed) == MessageTemplates::en().text(MessageId::closed));
    Desk d(templates);
    auto id = d.handled_ticket();
    CHECK(d.last(NotificationKind::received) ==
          "Hello from Acme Support! Ticket " + id + " (priority 紧急) is logged. We will reply by 18:30 today.");
    d.desk.escalate(d.lead, id, "VIP customer");
    CHECK(d.last(NotificationKind::escalated) ==
          "[Acme] " + id + " escalated to level 1, team lead of 技术部 takes over: VIP customer");
}

TEST_CASE("a language alone picks the built-in set; messages not named keep it", "[templates]") {
    const auto english = MessageTemplates::from_json(R"({"language": "en"})");
    for (int m = 0; m < message_id_count; ++m)
        CHECK(english.text(static_cast<MessageId>(m)) == MessageTemplates::en().text(static_cast<MessageId>(m)));
    const auto chinese = MessageTemplates::from_json(R"({"closed": "已关闭 {ticket}"})");
    CHECK(chinese.language() == Language::zh_CN);
    CHECK(chinese.text(MessageId::closed) == "已关闭 {ticket}");
    CHECK(chinese.text(MessageId::received) == MessageTemplates::zh_CN().text(MessageId::received));
}

TEST_CASE("a template with an unknown placeholder, message or brace is refused when set, naming it", "[templates]") {
    auto check_refused = [](const std::string& text, const std::string& field, const std::string& part) {
        auto templates = MessageTemplates::zh_CN();
        const std::string before = templates.text(MessageId::closed);
        try {
            templates.set(MessageId::closed, text);
            FAIL("accepted: " << text);
        } catch (const ValidationError& e) {
            CHECK(e.field() == field);
            CHECK_THAT(e.what(), Catch::Contains(part));
        }
        CHECK(templates.text(MessageId::closed) == before); // unchanged
    };
    check_refused("工单 {ticket} 的{stage}已关闭", "templates.closed", "unknown placeholder {stage}");
    check_refused("工单 {ticket} 的{stage}已关闭", "templates.closed", "closed offers: ticket");
    check_refused("工单 {ticket 已关闭", "templates.closed", "unbalanced '{'");
    check_refused("工单 {ti{cket} 已关闭", "templates.closed", "unbalanced '{'");
    check_refused("工单 ticket} 已关闭", "templates.closed", "unbalanced '}'");
    check_refused("工单 {} 已关闭", "templates.closed", "empty placeholder");
}

TEST_CASE("a templates file with an unknown message, a bad template or bad JSON is refused at load", "[templates]") {
    auto check_refused = [](const std::string& json, const std::string& field, const std::string& part) {
        try {
            MessageTemplates::from_json(json, "house.json");
            FAIL("accepted: " << json);
        } catch (const ValidationError& e) {
            CHECK(e.field() == field);
            CHECK_THAT(e.what(), Catch::Contains(part));
            CHECK_THAT(e.what(), Catch::Contains("house.json"));
        }
    };
    check_refused(R"({"closd": "已关闭 {ticket}"})", "templates.closd", "unknown value 'closd'");
    check_refused(R"({"sla_warning": "{ticket} {stge}"})", "templates.sla_warning", "unknown placeholder {stge}");
    check_refused(R"({"closed": "{ticket"})", "templates.closed", "unbalanced");
    check_refused(R"({"closed": 3})", "templates.closed", "expected a string");
    check_refused(R"({"language": "fr"})", "language", "unknown value 'fr'");
    check_refused(R"(["closed"])", "", "expected an object");
    check_refused(R"({"closed": )", "json", "malformed JSON");
    CHECK_THROWS_AS(MessageTemplates::from_json_file(data_dir + "no-such-templates.json"), ValidationError);
}

TEST_CASE("every message is sent as its notification kind and offers the ticket", "[templates]") {
    CHECK(message_kind(MessageId::merged) == NotificationKind::cancelled);
    CHECK(message_kind(MessageId::escalated_overdue) == NotificationKind::escalated);
    CHECK(message_kind(MessageId::reply_promise) == NotificationKind::received);
    for (int m = 0; m < message_id_count; ++m) {
        const auto id = static_cast<MessageId>(m);
        CHECK(parse_message_id(to_string(id)) == id);
        const auto offered = MessageTemplates::placeholders(id);
        CHECK(std::find(offered.begin(), offered.end(), Placeholder::ticket) != offered.end());
        if (id != MessageId::reply_promise && id != MessageId::escalated_overdue && id != MessageId::merged)
            CHECK(std::string(to_string(message_kind(id))) == to_string(id));
    }
    CHECK(parse_language("en") == Language::en);
    CHECK(std::string(to_string(Language::zh_CN)) == "zh-CN");
}

TEST_CASE("a due time on another day names the day, in both languages", "[templates]") {
    for (auto language : {Language::zh_CN, Language::en}) {
        Desk d(language == Language::en ? MessageTemplates::en() : MessageTemplates::zh_CN());
        d.clock->advance(8h); // 22:30: the 4-hour first response ends after midnight (a 24-hour desk)
        d.handled_ticket();
        const auto text = d.last(NotificationKind::received);
        INFO(text);
        if (language == Language::en)
            CHECK(text.find("We will reply by 02:30 on 21 May. ") != std::string::npos);
        else
            CHECK(text.find("预计5月21日02:30前给您初步答复") != std::string::npos);
    }
}

TEST_CASE("placeholders of a message beyond the list is a ValidationError", "[templates]") {
    const auto beyond = static_cast<MessageId>(40);
    try {
        MessageTemplates::placeholders(beyond);
        FAIL("no error for message 40");
    } catch (const ValidationError& e) {
        CHECK(e.field() == "template");
    }
    CHECK_FALSE(MessageTemplates::placeholders(MessageId::received).empty());
}
