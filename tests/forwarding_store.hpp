#pragma once
// A TicketStore that hands every call to an inner MemoryStore. Tests derive from it and
// override only the calls they count, fail or watch.

#include "ticketflow/store.hpp"

#include <memory>

namespace ticketflow::testing {

class ForwardingStore : public TicketStore {
public:
    std::shared_ptr<MemoryStore> inner = std::make_shared<MemoryStore>();

    void commit_all(const std::vector<Commit>& cs) override { inner->commit_all(cs); }
    void append_audit(const AuditEvent& e) override { inner->append_audit(e); }
    std::optional<Ticket> load(const TicketId& id) const override { return inner->load(id); }
    void scan(const TicketQuery& q, const std::function<bool(const Ticket&)>& v) const override { inner->scan(q, v); }
    std::vector<AuditEvent> history(const TicketId& id) const override { return inner->history(id); }
    std::vector<DueEntry> due_until(Instant t, std::size_t n) const override { return inner->due_until(t, n); }
    std::vector<DueEntry> claim_due(Instant now, std::size_t n, const Lease& l) override {
        return inner->claim_due(now, n, l);
    }
    std::vector<OutboxRecord> outbox_claim(Instant now, std::size_t n, const Lease& l) override {
        return inner->outbox_claim(now, n, l);
    }
    void outbox_release(const std::vector<std::uint64_t>& s, const std::string& owner) override {
        inner->outbox_release(s, owner);
    }
    std::uint64_t sequence_value(const std::string& name) const override { return inner->sequence_value(name); }
    std::vector<OutboxRecord> outbox_pending(std::size_t n) const override { return inner->outbox_pending(n); }
    void outbox_delivered(std::uint64_t s) override { inner->outbox_delivered(s); }
    void outbox_failed(std::uint64_t s, const std::string& e, std::optional<Instant> r) override {
        inner->outbox_failed(s, e, r);
    }
    std::vector<OutboxRecord> outbox_dead(std::size_t n) const override { return inner->outbox_dead(n); }
    void outbox_requeue(std::uint64_t s, Instant at) override { inner->outbox_requeue(s, at); }
};

} // namespace ticketflow::testing
