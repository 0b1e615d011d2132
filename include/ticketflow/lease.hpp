#pragma once
/// @file lease.hpp
/// @brief Claims on shared work, for several desks (threads, processes, servers) on one
/// store: each due entry and each outbox row is handled by the one desk that claimed it.

#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"

#include <chrono>
#include <string>

namespace ticketflow {

/// @brief A claim: who holds it and when it lapses. A claim whose holder dies is taken
/// over by another owner once it has lapsed.
struct Lease {
    std::string owner; ///< Who holds the claim: unique per desk or dispatcher instance.
    Instant until;     ///< When the claim lapses.
};

/// @brief How a desk's monitor and dispatcher claim work on a shared store
/// (DeskConfig::claims), or a standalone OutboxDispatcher its rows.
struct ClaimOptions {
    /// @brief This instance's name in claims; empty = a generated one (random, unique per
    /// instance). Give a stable name (e.g. host and process) to see in the store who holds
    /// what.
    std::string owner;
    /// @brief How long a claim holds: longer than one delivery pass or monitor check takes,
    /// and the delay after which the work of a dead instance is taken over. Must be
    /// positive.
    Duration lease = std::chrono::seconds(60);
};

/// @brief A new random owner name, `desk-` followed by 16 hexadecimal digits.
TICKETFLOW_API std::string generated_owner();

} // namespace ticketflow
