#pragma once
// LISTEN/NOTIFY for PostgresStore (PostgresOptions::outbox_wakeups): a commit that wrote
// outbox rows is announced after it, from a thread of the store's on a connection of its
// own, and each watch (TicketStore::watch_outbox()) listens on another. Never inside the
// commit's transaction: a NOTIFY there makes every commit queue for the server's
// notification lock.

#include "ticketflow/store.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace ticketflow::detail::pg {

class Connection;

// The channel every store notifies; the payload names the schema whose outbox grew.
inline constexpr const char* outbox_channel = "ticketflow_outbox";

// Sends the announcements. announce() only sets a flag for the thread, so commits never
// wait for it; the thread waits `gather` before it sends, and the commits made meanwhile,
// or while a NOTIFY is on its way, share one. A failed NOTIFY is dropped (the listeners'
// dispatchers still poll); the next one reconnects.
class Announcer {
public:
    static constexpr std::chrono::microseconds gather{1000};

    Announcer(std::string conninfo, std::string schema);
    ~Announcer(); // sends what is still to announce, then ends the thread
    Announcer(const Announcer&) = delete;
    Announcer& operator=(const Announcer&) = delete;

    void announce() noexcept; // starts the thread on first use

private:
    void run();
    void send() noexcept;

    const std::string conninfo_;
    const std::string schema_;
    std::unique_ptr<Connection> connection_; // the thread's
    std::mutex mutex_;
    std::condition_variable signal_;
    bool pending_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

// A watch: LISTENs on a connection of its own, calling `on_rows` for each notification
// about `schema`, and once after it had to reconnect (it may have missed some). Connects
// before it returns, so rows committed after are told; when the server cannot be reached
// it keeps trying, once a second, on its thread.
std::unique_ptr<OutboxWatch> listen_for_rows(const std::string& conninfo, const std::string& schema,
                                             std::function<void()> on_rows);

} // namespace ticketflow::detail::pg
