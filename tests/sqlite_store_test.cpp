// SqliteStore beyond the shared conformance suite: files, schema versions, damaged and
// foreign files, several stores (and processes) on one file, batches and group commit.
#include "ticketflow/json.hpp"
#include "outbox_support.hpp"
#include "sqlite_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

SqliteOptions options_for(const TempDb& db) {
    SqliteOptions o;
    o.path = db.path();
    return o;
}

// Opening `path` must fail with a StorageError mentioning `message_part`, leaving the
// file exactly as it was.
void check_refused(const std::string& path, const std::string& message_part) {
    const std::string before = file_bytes(path);
    INFO("file fingerprint " << fingerprint(before) << ", " << before.size() << " bytes");
    try {
        SqliteStore store(SqliteOptions{path});
        FAIL("opened " << path);
    } catch (const StorageError& e) {
        INFO(e.what());
        CHECK(e.code() == ErrorCode::storage_error);
        CHECK_THAT(e.what(), Catch::Contains(message_part));
    }
    CHECK(file_bytes(path) == before);
}

// A database with a few tickets, closed again; returns its bytes.
std::string populated_database(const std::string& path) {
    {
        SqliteStore store(SqliteOptions{path});
        for (int i = 1; i <= 40; ++i) store.commit(commit_with_notifications("T" + std::to_string(i), 1, 2));
    }
    return file_bytes(path);
}

// The schema as release 1 wrote it (migration step 1), kept here verbatim: the test
// stands for a file created by that release.
const char* const schema_v1 = R"sql(
    CREATE TABLE ticketflow_schema (version INTEGER NOT NULL);
    INSERT INTO ticketflow_schema (version) VALUES (1);
    CREATE TABLE tickets (
        row INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, status TEXT NOT NULL,
        assignee TEXT NOT NULL, department TEXT NOT NULL, customer_id TEXT NOT NULL,
        received INTEGER NOT NULL, due INTEGER, payload TEXT NOT NULL
    );
    CREATE INDEX tickets_by_status ON tickets (status, id);
    CREATE INDEX tickets_by_assignee ON tickets (assignee, id);
    CREATE INDEX tickets_by_department ON tickets (department, id);
    CREATE INDEX tickets_by_customer ON tickets (customer_id, id);
    CREATE INDEX tickets_by_received ON tickets (received, id);
    CREATE INDEX tickets_by_due ON tickets (due, id) WHERE due IS NOT NULL;
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY, ticket TEXT NOT NULL, version INTEGER NOT NULL, at INTEGER NOT NULL,
        actor TEXT NOT NULL, action TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL,
        note TEXT NOT NULL
    );
    CREATE INDEX events_by_ticket ON events (ticket, seq);
    CREATE TABLE outbox (
        sequence INTEGER PRIMARY KEY, ticket TEXT NOT NULL, kind TEXT NOT NULL, audience TEXT NOT NULL,
        recipient TEXT NOT NULL, at INTEGER NOT NULL, text TEXT NOT NULL, idempotency_key TEXT NOT NULL,
        state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt INTEGER NOT NULL, last_error TEXT NOT NULL
    );
    CREATE TABLE sequences (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
    PRAGMA application_id = 1413893207; -- "TFLW"
)sql";

std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

} // namespace

TEST_CASE("sqlite: a reopened file has everything that was committed", "[sqlite]") {
    TempDb db;
    auto ticket = commit_with_notifications("T1", 1, 2);
    ticket.ticket.description = "'; DROP TABLE tickets; -- 😀";
    ticket.next_due = may20_1430() + 1h;
    std::uint64_t first_sequence = 0;
    {
        SqliteStore store(options_for(db));
        ticket.sequence = SequenceStep{"ids", 1};
        store.commit(ticket);
        auto second = commit_with_notifications("T1", 2, 1);
        second.sequence = SequenceStep{"ids", 2};
        store.commit(second);
        CHECK(store.sequence_value("ids") == 2);
        first_sequence = store.outbox_pending(1).at(0).sequence;
        store.outbox_delivered(first_sequence);
    }
    SqliteStore store(options_for(db));
    auto t = store.load("T1");
    REQUIRE(t);
    CHECK(t->version == 2);
    CHECK(store.history("T1").size() == 2);
    CHECK(store.sequence_value("ids") == 2);
    CHECK(store.outbox_pending(10).size() == 2);
    auto all = store.outbox_of("T1");
    REQUIRE(all.size() == 3);
    CHECK(all[0].sequence == first_sequence);
    CHECK(all[0].state == OutboxState::delivered);
    CHECK(all[2].notification.idempotency_key == "T1/2/0");
    CHECK(store.due_until(may20_1430() + 2h, 10).empty()); // version 2 has no due instant

    RawDb raw(db.path());
    CHECK(raw.value("PRAGMA journal_mode") == "wal");
    CHECK(raw.value("SELECT version FROM ticketflow_schema") == std::to_string(SqliteStore::schema_version));
    // The full ticket is a binary payload; the indexed columns are plain values.
    CHECK(raw.value("SELECT typeof(payload) FROM tickets") == "blob");
    CHECK(raw.value("SELECT customer_id FROM tickets") == "C1");
}

TEST_CASE("sqlite: options are checked and a missing file is created only when allowed", "[sqlite]") {
    TempDb db;
    SqliteOptions o = options_for(db);
    o.create_if_missing = false;
    CHECK_THROWS_AS(SqliteStore(o), StorageError);
    CHECK_FALSE(std::filesystem::exists(db.path()));

    CHECK_THROWS_AS(SqliteStore(SqliteOptions{""}), ValidationError);
    o.busy_timeout = -1ms;
    CHECK_THROWS_AS(SqliteStore(o), ValidationError);

    o = options_for(db);
    o.durability = SqliteDurability::normal;
    o.busy_timeout = 250ms;
    SqliteStore store(o);
    CHECK(store.options().durability == SqliteDurability::normal);
    CHECK(store.options().busy_timeout == 250ms);
    store.commit(commit_with_notifications("T1", 1, 1));
    CHECK(store.load("T1"));
    CHECK_THROWS_WITH(
        SqliteStore(SqliteOptions{(std::filesystem::temp_directory_path() / "no-such-dir" / "x.db").string()}),
        Catch::Contains("no-such-dir"));
}

TEST_CASE("sqlite: a version 1 file is upgraded in place and keeps its data", "[sqlite][schema]") {
    TempDb db;
    Ticket t = commit_with_notifications("T1", 1, 0).ticket;
    t.status = Status::in_progress;
    t.assignee = "eng-7";
    {
        RawDb raw(db.path());
        raw.exec(schema_v1);
        raw.exec("INSERT INTO tickets VALUES (NULL, 'T1', 1, 'in_progress', 'eng-7', '', 'C1', " +
                 std::to_string(t.times.received.time_since_epoch().count()) + ", NULL, " +
                 quoted(nlohmann::json(t).dump()) + ")");
        raw.exec("INSERT INTO events (ticket, version, at, actor, action, from_status, to_status, note) "
                 "VALUES ('T1', 1, 0, 'agent-1', 'open', 'pending', 'pending', 'v1 note')");
        raw.exec("INSERT INTO outbox (ticket, kind, audience, recipient, at, text, idempotency_key, state, attempts, "
                 "next_attempt, last_error) VALUES ('T1', 'received', 'customer', 'C1', 0, 'hi', 'T1/1/0', "
                 "'delivered', 0, 0, ''), ('T1', 'progress', 'customer', 'C1', 0, 'later', 'T1/1/1', 'pending', 2, "
                 "60, 'timeout')");
        raw.exec("INSERT INTO sequences VALUES ('ids', 41)");
        CHECK(raw.value("SELECT count(*) FROM sqlite_master WHERE name = 'outbox_pending'") == "0");
    }

    SqliteStore store(options_for(db));
    {
        RawDb raw(db.path());
        CHECK(raw.value("SELECT version FROM ticketflow_schema") == std::to_string(SqliteStore::schema_version));
        CHECK(raw.value("SELECT count(*) FROM sqlite_master "
                        "WHERE name IN ('outbox_pending', 'outbox_dead', 'outbox_by_ticket')") == "3");
        CHECK_THAT(raw.value("EXPLAIN QUERY PLAN SELECT sequence FROM outbox WHERE state = 'pending' ORDER BY sequence",
                             3), // the plan's detail column
                   Catch::Contains("outbox_pending"));
        CHECK(raw.value("SELECT count(*) FROM ticketflow_schema") == "1");
    }
    CHECK(store.load("T1")->assignee == "eng-7");
    CHECK(store.history("T1").at(0).note == "v1 note");
    auto pending = store.outbox_pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].attempts == 2);
    CHECK(pending[0].last_error == "timeout");
    CHECK(store.outbox_of("T1").size() == 2);
    CHECK(store.sequence_value("ids") == 41);
    TicketQuery q;
    q.assignee = "eng-7";
    CHECK(store.query(q).size() == 1);

    // The JSON payload is read as such; the next write stores the binary encoding.
    auto next = store.load("T1").value();
    ++next.version;
    next.description = "rewritten";
    store.commit(Commit{next,
                        1,
                        {AuditEvent{"T1", 2, next.times.received, "agent-1", Action::add_note, next.status, next.status,
                                    "after the upgrade"}},
                        {},
                        std::nullopt,
                        {}});
    RawDb raw(db.path());
    CHECK(raw.value("SELECT typeof(payload) FROM tickets") == "blob");
    SqliteStore reopened(options_for(db));
    CHECK(reopened.load("T1")->description == "rewritten");
}

TEST_CASE("sqlite: a file from a newer release is refused and left untouched", "[sqlite][schema]") {
    TempDb db;
    populated_database(db.path());
    {
        RawDb raw(db.path());
        raw.exec("UPDATE ticketflow_schema SET version = 99");
    }
    check_refused(db.path(), "schema version 99");
}

TEST_CASE("sqlite: damaged and foreign files are refused and left untouched", "[sqlite][schema]") {
    TempDb db;

    SECTION("not a SQLite file") {
        write_file(db.path(), "name,phone\n小王,13800000000\n");
        check_refused(db.path(), db.path());
    }
    SECTION("random bytes the size of a database page") {
        std::string noise(4096, '\0');
        for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 7919 + 13) % 251);
        write_file(db.path(), noise);
        check_refused(db.path(), db.path());
    }
    SECTION("a ticketflow database cut short") {
        const std::string full = populated_database(db.path());
        REQUIRE(full.size() > 8 * 4096);
        for (std::size_t size :
             {std::size_t{50}, std::size_t{100}, std::size_t{3000}, full.size() / 2, full.size() - 4096}) {
            INFO("truncated to " << size << " of " << full.size() << " bytes");
            write_file(db.path(), full.substr(0, size));
            check_refused(db.path(), db.path());
        }
    }
    SECTION("another application's SQLite database") {
        {
            RawDb raw(db.path());
            raw.exec(
                "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x');");
        }
        check_refused(db.path(), "customers");
    }
    SECTION("another application's database in WAL mode with its own application id") {
        {
            RawDb raw(db.path());
            raw.exec("PRAGMA journal_mode = WAL; PRAGMA application_id = 42; CREATE TABLE tickets (id TEXT);");
        }
        check_refused(db.path(), "application id 42");
    }
    SECTION("a ticketflow database that lost a table") {
        populated_database(db.path());
        {
            RawDb raw(db.path());
            raw.exec("DROP TABLE events");
        }
        check_refused(db.path(), "events");
    }
}

TEST_CASE("sqlite: two stores on one file never lose an update", "[sqlite][concurrency]") {
    TempDb db;
    auto a = std::make_shared<SqliteStore>(options_for(db));
    auto b = std::make_shared<SqliteStore>(options_for(db));
    a->commit(commit_with_notifications("T1", 1, 1));
    CHECK(b->load("T1")->version == 1);
    b->commit(commit_with_notifications("T1", 2, 1));
    CHECK_THROWS_AS(a->commit(commit_with_notifications("T1", 2, 1)), ConcurrencyConflict);
    CHECK_THROWS_AS(a->commit(commit_with_notifications("T1", 1, 1)), ConcurrencyConflict); // id taken
    CHECK(a->load("T1")->version == 2);
    CHECK(a->history("T1").size() == 2);
    CHECK(a->outbox_pending(10).size() == 2);

    // Two desks, one per store, race on the same tickets from several threads.
    auto clock = std::make_shared<ManualClock>(may20_1430());
    ServiceDesk desk_a(a, clock), desk_b(b, clock);
    Actor agent{"agent-1", Role::agent, ""};
    std::vector<TicketId> ids;
    for (int i = 0; i < 4; ++i) ids.push_back(desk_a.open(agent, sample_request()).id);
    constexpr int notes_per_thread = 25;
    std::vector<std::thread> threads;
    for (ServiceDesk* desk : {&desk_a, &desk_b, &desk_a, &desk_b})
        threads.emplace_back([&, desk] {
            for (int i = 0; i < notes_per_thread; ++i)
                desk->add_note(agent, ids[static_cast<std::size_t>(i) % ids.size()], "n");
        });
    for (auto& t : threads) t.join();
    std::uint64_t versions = 0;
    for (const auto& id : ids) {
        auto t = desk_b.get(id);
        CHECK(desk_b.history(id).size() == t.version);
        versions += t.version;
    }
    CHECK(versions == ids.size() + 4 * notes_per_thread);
}

TEST_CASE("sqlite: two processes write the same tickets without losing updates", "[sqlite][concurrency]") {
    TempDb db;
    std::vector<TicketId> ids;
    {
        SqliteStore store(options_for(db));
        for (int i = 1; i <= 3; ++i) {
            ids.push_back("T" + std::to_string(i));
            store.commit(commit_with_notifications(ids.back(), 1, 0));
        }
    }
    constexpr int notes_per_process = 60;
    auto work = [&] {
        auto store = std::make_shared<SqliteStore>(options_for(db));
        ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()));
        Actor agent{"agent-" + std::to_string(::getpid()), Role::agent, ""};
        for (int i = 0; i < notes_per_process; ++i)
            desk.add_note(agent, ids[static_cast<std::size_t>(i) % ids.size()], "note");
    };

    pid_t child = ::fork(); // no threads exist in this process yet
    REQUIRE(child >= 0);
    if (child == 0) {
        int code = 0;
        try {
            work();
        } catch (...) {
            code = 1;
        }
        ::_exit(code);
    }
    work();
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);

    SqliteStore store(options_for(db));
    std::uint64_t notes = 0;
    for (const auto& id : ids) {
        auto t = store.load(id);
        CHECK(store.history(id).size() == t->version);
        notes += t->version - 1;
    }
    CHECK(notes == 2 * notes_per_process);
}

TEST_CASE("sqlite: a write waits for another process's lock, then gives up", "[sqlite][concurrency]") {
    TempDb db;
    SqliteOptions o = options_for(db);
    o.busy_timeout = 50ms;
    SqliteStore store(o);
    store.commit(commit_with_notifications("T1", 1, 1));
    {
        RawDb other(db.path());
        other.exec("BEGIN IMMEDIATE");
        CHECK_THROWS_WITH(store.commit(commit_with_notifications("T1", 2, 1)), Catch::Contains("busy timeout"));
        CHECK(store.load("T1")->version == 1); // readers are not blocked
        other.exec("ROLLBACK");
    }
    store.commit(commit_with_notifications("T1", 2, 1));
    CHECK(store.load("T1")->version == 2);
}

TEST_CASE("sqlite: commit_batch applies each commit on its own, in one transaction", "[sqlite][batch]") {
    TempDb db;
    SqliteStore store(options_for(db));
    store.commit(commit_with_notifications("T1", 1, 1));

    std::vector<Commit> batch{
        commit_with_notifications("T2", 1, 1),
        commit_with_notifications("T1", 1, 1), // conflict: T1 exists
        commit_with_notifications("T2", 2, 1), // builds on the first commit of the batch
        commit_with_notifications("T3", 1, 2),
    };
    batch.push_back(batch[0]);
    batch.back().ticket.version = 5; // invalid: version must be expected + 1
    auto outcome = store.commit_batch(batch);
    REQUIRE(outcome.size() == 5);
    CHECK_FALSE(outcome[0]);
    CHECK_THROWS_AS(std::rethrow_exception(outcome[1]), ConcurrencyConflict);
    CHECK_FALSE(outcome[2]);
    CHECK_FALSE(outcome[3]);
    CHECK_THROWS_AS(std::rethrow_exception(outcome[4]), ValidationError);

    CHECK(store.load("T1")->version == 1);
    CHECK(store.history("T1").size() == 1);
    CHECK(store.load("T2")->version == 2);
    CHECK(store.load("T3"));
    CHECK(store.outbox_pending(100).size() == 1 + 2 + 2);
    CHECK(store.commit_batch({}).empty());
}

TEST_CASE("sqlite: concurrent commits share transactions and each is applied once", "[sqlite][batch]") {
    TempDb db;
    auto store = std::make_shared<SqliteStore>(options_for(db));
    constexpr int threads = 8, commits_per_thread = 30;
    std::vector<std::thread> workers;
    std::atomic<int> conflicts{0};
    for (int w = 0; w < threads; ++w)
        workers.emplace_back([&, w] {
            TicketId id = "W" + std::to_string(w);
            for (int v = 1; v <= commits_per_thread; ++v)
                store->commit(commit_with_notifications(id, static_cast<std::uint64_t>(v), 1));
            // A stale commit in the middle of others' batches fails alone.
            try {
                store->commit(commit_with_notifications(id, 1, 1));
            } catch (const ConcurrencyConflict&) {
                ++conflicts;
            }
        });
    for (auto& w : workers) w.join();
    CHECK(conflicts == threads);
    for (int w = 0; w < threads; ++w) {
        TicketId id = "W" + std::to_string(w);
        CHECK(store->load(id)->version == commits_per_thread);
        CHECK(store->history(id).size() == commits_per_thread);
        CHECK(store->outbox_of(id).size() == commits_per_thread);
    }
}

TEST_CASE("sqlite: scan streams in id order and its visitor may read the store", "[sqlite]") {
    TempDb db;
    SqliteStore store(options_for(db));
    std::vector<Commit> batch;
    for (int i = 500; i >= 1; --i) {
        char id[16];
        std::snprintf(id, sizeof id, "T%04d", i);
        batch.push_back(commit_with_notifications(id, 1, 0));
    }
    for (const auto& e : store.commit_batch(batch)) REQUIRE_FALSE(e);

    std::vector<TicketId> seen;
    store.scan({}, [&](const Ticket& t) {
        CHECK(store.load(t.id)->id == t.id); // a nested read on another connection
        CHECK(store.history(t.id).size() == 1);
        seen.push_back(t.id);
        return seen.size() < 120;
    });
    REQUIRE(seen.size() == 120);
    CHECK(seen.front() == "T0001");
    CHECK(std::is_sorted(seen.begin(), seen.end()));

    TicketQuery q;
    q.customer_id = "C1";
    q.received_from = may20_1430();
    q.received_until = may20_1430() + 1s;
    q.status = Status::pending;
    q.limit = 7;
    auto found = store.query(q);
    REQUIRE(found.size() == 7);
    CHECK(found.back().id == "T0007");
}

TEST_CASE("sqlite: a damaged row is a StorageError, not a crash", "[sqlite]") {
    TempDb db;
    {
        SqliteStore store(options_for(db));
        store.commit(commit_with_notifications("T1", 1, 1));
    }
    {
        RawDb raw(db.path());
        raw.exec("UPDATE tickets SET payload = '{\"id\": \"T1\", \"version\": 1, \"status\": \"lost\"}'");
        raw.exec("UPDATE events SET action = 'teleport'");
    }
    SqliteStore store(options_for(db));
    CHECK_THROWS_WITH(store.load("T1"), Catch::Contains("(ticket T1): status: unknown value 'lost'"));
    CHECK_THROWS_AS(store.history("T1"), StorageError);
    CHECK_THROWS_AS(store.query({}), StorageError);
}

TEST_CASE("sqlite: a damaged binary payload is a StorageError, not a crash", "[sqlite]") {
    TempDb db;
    {
        SqliteStore store(options_for(db));
        store.commit(commit_with_notifications("T1", 1, 1));
    }
    std::string good;
    {
        RawDb raw(db.path());
        good = raw.value("SELECT hex(payload) FROM tickets");
    }
    REQUIRE(good.size() > 40);
    // Truncated, an unknown format, a huge list count, trailing bytes: each refused.
    for (const std::string& damaged : {good.substr(0, good.size() / 4 * 2), "09" + good.substr(2),
                                       good.substr(0, 20) + "FFFFFFFFFF0F", good + "00"}) {
        {
            RawDb raw(db.path());
            raw.exec("UPDATE tickets SET payload = x'" + damaged + "'");
        }
        SqliteStore store(options_for(db));
        INFO(damaged);
        CHECK_THROWS_WITH(store.load("T1"), Catch::Contains("damaged ticket payload"));
        CHECK_THROWS_AS(store.query({}), StorageError);
    }
}

TEST_CASE("sqlite: a Batch carries a desk's commands in one transaction", "[sqlite][batch]") {
    TempDb db;
    auto store = std::make_shared<SqliteStore>(options_for(db));
    auto other = std::make_shared<SqliteStore>(options_for(db)); // another process, say
    auto notifier = std::make_shared<ScriptedNotifier>();
    ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()), DeskConfig{}, notifier);
    Actor lead{"lead-1", Role::team_lead, ""};

    std::vector<TicketId> ids;
    {
        SqliteStore::Batch batch(*store);
        CHECK_THROWS_AS(SqliteStore::Batch(*store), ValidationError); // one per thread
        for (int i = 0; i < 3; ++i) {
            auto id = desk.open(lead, sample_request()).id;
            desk.assign(lead, id, "eng-7"); // reads its own uncommitted version
            desk.start(lead, id);
            ids.push_back(id);
        }
        CHECK(desk.get(ids[2]).status == Status::in_progress);
        CHECK(store->history(ids[0]).size() == 3);
        CHECK_FALSE(other->load(ids[0]));     // nothing visible outside the batch
        CHECK(notifier->delivered().empty()); // nor delivered before it is durable
        batch.commit();
        CHECK_THROWS_AS(batch.commit(), ValidationError);
    }
    CHECK(other->load(ids[2])->version == 3);
    {
        // The next batch's first command delivers what the first one committed (received
        // and assigned, per ticket), once, and marks it delivered inside the batch.
        SqliteStore::Batch batch(*store);
        desk.add_note(lead, ids[0], "内部备注");
        CHECK(notifier->delivered().size() == 6);
        CHECK(desk.dispatch_notifications() == 0);
        CHECK(other->outbox_pending(10).size() == 6); // the marks are not committed yet
        batch.commit();
    }
    CHECK(other->outbox_pending(10).empty());
    CHECK(notifier->delivered().size() == 6);
}

TEST_CASE("sqlite: a Batch that is not committed leaves nothing behind", "[sqlite][batch]") {
    TempDb db;
    auto store = std::make_shared<SqliteStore>(options_for(db));
    store->commit(commit_with_notifications("T1", 1, 1));
    {
        SqliteStore::Batch batch(*store);
        auto t2 = commit_with_notifications("T2", 1, 1);
        t2.sequence = SequenceStep{"ids", 1};
        store->commit(t2);
        store->commit(commit_with_notifications("T1", 2, 1));
        CHECK_THROWS_AS(store->commit(commit_with_notifications("T1", 2, 1)), ConcurrencyConflict); // alone
        CHECK(store->sequence_value("ids") == 1);
        CHECK(store->load("T1")->version == 2);
    } // no commit(): rolled back
    CHECK_FALSE(store->load("T2"));
    CHECK(store->load("T1")->version == 1);
    CHECK(store->history("T1").size() == 1);
    CHECK(store->sequence_value("ids") == 0);
    CHECK(store->outbox_pending(10).size() == 1);
}

TEST_CASE("sqlite: other threads' writes wait for a Batch and then go on", "[sqlite][batch][concurrency]") {
    TempDb db;
    auto store = std::make_shared<SqliteStore>(options_for(db));
    std::thread writer;
    {
        SqliteStore::Batch batch(*store);
        store->commit(commit_with_notifications("B1", 1, 1));
        writer = std::thread([&] { store->commit(commit_with_notifications("W1", 1, 1)); });
        store->commit(commit_with_notifications("B1", 2, 1));
        batch.commit();
    }
    writer.join();
    CHECK(store->load("B1")->version == 2);
    CHECK(store->load("W1"));
    auto rows = store->outbox_pending(10);
    REQUIRE(rows.size() == 3);
    CHECK(rows[2].notification.ticket == "W1"); // written after the batch
}

TEST_CASE("sqlite: cached tickets never hide another writer's version", "[sqlite][cache]") {
    TempDb db;
    auto a = std::make_shared<SqliteStore>(options_for(db));
    auto b = std::make_shared<SqliteStore>(options_for(db));
    auto version = [](std::uint64_t v, const std::string& description) {
        auto c = commit_with_notifications("T1", v, 0);
        c.ticket.description = description;
        return c;
    };
    a->commit(version(1, "first"));
    CHECK(a->load("T1")->description == "first");
    b->commit(version(2, "from b"));
    CHECK(a->load("T1")->description == "from b");

    // What a rolled-back batch wrote is not remembered.
    {
        SqliteStore::Batch batch(*a);
        a->commit(version(3, "rolled back"));
        CHECK(a->load("T1")->description == "rolled back");
    }
    b->commit(version(3, "from b again"));
    CHECK(a->load("T1")->description == "from b again");
    CHECK(a->query({}).at(0).description == "from b again");
}

TEST_CASE("sqlite: a failure while writing loses its transaction, never part of a commit", "[sqlite][batch]") {
    TempDb db;
    {
        SqliteStore store(options_for(db));
        store.commit(commit_with_notifications("T1", 1, 1));
    }
    {
        // Stands for a disk that fails in the middle of a commit: the event is written
        // after the ticket row.
        RawDb raw(db.path());
        raw.exec("CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.note = 'boom' "
                 "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    }
    SqliteStore store(options_for(db));
    auto boom = [](const TicketId& id, std::uint64_t version) {
        auto c = commit_with_notifications(id, version, 1);
        c.events[0].note = "boom";
        return c;
    };

    CHECK_THROWS_WITH(store.commit(boom("T1", 2)), Catch::Contains("disk on fire"));
    CHECK(store.load("T1")->version == 1); // the ticket row written first went too
    CHECK(store.history("T1").size() == 1);
    CHECK(store.outbox_pending(10).size() == 1);

    CHECK_THROWS_AS(store.commit_batch({commit_with_notifications("T2", 1, 1), boom("T3", 1)}), StorageError);
    CHECK_FALSE(store.load("T2"));
    CHECK_FALSE(store.load("T3"));

    {
        SqliteStore::Batch batch(store);
        store.commit(commit_with_notifications("T4", 1, 1));
        CHECK_THROWS_AS(store.commit(boom("T5", 1)), StorageError);
        CHECK_THROWS_AS(store.commit(commit_with_notifications("T6", 1, 1)), StorageError); // the batch is lost
        CHECK_THROWS_AS(batch.commit(), StorageError);
    }
    CHECK_FALSE(store.load("T4"));
    store.commit(commit_with_notifications("T4", 1, 1)); // the store itself goes on
    CHECK(store.load("T4")->version == 1);
    CHECK(store.outbox_pending(10).size() == 2);
}

namespace {

// A store holding `count` tickets T00000, T00001, … (long scans read ahead on a second thread).
std::unique_ptr<SqliteStore> store_with_tickets(const TempDb& db, int count) {
    auto store = std::make_unique<SqliteStore>(options_for(db));
    std::vector<Commit> commits;
    for (int i = 0; i < count; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "T%05d", i);
        commits.push_back(commit_with_notifications(id, 1, 0));
        commits.back().ticket.description = "ticket " + std::to_string(i);
    }
    for (const auto& error : store->commit_batch(commits)) REQUIRE_FALSE(error);
    return store;
}

} // namespace

TEST_CASE("sqlite: a long scan visits every ticket once, in order, and stops when told", "[sqlite][scan]") {
    TempDb db;
    auto store = store_with_tickets(db, 5000);

    int next = 0;
    store->scan({}, [&](const Ticket& t) {
        REQUIRE(t.description == "ticket " + std::to_string(next));
        ++next;
        return true;
    });
    CHECK(next == 5000);

    int visited = 0;
    store->scan({}, [&](const Ticket&) { return ++visited < 3000; });
    CHECK(visited == 3000);

    TicketQuery limited;
    limited.limit = 2500;
    CHECK(store->query(limited).size() == 2500);

    // The visitor may read the store while the scan reads ahead.
    std::size_t loaded = 0;
    store->scan({}, [&](const Ticket& t) {
        loaded += store->load(t.id).has_value();
        return true;
    });
    CHECK(loaded == 5000);
}

TEST_CASE("sqlite: errors in a long scan reach the caller, from the visitor or the file", "[sqlite][scan]") {
    TempDb db;
    auto store = store_with_tickets(db, 4000);

    int visited = 0;
    CHECK_THROWS_WITH(store->scan({},
                                  [&](const Ticket&) {
                                      if (++visited == 2500) throw std::runtime_error("visitor failed");
                                      return true;
                                  }),
                      "visitor failed");
    CHECK(visited == 2500);

    {
        RawDb raw(db.path());
        raw.exec("UPDATE tickets SET payload = x'0102' WHERE id = 'T03000'");
    }
    SqliteStore reopened(options_for(db)); // no cached copy of the damaged ticket
    visited = 0;
    CHECK_THROWS_AS(reopened.scan({},
                                  [&](const Ticket&) {
                                      ++visited;
                                      return true;
                                  }),
                    StorageError);
    CHECK(visited == 3000);       // every ticket before the damaged one
    CHECK(store->load("T03999")); // the store is still usable
}

// The example of SqliteStore::Batch in sqlite_store.hpp.
TEST_CASE("sqlite: an import in one batch is one flush, and all of it is there after reopening", "[sqlite]") {
    TempDb db;
    std::vector<NewTicket> imported(3, sample_request());
    const Actor importer{"importer", Role::team_lead, ""};
    {
        auto store = std::make_shared<SqliteStore>(options_for(db));
        ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()));
        //! [sqlite-batch]
        ticketflow::SqliteStore::Batch batch(*store);
        for (const auto& request : imported) desk.open(importer, request);
        batch.commit(); // one flush for all of them
        //! [sqlite-batch]
    }
    SqliteStore reopened(options_for(db));
    std::size_t tickets = 0;
    reopened.scan({}, [&](const Ticket&) { return ++tickets, true; });
    CHECK(tickets == 3);
}
