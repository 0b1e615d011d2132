#pragma once
// The inside of AgentDirectory, shared by the directory and the Assigner (which reads it
// under the directory's read lock while a strategy picks).

#include "ticketflow/routing.hpp"

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace ticketflow {

namespace detail {

// An agent's load and the order of its latest assignment.
struct LoadState {
    AgentLoad load;
    std::uint64_t last_assigned = 0;
};

struct AgentRecord {
    Agent agent;
    int shift = -1;            // index into DirectoryState::shifts; -1 = always on shift
    LoadState* load = nullptr; // into DirectoryState::loads (unordered_map nodes never move)
};

// Per-call memo of "is shift calendar i working at now": agents sharing a calendar share
// one lookup.
class ShiftCache {
public:
    ShiftCache(const std::vector<BusinessCalendar>& shifts, Instant now)
        : shifts_(shifts), now_(now), known_(shifts.size(), -1) {}

    bool on_shift(int shift) const {
        if (shift < 0) return true;
        signed char& known = known_[static_cast<std::size_t>(shift)];
        if (known < 0) known = working(shifts_[static_cast<std::size_t>(shift)]) ? 1 : 0;
        return known == 1;
    }

private:
    bool working(const BusinessCalendar& calendar) const;

    const std::vector<BusinessCalendar>& shifts_;
    Instant now_;
    mutable std::vector<signed char> known_; // -1 unknown, 0 off, 1 on
};

// Eligibility of one record at the cache's instant; the calendar is asked last.
inline Eligibility eligibility_of(const AgentRecord& record, const ShiftCache& shifts) {
    if (!record.agent.available) return Eligibility::unavailable;
    if (record.load->load.open_tickets >= record.agent.capacity) return Eligibility::at_capacity;
    if (!shifts.on_shift(record.shift)) return Eligibility::off_shift;
    return Eligibility::eligible;
}

struct DirectoryState {
    mutable std::shared_mutex mutex;
    std::vector<AgentRecord> records;                                        // directory order
    std::unordered_map<std::string, std::size_t> by_id;                      // id -> index in records
    std::unordered_map<std::string, std::vector<std::size_t>> by_department; // -> indices, in order
    std::vector<BusinessCalendar> shifts;                                    // distinct shift calendars
    std::unordered_map<std::string, LoadState> loads;                        // by agent id, listed or not
    std::uint64_t assignments = 0;                                           // on_assigned() calls so far

    // The following REQUIRE the exclusive lock.
    void append(Agent agent);
    int shift_index(const std::optional<BusinessCalendar>& shift);
    void reindex(); // after a removal or a change of department or shift
};

} // namespace detail

} // namespace ticketflow
