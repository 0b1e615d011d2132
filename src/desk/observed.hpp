#pragma once
// Reports a public ServiceDesk command to the desk's observer: its latency and outcome,
// once it has returned or thrown (so its locks are released). Without an observer the
// command runs as it is.

#include "core/observe.hpp"
#include "ticketflow/desk.hpp"

#include <chrono>
#include <string_view>

namespace ticketflow::detail {

// The ticket a command's result is about (a new ticket's id is known only afterwards).
inline std::string_view ticket_of(const Ticket& t, std::string_view) { return t.id; }
inline std::string_view ticket_of(const VisitOutcome& v, std::string_view) { return v.visit.id; }
inline std::string_view ticket_of(const MergeOutcome& m, std::string_view) { return m.duplicate.id; }
template <class Result>
std::string_view ticket_of(const Result&, std::string_view given) {
    return given;
}

template <class Run>
auto observed(DeskObserver* observer, Command command, std::string_view actor, std::string_view ticket, Run&& run)
    -> decltype(run()) {
    if (!observer) return run();
    CommandEvent event;
    event.command = command;
    event.ticket = ticket;
    event.actor = actor;
    const auto started = std::chrono::steady_clock::now();
    auto report = [&] {
        event.latency = std::chrono::steady_clock::now() - started;
        observe(observer, [&](DeskObserver& o) { o.on_command(event); });
    };
    try {
        auto result = run();
        event.ticket = ticket_of(result, ticket);
        report();
        return result;
    } catch (...) {
        event.succeeded = false;
        event.error = error_code_of(std::current_exception());
        report();
        throw;
    }
}

} // namespace ticketflow::detail
