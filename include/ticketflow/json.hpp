#pragma once
/// @file json.hpp
/// @brief The JSON form of tickets, audit events, notifications and outbox records,
/// through nlohmann-json: `nlohmann::json j = ticket;` and `j.get<ticketflow::Ticket>()`.
///
/// The form follows the field lists of ticketflow/ticket_fields.hpp: one member per
/// field, named as the field, objects for nested structs (a SatisfactionRound's verdict
/// is written into the round's own object), arrays for lists, `null` for an unset
/// optional. Times are UTC in ISO 8601 with a Z suffix, e.g. `"2024-05-20T06:30:00Z"`;
/// enums are the stable names of their to_string() functions.
///
/// Encoding writes every member, so consumers see one stable shape. Decoding treats a
/// missing or null member as its default value, so a document written before a member
/// existed still reads (a missing StageTimes::updated is taken from `recorded`). A member
/// of the wrong type, an unknown enum name, a number out of range or a malformed time
/// throws ValidationError whose field() is the member's path, e.g. `times.resolved` or
/// `satisfaction_history[2].score` (`ticket`, `event`, … for the document itself); nothing
/// else is thrown by decoding. Text members are taken as they are: nlohmann's dump()
/// refuses text that is not UTF-8.
///
/// nlohmann-json (3.10 or later) is a public dependency of this header; the CMake target
/// ticketflow::ticketflow brings it. All functions are pure and thread-safe.
///
/// @snippet header_examples_test.cpp ticket-json

#include "ticketflow/audit.hpp"
#include "ticketflow/clock.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/store.hpp"
#include "ticketflow/ticket.hpp"
#include "ticketflow/ticket_fields.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <type_traits>

namespace ticketflow {

/// @brief Parses a name produced by `to_string(E)`, for every enum with an enum_count.
/// @throws ValidationError naming @p field and the names accepted, for any other text.
template <class E, class = std::enable_if_t<(enum_count<E> > 0)>>
E parse_name(const std::string& name, const std::string& field) {
    for (std::size_t i = 0; i < enum_count<E>; ++i)
        if (name == to_string(static_cast<E>(i))) return static_cast<E>(i);
    std::string expected;
    for (std::size_t i = 0; i < enum_count<E>; ++i)
        expected += (i ? ", " : "") + std::string(to_string(static_cast<E>(i)));
    throw ValidationError(field, "unknown value '" + name + "' (expected one of: " + expected + ")");
}

/// @brief The JSON form of a ticket.
TICKETFLOW_API void to_json(nlohmann::json& json, const Ticket& ticket);
/// @brief Reads a ticket. @throws ValidationError naming the member's path.
TICKETFLOW_API void from_json(const nlohmann::json& json, Ticket& ticket);
/// @brief The JSON form of an audit event.
TICKETFLOW_API void to_json(nlohmann::json& json, const AuditEvent& event);
/// @brief Reads an audit event. @throws ValidationError naming the member's path.
TICKETFLOW_API void from_json(const nlohmann::json& json, AuditEvent& event);
/// @brief The JSON form of a notification.
TICKETFLOW_API void to_json(nlohmann::json& json, const Notification& notification);
/// @brief Reads a notification. @throws ValidationError naming the member's path.
TICKETFLOW_API void from_json(const nlohmann::json& json, Notification& notification);
/// @brief The JSON form of an outbox record, its notification nested.
TICKETFLOW_API void to_json(nlohmann::json& json, const OutboxRecord& record);
/// @brief Reads an outbox record. @throws ValidationError naming the member's path.
TICKETFLOW_API void from_json(const nlohmann::json& json, OutboxRecord& record);

} // namespace ticketflow

/// @cond SPECIALISATIONS
namespace nlohmann {

/// Instants as format_instant() writes them.
template <>
struct adl_serializer<ticketflow::Instant> {
    static void to_json(json& j, ticketflow::Instant t) { j = ticketflow::format_instant(t); }
    static void from_json(const json& j, ticketflow::Instant& t) {
        if (!j.is_string()) throw ticketflow::ValidationError("time", "must be a time like 2024-05-20T06:30:00Z");
        t = ticketflow::parse_instant(j.get_ref<const std::string&>(), "time");
    }
};

/// Enums as their stable names (instead of nlohmann's default, the number); anything but
/// one of the names throws ValidationError (field `value`).
template <class E>
struct adl_serializer<E, std::enable_if_t<(ticketflow::enum_count<E> > 0)>> {
    static void to_json(json& j, E value) { j = ticketflow::to_string(value); }
    static void from_json(const json& j, E& value) {
        if (!j.is_string()) throw ticketflow::ValidationError("value", "must be a string");
        value = ticketflow::parse_name<E>(j.get_ref<const std::string&>(), "value");
    }
};

/// An unset optional is null, and null reads as unset.
template <class T>
struct adl_serializer<std::optional<T>> {
    static void to_json(json& j, const std::optional<T>& value) {
        if (value)
            j = *value;
        else
            j = nullptr;
    }
    static void from_json(const json& j, std::optional<T>& value) {
        if (j.is_null())
            value.reset();
        else
            value = j.get<T>();
    }
};

} // namespace nlohmann
/// @endcond
