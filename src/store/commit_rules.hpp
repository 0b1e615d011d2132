#pragma once
// The TicketStore contract's checks of a commit and of an outbox watch, shared by the
// built-in stores so that every store refuses the same calls with the same errors.

#include "ticketflow/error.hpp"
#include "ticketflow/store.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ticketflow::detail {

// A malformed commit: ValidationError.
inline void check_commit(const Commit& c) {
    if (c.ticket.version != c.expected_version + 1)
        throw ValidationError("commit.ticket.version", "must be expected_version + 1");
    if (c.events.empty()) throw ValidationError("commit.events", "a commit needs at least one audit event");
    if (c.sequence && (c.sequence->name.empty() || c.sequence->value == 0))
        throw ValidationError("commit.sequence", "needs a counter name and a value of at least 1");
}

// Each commit of a group well formed and of its own ticket: ValidationError.
// A group is a command's tickets, a handful: compared pairwise, without allocating.
inline void check_commit_group(const std::vector<Commit>& commits) {
    for (std::size_t i = 0; i < commits.size(); ++i) {
        check_commit(commits[i]);
        for (std::size_t j = 0; j < i; ++j)
            if (commits[j].ticket.id == commits[i].ticket.id)
                throw ValidationError("commits", "ticket " + commits[i].ticket.id + " appears in more than one commit");
    }
}

// A commit based on another version than the stored one (`stored` is 0 and `exists`
// false for a ticket not stored yet): ConcurrencyConflict.
inline void check_stored_version(const Commit& c, std::uint64_t stored, bool exists) {
    if (stored == c.expected_version && !(c.expected_version == 0 && exists)) return;
    throw ConcurrencyConflict("ticket " + c.ticket.id + ": expected version " + std::to_string(c.expected_version) +
                              (exists ? ", stored version is " + std::to_string(stored) : ", but it does not exist") +
                              (c.expected_version == 0 && exists ? " (the id is taken)" : ""));
}

// A counter that does not stand one below the value a commit advances it to (`current`
// is 0 for a counter never advanced): ConcurrencyConflict, so the writer takes the next.
inline void check_sequence_step(const SequenceStep& step, std::uint64_t current) {
    if (current + 1 == step.value) return;
    throw ConcurrencyConflict("counter " + step.name + " stands at " + std::to_string(current) + ", not " +
                              std::to_string(step.value - 1));
}

// True when a group writes outbox rows: what a store's outbox watches are told of.
inline bool writes_outbox(const std::vector<Commit>& commits) {
    return std::any_of(commits.begin(), commits.end(), [](const Commit& c) { return !c.notifications.empty(); });
}

// watch_outbox() without a callback: ValidationError, whether or not the store can watch.
inline void check_outbox_callback(const std::function<void()>& on_rows) {
    if (!on_rows) throw ValidationError("on_rows", "is required");
}

} // namespace ticketflow::detail
