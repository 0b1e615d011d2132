// AuthorityPolicy: 权限内处理 / 超权限上报 (seed 002) as a decision on amounts.
#include "core/enum_names.hpp"
#include "routing/staff.hpp"
#include "routing/text.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/routing.hpp"
#include "ticketflow/ticket_fields.hpp"

#include <cmath>
#include <limits>

namespace ticketflow {

namespace {

constexpr std::array<const char*, 3> solution_kind_names{"refund", "compensation", "coupon"};
static_assert(solution_kind_names.size() == enum_count<SolutionKind>, "every SolutionKind needs its name");
constexpr double unlimited = std::numeric_limits<double>::infinity();

// Staff roles are the enumerators agent (0) to manager (3): they index limits_ directly.
static_assert(static_cast<int>(Role::agent) == 0 && static_cast<int>(Role::manager) == 3);

void check_limit(Role role, double limit) {
    if (!detail::is_staff(role))
        throw ValidationError("role", std::string("'") + to_string(role) + "' is not a staff role");
    if (std::isnan(limit) || limit < 0) throw ValidationError("limit", "must be a non-negative amount");
}

} // namespace

const char* to_string(SolutionKind kind) noexcept { return detail::enum_name(solution_kind_names, kind); }

SolutionKind parse_solution_kind(const std::string& name, const std::string& field) {
    return detail::parse_enum<SolutionKind>(solution_kind_names, name, field);
}

AuthorityPolicy::AuthorityPolicy() {
    set_role_limit(Role::agent, 50);
    set_role_limit(Role::team_lead, 200);
    set_role_limit(Role::supervisor, 1000);
    set_role_limit(Role::manager, unlimited);
}

AuthorityPolicy& AuthorityPolicy::set_role_limit(Role role, double limit) {
    check_limit(role, limit);
    for (auto& by_role : limits_) by_role[static_cast<int>(role)] = limit;
    return *this;
}

AuthorityPolicy& AuthorityPolicy::set_role_limit(Role role, SolutionKind kind, double limit) {
    check_limit(role, limit);
    limits_[static_cast<int>(kind)][static_cast<int>(role)] = limit;
    return *this;
}

double AuthorityPolicy::role_limit(Role role, SolutionKind kind) const noexcept {
    const auto k = static_cast<int>(kind);
    if (!detail::is_staff(role) || k >= kinds) return 0;
    return limits_[k][static_cast<int>(role)];
}

double AuthorityPolicy::limit_of(const Agent& agent, SolutionKind kind) const noexcept {
    return agent.approval_limit ? *agent.approval_limit : role_limit(agent.role, kind);
}

AuthorityDecision AuthorityPolicy::decide(const Agent& agent, SolutionKind kind, double amount) const {
    return decide(agent.id + " (" + to_string(agent.role) + ")", agent.role, limit_of(agent, kind), kind, amount);
}

AuthorityDecision AuthorityPolicy::decide(Role role, SolutionKind kind, double amount) const {
    return decide(std::string("role ") + to_string(role), role, role_limit(role, kind), kind, amount);
}

AuthorityDecision AuthorityPolicy::decide(const std::string& who, Role role, double limit, SolutionKind kind,
                                          double amount) const {
    if (!std::isfinite(amount) || amount < 0) throw ValidationError("amount", "must be a finite, non-negative amount");
    AuthorityDecision decision;
    decision.limit = limit;
    const std::string what = std::string(to_string(kind)) + " of " + detail::format_number(amount);
    const std::string whose = "the limit " + detail::format_number(limit) + " of " + who;
    if (amount <= limit) {
        decision.within_limit = true;
        decision.why = what + " is within " + whose;
        return decision;
    }
    // Up the chain to the first role whose limit covers the amount; the manager decides
    // what no configured limit covers.
    for (std::optional<Role> up = next_role_up(role); up; up = next_role_up(*up)) {
        if (amount <= role_limit(*up, kind)) {
            decision.approver = *up;
            decision.why = what + " exceeds " + whose + "; a " + to_string(*up) + " approves (limit " +
                           detail::format_number(role_limit(*up, kind)) + ")";
            return decision;
        }
    }
    decision.approver = Role::manager;
    decision.why = what + " exceeds " + whose + " and every role's limit; a manager decides";
    return decision;
}

} // namespace ticketflow
