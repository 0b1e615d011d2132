#pragma once
/// @file ticket_fields.hpp
/// @brief The one list of the fields of a ticket (and of audit events, notifications and
/// outbox records), which the JSON codec, the binary codec and the privacy gate walk.
///
/// A new member of Ticket (or of a struct it holds) is added to the struct and to its
/// Fields specialisation below, and nowhere else: the JSON form (ticketflow/json.hpp)
/// follows the list; the privacy gate scans every field whose FieldInfo names a privacy
/// field; the binary encoding (ticketflow/ticket_encoding.hpp) refuses to compile until it
/// has a place for the new field. The member counts are checked against the structs in
/// tests/ticket_fields_test.cpp.
///
/// Everything here is a compile-time description; it holds no state and is thread-safe.
///
/// @snippet header_examples_test.cpp visit-fields

#include "ticketflow/actor.hpp"
#include "ticketflow/audit.hpp"
#include "ticketflow/lifecycle.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/store.hpp"
#include "ticketflow/ticket.hpp"

#include <cstddef>
#include <type_traits>

namespace ticketflow {

/// @brief What the list says about one field, besides its type.
struct FieldInfo {
    /// @brief The stable member name: the key of the JSON form, part of error paths.
    const char* name;
    /// @brief For free text that may carry personal data: the field name the privacy
    /// policy knows it by (PrivacyPolicy::set()), e.g. `"description"` or `"note"`.
    /// Null for every other field.
    const char* privacy_field = nullptr;
    /// @brief The member is a struct whose fields the JSON form writes into the
    /// enclosing object instead of a nested one (SatisfactionRound::satisfaction).
    bool flattened = false;
};

/// @brief Number of enumerators of an enum a ticket, event, notification or outbox
/// record holds; 0 for any other type. The binary codec refuses a stored value at or
/// beyond it, and the JSON form accepts exactly the names `to_string(E(0))` …
/// `to_string(E(enum_count<E> - 1))`. The name tables are checked against it.
template <class E>
inline constexpr std::size_t enum_count = 0;
/// @cond SPECIALISATIONS
template <>
inline constexpr std::size_t enum_count<Status> = status_count;
template <>
inline constexpr std::size_t enum_count<Action> = action_count;
template <>
inline constexpr std::size_t enum_count<Role> = static_cast<std::size_t>(Role::system) + 1;
template <>
inline constexpr std::size_t enum_count<CustomerTier> = static_cast<std::size_t>(CustomerTier::enterprise) + 1;
template <>
inline constexpr std::size_t enum_count<Responsibility> = static_cast<std::size_t>(Responsibility::customer) + 1;
template <>
inline constexpr std::size_t enum_count<SatisfactionGrade> = static_cast<std::size_t>(SatisfactionGrade::dissatisfied) +
                                                             1;
template <>
inline constexpr std::size_t enum_count<CloseReason> = static_cast<std::size_t>(CloseReason::unreachable) + 1;
template <>
inline constexpr std::size_t enum_count<ContactOutcome> = static_cast<std::size_t>(ContactOutcome::refused) + 1;
template <>
inline constexpr std::size_t enum_count<VisitReason> = static_cast<std::size_t>(VisitReason::campaign) + 1;
template <>
inline constexpr std::size_t enum_count<ProblemKind> = static_cast<std::size_t>(ProblemKind::complex) + 1;
template <>
inline constexpr std::size_t enum_count<SolutionKind> = static_cast<std::size_t>(SolutionKind::coupon) + 1;
template <>
inline constexpr std::size_t enum_count<ApprovalState> = static_cast<std::size_t>(ApprovalState::denied) + 1;
template <>
inline constexpr std::size_t enum_count<LinkKind> = static_cast<std::size_t>(LinkKind::related_to) + 1;
template <>
inline constexpr std::size_t enum_count<SlaStage> = sla_stage_count;
template <>
inline constexpr std::size_t enum_count<NotificationKind> = notification_kind_count;
template <>
inline constexpr std::size_t enum_count<Audience> = static_cast<std::size_t>(Audience::staff) + 1;
template <>
inline constexpr std::size_t enum_count<OutboxState> = static_cast<std::size_t>(OutboxState::dead) + 1;
/// @endcond

/// @brief The field list of struct @p S; specialised for every struct below.
///
/// `Fields<S>::visit(visitor, s...)` calls `visitor(FieldInfo, s.member...)` once per
/// member, in declaration order, with the same member of every object passed (none, one,
/// or several: e.g. a ticket and its stored version side by side). With no object it
/// only counts or names the fields, and is constexpr for a constexpr visitor.
template <class S>
struct Fields;

/// @brief The fields of CustomerRef.
template <>
struct Fields<CustomerRef> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"id"}, s.id...);
        v(FieldInfo{"nickname", "customer.nickname"}, s.nickname...);
        v(FieldInfo{"tier"}, s.tier...);
        v(FieldInfo{"contact_token"}, s.contact_token...);
    }
};

/// @brief The fields of Satisfaction.
template <>
struct Fields<Satisfaction> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"grade"}, s.grade...);
        v(FieldInfo{"score"}, s.score...);
        v(FieldInfo{"comment", "satisfaction.comment"}, s.comment...);
        v(FieldInfo{"efficiency"}, s.efficiency...);
        v(FieldInfo{"attitude"}, s.attitude...);
        v(FieldInfo{"outcome"}, s.outcome...);
    }
};

/// @brief The fields of SatisfactionRound.
template <>
struct Fields<SatisfactionRound> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"round"}, s.round...);
        v(FieldInfo{"at"}, s.at...);
        v(FieldInfo{"satisfaction", nullptr, true}, s.satisfaction...);
    }
};

/// @brief The fields of ResultNotice.
template <>
struct Fields<ResultNotice> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"at"}, s.at...);
        v(FieldInfo{"channel"}, s.channel...);
        v(FieldInfo{"summary", "result_notice.summary"}, s.summary...);
    }
};

/// @brief The fields of ContactAttempt.
template <>
struct Fields<ContactAttempt> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"at"}, s.at...);
        v(FieldInfo{"outcome"}, s.outcome...);
        v(FieldInfo{"note", "note"}, s.note...);
    }
};

/// @brief The fields of VisitAnswer.
template <>
struct Fields<VisitAnswer> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"question"}, s.question...);
        v(FieldInfo{"score"}, s.score...);
        v(FieldInfo{"reason", "visit.answer"}, s.reason...);
    }
};

/// @brief The fields of VisitDetails.
template <>
struct Fields<VisitDetails> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"reason"}, s.reason...);
        v(FieldInfo{"plan"}, s.plan...);
        v(FieldInfo{"window_from"}, s.window_from...);
        v(FieldInfo{"window_until"}, s.window_until...);
        v(FieldInfo{"attempts"}, s.attempts...);
        v(FieldInfo{"answers"}, s.answers...);
        v(FieldInfo{"comment", "visit.comment"}, s.comment...);
    }
};

/// @brief The fields of WorkOrder.
template <>
struct Fields<WorkOrder> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"kind"}, s.kind...);
        v(FieldInfo{"problem_type", "work_order.problem_type"}, s.problem_type...);
        v(FieldInfo{"by_priority"}, s.by_priority...);
    }
};

/// @brief The fields of CollaborationTask.
template <>
struct Fields<CollaborationTask> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"number"}, s.number...);
        v(FieldInfo{"department"}, s.department...);
        v(FieldInfo{"owner"}, s.owner...);
        v(FieldInfo{"description", "task.description"}, s.description...);
        v(FieldInfo{"due"}, s.due...);
        v(FieldInfo{"mandatory"}, s.mandatory...);
        v(FieldInfo{"completed"}, s.completed...);
        v(FieldInfo{"outcome", "task.outcome"}, s.outcome...);
        v(FieldInfo{"overdue_notified"}, s.overdue_notified...);
    }
};

/// @brief The fields of Approval.
template <>
struct Fields<Approval> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"number"}, s.number...);
        v(FieldInfo{"kind"}, s.kind...);
        v(FieldInfo{"amount"}, s.amount...);
        v(FieldInfo{"description", "approval.description"}, s.description...);
        v(FieldInfo{"requested_by"}, s.requested_by...);
        v(FieldInfo{"approver"}, s.approver...);
        v(FieldInfo{"requested_at"}, s.requested_at...);
        v(FieldInfo{"due"}, s.due...);
        v(FieldInfo{"state"}, s.state...);
        v(FieldInfo{"decided_by"}, s.decided_by...);
        v(FieldInfo{"decided_at"}, s.decided_at...);
        v(FieldInfo{"note", "approval.note"}, s.note...);
        v(FieldInfo{"overdue_notified"}, s.overdue_notified...);
    }
};

/// @brief The fields of TicketLink.
template <>
struct Fields<TicketLink> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"kind"}, s.kind...);
        v(FieldInfo{"target"}, s.target...);
    }
};

/// @brief The fields of StageTimes.
template <>
struct Fields<StageTimes> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"received"}, s.received...);
        v(FieldInfo{"recorded"}, s.recorded...);
        v(FieldInfo{"classified"}, s.classified...);
        v(FieldInfo{"assigned"}, s.assigned...);
        v(FieldInfo{"first_response"}, s.first_response...);
        v(FieldInfo{"started"}, s.started...);
        v(FieldInfo{"resolved"}, s.resolved...);
        v(FieldInfo{"closed"}, s.closed...);
        v(FieldInfo{"updated"}, s.updated...);
    }
};

/// @brief The fields of SlaPause.
template <>
struct Fields<SlaPause> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"from"}, s.from...);
        v(FieldInfo{"to"}, s.to...);
    }
};

/// @brief The fields of SlaClock.
template <>
struct Fields<SlaClock> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"stage"}, s.stage...);
        v(FieldInfo{"started"}, s.started...);
        v(FieldInfo{"stopped"}, s.stopped...);
        v(FieldInfo{"pauses"}, s.pauses...);
        v(FieldInfo{"paused_since"}, s.paused_since...);
        v(FieldInfo{"warn_at"}, s.warn_at...);
        v(FieldInfo{"due"}, s.due...);
        v(FieldInfo{"warned"}, s.warned...);
        v(FieldInfo{"breached"}, s.breached...);
        v(FieldInfo{"escalations"}, s.escalations...);
        v(FieldInfo{"overdue_reason", "note"}, s.overdue_reason...);
        v(FieldInfo{"provisional"}, s.provisional...);
    }
};

/// @brief The fields of Ticket.
template <>
struct Fields<Ticket> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"id"}, s.id...);
        v(FieldInfo{"version"}, s.version...);
        v(FieldInfo{"status"}, s.status...);
        v(FieldInfo{"channel"}, s.channel...);
        v(FieldInfo{"type"}, s.type...);
        v(FieldInfo{"priority"}, s.priority...);
        v(FieldInfo{"customer"}, s.customer...);
        v(FieldInfo{"description", "description"}, s.description...);
        v(FieldInfo{"order_number"}, s.order_number...);
        v(FieldInfo{"attachments"}, s.attachments...);
        v(FieldInfo{"department"}, s.department...);
        v(FieldInfo{"assignee"}, s.assignee...);
        v(FieldInfo{"times"}, s.times...);
        v(FieldInfo{"estimated_completion"}, s.estimated_completion...);
        v(FieldInfo{"resolution", "resolution"}, s.resolution...);
        v(FieldInfo{"responsibility"}, s.responsibility...);
        v(FieldInfo{"satisfaction"}, s.satisfaction...);
        v(FieldInfo{"close_reason"}, s.close_reason...);
        v(FieldInfo{"remarks", "remarks"}, s.remarks...);
        v(FieldInfo{"tags", "tags"}, s.tags...);
        v(FieldInfo{"links"}, s.links...);
        v(FieldInfo{"reopen_count"}, s.reopen_count...);
        v(FieldInfo{"escalation_level"}, s.escalation_level...);
        v(FieldInfo{"waiting_for_customer"}, s.waiting_for_customer...);
        v(FieldInfo{"wait_reason", "wait_reason"}, s.wait_reason...);
        v(FieldInfo{"resume_at"}, s.resume_at...);
        v(FieldInfo{"sla"}, s.sla...);
        v(FieldInfo{"result_notice"}, s.result_notice...);
        v(FieldInfo{"visit"}, s.visit...);
        v(FieldInfo{"identity_verified"}, s.identity_verified...);
        v(FieldInfo{"tasks"}, s.tasks...);
        v(FieldInfo{"approvals"}, s.approvals...);
        v(FieldInfo{"satisfaction_history"}, s.satisfaction_history...);
        v(FieldInfo{"work_order"}, s.work_order...);
    }
};

/// @brief The fields of AuditEvent.
template <>
struct Fields<AuditEvent> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"ticket"}, s.ticket...);
        v(FieldInfo{"version"}, s.version...);
        v(FieldInfo{"at"}, s.at...);
        v(FieldInfo{"actor"}, s.actor...);
        v(FieldInfo{"action"}, s.action...);
        v(FieldInfo{"from"}, s.from...);
        v(FieldInfo{"to"}, s.to...);
        v(FieldInfo{"note"}, s.note...);
    }
};

/// @brief The fields of Notification.
template <>
struct Fields<Notification> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"ticket"}, s.ticket...);
        v(FieldInfo{"kind"}, s.kind...);
        v(FieldInfo{"audience"}, s.audience...);
        v(FieldInfo{"recipient"}, s.recipient...);
        v(FieldInfo{"at"}, s.at...);
        v(FieldInfo{"text"}, s.text...);
        v(FieldInfo{"idempotency_key"}, s.idempotency_key...);
    }
};

/// @brief The fields of OutboxRecord.
template <>
struct Fields<OutboxRecord> {
    /// @brief Calls @p v with each field of the objects @p s.
    template <class V, class... T>
    static constexpr void visit(V&& v, T&... s) {
        v(FieldInfo{"sequence"}, s.sequence...);
        v(FieldInfo{"notification"}, s.notification...);
        v(FieldInfo{"state"}, s.state...);
        v(FieldInfo{"attempts"}, s.attempts...);
        v(FieldInfo{"next_attempt"}, s.next_attempt...);
        v(FieldInfo{"last_error"}, s.last_error...);
        v(FieldInfo{"claimed_by"}, s.claimed_by...);
        v(FieldInfo{"claimed_until"}, s.claimed_until...);
    }
};
/// @brief True for the structs that have a field list (a Fields specialisation).
template <class S, class = void>
inline constexpr bool has_fields = false;
/// @cond SPECIALISATIONS
template <class S>
inline constexpr bool has_fields<S, std::void_t<decltype(Fields<S>{})>> = true;
/// @endcond

/// @brief Calls `visitor(FieldInfo, member)` for every field of @p object, in declaration
/// order; `member` is a reference (const when @p object is). Nested structs are passed
/// whole: a visitor that wants their fields calls visit_fields() on them.
template <class S, class Visitor, class = std::enable_if_t<has_fields<std::remove_const_t<S>>>>
constexpr void visit_fields(S& object, Visitor&& visitor) {
    Fields<std::remove_const_t<S>>::visit(visitor, object);
}

/// @brief Number of fields in the list of @p S (nested structs count as one).
template <class S>
inline constexpr std::size_t field_count = [] {
    struct Counter {
        std::size_t n = 0;
        constexpr void operator()(const FieldInfo&) { ++n; }
    } counter;
    Fields<S>::visit(counter);
    return counter.n;
}();

} // namespace ticketflow
