#pragma once
// The one way the library calls a DeskObserver hook: only when there is an observer, and
// whatever the hook throws is dropped, so an observer never changes what it observes
// (observer.hpp).

#include "ticketflow/observer.hpp"

#include <exception>
#include <optional>

namespace ticketflow::detail {

template <class Hook>
void observe(DeskObserver* observer, Hook&& hook) noexcept {
    if (!observer) return;
    try {
        hook(*observer);
    } catch (...) {
        // Dropped by design: see observer.hpp.
    }
}

// The ErrorCode of a ticketflow::Error; unset for any other exception.
std::optional<ErrorCode> error_code_of(const std::exception_ptr& error) noexcept;

} // namespace ticketflow::detail
