// A desk killed in the middle of a delivery loses no notification: a child process
// delivers from a SqliteStore file through a notifier that reports each key and then hangs
// inside one delivery; the parent kills it there with SIGKILL, opens the file with a new
// desk and delivers the rest. Every row ends delivered, the interrupted one again with the
// same idempotency key (at least once), the others not twice — after the killed desk's
// claim on them lapsed.
#include "sqlite_support.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <set>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

using namespace ticketflow;
using namespace ticketflow::testing;

namespace {

// Tells the parent each key it is handed; hangs inside the `hang_at`-th delivery, after
// the message went out and before the desk could record it as delivered.
class ReportingNotifier : public Notifier {
public:
    ReportingNotifier(int fd, int hang_at) : fd_(fd), hang_at_(hang_at) {}
    bool deliver(const Notification& n) override {
        const std::string line = n.idempotency_key + "\n";
        if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(4);
        if (++calls_ == hang_at_)
            for (;;) ::pause(); // killed here
        return true;
    }

private:
    int fd_;
    int hang_at_;
    int calls_ = 0;
};

[[noreturn]] void run_child(const std::string& path, int fd) {
    try {
        auto store = std::make_shared<SqliteStore>(SqliteOptions{path});
        DeskConfig config;
        config.delivery.mode = DeliveryMode::host;
        ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()), config,
                         std::make_shared<ReportingNotifier>(fd, 5));
        Actor lead{"lead-1", Role::team_lead, ""};
        for (int i = 0; i < 4; ++i) {
            auto id = desk.open(lead, sample_request("C" + std::to_string(i))).id;
            desk.assign(lead, id, "eng-1");
        }
        desk.dispatch_notifications(); // hangs in the fifth delivery
    } catch (...) {}
    ::_exit(2);
}

std::vector<std::string> read_lines(int fd) {
    std::vector<std::string> lines;
    std::string pending;
    char buffer[1024];
    while (lines.size() < 5) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        pending.append(buffer, static_cast<std::size_t>(n));
        for (std::size_t end; (end = pending.find('\n')) != std::string::npos; pending.erase(0, end + 1))
            lines.push_back(pending.substr(0, end));
    }
    return lines;
}

} // namespace

TEST_CASE("sqlite: a desk killed during a delivery loses no notification", "[sqlite][delivery][crash]") {
    TempDb db;
    { SqliteStore create(SqliteOptions{db.path()}); } // the schema, before the child writes
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(pipe_fds[0]);
        run_child(db.path(), pipe_fds[1]);
    }
    ::close(pipe_fds[1]);
    const auto before_kill = read_lines(pipe_fds[0]);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(pipe_fds[0]);
    REQUIRE(before_kill.size() == 5);
    CHECK(WIFSIGNALED(status));

    auto store = std::make_shared<SqliteStore>(SqliteOptions{db.path()});
    auto notifier = std::make_shared<RecordingNotifier>();
    DeskConfig config;
    config.delivery.mode = DeliveryMode::host;
    auto clock = std::make_shared<ManualClock>(may20_1430());
    ServiceDesk desk(store, clock, config, notifier);
    CHECK(desk.dispatch_notifications() == 0); // the killed desk's claim holds until its lease lapses
    clock->advance(config.claims.lease);
    desk.dispatch_notifications();

    std::set<std::string> all_keys;
    store->scan({}, [&](const Ticket& t) {
        for (const auto& row : store->outbox_of(t.id)) {
            CHECK(row.state == OutboxState::delivered);
            all_keys.insert(row.notification.idempotency_key);
        }
        return true;
    });
    REQUIRE(all_keys.size() == 8); // received + assigned for four tickets
    std::set<std::string> after_kill;
    for (const auto& n : notifier->delivered()) after_kill.insert(n.idempotency_key);
    std::set<std::string> seen(before_kill.begin(), before_kill.end());
    seen.insert(after_kill.begin(), after_kill.end());
    CHECK(seen == all_keys);
    CHECK(after_kill.count(before_kill.back()) == 1); // the interrupted one, again, same key
    for (std::size_t i = 0; i + 1 < before_kill.size(); ++i) CHECK(after_kill.count(before_kill[i]) == 0);
}
