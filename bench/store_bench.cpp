// SqliteStore throughput: tickets opened and driven to closed through a ServiceDesk,
// against raw sqlite3 inserts of the same rows in the same run (the limit). Every
// transaction is durable (WAL, synchronous=FULL) on a file in $TICKETFLOW_BENCH_DIR
// (default /tmp).
//
//   *_Single    one transaction per commit (what a lone writer gets)
//   *_Batched   many commits per transaction: raw = 64 lifecycles per transaction;
//               desk = one thread, 64 lifecycles per SqliteStore::Batch;
//               group commit = 16 threads on one desk sharing transactions as they come;
//               commit_batch = the store's explicit batch API, 64 lifecycles per call
//
// Counters: tickets/s and commits/s (wall time), commits/cpu_s (commits per CPU-second of
// the process: what one core sustains when flushes cost nothing), vs_raw = tickets/s
// divided by the raw benchmark's of the same mode, measured earlier in the run.
#include "ticketflow/ticket_encoding.hpp"
#include "support.hpp"
#include "ticketflow/forwarding_store.hpp"
#include "ticketflow/sqlite_store.hpp"

#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <thread>

#include <time.h>

#include <unistd.h>

using namespace ticketflow;
using namespace ticketflow::testing;

namespace {

constexpr int commits_per_lifecycle = 5; // open, assign, start, resolve, close
constexpr int lifecycles_per_batch = 64;
constexpr int group_commit_threads = 16;
constexpr int lifecycles_per_thread = 4;

// A database file that is deleted (with its WAL and shared index) afterwards.
class BenchFile {
public:
    explicit BenchFile(const char* name) {
        const char* dir = std::getenv("TICKETFLOW_BENCH_DIR");
        path_ =
            std::string(dir ? dir : "/tmp") + "/ticketflow-bench-" + name + "-" + std::to_string(::getpid()) + ".db";
        remove();
    }
    ~BenchFile() { remove(); }
    const std::string& path() const { return path_; }

private:
    void remove() const {
        for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
    }
    std::string path_;
};

Actor bench_agent() { return {"agent-1", Role::team_lead, ""}; }

// Every desk here writes its notifications to the outbox and marks them delivered, as a
// desk with a real notifier does: the raw baseline inserts the same outbox rows.
std::shared_ptr<Notifier> with_outbox() { return std::make_shared<NullNotifier>(); }

void drive_lifecycle(ServiceDesk& desk, const Actor& agent) {
    auto id = desk.open(agent, sample_request()).id;
    desk.assign(agent, id, "eng-7");
    desk.start(agent, id);
    desk.resolve(agent, id, {"已重置订单状态并补发通知", Responsibility::platform});
    desk.close(agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, "好"}});
}

// Records the commits a desk makes, so the raw benchmark writes exactly the same rows.
class CapturingStore final : public ForwardingStore {
public:
    CapturingStore() : ForwardingStore(std::make_shared<MemoryStore>()) {}
    std::vector<Commit> commits;

    void commit_all(const std::vector<Commit>& cs) override {
        ForwardingStore::commit_all(cs);
        commits.insert(commits.end(), cs.begin(), cs.end());
    }
};

// The commits of one lifecycle, as a desk makes them.
const std::vector<Commit>& lifecycle_commits() {
    static const std::vector<Commit> commits = [] {
        auto store = std::make_shared<CapturingStore>();
        ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()), DeskConfig{}, with_outbox());
        drive_lifecycle(desk, bench_agent());
        return store->commits;
    }();
    return commits;
}

// The same commits for ticket number `n`, so that every copy has an id of its own.
std::vector<Commit> lifecycle_commits_for(std::uint64_t n) {
    auto commits = lifecycle_commits();
    const std::string id = "B" + std::to_string(n);
    for (auto& c : commits) {
        c.ticket.id = id;
        for (auto& e : c.events) e.ticket = id;
        for (auto& note : c.notifications) note.ticket = id;
    }
    return commits;
}

// Bare prepared INSERTs of the same rows: a ticket row per version (with the same binary
// payload), its events and its outbox rows; no secondary indexes, no reads.
class RawWriter {
public:
    explicit RawWriter(const std::string& path) {
        check(sqlite3_open(path.c_str(), &db_));
        exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
             "CREATE TABLE tickets (id TEXT, version INTEGER, status TEXT, assignee TEXT, department TEXT,"
             " customer_id TEXT, received INTEGER, due INTEGER, payload BLOB);"
             "CREATE TABLE events (ticket TEXT, version INTEGER, at INTEGER, actor TEXT, action TEXT,"
             " from_status TEXT, to_status TEXT, note TEXT);"
             "CREATE TABLE outbox (ticket TEXT, kind TEXT, audience TEXT, recipient TEXT, at INTEGER, text TEXT,"
             " idempotency_key TEXT, state TEXT, attempts INTEGER, next_attempt INTEGER, last_error TEXT);");
        ticket_ = prepare("INSERT INTO tickets VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        event_ = prepare("INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        outbox_ = prepare("INSERT INTO outbox VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, 0, '')");
        begin_ = prepare("BEGIN IMMEDIATE");
        commit_ = prepare("COMMIT");
    }
    ~RawWriter() {
        for (auto* s : {ticket_, event_, outbox_, begin_, commit_}) sqlite3_finalize(s);
        sqlite3_close(db_);
    }

    void begin() { run(begin_); }
    void commit() { run(commit_); }

    // One desk commit's rows; `payload` is the encoded ticket, encoded beforehand.
    void insert(const Commit& c, const std::string& payload) {
        const Ticket& t = c.ticket;
        text(ticket_, 1, t.id);
        sqlite3_bind_int64(ticket_, 2, static_cast<sqlite3_int64>(t.version));
        text(ticket_, 3, to_string(t.status));
        text(ticket_, 4, t.assignee);
        text(ticket_, 5, t.department);
        text(ticket_, 6, t.customer.id);
        sqlite3_bind_int64(ticket_, 7, t.times.received.time_since_epoch().count());
        if (c.next_due)
            sqlite3_bind_int64(ticket_, 8, c.next_due->time_since_epoch().count());
        else
            sqlite3_bind_null(ticket_, 8);
        sqlite3_bind_blob(ticket_, 9, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
        run(ticket_);
        for (const auto& e : c.events) {
            text(event_, 1, t.id);
            sqlite3_bind_int64(event_, 2, static_cast<sqlite3_int64>(e.version));
            sqlite3_bind_int64(event_, 3, e.at.time_since_epoch().count());
            text(event_, 4, e.actor);
            text(event_, 5, to_string(e.action));
            text(event_, 6, to_string(e.from));
            text(event_, 7, to_string(e.to));
            text(event_, 8, e.note);
            run(event_);
        }
        for (const auto& n : c.notifications) {
            text(outbox_, 1, n.ticket);
            text(outbox_, 2, to_string(n.kind));
            text(outbox_, 3, to_string(n.audience));
            text(outbox_, 4, n.recipient);
            sqlite3_bind_int64(outbox_, 5, n.at.time_since_epoch().count());
            text(outbox_, 6, n.text);
            text(outbox_, 7, n.idempotency_key);
            run(outbox_);
        }
    }

private:
    void check(int rc) const {
        if (rc != SQLITE_OK && rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
    }
    void exec(const char* sql) { check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr)); }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* s = nullptr;
        check(sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr));
        return s;
    }
    void text(sqlite3_stmt* s, int index, const std::string& value) {
        sqlite3_bind_text(s, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    }
    void run(sqlite3_stmt* s) {
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        check(rc);
    }

    sqlite3* db_ = nullptr;
    sqlite3_stmt *ticket_ = nullptr, *event_ = nullptr, *outbox_ = nullptr, *begin_ = nullptr, *commit_ = nullptr;
};

// Payloads of the lifecycle's commits, encoded once: the raw writer's rows cost it no
// encoding at all, which makes it the limit.
const std::vector<std::string>& lifecycle_payloads() {
    static const std::vector<std::string> payloads = [] {
        std::vector<std::string> out;
        for (const auto& c : lifecycle_commits()) out.push_back(encode_ticket(c.ticket));
        return out;
    }();
    return payloads;
}

// Rates measured earlier in the run, per mode, for the vs_raw ratios.
std::map<std::string, double>& raw_rates() {
    static std::map<std::string, double> rates;
    return rates;
}

// Wall time and the CPU time of the whole process (all threads) over the measured parts.
class Stopwatch {
public:
    void start() {
        wall_start_ = std::chrono::steady_clock::now();
        cpu_start_ = cpu_now();
    }
    void stop() {
        wall_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
        cpu_ += cpu_now() - cpu_start_;
    }
    double wall_seconds() const { return wall_; }
    double cpu_seconds() const { return cpu_; }

private:
    static double cpu_now() {
        timespec t{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
    }
    std::chrono::steady_clock::time_point wall_start_;
    double cpu_start_ = 0;
    double wall_ = 0;
    double cpu_ = 0;
};

// Sets the counters: tickets/s and commits/s of wall time, and commits per CPU-second
// (what one core sustains when the disk's flushes cost nothing). Returns tickets/s.
double report(benchmark::State& state, std::uint64_t tickets, const Stopwatch& watch) {
    const double rate = static_cast<double>(tickets) / watch.wall_seconds();
    state.counters["tickets/s"] = rate;
    state.counters["commits/s"] = rate * commits_per_lifecycle;
    state.counters["commits/cpu_s"] = static_cast<double>(tickets) * commits_per_lifecycle / watch.cpu_seconds();
    state.SetItemsProcessed(static_cast<std::int64_t>(tickets));
    return rate;
}

void report_vs_raw(benchmark::State& state, const std::string& mode, double rate) {
    auto it = raw_rates().find(mode);
    if (it != raw_rates().end()) state.counters["vs_raw"] = rate / it->second;
}

SqliteOptions durable(const BenchFile& file) {
    SqliteOptions o;
    o.path = file.path();
    o.durability = SqliteDurability::full;
    return o;
}

void BM_Raw_Single(benchmark::State& state) {
    BenchFile file("raw-single");
    RawWriter raw(file.path());
    const auto& commits = lifecycle_commits();
    const auto& payloads = lifecycle_payloads();
    std::uint64_t tickets = 0;
    Stopwatch watch;
    watch.start();
    for (auto _ : state) {
        for (std::size_t i = 0; i < commits.size(); ++i) {
            raw.begin();
            raw.insert(commits[i], payloads[i]);
            raw.commit();
        }
        ++tickets;
    }
    watch.stop();
    raw_rates()["single"] = report(state, tickets, watch);
}
BENCHMARK(BM_Raw_Single)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_Desk_Single(benchmark::State& state) {
    BenchFile file("desk-single");
    ServiceDesk desk(std::make_shared<SqliteStore>(durable(file)), std::make_shared<ManualClock>(may20_1430()),
                     DeskConfig{}, with_outbox());
    const Actor agent = bench_agent();
    std::uint64_t tickets = 0;
    Stopwatch watch;
    watch.start();
    for (auto _ : state) {
        drive_lifecycle(desk, agent);
        ++tickets;
    }
    watch.stop();
    report_vs_raw(state, "single", report(state, tickets, watch));
}
BENCHMARK(BM_Desk_Single)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_Raw_Batched(benchmark::State& state) {
    BenchFile file("raw-batched");
    RawWriter raw(file.path());
    const auto& commits = lifecycle_commits();
    const auto& payloads = lifecycle_payloads();
    std::uint64_t tickets = 0;
    Stopwatch watch;
    watch.start();
    for (auto _ : state) {
        raw.begin();
        for (int n = 0; n < lifecycles_per_batch; ++n)
            for (std::size_t i = 0; i < commits.size(); ++i) raw.insert(commits[i], payloads[i]);
        raw.commit();
        tickets += lifecycles_per_batch;
    }
    watch.stop();
    raw_rates()["batched"] = report(state, tickets, watch);
}
BENCHMARK(BM_Raw_Batched)->UseRealTime()->Unit(benchmark::kMillisecond);

// One thread, one SqliteStore::Batch per 64 lifecycles: one flush per batch. The desk's
// own dispatch after each command delivers what the previous batches committed, and marks
// it delivered inside the current batch.
void BM_Desk_Batched(benchmark::State& state) {
    BenchFile file("desk-batched");
    auto store = std::make_shared<SqliteStore>(durable(file));
    ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()), DeskConfig{}, with_outbox());
    const Actor agent = bench_agent();
    std::uint64_t tickets = 0;
    Stopwatch watch;
    watch.start();
    for (auto _ : state) {
        SqliteStore::Batch batch(*store);
        for (int n = 0; n < lifecycles_per_batch; ++n) drive_lifecycle(desk, agent);
        batch.commit();
        tickets += lifecycles_per_batch;
    }
    watch.stop();
    report_vs_raw(state, "batched", report(state, tickets, watch));
}
BENCHMARK(BM_Desk_Batched)->UseRealTime()->Unit(benchmark::kMillisecond);

// Many threads on one desk: group commit lets concurrent commits share a transaction.
void BM_Desk_GroupCommit(benchmark::State& state) {
    BenchFile file("desk-group");
    ServiceDesk desk(std::make_shared<SqliteStore>(durable(file)), std::make_shared<ManualClock>(may20_1430()),
                     DeskConfig{}, with_outbox());
    const Actor agent = bench_agent();
    std::uint64_t tickets = 0;
    Stopwatch watch;
    watch.start();
    for (auto _ : state) {
        std::vector<std::thread> threads;
        for (int t = 0; t < group_commit_threads; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < lifecycles_per_thread; ++i) drive_lifecycle(desk, agent);
            });
        for (auto& t : threads) t.join();
        tickets += group_commit_threads * lifecycles_per_thread;
    }
    watch.stop();
    report_vs_raw(state, "batched", report(state, tickets, watch));
}
BENCHMARK(BM_Desk_GroupCommit)->UseRealTime()->Unit(benchmark::kMillisecond);

// The store's explicit batch API from one thread: 64 lifecycles' commits per call.
void BM_Store_CommitBatch(benchmark::State& state) {
    BenchFile file("store-batch");
    SqliteStore store(durable(file));
    std::uint64_t tickets = 0;
    Stopwatch watch;
    for (auto _ : state) {
        std::vector<Commit> batch;
        batch.reserve(lifecycles_per_batch * commits_per_lifecycle);
        for (int n = 0; n < lifecycles_per_batch; ++n) {
            auto commits = lifecycle_commits_for(tickets + static_cast<std::uint64_t>(n));
            batch.insert(batch.end(), std::make_move_iterator(commits.begin()), std::make_move_iterator(commits.end()));
        }
        watch.start(); // the copies above are the caller's work
        for (const auto& error : store.commit_batch(batch))
            if (error) std::rethrow_exception(error);
        watch.stop();
        tickets += lifecycles_per_batch;
    }
    report_vs_raw(state, "batched", report(state, tickets, watch));
}
BENCHMARK(BM_Store_CommitBatch)->UseRealTime()->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
