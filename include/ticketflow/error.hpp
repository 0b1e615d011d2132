#pragma once
/// @file error.hpp
/// @brief The typed errors every ticketflow call may throw.
///
/// All errors derive from ticketflow::Error, which carries an ErrorCode so a host can
/// map them to its own responses without string matching. A call that throws leaves the
/// ticket, the store and the outbox exactly as they were before the call.

#include "ticketflow/export.hpp"

#include <stdexcept>
#include <string>

namespace ticketflow {

/// @brief Machine-readable category of an Error.
enum class ErrorCode {
    invalid_argument,     ///< A command or value failed validation (see ValidationError).
    invalid_transition,   ///< The action is not allowed in the ticket's current state.
    guard_rejected,       ///< The action is allowed in the state, but a precondition failed.
    not_found,            ///< The ticket (or other record) does not exist.
    concurrency_conflict, ///< A commit was based on a stale version of the ticket.
    permission_denied,    ///< The actor may not perform the command.
    calendar_error,       ///< A business calendar could not be loaded or queried.
    storage_error,        ///< The store failed (I/O, corruption, incompatible schema).
};

/// @brief Returns the stable lower-case name of @p code, e.g. `"invalid_transition"`.
TICKETFLOW_API const char* to_string(ErrorCode code) noexcept;

/// @brief Base class of every exception thrown by ticketflow.
class TICKETFLOW_API Error : public std::runtime_error {
public:
    /// @brief Creates an error of category @p code with a human-readable @p message.
    Error(ErrorCode code, const std::string& message);
    /// @brief The machine-readable category.
    ErrorCode code() const noexcept { return code_; }

private:
    ErrorCode code_;
};

/// @brief Input that failed validation; names the offending field.
class TICKETFLOW_API ValidationError : public Error {
public:
    /// @brief @p field is the name of the invalid field, @p problem says what is wrong.
    ValidationError(const std::string& field, const std::string& problem);
    /// @brief Name of the invalid field, e.g. `"description"`.
    const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

/// @brief A record (usually a ticket) that does not exist.
class TICKETFLOW_API NotFound : public Error {
public:
    /// @brief @p what describes the missing record, e.g. `"ticket 20240520001"`.
    explicit NotFound(const std::string& what);
};

/// @brief A commit based on a stale version was rejected; nothing was written.
class TICKETFLOW_API ConcurrencyConflict : public Error {
public:
    /// @brief @p message names the ticket and the versions involved.
    explicit ConcurrencyConflict(const std::string& message);
};

/// @brief The actor is not allowed to perform the command.
class TICKETFLOW_API PermissionDenied : public Error {
public:
    /// @brief @p message names the actor and the refused command.
    explicit PermissionDenied(const std::string& message);
};

/// @brief A business calendar file or definition is invalid, or a query is out of range.
class TICKETFLOW_API CalendarError : public Error {
public:
    /// @brief @p message names the source (file, line or field) and the problem.
    explicit CalendarError(const std::string& message);
};

/// @brief The storage back-end failed; the failed commit wrote nothing.
class TICKETFLOW_API StorageError : public Error {
public:
    /// @brief @p message describes the failure.
    explicit StorageError(const std::string& message);
};

} // namespace ticketflow
