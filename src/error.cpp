#include "ticketflow/error.hpp"

namespace ticketflow {

const char* to_string(ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::invalid_transition: return "invalid_transition";
    case ErrorCode::guard_rejected: return "guard_rejected";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::concurrency_conflict: return "concurrency_conflict";
    case ErrorCode::permission_denied: return "permission_denied";
    case ErrorCode::calendar_error: return "calendar_error";
    case ErrorCode::storage_error: return "storage_error";
    }
    return "unknown";
}

Error::Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

ValidationError::ValidationError(const std::string& field, const std::string& problem)
    : Error(ErrorCode::invalid_argument, field + ": " + problem), field_(field) {}

NotFound::NotFound(const std::string& what) : Error(ErrorCode::not_found, what + " not found") {}

ConcurrencyConflict::ConcurrencyConflict(const std::string& message)
    : Error(ErrorCode::concurrency_conflict, message) {}

PermissionDenied::PermissionDenied(const std::string& message) : Error(ErrorCode::permission_denied, message) {}

CalendarError::CalendarError(const std::string& message) : Error(ErrorCode::calendar_error, message) {}

StorageError::StorageError(const std::string& message) : Error(ErrorCode::storage_error, message) {}

} // namespace ticketflow
