// RuleRouter: routing rules compiled for evaluation in order, first match wins.
#include "routing/keyword_matcher.hpp"
#include "ticketflow/routing.hpp"

#include <algorithm>
#include <cstdint>

namespace ticketflow {

namespace {

using KeywordRef = std::pair<std::uint32_t, std::uint32_t>; // (rule index, keyword index in the rule)

// Tiers are validated (< 4) in rules; a ticket's out-of-range tier matches no tier condition.
std::uint8_t tier_bit(CustomerTier tier) {
    const auto index = static_cast<unsigned>(tier);
    return index < 8 ? static_cast<std::uint8_t>(1u << index) : 0;
}

std::uint8_t tier_mask(const std::vector<CustomerTier>& tiers) {
    std::uint8_t mask = 0;
    for (const CustomerTier tier : tiers) mask = static_cast<std::uint8_t>(mask | tier_bit(tier));
    return mask;
}

bool holds(const std::vector<std::string>& allowed, const std::string& value) {
    return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// The first of the ticket's tags the rule names, or null.
const std::string* matching_tag(const std::vector<std::string>& rule_tags,
                                const std::vector<std::string>& ticket_tags) {
    for (const std::string& tag : ticket_tags)
        if (std::find(rule_tags.begin(), rule_tags.end(), tag) != rule_tags.end()) return &tag;
    return nullptr;
}

} // namespace

struct RuleRouter::Compiled {
    // all_keywords() fills tier_masks and owners, which are declared before matcher and
    // so are constructed by the time it runs.
    explicit Compiled(RoutingRules source) : rules(std::move(source)), matcher(all_keywords()) {}

    // Every keyword of every rule, in rule order; owners[i] says whose keyword i is.
    std::vector<std::string> all_keywords() {
        std::vector<std::string> keywords;
        const auto& list = rules.rules();
        for (std::uint32_t r = 0; r < list.size(); ++r) {
            tier_masks.push_back(tier_mask(list[r].tiers));
            for (std::uint32_t k = 0; k < list[r].keywords.size(); ++k) {
                keywords.push_back(list[r].keywords[k]);
                owners.emplace_back(r, k);
            }
        }
        return keywords;
    }

    // For each rule, the index (in the rule) of its keyword found first in `text`, or -1.
    std::vector<std::int32_t> keyword_hits(const std::string& text) const {
        std::vector<std::int32_t> hits(rules.rules().size(), -1);
        matcher.scan(text, [&](std::uint32_t keyword) {
            const auto [rule, in_rule] = owners[keyword];
            if (hits[rule] < 0) hits[rule] = static_cast<std::int32_t>(in_rule);
        });
        return hits;
    }

    RoutingRules rules;
    std::vector<std::uint8_t> tier_masks; // per rule; 0 = any tier
    std::vector<KeywordRef> owners;       // per matcher keyword
    detail::KeywordMatcher matcher;
};

namespace {

std::string explain(const RoutingRule& rule, const Ticket& ticket, std::int32_t keyword) {
    std::string why = "rule '" + rule.name + "' matched:";
    const auto add = [&why](const std::string& condition) { why += (why.back() == ':' ? " " : ", ") + condition; };
    if (!rule.types.empty()) add("type=" + ticket.type);
    if (!rule.channels.empty()) add("channel=" + ticket.channel);
    if (!rule.tiers.empty()) add(std::string("tier=") + to_string(ticket.customer.tier));
    if (!rule.tags.empty()) add("tag=" + *matching_tag(rule.tags, ticket.tags));
    if (keyword >= 0) add("keyword=" + rule.keywords[static_cast<std::size_t>(keyword)]);
    if (why.back() == ':') why += " no conditions";
    return why;
}

RouteDecision decision(const RouteOutcome& outcome, std::string rule, std::string why) {
    return RouteDecision{outcome.department, outcome.queue, outcome.priority, std::move(rule), std::move(why)};
}

} // namespace

RuleRouter::RuleRouter(RoutingRules rules) : compiled_(std::make_unique<const Compiled>(std::move(rules))) {}

RuleRouter::~RuleRouter() = default;

const RoutingRules& RuleRouter::rules() const noexcept { return compiled_->rules; }

RouteDecision RuleRouter::route(const Ticket& ticket) const {
    const Compiled& c = *compiled_;
    const auto& rules = c.rules.rules();
    // The description is scanned at most once, and only when a rule with keywords is
    // reached whose other conditions hold.
    std::vector<std::int32_t> hits;
    bool scanned = false;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const RoutingRule& rule = rules[i];
        if (!holds(rule.types, ticket.type) || !holds(rule.channels, ticket.channel)) continue;
        if (c.tier_masks[i] != 0 && (c.tier_masks[i] & tier_bit(ticket.customer.tier)) == 0) continue;
        if (!rule.tags.empty() && matching_tag(rule.tags, ticket.tags) == nullptr) continue;
        std::int32_t keyword = -1;
        if (!rule.keywords.empty()) {
            if (!scanned) {
                hits = c.keyword_hits(ticket.description);
                scanned = true;
            }
            keyword = hits[i];
            if (keyword < 0) continue;
        }
        return decision(rule.outcome, rule.name, explain(rule, ticket, keyword));
    }
    return decision(c.rules.fallback(), std::string(), "no rule matched: default route");
}

} // namespace ticketflow
