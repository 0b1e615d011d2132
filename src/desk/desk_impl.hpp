#pragma once
// The state every ServiceDesk command shares, and the checks and rules more than one
// topic needs. Commands live in one file per topic (intake, handling, feedback, visits,
// approvals, tasks, merge, monitor); each is {validate its input, name its action, apply
// its change} through the one write path in transaction.hpp.

#include "ticketflow/desk.hpp"

#include "core/validate.hpp"
#include "desk/change.hpp"
#include "desk/delivery.hpp"
#include "desk/messages.hpp"
#include "sla/engine.hpp"

#include <boost/container/small_vector.hpp>

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ticketflow {

namespace detail {
class Transaction;

// One ticket's share of its assignee's load.
struct LoadShare {
    std::string agent;
    double weight = 0;
    friend bool operator==(const LoadShare& a, const LoadShare& b) {
        return a.agent == b.agent && a.weight == b.weight;
    }
};

// Who is told about an escalation to `level`: team lead, then supervisor, then manager.
Role escalation_role(std::uint32_t level);
// Raises the ticket one level and tells the role above.
void escalate_one_level(Change& c, const std::string& reason);
// The changes of the assign and start actions (handling.cpp), which a recorded visit
// runs too.
void assign_change(Change& c, const std::string& assignee);
void start_change(Change& c);
// Ends the wait for the customer, if any (resume, resolve, merge): a ticket that no longer
// waits keeps no reason and no resume instant for the monitor to act on.
void leave_wait(Ticket& t);
// Records the customer's answer @p s at @p at: Ticket::satisfaction and one round of
// Ticket::satisfaction_history (feedback.cpp).
void record_answer(Ticket& t, const Satisfaction& s, Instant at);
class VaultedContacts;

// ServiceDesk's state: what every command shares.
struct DeskCore {
    std::shared_ptr<TicketStore> store;
    std::shared_ptr<Clock> clock;
    DeskConfig config;
    std::optional<RepeatDetector> repeats;
    std::unique_ptr<detail::Delivery> delivery;
    detail::Messages messages{*this}; // renders config.templates
    // Commands on one ticket queue up on its stripe instead of racing to commit.
    mutable std::array<std::mutex, 64> stripes;

    DeskCore(std::shared_ptr<TicketStore> s, std::shared_ptr<Clock> c, DeskConfig cfg, std::shared_ptr<Notifier> n);

    // --- the SLA engine, swapped whole by update_sla()
    std::shared_ptr<const detail::SlaEngine> make_engine(SlaPolicy policy,
                                                         std::shared_ptr<const SlaCalculator> calculator) const;
    std::shared_ptr<const detail::SlaEngine> engine() const {
        std::lock_guard lock(swap_mutex_);
        return engine_;
    }
    void set_engine(std::shared_ptr<const detail::SlaEngine> engine) { // the old one is released unlocked
        std::lock_guard lock(swap_mutex_);
        engine_.swap(engine);
    }
    // --- the calendar in use, swapped whole by replace_calendar()
    std::shared_ptr<const BusinessCalendar> calendar() const {
        std::lock_guard lock(swap_mutex_);
        return calendar_;
    }
    void set_calendar(std::shared_ptr<const BusinessCalendar> c) {
        std::lock_guard lock(swap_mutex_);
        calendar_.swap(c);
    }
    // Serializes update_sla() and replace_calendar(), which both swap the engine.
    std::mutex admin;

    // --- input checks, one place each
    const TextLimits& limits() const { return config.limits; }
    void check_actor(const Actor& actor) const;
    void check_ticket_id(const TicketId& id) const;
    void check_new_ticket(const NewTicket& request, Instant now) const;
    void check_tags(const std::vector<std::string>& tags) const;
    static void check_pseudonymous(std::string_view field, const std::string& id);
    void check_priority(const std::string& priority) const;
    static void check_satisfaction(const Satisfaction& s, std::size_t max_comment);
    // The instants the calendar holds, [first, until): where deadlines and local dates are
    // defined, so an instant a command plans with (an estimate, a pause's end) lies within.
    std::pair<Instant, Instant> horizon() const;
    void check_in_horizon(std::string_view field, Instant t) const;

    // --- permissions
    // Refuses before anything changes; the refused attempt is kept in the audit trail of
    // an existing ticket (a refused intake has no trail to keep it in).
    void authorize(const Actor& actor, Action action, const Ticket& t, Instant now, bool exists = true) const;
    [[noreturn]] void refuse(const Actor& actor, Action action, const Ticket& t, Instant now, const std::string& why,
                             bool exists = true) const;

    // --- reads
    // The stored ticket `id`, shared (no copy); NotFound when there is none.
    std::shared_ptr<const Ticket> read(const TicketId& id) const;

    // --- rules shared by several topics
    std::optional<detail::LoadShare> load_share(const Ticket& t) const;
    void update_loads(const std::optional<detail::LoadShare>& before,
                      const std::optional<detail::LoadShare>& after) const;
    bool auto_assign(detail::Change& c) const;
    std::optional<Instant> auto_close_at(const Ticket& t) const;
    std::optional<Instant> next_due(const detail::SlaEngine& sla, const Ticket& t) const;
    bool notifying() const { return delivery != nullptr; }

    // --- commands more than one public method runs
    // Drafts a new ticket in `tx`; a work order (a problem raised in a visit) is set before
    // its clocks start, since they are timed by its kind.
    void open_into(detail::Transaction& tx, const NewTicket& request, const CustomerRef& customer,
                   const std::optional<VisitDetails>& visit, const std::optional<WorkOrder>& work_order = std::nullopt);
    Ticket open_ticket(const Actor& actor, const NewTicket& request, const std::optional<VisitDetails>& visit);
    NewTicket derived_request(const Ticket& parent, NewTicket request) const;
    void close_into(detail::Transaction& tx, const TicketId& id, const CustomerFeedback& feedback);
    void cancel_into(detail::Transaction& tx, const TicketId& id, CloseReason reason, const std::string& note);
    Ticket decide_approval(const Actor& actor, const TicketId& id, std::uint32_t number, bool approved,
                           const std::string& note);
    std::size_t assign_waiting(Instant now);
    void check_due(TickReport& report, const TicketId& id, Instant now);
    void check_due_batch(TickReport& report, const std::vector<TicketId>& ids, Instant now);
    bool check_together(TickReport& report, const std::vector<std::shared_ptr<const Ticket>>& tickets, Instant now);

private:
    // Read by every command, swapped rarely: a plain mutex held for a pointer copy is
    // cheaper than std::atomic_load's lock pool.
    mutable std::mutex swap_mutex_;
    std::shared_ptr<const detail::SlaEngine> engine_;
    std::shared_ptr<const BusinessCalendar> calendar_;
};

// Contact details given at intake go to the ContactVault before the transaction (the
// ticket keeps only the token); unless keep() is called, the destructor erases them again,
// so a command that fails leaves nothing in the vault either.
class VaultedContacts {
public:
    explicit VaultedContacts(const DeskCore& desk) : desk_(desk) {}
    ~VaultedContacts();
    VaultedContacts(const VaultedContacts&) = delete;
    VaultedContacts& operator=(const VaultedContacts&) = delete;

    // Checks and vaults the request's contact details; its customer reference is then
    // customer(i) for the i-th request added.
    void add(const NewTicket& request);
    const CustomerRef& customer(std::size_t i) const { return customers_.at(i); }
    void keep() noexcept { vaulted_.clear(); }

private:
    const DeskCore& desk_;
    // An intake vaults one request's contacts, a visit record or feedback a few.
    boost::container::small_vector<CustomerRef, 2> customers_;
    boost::container::small_vector<std::string, 2> vaulted_;
};

} // namespace detail

} // namespace ticketflow
