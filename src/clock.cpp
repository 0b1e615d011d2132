#include "ticketflow/clock.hpp"

namespace ticketflow {

Instant SystemClock::now() const { return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()); }

} // namespace ticketflow
