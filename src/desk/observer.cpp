// DeskObserver's hooks that do nothing, and the names of what it reports.

#include "core/enum_names.hpp"
#include "core/observe.hpp"

namespace ticketflow {

namespace {

using detail::all_named;
using detail::enum_name;

constexpr std::array<const char*, command_count> command_names{"open",
                                                               "classify",
                                                               "assign",
                                                               "start",
                                                               "post_update",
                                                               "add_note",
                                                               "change_priority",
                                                               "escalate",
                                                               "wait_for_customer",
                                                               "resume",
                                                               "resolve",
                                                               "close",
                                                               "reopen",
                                                               "inform_result",
                                                               "open_derived",
                                                               "open_visit",
                                                               "record_attempt",
                                                               "record_visit",
                                                               "cancel",
                                                               "merge",
                                                               "add_task",
                                                               "complete_task",
                                                               "propose_solution",
                                                               "approve",
                                                               "deny",
                                                               "verify_identity",
                                                               "reveal_contact",
                                                               "explain_overdue",
                                                               "tick",
                                                               "update_sla",
                                                               "replace_calendar"};
constexpr std::array<const char*, 3> delivery_outcome_names{"delivered", "failed", "dead_lettered"};
constexpr std::array<const char*, 5> sla_event_names{"warning", "breach", "escalation", "reminder", "auto_close"};

static_assert(all_named(command_names), "every Command needs its name");

} // namespace

const char* to_string(Command command) noexcept { return enum_name(command_names, command); }
const char* to_string(DeliveryOutcome outcome) noexcept { return enum_name(delivery_outcome_names, outcome); }
const char* to_string(SlaEventKind kind) noexcept { return enum_name(sla_event_names, kind); }

const char* outcome_name(const CommandEvent& event) noexcept {
    if (event.succeeded) return "ok";
    return event.error ? to_string(*event.error) : "other_error";
}

void DeskObserver::on_command(const CommandEvent&) {}
void DeskObserver::on_commit(const CommitEvent&) {}
void DeskObserver::on_delivery(const DeliveryEvent&) {}
void DeskObserver::on_sla(const SlaEvent&) {}
void DeskObserver::on_tick(const TickEvent&) {}

std::optional<ErrorCode> detail::error_code_of(const std::exception_ptr& error) noexcept {
    try {
        std::rethrow_exception(error);
    } catch (const Error& e) {
        return e.code();
    } catch (...) {
        return std::nullopt;
    }
}

} // namespace ticketflow
