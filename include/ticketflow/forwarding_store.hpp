#pragma once
/// @file forwarding_store.hpp
/// @brief ForwardingStore: a TicketStore that hands every call to another store, the base
/// for a store that changes only a few calls.

#include "ticketflow/store.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ticketflow {

/// @brief A TicketStore that forwards every call, load_shared() included, to a wrapped
/// store (its target()).
///
/// Derive from it to change a few calls and keep the rest: count or time calls, add a
/// cache, fail a call in a test, publish commits to a message bus. An override that
/// still wants the original behaviour calls the base's method (or target() directly).
/// The model is leveldb's `EnvWrapper`.
///
/// Thread-safety and errors are the target's: ForwardingStore adds no state and no lock.
/// A subclass that adds state makes it as thread-safe as TicketStore requires.
///
/// A host's own store on this base, checked with the `testkit` component
/// (examples/custom_store.cpp):
/// @snippet custom_store.cpp audited-store
class ForwardingStore : public TicketStore {
public:
    /// @brief Forwards to @p target, which must not be null (the calls dereference it).
    explicit ForwardingStore(std::shared_ptr<TicketStore> target) : target_(std::move(target)) {}

    /// @brief The wrapped store.
    const std::shared_ptr<TicketStore>& target() const noexcept { return target_; }

    void commit_all(const std::vector<Commit>& commits) override { target_->commit_all(commits); }
    void append_audit(const AuditEvent& event) override { target_->append_audit(event); }
    std::optional<Ticket> load(const TicketId& id) const override { return target_->load(id); }
    std::shared_ptr<const Ticket> load_shared(const TicketId& id) const override { return target_->load_shared(id); }
    std::vector<std::shared_ptr<const Ticket>> load_many(const std::vector<TicketId>& ids) const override {
        return target_->load_many(ids);
    }
    void scan(const TicketQuery& query, const std::function<bool(const Ticket&)>& visit) const override {
        target_->scan(query, visit);
    }
    std::vector<AuditEvent> history(const TicketId& id) const override { return target_->history(id); }
    std::vector<DueEntry> due_until(Instant until, std::size_t limit) const override {
        return target_->due_until(until, limit);
    }
    std::vector<DueEntry> claim_due(Instant now, std::size_t limit, const Lease& lease) override {
        return target_->claim_due(now, limit, lease);
    }
    std::uint64_t sequence_value(const std::string& name) const override { return target_->sequence_value(name); }
    std::vector<OutboxRecord> outbox_pending(std::size_t limit) const override {
        return target_->outbox_pending(limit);
    }
    std::vector<OutboxRecord> outbox_claim(Instant now, std::size_t limit, const Lease& lease) override {
        return target_->outbox_claim(now, limit, lease);
    }
    void outbox_release(const std::vector<std::uint64_t>& sequences, const std::string& owner) override {
        target_->outbox_release(sequences, owner);
    }
    void outbox_delivered(std::uint64_t sequence) override { target_->outbox_delivered(sequence); }
    void outbox_failed(std::uint64_t sequence, const std::string& error, std::optional<Instant> retry_at) override {
        target_->outbox_failed(sequence, error, retry_at);
    }
    std::vector<OutboxRecord> outbox_dead(std::size_t limit) const override { return target_->outbox_dead(limit); }
    void outbox_requeue(std::uint64_t sequence, Instant at) override { target_->outbox_requeue(sequence, at); }
    std::unique_ptr<OutboxWatch> watch_outbox(std::function<void()> on_rows) override {
        return target_->watch_outbox(std::move(on_rows));
    }

private:
    std::shared_ptr<TicketStore> target_;
};

} // namespace ticketflow
