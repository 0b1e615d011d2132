#include "store/outbox_watchers.hpp"

#include "ticketflow/error.hpp"

#include <algorithm>

namespace ticketflow::detail {

class OutboxWatchers::Watch final : public OutboxWatch {
public:
    Watch(std::shared_ptr<OutboxWatchers> owner, std::shared_ptr<Entry> entry)
        : owner_(std::move(owner)), entry_(std::move(entry)) {}
    ~Watch() override { owner_->remove(entry_); }

private:
    std::shared_ptr<OutboxWatchers> owner_; // a watch may outlive its store
    std::shared_ptr<Entry> entry_;
};

std::unique_ptr<OutboxWatch> OutboxWatchers::add(std::function<void()> on_rows) {
    if (!on_rows) throw ValidationError("on_rows", "is required");
    auto entry = std::make_shared<Entry>();
    entry->on_rows = std::move(on_rows);
    {
        std::lock_guard lock(mutex_);
        entries_.push_back(entry);
        any_ = true;
    }
    return std::make_unique<Watch>(shared_from_this(), std::move(entry));
}

void OutboxWatchers::remove(const std::shared_ptr<Entry>& entry) noexcept {
    {
        std::lock_guard lock(mutex_);
        entries_.erase(std::remove(entries_.begin(), entries_.end(), entry), entries_.end());
        any_ = !entries_.empty();
    }
    // A tell() that took the entry before it was removed calls it no more after this.
    std::lock_guard calling(entry->calling);
    entry->ended = true;
}

void OutboxWatchers::tell() noexcept {
    if (!any_.load(std::memory_order_relaxed)) return;
    std::vector<std::shared_ptr<Entry>> entries;
    try {
        std::lock_guard lock(mutex_);
        entries = entries_;
    } catch (...) {
        return; // out of memory: the watchers' next poll finds the rows
    }
    for (const auto& entry : entries) {
        std::lock_guard calling(entry->calling);
        if (entry->ended) continue;
        try {
            entry->on_rows();
        } catch (...) {
            // A hint only: a throwing callback must not fail a commit already applied.
        }
    }
}

} // namespace ticketflow::detail
