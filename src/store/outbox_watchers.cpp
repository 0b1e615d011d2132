#include "store/outbox_watchers.hpp"

#include <algorithm>

namespace ticketflow::detail {

class OutboxWatchers::Watch final : public OutboxWatch {
public:
    Watch(std::shared_ptr<OutboxWatchers> owner, std::uint64_t id) : owner_(std::move(owner)), id_(id) {}
    ~Watch() override { owner_->remove(id_); }

private:
    std::shared_ptr<OutboxWatchers> owner_; // a watch may outlive its store
    std::uint64_t id_;
};

std::unique_ptr<OutboxWatch> OutboxWatchers::add(std::function<void()> on_rows) {
    std::uint64_t id = 0;
    {
        std::lock_guard lock(mutex_);
        id = ++last_id_;
        watches_.emplace_back(id, std::move(on_rows));
        any_ = true;
    }
    return std::make_unique<Watch>(shared_from_this(), id);
}

void OutboxWatchers::remove(std::uint64_t id) noexcept {
    std::lock_guard lock(mutex_);
    watches_.erase(std::remove_if(watches_.begin(), watches_.end(), [id](const auto& w) { return w.first == id; }),
                   watches_.end());
    any_ = !watches_.empty();
}

void OutboxWatchers::tell() noexcept {
    if (!any_.load(std::memory_order_relaxed)) return;
    std::lock_guard lock(mutex_);
    for (const auto& watch : watches_) {
        try {
            watch.second();
        } catch (...) {
            // A hint only: a throwing callback must not fail a commit already applied.
        }
    }
}

} // namespace ticketflow::detail
