#pragma once
/// @file clock.hpp
/// @brief Time as ticketflow sees it: instants, durations and the injectable Clock.
///
/// The library never reads wall time on its own: every component that needs "now" is
/// handed a Clock, so tests and simulations run on a ManualClock without sleeping.

#include "ticketflow/export.hpp"

#include <atomic>
#include <chrono>
#include <string>

namespace ticketflow {

/// @brief Length of time, in seconds.
using Duration = std::chrono::seconds;

/// @brief A point in time (UTC, seconds since the Unix epoch).
using Instant = std::chrono::time_point<std::chrono::system_clock, Duration>;

/// @brief @p t as `"2024-05-20T06:30:00Z"` (ISO 8601, UTC, seconds): the form of times
/// in JSON (ticketflow/json.hpp) and in messages.
TICKETFLOW_API std::string format_instant(Instant t);
/// @brief Parses format_instant()'s form.
/// @throws ValidationError naming @p field when @p text is not a valid UTC time of that form.
TICKETFLOW_API Instant parse_instant(const std::string& text, const std::string& field = "time");

/// @brief Source of the current time.
///
/// Thread-safety: implementations must allow concurrent calls to now(), since a
/// ServiceDesk calls it from every thread that issues commands.
class TICKETFLOW_API Clock {
public:
    virtual ~Clock() = default;
    /// @brief The current instant.
    virtual Instant now() const = 0;
};

/// @brief The operating system's real-time clock, truncated to seconds.
class TICKETFLOW_API SystemClock final : public Clock {
public:
    /// @brief Current wall time.
    Instant now() const override;
};

/// @brief A clock that only moves when told to; for tests and simulations.
///
/// Thread-safe: set() and advance() may race with now() from other threads.
class TICKETFLOW_API ManualClock final : public Clock {
public:
    /// @brief Starts the clock at @p start.
    explicit ManualClock(Instant start = Instant{}) noexcept : now_(start.time_since_epoch().count()) {}
    /// @brief The instant last set.
    Instant now() const override { return Instant{Duration{now_.load()}}; }
    /// @brief Moves the clock to @p t (which may be earlier than now()).
    void set(Instant t) noexcept { now_.store(t.time_since_epoch().count()); }
    /// @brief Moves the clock forward by @p d.
    void advance(Duration d) noexcept { now_.fetch_add(d.count()); }

private:
    std::atomic<Duration::rep> now_;
};

} // namespace ticketflow
