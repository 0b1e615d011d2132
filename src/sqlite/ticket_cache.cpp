#include "sqlite/ticket_cache.hpp"

namespace ticketflow::detail {

std::optional<Ticket> TicketCache::find(const TicketId& id, std::uint64_t version) const {
    std::lock_guard lock(mutex_);
    auto it = index_.find(id);
    if (it == index_.end() || it->second->version != version) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return *it->second;
}

void TicketCache::put(const Ticket& ticket) {
    if (capacity_ == 0) return;
    Ticket copy = ticket; // outside the lock
    std::lock_guard lock(mutex_);
    auto it = index_.find(copy.id);
    if (it != index_.end()) {
        *it->second = std::move(copy);
        order_.splice(order_.begin(), order_, it->second);
        return;
    }
    order_.push_front(std::move(copy));
    index_.emplace(order_.front().id, order_.begin());
    if (order_.size() > capacity_) {
        index_.erase(order_.back().id);
        order_.pop_back();
    }
}

} // namespace ticketflow::detail
