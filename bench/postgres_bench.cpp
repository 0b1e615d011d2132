// PostgresStore throughput against raw libpq in the same run, on the server named by
// TICKETFLOW_BENCH_POSTGRES_URI (or TICKETFLOW_TEST_POSTGRES_URI), e.g. the throwaway
// cluster of scripts/pg-test-cluster.sh (see docs/performance.md):
//
//   *_Single    one transaction per commit: raw = the rows of one commit in one
//               transaction of prepared INSERTs; desk = tickets driven to closed through a
//               ServiceDesk (five commands, each one commit_all)
//   *_Batched   raw = 64 lifecycles per transaction; store = PostgresStore::commit_all of
//               64 tickets at a time (one group per lifecycle step)
//   BM_Tick_100Due   ServiceDesk::tick() with 100 due tickets among 10,000 open ones
//
// Counters: tickets/s and commits/s (wall time); vs_raw = tickets/s divided by the raw
// benchmark's of the same mode, measured earlier in the run.
#include "ticketflow/ticket_encoding.hpp"
#include "support.hpp"
#include "ticketflow/forwarding_store.hpp"
#include "ticketflow/postgres_store.hpp"

#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include <unistd.h>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

constexpr int commits_per_lifecycle = 5; // open, assign, start, resolve, close
constexpr int lifecycles_per_batch = 64;

std::string server_uri() {
    for (const char* name : {"TICKETFLOW_BENCH_POSTGRES_URI", "TICKETFLOW_TEST_POSTGRES_URI"})
        if (const char* uri = std::getenv(name)) return uri;
    return "";
}

// A raw libpq session, used for the baseline and to drop the benchmark's schemas.
class Raw {
public:
    Raw() : c_(PQconnectdb(server_uri().c_str())) {
        if (PQstatus(c_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c_));
        exec("SET client_min_messages TO warning");
    }
    ~Raw() { PQfinish(c_); }
    Raw(const Raw&) = delete;
    Raw& operator=(const Raw&) = delete;
    void exec(const std::string& sql) { check(PQexec(c_, sql.c_str())); }
    void prepare(const char* name, const char* sql) { check(PQprepare(c_, name, sql, 0, nullptr)); }
    void run(const char* name, const std::vector<std::string>& values, int binary_param = -1) {
        std::vector<const char*> v;
        std::vector<int> lengths, formats;
        for (std::size_t i = 0; i < values.size(); ++i) {
            v.push_back(values[i].data());
            lengths.push_back(static_cast<int>(values[i].size()));
            formats.push_back(static_cast<int>(i) == binary_param ? 1 : 0);
        }
        check(PQexecPrepared(c_, name, static_cast<int>(v.size()), v.data(), lengths.data(), formats.data(), 0));
    }

private:
    void check(PGresult* r) {
        const auto status = PQresultStatus(r);
        std::string message = PQresultErrorMessage(r);
        PQclear(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(message);
    }
    PGconn* c_;
};

std::string schema_name(const char* what) { return std::string("tf_bench_") + what + "_" + std::to_string(::getpid()); }

void drop(const std::string& schema) { Raw().exec("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"); }

std::shared_ptr<PostgresStore> fresh_store(const std::string& schema) {
    drop(schema);
    PostgresOptions o;
    o.connection = server_uri();
    o.schema = schema;
    return std::make_shared<PostgresStore>(o);
}

Actor bench_agent() { return {"agent-1", Role::team_lead, ""}; }

void drive_lifecycle(ServiceDesk& desk, const Actor& agent) {
    auto id = desk.open(agent, sample_request()).id;
    desk.assign(agent, id, "eng-7");
    desk.start(agent, id);
    desk.resolve(agent, id, {"已重置订单状态并补发通知", Responsibility::platform});
    desk.close(agent, id, {Satisfaction{SatisfactionGrade::satisfied, 5, "好"}});
}

// The commits of one lifecycle as a desk makes them, recorded on a MemoryStore.
class CapturingStore final : public ForwardingStore {
public:
    CapturingStore() : ForwardingStore(std::make_shared<MemoryStore>()) {}
    std::vector<Commit> commits;

    void commit_all(const std::vector<Commit>& cs) override {
        ForwardingStore::commit_all(cs);
        commits.insert(commits.end(), cs.begin(), cs.end());
    }
};

const std::vector<Commit>& lifecycle_commits() {
    static const std::vector<Commit> commits = [] {
        auto store = std::make_shared<CapturingStore>();
        ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()), DeskConfig{},
                         std::make_shared<NullNotifier>());
        drive_lifecycle(desk, bench_agent());
        return store->commits;
    }();
    return commits;
}

// The same commits for ticket `prefix` + `n`, so that every copy has an id of its own.
std::vector<Commit> lifecycle_commits_for(const std::string& prefix, std::uint64_t n) {
    auto commits = lifecycle_commits();
    const std::string id = prefix + std::to_string(n);
    for (auto& c : commits) {
        c.ticket.id = id;
        for (auto& e : c.events) e.ticket = id;
        for (auto& note : c.notifications) note.ticket = id;
        c.sequence.reset(); // a fresh id per copy; the serial counter is the desk's business
    }
    return commits;
}

// Bare prepared INSERTs of the same rows: a ticket row per version (same binary payload),
// its events and outbox rows; no secondary indexes, no version checks, no reads.
class RawWriter {
public:
    explicit RawWriter(const std::string& schema) : schema_(schema) {
        drop(schema);
        raw_.exec("CREATE SCHEMA \"" + schema + "\"; SET search_path TO \"" + schema +
                  "\";"
                  "CREATE TABLE tickets (id text, version bigint, status text, assignee text, department text,"
                  " customer_id text, received bigint, due bigint, payload bytea);"
                  "CREATE TABLE events (ticket text, version bigint, at bigint, actor text, action text,"
                  " from_status text, to_status text, note text);"
                  "CREATE TABLE outbox (ticket text, kind text, audience text, recipient text, at bigint, text text,"
                  " idempotency_key text, state smallint, attempts integer, next_attempt bigint, last_error text)");
        raw_.prepare("t", "INSERT INTO tickets VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        raw_.prepare("e", "INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
        raw_.prepare("o", "INSERT INTO outbox VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, '')");
    }
    ~RawWriter() {
        try {
            drop(schema_);
        } catch (...) {}
    }
    void begin() { raw_.exec("BEGIN"); }
    void commit() { raw_.exec("COMMIT"); }
    void insert(const Commit& c, const std::string& payload) {
        const Ticket& t = c.ticket;
        auto n = [](auto v) { return std::to_string(v); };
        raw_.run("t",
                 {t.id, n(t.version), to_string(t.status), t.assignee, t.department, t.customer.id,
                  n(t.times.received.time_since_epoch().count()),
                  c.next_due ? n(c.next_due->time_since_epoch().count()) : "0", payload},
                 8);
        for (const auto& e : c.events)
            raw_.run("e", {t.id, n(e.version), n(e.at.time_since_epoch().count()), e.actor, to_string(e.action),
                           to_string(e.from), to_string(e.to), e.note});
        for (const auto& o : c.notifications)
            raw_.run("o", {o.ticket, to_string(o.kind), to_string(o.audience), o.recipient,
                           n(o.at.time_since_epoch().count()), o.text, o.idempotency_key});
    }

private:
    std::string schema_;
    Raw raw_;
};

std::map<std::string, double>& raw_rates() {
    static std::map<std::string, double> rates;
    return rates;
}

double report(benchmark::State& state, std::int64_t tickets, std::chrono::steady_clock::duration elapsed) {
    const double seconds = std::chrono::duration<double>(elapsed).count();
    const double rate = static_cast<double>(tickets) / seconds;
    state.counters["tickets/s"] = rate;
    state.counters["commits/s"] = rate * commits_per_lifecycle;
    return rate;
}

void report_vs_raw(benchmark::State& state, const std::string& mode, double rate) {
    auto it = raw_rates().find(mode);
    if (it != raw_rates().end()) state.counters["vs_raw"] = rate / it->second;
}

bool have_server(benchmark::State& state) {
    if (!server_uri().empty()) return true;
    state.SkipWithError("no server: set TICKETFLOW_BENCH_POSTGRES_URI (scripts/pg-test-cluster.sh start)");
    return false;
}

void BM_Raw_Single(benchmark::State& state) {
    if (!have_server(state)) return;
    RawWriter raw(schema_name("raw1"));
    std::vector<std::string> payloads;
    for (const auto& c : lifecycle_commits()) payloads.push_back(encode_ticket(c.ticket));
    std::int64_t tickets = 0;
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
        const auto commits = lifecycle_commits_for("R", static_cast<std::uint64_t>(tickets));
        for (std::size_t i = 0; i < commits.size(); ++i) {
            raw.begin();
            raw.insert(commits[i], payloads[i]);
            raw.commit();
        }
        ++tickets;
    }
    raw_rates()["single"] = report(state, tickets, std::chrono::steady_clock::now() - start);
}
BENCHMARK(BM_Raw_Single)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_Desk_Single(benchmark::State& state) {
    if (!have_server(state)) return;
    const auto schema = schema_name("desk1");
    auto store = fresh_store(schema);
    ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()), DeskConfig{},
                     std::make_shared<NullNotifier>());
    const Actor agent = bench_agent();
    std::int64_t tickets = 0;
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
        drive_lifecycle(desk, agent);
        ++tickets;
    }
    report_vs_raw(state, "single", report(state, tickets, std::chrono::steady_clock::now() - start));
    store.reset();
    drop(schema);
}
BENCHMARK(BM_Desk_Single)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_Raw_Batched(benchmark::State& state) {
    if (!have_server(state)) return;
    RawWriter raw(schema_name("rawb"));
    std::vector<std::string> payloads;
    for (const auto& c : lifecycle_commits()) payloads.push_back(encode_ticket(c.ticket));
    std::int64_t tickets = 0;
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
        raw.begin();
        for (int l = 0; l < lifecycles_per_batch; ++l) {
            const auto commits = lifecycle_commits_for("R", static_cast<std::uint64_t>(tickets++));
            for (std::size_t i = 0; i < commits.size(); ++i) raw.insert(commits[i], payloads[i]);
        }
        raw.commit();
    }
    raw_rates()["batched"] = report(state, tickets, std::chrono::steady_clock::now() - start);
}
BENCHMARK(BM_Raw_Batched)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

// 64 tickets per commit_all, one group per lifecycle step: five transactions per 64
// lifecycles, every version checked, the indexes and outbox kept as always.
void BM_Store_Batched(benchmark::State& state) {
    if (!have_server(state)) return;
    const auto schema = schema_name("storeb");
    auto store = fresh_store(schema);
    std::int64_t tickets = 0;
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
        state.PauseTiming();
        std::vector<std::vector<Commit>> steps(commits_per_lifecycle);
        for (int l = 0; l < lifecycles_per_batch; ++l) {
            auto commits = lifecycle_commits_for("S", static_cast<std::uint64_t>(tickets++));
            for (std::size_t i = 0; i < commits.size(); ++i) steps[i].push_back(std::move(commits[i]));
        }
        state.ResumeTiming();
        for (const auto& group : steps) store->commit_all(group);
    }
    report_vs_raw(state, "batched", report(state, tickets, std::chrono::steady_clock::now() - start));
    store.reset();
    drop(schema);
}
BENCHMARK(BM_Store_Batched)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

// tick() with 100 due tickets among 10,000 open ones: each iteration puts 100 freshly
// opened tickets in the due index (untimed) and times one tick that handles them.
void BM_Tick_100Due(benchmark::State& state) {
    if (!have_server(state)) return;
    constexpr int open_tickets = 10000, due = 100;
    const auto schema = schema_name("tick");
    auto store = fresh_store(schema);
    const Commit& opened = lifecycle_commits().front();
    auto copy = [&](const std::string& id, std::optional<Instant> next_due) {
        Commit c = opened;
        c.ticket.id = id;
        for (auto& e : c.events) e.ticket = id;
        for (auto& n : c.notifications) n.ticket = id;
        c.sequence.reset();
        c.next_due = next_due;
        return c;
    };
    for (int b = 0; b < open_tickets / 100; ++b) { // not due for a year
        std::vector<Commit> group;
        for (int i = 0; i < 100; ++i)
            group.push_back(copy("O" + std::to_string(b * 100 + i), may20_1430() + 24h * 365));
        store->commit_all(group);
    }
    auto clock = std::make_shared<ManualClock>(may20_1430() + 1h);
    ServiceDesk desk(store, clock, DeskConfig{}, std::make_shared<NullNotifier>());
    int round = 0;
    std::size_t handled = 0;
    for (auto _ : state) {
        state.PauseTiming();
        std::vector<Commit> group;
        for (int i = 0; i < due; ++i)
            group.push_back(copy("D" + std::to_string(round) + "-" + std::to_string(i), clock->now() - 1min));
        store->commit_all(group);
        ++round;
        state.ResumeTiming();
        handled += desk.tick(clock->now()).tickets;
        state.PauseTiming();
        clock->advance(10min);
        state.ResumeTiming();
    }
    state.counters["due_handled/tick"] = static_cast<double>(handled) / static_cast<double>(round);
    store.reset();
    drop(schema);
}
BENCHMARK(BM_Tick_100Due)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(20);

} // namespace

BENCHMARK_MAIN();
