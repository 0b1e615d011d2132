// 重复问题合并: a duplicate closed into its primary, both tickets in one transaction.

#include "desk/messages.hpp"
#include "desk/observed.hpp"
#include "desk/transaction.hpp"

#include <algorithm>

namespace ticketflow {

using detail::Change;
using detail::check_list_size;
using detail::check_text;
using detail::Transaction;

namespace {

// Adds to `into` the entries of `from` it lacks, within `limit`.
void absorb(std::vector<std::string>& into, const std::vector<std::string>& from, std::size_t limit, const char* field,
            const TicketId& id) {
    for (const auto& item : from)
        if (std::find(into.begin(), into.end(), item) == into.end()) into.push_back(item);
    if (into.size() > limit)
        throw ValidationError(field, "merging would give ticket " + id + " more than " + std::to_string(limit));
}

void erase_duplicate_links(Ticket& t, const TicketId& target_or_any) {
    auto& links = t.links;
    links.erase(std::remove_if(links.begin(), links.end(),
                               [&](const TicketLink& l) {
                                   return l.kind == LinkKind::duplicate_of &&
                                          (target_or_any.empty() || l.target == target_or_any);
                               }),
                links.end());
}

} // namespace

MergeOutcome ServiceDesk::merge(const Actor& actor, const TicketId& dup_id, const TicketId& primary_id,
                                const std::string& note) {
    return detail::observed(impl_->config.observer.get(), Command::merge, actor.id, dup_id, [&] {
        const auto& lim = impl_->limits();
        check_text("note", note, lim.long_text);
        if (dup_id == primary_id)
            throw ValidationError("primary", "ticket " + dup_id + " cannot be merged into itself");
        auto tx = detail::transact(*impl_, actor, impl_->clock->now(), {dup_id, primary_id}, [&](Transaction& tx) {
            tx.draft(dup_id); // the duplicate is written first, as it is the one that changes status
            // Checked first for a clear error; the lifecycle would refuse the note below anyway.
            if (tx.draft(primary_id).status == Status::closed)
                throw ValidationError("primary", "ticket " + primary_id + " is closed; merge into an open ticket");
            // The duplicate's customer is told to follow the primary, whose news go to its own.
            if (tx.draft(primary_id).customer.id != tx.draft(dup_id).customer.id)
                throw ValidationError("primary", "ticket " + primary_id + " belongs to another customer than ticket " +
                                                     dup_id + "; merge only a customer's own tickets");
            const Ticket& dup = tx.act(dup_id, Action::merge, [&](Change& d) {
                Ticket& t = d.ticket;
                for (const auto& approval : t.approvals)
                    if (approval.state == ApprovalState::pending)
                        throw ValidationError("duplicate", "ticket " + dup_id + " has solution #" +
                                                               std::to_string(approval.number) +
                                                               " waiting for approval; approve or deny it first");
                d.note = "merged into " + primary_id + (note.empty() ? "" : ": " + note);
                erase_duplicate_links(t, {});
                t.links.push_back({LinkKind::duplicate_of, primary_id});
                detail::leave_wait(t); // closed, it waits for nobody
                t.close_reason = CloseReason::duplicate;
                t.times.closed = d.now;
                d.notify_customer(NotificationKind::cancelled, [&] { return d.messages->merged(t, primary_id); });
            });
            const std::string dup_description = dup.description;
            const auto dup_attachments = dup.attachments;
            const auto dup_tags = dup.tags;
            tx.act(primary_id, Action::add_note, [&](Change& p) {
                Ticket& primary = p.ticket;
                p.note =
                    "merged duplicate " + dup_id + ": " + dup_description + (note.empty() ? "" : " (" + note + ")");
                erase_duplicate_links(primary, dup_id); // the roles are settled now
                const TicketLink back{LinkKind::related_to, dup_id};
                if (std::find(primary.links.begin(), primary.links.end(), back) == primary.links.end())
                    primary.links.push_back(back);
                absorb(primary.attachments, dup_attachments, lim.max_list, "attachments", primary_id);
                absorb(primary.tags, dup_tags, lim.max_list, "tags", primary_id);
                check_list_size("links", primary.links.size(), lim.max_list);
            });
        });
        return MergeOutcome{tx.take(dup_id), tx.take(primary_id)};
    });
}

} // namespace ticketflow
