// RoutingRules: validation, the JSON form and the seed-001 preset.
#include "core/validate.hpp"
#include "routing/json_fields.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/routing.hpp"

#include <set>

namespace ticketflow {

namespace {

using detail::item_field;
using detail::JsonFields;
using nlohmann::json;

constexpr int tier_count = static_cast<int>(CustomerTier::enterprise) + 1;

// Appended to messages so an error in a loaded file names the file.
std::string in_source(const std::string& source) { return source.empty() ? "" : " (in " + source + ")"; }

void check_name(const std::string& field, const std::string& value, const std::string& source) {
    if (value.empty()) throw ValidationError(field, "must not be empty" + in_source(source));
    if (!detail::is_valid_utf8(value)) throw ValidationError(field, "is not valid UTF-8" + in_source(source));
}

void check_names(const std::string& field, const std::vector<std::string>& values, const std::string& source) {
    for (std::size_t i = 0; i < values.size(); ++i) check_name(item_field(field, i), values[i], source);
}

void check_outcome(const std::string& field, const RouteOutcome& outcome, const std::string& source) {
    check_name(field + ".department", outcome.department, source);
    check_name(field + ".queue", outcome.queue, source);
    if (outcome.priority) check_name(field + ".priority", *outcome.priority, source);
}

void check_rule(const std::string& field, const RoutingRule& rule, const std::string& source) {
    check_name(field + ".name", rule.name, source);
    check_names(field + ".when.types", rule.types, source);
    check_names(field + ".when.channels", rule.channels, source);
    check_names(field + ".when.tags", rule.tags, source);
    check_names(field + ".when.keywords", rule.keywords, source);
    for (std::size_t i = 0; i < rule.tiers.size(); ++i)
        if (static_cast<int>(rule.tiers[i]) >= tier_count)
            throw ValidationError(item_field(field + ".when.tiers", i), "unknown customer tier" + in_source(source));
    check_outcome(field + ".route", rule.outcome, source);
}

void check_rules(const std::vector<RoutingRule>& rules, const RouteOutcome& fallback, const std::string& source) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const std::string field = item_field("rules", i);
        check_rule(field, rules[i], source);
        if (!names.insert(rules[i].name).second)
            throw ValidationError(field + ".name", "duplicate rule name '" + rules[i].name + "'" + in_source(source));
    }
    check_outcome("default", fallback, source);
}

// Reads the JSON form of RoutingRules (see routing.hpp and docs/routing.md).
class RulesReader {
public:
    explicit RulesReader(const std::string& source) : fields_(source) {}

    std::vector<RoutingRule> rules(const json& document) const {
        fields_.expect_object(document, "", {"rules", "default"});
        if (!document.contains("rules")) fields_.fail("rules", "missing");
        const json& list = document["rules"];
        if (!list.is_array()) fields_.fail("rules", "expected a list of rules");
        std::vector<RoutingRule> result;
        result.reserve(list.size());
        for (std::size_t i = 0; i < list.size(); ++i) result.push_back(rule(list[i], item_field("rules", i)));
        return result;
    }

    RouteOutcome fallback(const json& document) const {
        if (!document.contains("default")) fields_.fail("default", "missing");
        return outcome(document["default"], "default");
    }

private:
    RoutingRule rule(const json& value, const std::string& field) const {
        fields_.expect_object(value, field, {"name", "when", "route"});
        if (!value.contains("name")) fields_.fail(field + ".name", "missing");
        if (!value.contains("route")) fields_.fail(field + ".route", "missing");
        RoutingRule rule;
        rule.name = fields_.text(value["name"], field + ".name");
        if (value.contains("when")) read_conditions(value["when"], field + ".when", rule);
        rule.outcome = outcome(value["route"], field + ".route");
        return rule;
    }

    void read_conditions(const json& value, const std::string& field, RoutingRule& rule) const {
        fields_.expect_object(value, field, {"types", "channels", "tiers", "tags", "keywords"});
        for (const auto& item : value.items()) {
            const std::string key = field + "." + item.key();
            if (item.key() == "types")
                rule.types = fields_.texts(item.value(), key);
            else if (item.key() == "channels")
                rule.channels = fields_.texts(item.value(), key);
            else if (item.key() == "tags")
                rule.tags = fields_.texts(item.value(), key);
            else if (item.key() == "keywords")
                rule.keywords = fields_.texts(item.value(), key);
            else
                rule.tiers = tiers(item.value(), key);
        }
    }

    std::vector<CustomerTier> tiers(const json& value, const std::string& field) const {
        const std::vector<std::string> names = fields_.texts(value, field);
        std::vector<CustomerTier> result;
        for (std::size_t i = 0; i < names.size(); ++i) result.push_back(tier(names[i], item_field(field, i)));
        return result;
    }

    CustomerTier tier(const std::string& name, const std::string& field) const {
        std::string expected;
        for (int i = 0; i < tier_count; ++i) {
            const auto tier = static_cast<CustomerTier>(i);
            if (name == to_string(tier)) return tier;
            expected += (i ? ", " : "") + std::string(to_string(tier));
        }
        fields_.fail(field, "unknown customer tier '" + name + "' (expected one of: " + expected + ")");
    }

    RouteOutcome outcome(const json& value, const std::string& field) const {
        fields_.expect_object(value, field, {"department", "queue", "priority"});
        RouteOutcome result;
        for (const char* required : {"department", "queue"})
            if (!value.contains(required)) fields_.fail(field + "." + required, "missing");
        result.department = fields_.text(value["department"], field + ".department");
        result.queue = fields_.text(value["queue"], field + ".queue");
        if (value.contains("priority")) result.priority = fields_.text(value["priority"], field + ".priority");
        return result;
    }

    JsonFields fields_;
};

RoutingRule type_rule(std::string name, const char* type, std::string department, std::string queue) {
    RoutingRule rule;
    rule.name = std::move(name);
    rule.types = {type};
    rule.outcome = {std::move(department), std::move(queue), std::nullopt};
    return rule;
}

RoutingRule keyword_rule(std::string name, std::vector<std::string> keywords, std::string department, std::string queue,
                         std::optional<std::string> priority) {
    RoutingRule rule;
    rule.name = std::move(name);
    rule.keywords = std::move(keywords);
    rule.outcome = {std::move(department), std::move(queue), std::move(priority)};
    return rule;
}

} // namespace

RoutingRules::RoutingRules(std::vector<RoutingRule> rules, RouteOutcome fallback)
    : RoutingRules(std::move(rules), std::move(fallback), std::string()) {}

RoutingRules::RoutingRules(std::vector<RoutingRule> rules, RouteOutcome fallback, const std::string& source)
    : rules_(std::move(rules)), fallback_(std::move(fallback)) {
    check_rules(rules_, fallback_, source);
}

RoutingRules RoutingRules::from_json(std::string_view json_text, const std::string& source_name) {
    const json document = detail::parse_json_document(json_text, source_name);
    const RulesReader reader(source_name);
    auto rules = reader.rules(document);
    auto fallback = reader.fallback(document);
    return RoutingRules(std::move(rules), std::move(fallback), source_name);
}

RoutingRules RoutingRules::seed001() {
    // Complaints and suggestions come first: a complaint about a failed payment is still a
    // complaint for 客服主管, and a suggestion about login is for 产品经理. The keyword
    // rules then catch technical problems filed as consultations or order questions.
    std::vector<RoutingRule> rules;
    rules.push_back(type_rule("complaints", ticket_types::complaint, "客服主管", "complaints"));
    rules.push_back(type_rule("suggestions", ticket_types::suggestion, "产品经理", "product"));
    // Seed 001, P1: 核心功能故障导致用户无法正常使用产品/服务.
    rules.push_back(keyword_rule("outage", {"无法使用", "无法登录", "无法支付", "宕机", "崩溃", "闪退", "支付中断"},
                                 "技术支持组", "tech-urgent", "P1"));
    rules.push_back(keyword_rule("payment-login", {"支付", "付款", "扣款", "登录", "登陆", "验证码", "密码", "login"},
                                 "技术支持组", "tech-support", std::nullopt));
    rules.push_back(type_rule("faults", ticket_types::fault, "技术支持组", "tech-support"));
    rules.push_back(type_rule("consultations", ticket_types::consult, "客服组", "customer-service"));
    return RoutingRules(std::move(rules), {"客服组", "customer-service", std::nullopt});
}

void RoutingRules::check_priorities(const PriorityScheme& scheme) const {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const auto& priority = rules_[i].outcome.priority;
        if (priority && !scheme.contains(*priority))
            throw ValidationError(item_field("rules", i) + ".route.priority",
                                  "'" + *priority + "' is not a level of the priority scheme");
    }
    if (fallback_.priority && !scheme.contains(*fallback_.priority))
        throw ValidationError("default.priority",
                              "'" + *fallback_.priority + "' is not a level of the priority scheme");
}

} // namespace ticketflow
