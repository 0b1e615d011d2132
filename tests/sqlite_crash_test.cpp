// Crash safety, shown: a child process drives a desk over a SqliteStore file and reports
// every acknowledged command through a pipe; the parent kills it with SIGKILL at a random
// moment, 20 times over the same file. After each kill the file must open, hold every
// acknowledged commit, no partial commit, and the notifications of every committed change.
#include "sqlite_support.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

// Fails now and then, so the outbox also holds rows waiting for a retry.
class FlakyNotifier : public Notifier {
public:
    explicit FlakyNotifier(unsigned seed) : rng_(seed) {}
    bool deliver(const Notification&) override { return rng_() % 8 != 0; }

private:
    std::mt19937 rng_;
};

void report(int fd, const std::string& line) {
    // One write per line; lines are far below PIPE_BUF, so they arrive whole.
    const std::string text = line + "\n";
    if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) ::_exit(4);
}

// One random command on a random ticket, or an intake. Returns the changed ticket, or
// nothing when the lifecycle refused the command.
std::optional<Ticket> random_command(ServiceDesk& desk, std::vector<TicketId>& open_ids, std::mt19937& rng) {
    Actor agent{"lead-" + std::to_string(rng() % 3), Role::team_lead, ""}; // may do everything
    if (open_ids.empty() || rng() % 5 == 0) {
        auto t = desk.open(agent, sample_request("C" + std::to_string(rng() % 50)));
        open_ids.push_back(t.id);
        return t;
    }
    const std::size_t pick = rng() % open_ids.size();
    const TicketId id = open_ids[pick];
    try {
        Ticket t;
        switch (rng() % 9) {
        case 0: t = desk.assign(agent, id, "eng-" + std::to_string(rng() % 4)); break;
        case 1: t = desk.start(agent, id); break;
        case 2: t = desk.post_update(agent, id, "正在处理"); break;
        case 3: t = desk.add_note(agent, id, "内部备注"); break;
        case 4: t = desk.resolve(agent, id, {"已处理", Responsibility::platform}); break;
        case 5: t = desk.close(agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}}); break;
        case 6: t = desk.reopen(agent, id, "客户不满意"); break;
        case 7: t = desk.escalate(agent, id, "超时"); break;
        default: t = desk.cancel(agent, id, CloseReason::withdrawn, "客户撤回"); break;
        }
        if (t.status == Status::closed) open_ids.erase(open_ids.begin() + static_cast<std::ptrdiff_t>(pick));
        return t;
    } catch (const InvalidTransition&) {
    } catch (const GuardRejected&) {}
    return std::nullopt;
}

// The child: runs commands until it is killed, reporting "<id> <version>" after each.
[[noreturn]] void run_child(const std::string& path, unsigned seed, int fd) {
    try {
        std::mt19937 rng(seed);
        auto store = std::make_shared<SqliteStore>(SqliteOptions{path});
        auto clock = std::make_shared<ManualClock>(may20_1430());
        ServiceDesk desk(store, clock, DeskConfig{}, std::make_shared<FlakyNotifier>(seed));
        std::vector<TicketId> open_ids;
        TicketQuery not_closed;
        store->scan({}, [&](const Ticket& t) {
            if (t.status != Status::closed) open_ids.push_back(t.id);
            // A restarted process's clock has moved on past everything already written.
            if (t.times.updated > clock->now()) clock->set(t.times.updated);
            return true;
        });
        for (;;) {
            clock->advance(1min);
            if (auto t = random_command(desk, open_ids, rng)) report(fd, t->id + " " + std::to_string(t->version));
            if (rng() % 10 == 0) desk.dispatch_notifications();
        }
    } catch (const std::exception& e) {
        report(fd, std::string("error ") + e.what());
    }
    ::_exit(2);
}

// Reads the child's reports until `stop_after` arrived (then kills it at a random moment
// shortly after) or the pipe ends. Returns the highest version acknowledged per ticket.
std::map<TicketId, std::uint64_t> supervise(pid_t child, int fd, std::size_t stop_after, std::mt19937& rng) {
    std::map<TicketId, std::uint64_t> acknowledged;
    std::string pending;
    std::size_t reports = 0;
    bool killed = false;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break; // the child is gone and everything it wrote was read
        pending.append(buffer, static_cast<std::size_t>(n));
        for (std::size_t end; (end = pending.find('\n')) != std::string::npos; pending.erase(0, end + 1)) {
            std::istringstream line(pending.substr(0, end));
            std::string id;
            std::uint64_t version = 0;
            line >> id >> version;
            if (id == "error") FAIL("child failed: " << pending.substr(0, end));
            acknowledged[id] = std::max(acknowledged[id], version);
            ++reports;
        }
        if (!killed && reports >= stop_after) {
            ::usleep(static_cast<useconds_t>(rng() % 3000)); // somewhere inside a later command
            ::kill(child, SIGKILL);
            killed = true;
        }
    }
    return acknowledged;
}

// Which actions notify someone: every committed one of these must have its outbox rows.
bool notifies(Action action) {
    switch (action) {
    case Action::open:
    case Action::assign:
    case Action::reply:
    case Action::escalate:
    case Action::resolve:
    case Action::close:
    case Action::reopen:
    case Action::cancel: return true;
    default: return false;
    }
}

void check_consistent(SqliteStore& store, const std::map<TicketId, std::uint64_t>& acknowledged) {
    for (const auto& [id, version] : acknowledged) {
        auto t = store.load(id);
        INFO("ticket " << id << " acknowledged at version " << version);
        REQUIRE(t);
        CHECK(t->version >= version);
    }
    store.scan({}, [&](const Ticket& t) {
        INFO("ticket " << t.id << " version " << t.version);
        auto history = store.history(t.id);
        REQUIRE(!history.empty());
        CHECK(history.back().version == t.version);
        CHECK(history.back().to == t.status);
        std::set<std::uint64_t> versions;
        std::set<std::uint64_t> notifying;
        for (const auto& e : history) {
            CHECK(e.version <= t.version);
            versions.insert(e.version);
            if (notifies(e.action)) notifying.insert(e.version);
        }
        CHECK(versions.size() == t.version); // 1..version, none missing

        std::set<std::uint64_t> notified;
        for (const auto& row : store.outbox_of(t.id)) {
            CHECK(row.state != OutboxState::dead);
            auto key = row.notification.idempotency_key; // <id>/<version>/<index>
            auto version = std::stoull(key.substr(t.id.size() + 1, key.rfind('/') - t.id.size() - 1));
            CHECK(version <= t.version);
            notified.insert(version);
        }
        CHECK(notified == notifying);
        return true;
    });
}

} // namespace

TEST_CASE("sqlite crash: 20 SIGKILLs at random moments lose no acknowledged commit", "[sqlite][crash]") {
    TempDb db("ticketflow-crash");
    std::mt19937 rng(20240520); // seeded: the same kill points on every run
    std::map<TicketId, std::uint64_t> acknowledged;
    std::size_t killed = 0;
    for (int round = 0; round < 20; ++round) {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        const unsigned child_seed = static_cast<unsigned>(rng());
        const std::size_t stop_after = 1 + rng() % 40;
        pid_t child = ::fork(); // this process has no threads: safe to fork
        REQUIRE(child >= 0);
        if (child == 0) {
            ::close(fds[0]);
            run_child(db.path(), child_seed, fds[1]);
        }
        ::close(fds[1]);
        auto round_acknowledged = supervise(child, fds[0], stop_after, rng);
        ::close(fds[0]);
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        INFO("round " << round);
        REQUIRE(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGKILL);
        ++killed;
        for (const auto& [id, version] : round_acknowledged) acknowledged[id] = std::max(acknowledged[id], version);

        SqliteStore store(SqliteOptions{db.path()});
        check_consistent(store, acknowledged);
    }
    CHECK(killed == 20);
    CHECK(acknowledged.size() > 20);
}
