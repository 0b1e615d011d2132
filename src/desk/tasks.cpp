// Cross-department collaboration (跨部门协作, seed 003): a task with an owner and a due
// time; its owner is told when it is given and once when it is late.

#include "desk/observed.hpp"
#include "desk/transaction.hpp"

#include <algorithm>

namespace ticketflow {

using detail::Change;
using detail::check_list_size;
using detail::check_text;
using detail::run;

namespace detail {

// Tells each owner once that their collaboration task is late.
void flag_overdue_tasks(Change& c) {
    for (auto& task : c.ticket.tasks) {
        if (task.completed || task.overdue_notified || c.now <= task.due) continue;
        task.overdue_notified = true;
        // Recorded at the instant it fell due, however late the monitor notices.
        const std::size_t before = c.notifications.size();
        c.record(Action::sla_breach,
                 "collaboration task #" + std::to_string(task.number) + " (" + task.department + ") overdue", task.due);
        c.notify_staff(NotificationKind::task_overdue, task.owner,
                       [&] { return c.messages->task_overdue(c.ticket, task, c.now); });
        c.stamp_since(before, task.due);
    }
}

} // namespace detail

Ticket ServiceDesk::add_task(const Actor& actor, const TicketId& id, const TaskRequest& task) {
    return detail::observed(impl_->config.observer.get(), Command::add_task, actor.id, id, [&] {
        const auto& lim = impl_->limits();
        check_text("department", task.department, lim.short_text, true);
        check_text("owner", task.owner, lim.short_text, true);
        check_text("description", task.description, lim.long_text, true);
        if (task.due < impl_->clock->now()) throw ValidationError("due", "is in the past");
        return run(*impl_, actor, id, Action::add_task, [&](Change& c) {
            auto& t = c.ticket;
            check_list_size("tasks", t.tasks.size() + 1, lim.max_list);
            CollaborationTask added;
            added.number = static_cast<std::uint32_t>(t.tasks.size()) + 1;
            added.department = task.department;
            added.owner = task.owner;
            added.description = task.description;
            added.due = task.due;
            added.mandatory = task.mandatory;
            t.tasks.push_back(added);
            c.note = "task #" + std::to_string(added.number) + " for " + task.department + " (" + task.owner +
                     "): " + task.description;
            c.notify_staff(NotificationKind::task_assigned, task.owner,
                           [&] { return c.messages->task_assigned(t, added, c.now); });
        });
    });
}

Ticket ServiceDesk::complete_task(const Actor& actor, const TicketId& id, std::uint32_t number,
                                  const std::string& outcome) {
    return detail::observed(impl_->config.observer.get(), Command::complete_task, actor.id, id, [&] {
        check_text("outcome", outcome, impl_->limits().long_text, true);
        return run(*impl_, actor, id, Action::complete_task, [&](Change& c) {
            auto& tasks = c.ticket.tasks;
            auto task = std::find_if(tasks.begin(), tasks.end(),
                                     [number](const CollaborationTask& k) { return k.number == number; });
            if (task == tasks.end() || task->completed)
                throw ValidationError("number",
                                      "ticket " + id + " has no open collaboration task #" + std::to_string(number));
            task->completed = c.now;
            task->outcome = outcome;
            c.note = "task #" + std::to_string(number) + " done: " + outcome;
        });
    });
}

} // namespace ticketflow
