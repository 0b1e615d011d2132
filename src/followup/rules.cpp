// Follow-up selection rules: the standard set, validation and the JSON form.
#include "codec/json_document.hpp"
#include "followup/internal.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/followup.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace ticketflow {

using namespace std::chrono_literals;

namespace {

constexpr Duration day = 24h;

SelectionRule make_rule(std::string name, VisitReason reason, Duration period, double share) {
    SelectionRule rule;
    rule.name = std::move(name);
    rule.reason = reason;
    rule.period = period;
    rule.share = share;
    return rule;
}

void check_share(const std::string& field, double share) {
    if (!(share > 0 && share <= 1)) throw ValidationError(field, "must be in (0, 1]");
}

void check_rule(const std::string& field, const SelectionRule& rule, Duration horizon) {
    if (rule.name.empty()) throw ValidationError(field + ".name", "is required");
    if (rule.period <= Duration{0}) throw ValidationError(field + ".period", "must be positive");
    if (rule.period > horizon) throw ValidationError(field + ".period", "must not be longer than the horizon");
    check_share(field + ".share", rule.share);
    for (const auto& [tier, share] : rule.tier_shares) check_share(field + ".tier_shares." + to_string(tier), share);
    for (std::size_t i = 0; i < rule.types.size(); ++i)
        if (rule.types[i].empty())
            throw ValidationError(field + ".types[" + std::to_string(i) + "]", "must not be empty");
    if (rule.window) detail::check_visit_window(field + ".window", *rule.window);
}

void check_window_target(const std::string& field, const SlaTarget& target) {
    if (target.amount < Duration{0} || target.days < 0) throw ValidationError(field, "must not be negative");
    if (target.cutoff && (*target.cutoff < Duration{0} || *target.cutoff >= 24h))
        throw ValidationError(field, "cut-off must be a time of day between 00:00 and 24:00");
}

} // namespace

void detail::check_visit_window(const std::string& field, const VisitWindow& window) {
    check_window_target(field + ".delay", window.delay);
    check_window_target(field + ".length", window.length);
    if (window.deadline) {
        check_window_target(field + ".deadline", *window.deadline);
        if (window.deadline->unit != TargetUnit::working_days && window.deadline->amount <= Duration{0})
            throw ValidationError(field + ".deadline", "must be positive");
        // Comparable only in one unit: a deadline before the window may open never lets it open.
        if (window.deadline->unit == window.delay.unit && window.delay.unit != TargetUnit::working_days &&
            window.deadline->amount <= window.delay.amount)
            throw ValidationError(field + ".deadline", "must be later than the delay");
    }
    // A window must close after it opens; "by the end of the day" always does, since a
    // window opens inside calling hours.
    if (window.length.unit != TargetUnit::working_days && window.length.amount <= Duration{0})
        throw ValidationError(field + ".length", "a window must have a positive length");
}

double SelectionRule::share_for(CustomerTier tier) const {
    auto it = tier_shares.find(tier);
    return it == tier_shares.end() ? share : it->second;
}

std::vector<SelectionRule> FollowUpRules::standard_rules() {
    // By service history only: the tier label says nothing about when a customer was served.
    auto complaint = make_rule("complaint", VisitReason::complaint, 48h, 1.0);
    complaint.types = {ticket_types::complaint};
    complaint.throttled = false; // 投诉处理: every complaint closed in the last 48 h is called back
    auto new_customer = make_rule("new_customer", VisitReason::new_customer, 30 * day, 1.0);
    auto regular = make_rule("regular", VisitReason::regular, 7 * day, 1.0);
    return {complaint, new_customer, regular};
}

SelectionRule FollowUpRules::campaign_rule(std::string name, Duration period, double share,
                                           std::vector<CustomerTier> tiers) {
    auto rule = make_rule(std::move(name), VisitReason::campaign, period, share);
    rule.tiers = std::move(tiers);
    return rule;
}

void FollowUpRules::validate() const {
    if (name.empty() || name.size() > 64) throw ValidationError("name", "must be 1 to 64 bytes");
    if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; }))
        throw ValidationError("name", "must not contain spaces or control characters (it is part of the plan id)");
    if (horizon <= Duration{0}) throw ValidationError("horizon", "must be positive");
    if (revisit_period < Duration{0}) throw ValidationError("revisit_period", "must not be negative");
    if (min_calling_time < Duration{0}) throw ValidationError("min_calling_time", "must not be negative");
    if (!(campaign_threshold > 0 && campaign_threshold <= 1))
        throw ValidationError("campaign_threshold", "must be in (0, 1]");
    if (satisfied_score < 1 || satisfied_score > 5) throw ValidationError("satisfied_score", "must be between 1 and 5");
    for (std::size_t i = 0; i < new_customer_desk.agents.size(); ++i)
        if (new_customer_desk.agents[i].empty())
            throw ValidationError("new_customer_desk.agents[" + std::to_string(i) + "]", "must not be empty");
    if (rules.empty()) throw ValidationError("rules", "at least one rule is required");
    std::set<std::string> names;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const std::string field = "rules[" + std::to_string(i) + "]";
        check_rule(field, rules[i], horizon);
        if (!names.insert(rules[i].name).second)
            throw ValidationError(field + ".name", "duplicate rule name '" + rules[i].name + "'");
    }
}

namespace {

using nlohmann::json;

// Reads the JSON form field by field; every error names the field and the source.
class RulesReader {
public:
    explicit RulesReader(const std::string& source) : source_(source) {}

    FollowUpRules read(const json& document) const {
        if (!document.is_object()) fail("json", "expected an object");
        FollowUpRules rules;
        for (const auto& [key, value] : document.items()) {
            if (key == "name")
                rules.name = text(value, key);
            else if (key == "seed")
                rules.seed = seed(value, key);
            else if (key == "horizon")
                rules.horizon = duration(value, key);
            else if (key == "revisit_period")
                rules.revisit_period = duration(value, key);
            else if (key == "min_calling_time")
                rules.min_calling_time = duration(value, key);
            else if (key == "campaign_threshold")
                rules.campaign_threshold = number(value, key);
            else if (key == "satisfied_score")
                rules.satisfied_score = integer(value, key);
            else if (key == "new_customer_desk")
                rules.new_customer_desk = desk(value, key);
            else if (key == "rules")
                rules.rules = rule_list(value, key);
            else
                fail(key, "unknown key (expected name, seed, horizon, revisit_period, min_calling_time, "
                          "campaign_threshold, satisfied_score, new_customer_desk or rules)");
        }
        try {
            rules.validate();
        } catch (const ValidationError& e) {
            fail(e.field(), problem_of(e));
        }
        return rules;
    }

private:
    [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
        throw ValidationError(field, problem + " (in " + source_ + ")");
    }

    static std::string problem_of(const ValidationError& e) {
        std::string what = e.what();
        return what.substr(std::min(what.size(), e.field().size() + 2)); // drop "field: "
    }

    std::string text(const json& value, const std::string& field) const {
        if (!value.is_string()) fail(field, "expected a string");
        return value.get<std::string>();
    }

    bool flag(const json& value, const std::string& field) const {
        if (!value.is_boolean()) fail(field, "expected true or false");
        return value.get<bool>();
    }

    double number(const json& value, const std::string& field) const {
        if (!value.is_number()) fail(field, "expected a number");
        return value.get<double>();
    }

    int integer(const json& value, const std::string& field) const {
        if (!value.is_number_integer()) fail(field, "expected an integer");
        auto n = value.get<std::int64_t>();
        if (n < -1000000 || n > 1000000) fail(field, "out of range");
        return static_cast<int>(n);
    }

    std::uint64_t seed(const json& value, const std::string& field) const {
        if (!value.is_number_unsigned()) fail(field, "expected a non-negative integer");
        return value.get<std::uint64_t>();
    }

    Duration duration(const json& value, const std::string& field) const {
        auto parsed = detail::parse_duration(text(value, field));
        if (!parsed) fail(field, "'" + value.get<std::string>() + "' is not a duration such as 48h, 30d or 1h30min");
        return *parsed;
    }

    SlaTarget target(const json& value, const std::string& field) const {
        auto parsed = detail::parse_target(text(value, field));
        if (!parsed)
            fail(field, "'" + value.get<std::string>() + "' is not a time such as 24h, 2h business or 3 working days");
        return *parsed;
    }

    std::vector<std::string> strings(const json& value, const std::string& field) const {
        if (!value.is_array()) fail(field, "expected a list of strings");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < value.size(); ++i)
            out.push_back(text(value[i], field + "[" + std::to_string(i) + "]"));
        return out;
    }

    CustomerTier tier(const std::string& name, const std::string& field) const {
        try {
            return parse_customer_tier(name, field);
        } catch (const ValidationError& e) {
            fail(field, problem_of(e));
        }
    }

    VisitReason reason(const json& value, const std::string& field) const {
        const std::string name = text(value, field);
        for (auto r : {VisitReason::new_customer, VisitReason::regular, VisitReason::complaint, VisitReason::campaign})
            if (name == to_string(r)) return r;
        fail(field, "unknown value '" + name + "' (expected new_customer, regular, complaint or campaign)");
    }

    NewCustomerDesk desk(const json& value, const std::string& field) const {
        if (!value.is_object()) fail(field, "expected an object with department and agents");
        NewCustomerDesk desk;
        for (const auto& [key, item] : value.items()) {
            if (key == "department")
                desk.department = text(item, field + "." + key);
            else if (key == "agents")
                desk.agents = strings(item, field + "." + key);
            else
                fail(field + "." + key, "unknown key (expected department or agents)");
        }
        return desk;
    }

    VisitWindow window(const json& value, const std::string& field) const {
        if (!value.is_object() || !(value.contains("length") || value.contains("deadline")))
            fail(field, "expected an object with delay and length or deadline");
        VisitWindow window;
        for (const auto& [key, item] : value.items()) {
            if (key == "delay")
                window.delay = target(item, field + "." + key);
            else if (key == "length")
                window.length = target(item, field + "." + key);
            else if (key == "deadline")
                window.deadline = target(item, field + "." + key);
            else
                fail(field + "." + key, "unknown key (expected delay, length or deadline)");
        }
        return window;
    }

    SelectionRule rule(const json& value, const std::string& field) const {
        if (!value.is_object()) fail(field, "expected an object");
        if (!value.contains("reason")) fail(field + ".reason", "is required");
        if (!value.contains("period")) fail(field + ".period", "is required");
        SelectionRule rule;
        for (const auto& [key, item] : value.items()) {
            const std::string name = field + "." + key;
            if (key == "name")
                rule.name = text(item, name);
            else if (key == "reason")
                rule.reason = reason(item, name);
            else if (key == "period")
                rule.period = duration(item, name);
            else if (key == "share")
                rule.share = number(item, name);
            else if (key == "types")
                rule.types = strings(item, name);
            else if (key == "window")
                rule.window = window(item, name);
            else if (key == "throttled")
                rule.throttled = flag(item, name);
            else if (key == "tiers") {
                auto names = strings(item, name);
                for (std::size_t i = 0; i < names.size(); ++i)
                    rule.tiers.push_back(tier(names[i], name + "[" + std::to_string(i) + "]"));
            } else if (key == "tier_shares") {
                if (!item.is_object()) fail(name, "expected an object of tier: share");
                for (const auto& [tier_name, share] : item.items())
                    rule.tier_shares[tier(tier_name, name + "." + tier_name)] = number(share, name + "." + tier_name);
            } else {
                fail(name, "unknown key (expected name, reason, period, tiers, types, share, tier_shares, window or "
                           "throttled)");
            }
        }
        if (rule.name.empty()) rule.name = to_string(rule.reason);
        return rule;
    }

    std::vector<SelectionRule> rule_list(const json& value, const std::string& field) const {
        if (!value.is_array()) fail(field, "expected a list of rules");
        std::vector<SelectionRule> rules;
        for (std::size_t i = 0; i < value.size(); ++i)
            rules.push_back(rule(value[i], field + "[" + std::to_string(i) + "]"));
        return rules;
    }

    const std::string& source_;
};

} // namespace

FollowUpRules FollowUpRules::from_json(std::string_view text, const std::string& source_name) {
    return RulesReader(source_name).read(detail::parse_json_document(text, source_name));
}

FollowUpRules FollowUpRules::from_json_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ValidationError("json", "cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return from_json(text.str(), path);
}

} // namespace ticketflow
