// Several processes on one PostgreSQL database: forked children each open their own
// PostgresStore and desk on a shared schema, as application servers would.
#include "postgres_support.hpp"
#include "support.hpp"

#include "ticketflow/error.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <csignal>
#include <random>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

// Runs `body` in a forked child whose stdout-side pipe end it gets; the child leaves with
// _exit(), so it never runs the destructors of the parent's objects (which would close
// the parent's connections from the child).
template <class Body>
pid_t spawn(int& read_end, Body&& body) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        int code = 0;
        try {
            code = body(fds[1]);
        } catch (...) {
            code = 3;
        }
        ::_exit(code);
    }
    ::close(fds[1]);
    read_end = fds[0];
    return pid;
}

bool read_all(int fd, void* data, std::size_t size) {
    auto* p = static_cast<char*>(data);
    while (size > 0) {
        const auto n = ::read(fd, p, size);
        if (n <= 0) return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool write_all(int fd, const void* data, std::size_t size) {
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const auto n = ::write(fd, p, size);
        if (n <= 0) return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

int exit_code_of(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

TEST_CASE("4 processes x 300 commands on 50 shared tickets lose no update", "[postgres][multiprocess]") {
    constexpr int processes = 4, commands = 300, ticket_count = 50;
    auto store = fresh_postgres_store("tf_mp");
    const std::string schema = store->options().schema;
    std::vector<TicketId> ids;
    {
        auto clock = std::make_shared<ManualClock>(may20_1430());
        ServiceDesk desk(store, clock);
        Actor lead{"lead-1", Role::team_lead, ""};
        for (int i = 0; i < ticket_count; ++i) {
            auto id = desk.open(lead, sample_request()).id;
            desk.assign(lead, id, "eng-1");
            desk.start(lead, id);
            ids.push_back(id);
        }
    }

    // Each child: notes, waits and resumes on random tickets. A wait on a waiting ticket or
    // a resume of a running one is refused (a typed error, nothing written); every
    // command that returned wrote exactly one version. Reports its per-ticket counts.
    std::vector<pid_t> children;
    std::vector<int> pipes;
    for (int p = 0; p < processes; ++p) {
        int fd = -1;
        children.push_back(spawn(fd, [&, p](int out) {
            auto own = std::make_shared<PostgresStore>(postgres_options(schema));
            auto clock = std::make_shared<ManualClock>(may20_1430() + 1h);
            ServiceDesk desk(own, clock);
            Actor agent{"agent-" + std::to_string(p), Role::team_lead, ""};
            std::mt19937 rng(static_cast<unsigned>(p + 1));
            std::uniform_int_distribution<int> pick(0, ticket_count - 1), kind(0, 9);
            std::array<std::uint32_t, ticket_count> applied{};
            for (int i = 0; i < commands; ++i) {
                const int t = pick(rng);
                const auto& id = ids[static_cast<std::size_t>(t)];
                try {
                    const int k = kind(rng);
                    if (k < 6)
                        desk.add_note(agent, id, "note " + std::to_string(i));
                    else if (k < 8)
                        desk.wait_for_customer(agent, id, "need the order screenshot");
                    else
                        desk.resume(agent, id);
                    ++applied[static_cast<std::size_t>(t)];
                } catch (const Error& e) {
                    if (e.code() != ErrorCode::invalid_transition && e.code() != ErrorCode::guard_rejected) return 2;
                }
            }
            return write_all(out, applied.data(), sizeof applied) ? 0 : 4;
        }));
        pipes.push_back(fd);
    }
    std::array<std::uint64_t, ticket_count> total{};
    for (int p = 0; p < processes; ++p) {
        std::array<std::uint32_t, ticket_count> applied{};
        const bool got = read_all(pipes[static_cast<std::size_t>(p)], applied.data(), sizeof applied);
        ::close(pipes[static_cast<std::size_t>(p)]);
        CHECK(exit_code_of(children[static_cast<std::size_t>(p)]) == 0);
        REQUIRE(got);
        for (int t = 0; t < ticket_count; ++t)
            total[static_cast<std::size_t>(t)] += applied[static_cast<std::size_t>(t)];
    }

    std::uint64_t commands_applied = 0;
    for (int t = 0; t < ticket_count; ++t) {
        const auto& id = ids[static_cast<std::size_t>(t)];
        const auto ticket = store->load(id);
        REQUIRE(ticket);
        // open, assign, start, then one version per command that returned: none lost.
        CHECK(ticket->version == 3 + total[static_cast<std::size_t>(t)]);
        const auto history = store->history(id);
        REQUIRE(history.size() == ticket->version);
        for (std::size_t i = 0; i < history.size(); ++i) {
            CHECK(history[i].version == i + 1); // dense
            if (i > 0) CHECK(history[i].from == history[i - 1].to);
        }
        CHECK(history.back().to == ticket->status);
        commands_applied += total[static_cast<std::size_t>(t)];
    }
    CHECK(commands_applied > processes * commands / 2); // most commands were applicable
}

namespace {

// Tells the parent over `fd` that it is delivering, then never returns: its process is
// killed while it holds the claim on its rows.
class StuckNotifier : public Notifier {
public:
    explicit StuckNotifier(int fd) : fd_(fd) {}
    bool deliver(const Notification&) override {
        const char c = 'x';
        if (write_all(fd_, &c, 1))
            for (;;) ::pause();
        return false;
    }

private:
    int fd_;
};

Commit with_notifications(const TicketId& id, int count) {
    Commit c;
    c.ticket.id = id;
    c.ticket.version = 1;
    c.ticket.customer.id = "C-" + id;
    c.ticket.times.received = may20_1430();
    AuditEvent e;
    e.ticket = id;
    e.version = 1;
    e.at = may20_1430();
    e.actor = "system";
    c.events = {e};
    for (int i = 0; i < count; ++i) {
        Notification n;
        n.ticket = id;
        n.recipient = "C-" + id;
        n.at = may20_1430();
        n.text = "update " + std::to_string(i);
        n.idempotency_key = id + "/1/" + std::to_string(i);
        c.notifications.push_back(n);
    }
    return c;
}

} // namespace

TEST_CASE("Outbox rows claimed by a process killed with SIGKILL are delivered by another after the lease",
          "[postgres][multiprocess]") {
    auto store = fresh_postgres_store("tf_kill");
    const std::string schema = store->options().schema;
    for (int t = 0; t < 5; ++t) store->commit(with_notifications("T" + std::to_string(t), 3));
    REQUIRE(store->outbox_pending(100).size() == 15);

    int fd = -1;
    const pid_t victim = spawn(fd, [&](int out) {
        auto own = std::make_shared<PostgresStore>(postgres_options(schema));
        auto clock = std::make_shared<ManualClock>(may20_1430());
        OutboxDispatcher dispatcher(own, std::make_shared<StuckNotifier>(out), clock, RetryPolicy{},
                                    ClaimOptions{"victim", 60s});
        dispatcher.dispatch_due();
        return 5; // not reached: the notifier never returns
    });
    char signal_byte = 0;
    REQUIRE(read_all(fd, &signal_byte, 1)); // the victim holds its claims and is delivering
    ::close(fd);
    REQUIRE(::kill(victim, SIGKILL) == 0);
    CHECK(exit_code_of(victim) == 128 + SIGKILL);

    // Every row is held by the dead process until its lease lapses.
    const auto held = store->outbox_pending(100);
    REQUIRE(held.size() == 15);
    for (const auto& row : held) CHECK(row.claimed_by == "victim");

    auto clock = std::make_shared<ManualClock>(may20_1430() + 30s);
    auto notifier = std::make_shared<RecordingNotifier>();
    OutboxDispatcher rescuer(store, notifier, clock, RetryPolicy{}, ClaimOptions{"rescuer", 60s});
    CHECK(rescuer.dispatch_due() == 0); // the lease still holds
    clock->advance(31s);
    CHECK(rescuer.dispatch_due() == 15);
    CHECK(store->outbox_pending(100).empty());
    const auto delivered = notifier->delivered();
    REQUIRE(delivered.size() == 15);
    std::set<std::string> keys;
    for (const auto& n : delivered) keys.insert(n.idempotency_key);
    CHECK(keys.size() == 15);     // each row once, none lost
    for (int t = 0; t < 5; ++t) { // each ticket's rows in order
        std::vector<std::string> texts;
        for (const auto& n : delivered)
            if (n.ticket == "T" + std::to_string(t)) texts.push_back(n.text);
        CHECK(texts == std::vector<std::string>{"update 0", "update 1", "update 2"});
    }
}
