#pragma once
// Decoded tickets by id, each entry valid for exactly one stored version. load() reads
// the row's version and payload; when the version is the cached one it skips decoding
// the JSON payload, which otherwise is the largest cost of a read.
//
// Only committed content is cached: a stored (id, version) never changes afterwards, so
// a version match is proof of a current entry, even with other processes writing. Tickets
// written inside an uncommitted batch stay out of the cache.

#include "ticketflow/ticket.hpp"

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace ticketflow::detail {

class TicketCache {
public:
    explicit TicketCache(std::size_t capacity) : capacity_(capacity) {}

    // A copy of ticket `id` if version `version` of it is cached.
    std::optional<Ticket> find(const TicketId& id, std::uint64_t version) const;
    // Remembers `ticket` (committed content), replacing any other version of it.
    void put(const Ticket& ticket);

private:
    using Order = std::list<Ticket>; // most recently used first
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    mutable Order order_;
    std::unordered_map<TicketId, Order::iterator> index_;
};

} // namespace ticketflow::detail
