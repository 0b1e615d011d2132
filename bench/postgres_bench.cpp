// PostgresStore throughput against raw libpq in the same run, on the server named by
// TICKETFLOW_BENCH_POSTGRES_URI (or TICKETFLOW_TEST_POSTGRES_URI), e.g. the throwaway
// cluster of scripts/pg-test-cluster.sh (see docs/performance.md):
//
//   *_Single    one transaction per commit: raw = the rows of one commit in one
//               transaction of prepared INSERTs, pipelined with BEGIN and COMMIT (one
//               round trip); store = the same commits, one PostgresStore::commit_all
//               each (versions checked, indexes, history, outbox); desk = tickets driven
//               to closed through a
//               ServiceDesk (five commands, each one commit_all), its notifications left
//               to the host (host_delivery) or delivered after each command (inline)
//   *_Batched   raw = 64 lifecycles per transaction; store = PostgresStore::commit_all of
//               64 tickets at a time (one group per lifecycle step); raw/unindexed is the
//               baseline, raw/store_indexes writes the same rows into tables with the
//               store's indexes (vs_raw_indexed: the store's work apart from indexing)
//   BM_Store_Single_Wakeups  BM_Store_Single with PostgresOptions::outbox_wakeups
//   BM_Wakeup_Latency  a commit on one store to its delivery by another store's dispatcher,
//                      polling (0) or woken by LISTEN/NOTIFY (1)
//   BM_Tick_100Due   ServiceDesk::tick() with 100 due tickets among 1,000,000 open ones
//                    (a schema kept between runs)
//   BM_Desk_Processes  1 and 4 processes, each a desk on the same schema, for 3 s
//   BM_MonthlyReport   monthly_report() over 1,000,000 tickets of one month (a schema kept
//                      between runs), its time and peak RSS, against a raw read of the rows
//
// Counters: tickets/s and commits/s (wall time); vs_raw = tickets/s divided by the raw
// benchmark's of the same mode, measured earlier in the run.
#include "generated_tickets.hpp"
#include "ticketflow/ticket_encoding.hpp"
#include "support.hpp"
#include "ticketflow/forwarding_store.hpp"
#include "ticketflow/postgres_store.hpp"

#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <functional>

#include <sys/resource.h>
#include <sys/wait.h>
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
    // Reads every keyset page of prepared statement `name` (parameters: the last id seen,
    // then `rest`; result columns: version, payload, id) and returns the rows read.
    std::int64_t pages(const char* name, const std::vector<std::string>& rest) {
        std::int64_t rows = 0;
        std::size_t bytes = 0;
        std::string after;
        for (;;) {
            std::vector<const char*> values{after.c_str()};
            for (const auto& v : rest) values.push_back(v.c_str());
            PGresult* r = PQexecPrepared(c_, name, static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0);
            if (PQresultStatus(r) != PGRES_TUPLES_OK) check(r);
            const int n = PQntuples(r);
            for (int i = 0; i < n; ++i) bytes += static_cast<std::size_t>(PQgetlength(r, i, 1));
            rows += n;
            if (n > 0) after = PQgetvalue(r, n - 1, 2);
            PQclear(r);
            if (n < 256) break;
        }
        if (rows > 0 && bytes == 0) throw std::runtime_error("no payload read");
        return rows;
    }
    // The first column of the first row of `sql`'s result.
    std::string query(const std::string& sql) {
        PGresult* r = PQexec(c_, sql.c_str());
        std::string value = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
        check(r);
        return value;
    }
    void prepare(const char* name, const char* sql) { check(PQprepare(c_, name, sql, 0, nullptr)); }
    void run(const char* name, const std::vector<std::string>& values, int binary_param = -1) {
        std::vector<const char*> v;
        std::vector<int> lengths, formats;
        for (std::size_t i = 0; i < values.size(); ++i) {
            v.push_back(values[i].data());
            lengths.push_back(static_cast<int>(values[i].size()));
            formats.push_back(static_cast<int>(i) == binary_param ? 1 : 0);
        }
        if (pipelined_ == 0) {
            check(PQexecPrepared(c_, name, static_cast<int>(v.size()), v.data(), lengths.data(), formats.data(), 0));
            return;
        }
        if (PQsendQueryPrepared(c_, name, static_cast<int>(v.size()), v.data(), lengths.data(), formats.data(), 0) != 1)
            throw std::runtime_error(PQerrorMessage(c_));
        ++pipelined_;
    }
    // BEGIN, the statements run() sends, COMMIT: one round trip, as libpq allows at best.
    void begin_pipeline() {
        if (PQenterPipelineMode(c_) != 1 ||
            PQsendQueryParams(c_, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
            throw std::runtime_error(PQerrorMessage(c_));
        pipelined_ = 1;
    }
    void commit_pipeline() {
        if (PQsendQueryParams(c_, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) != 1 || PQpipelineSync(c_) != 1)
            throw std::runtime_error(PQerrorMessage(c_));
        for (int i = 0; i <= pipelined_; ++i) {
            check(PQgetResult(c_));
            while (PGresult* extra = PQgetResult(c_)) PQclear(extra);
        }
        PGresult* sync = PQgetResult(c_);
        const bool synced = PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
        PQclear(sync);
        if (!synced || PQexitPipelineMode(c_) != 1) throw std::runtime_error("raw pipeline did not end");
        pipelined_ = 0;
    }

private:
    void check(PGresult* r) {
        const auto status = PQresultStatus(r);
        std::string message = PQresultErrorMessage(r);
        PQclear(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(message);
    }
    PGconn* c_;
    int pipelined_ = 0; // statements sent in the open pipeline, BEGIN included
};

std::string schema_name(const char* what) { return std::string("tf_bench_") + what + "_" + std::to_string(::getpid()); }

void drop(const std::string& schema) { Raw().exec("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"); }

std::shared_ptr<PostgresStore> fresh_store(const std::string& schema, bool outbox_wakeups = false) {
    drop(schema);
    PostgresOptions o;
    o.connection = server_uri();
    o.outbox_wakeups = outbox_wakeups;
    o.schema = schema;
    return std::make_shared<PostgresStore>(o);
}

Actor bench_agent() { return {"agent-1", Role::team_lead, ""}; }

void drive_lifecycle(ServiceDesk& desk, const Actor& agent) {
    auto id = desk.open(agent, sample_request()).id;
    desk.assign(agent, id, "eng-7");
    desk.start(agent, id);
    desk.resolve(agent, id, {"已重置订单状态并补发通知", Responsibility::platform});
    desk.close(agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, "好"}});
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
// `c` written for ticket `id` instead: its events and notifications too. A fresh id per
// copy; the serial counter is the desk's business.
Commit renamed(Commit c, const std::string& id) {
    c.ticket.id = id;
    for (auto& e : c.events) e.ticket = id;
    for (auto& note : c.notifications) note.ticket = id;
    c.sequence.reset();
    return c;
}

std::vector<Commit> lifecycle_commits_for(const std::string& prefix, std::uint64_t n) {
    std::vector<Commit> commits;
    for (const auto& c : lifecycle_commits()) commits.push_back(renamed(c, prefix + std::to_string(n)));
    return commits;
}

// Which indexes the raw tables carry: none (the baseline of the targets), or the store's
// (the same keys on every table, the ticket id not unique as each version is a row of
// its own), which leaves the store's own work apart from index maintenance.
enum class RawIndexes { none, the_stores };

// Bare prepared INSERTs of the same rows: a ticket row per version (same binary payload),
// its events and outbox rows; no version checks, no reads.
class RawWriter {
public:
    explicit RawWriter(const std::string& schema, RawIndexes indexes = RawIndexes::none) : schema_(schema) {
        drop(schema);
        raw_.exec("CREATE SCHEMA \"" + schema + "\"; SET search_path TO \"" + schema +
                  "\";"
                  "CREATE TABLE tickets (id text, version bigint, status text, assignee text, department text,"
                  " customer_id text, received bigint, due bigint, payload bytea);"
                  "CREATE TABLE events (ticket text, version bigint, at bigint, actor text, action text,"
                  " from_status text, to_status text, note text);"
                  "CREATE TABLE outbox (ticket text, kind text, audience text, recipient text, at bigint, text text,"
                  " idempotency_key text, state smallint, attempts integer, next_attempt bigint, last_error text)");
        if (indexes == RawIndexes::the_stores)
            raw_.exec("CREATE INDEX ON tickets (id); CREATE INDEX ON tickets (status, id);"
                      "CREATE INDEX ON tickets (assignee, id); CREATE INDEX ON tickets (department, id);"
                      "CREATE INDEX ON tickets (customer_id, id); CREATE INDEX ON tickets (received, id);"
                      "CREATE INDEX ON tickets (due, id) WHERE due <> 0;" // raw writes 0 for no due instant
                      "ALTER TABLE events ADD COLUMN seq bigserial PRIMARY KEY;"
                      "CREATE INDEX ON events (ticket, seq);"
                      "ALTER TABLE outbox ADD COLUMN sequence bigserial PRIMARY KEY;"
                      "CREATE INDEX ON outbox (sequence) WHERE state = 0;"
                      "CREATE INDEX ON outbox (ticket, sequence) WHERE state = 0");
        raw_.prepare("t", "INSERT INTO tickets VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        raw_.prepare("e", "INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
        raw_.prepare("o", "INSERT INTO outbox VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, '')");
    }
    ~RawWriter() {
        try {
            drop(schema_);
        } catch (...) {}
    }
    void begin() { raw_.begin_pipeline(); }
    void commit() { raw_.commit_pipeline(); }
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

// The key of a raw benchmark's rate in raw_rates().
std::string raw_mode(const std::string& mode, RawIndexes indexes) {
    return indexes == RawIndexes::none ? mode : mode + "_indexed";
}

// vs_raw and vs_raw_indexed: `rate` divided by the raw benchmarks' of `mode` run before.
void report_vs_raw(benchmark::State& state, const std::string& mode, double rate) {
    for (auto [indexes, counter] :
         {std::pair{RawIndexes::none, "vs_raw"}, {RawIndexes::the_stores, "vs_raw_indexed"}}) {
        auto it = raw_rates().find(raw_mode(mode, indexes));
        if (it != raw_rates().end()) state.counters[counter] = rate / it->second;
    }
}

bool have_server(benchmark::State& state) {
    if (!server_uri().empty()) return true;
    state.SkipWithError("no server: set TICKETFLOW_BENCH_POSTGRES_URI (scripts/pg-test-cluster.sh start)");
    return false;
}

void BM_Raw_Single(benchmark::State& state, RawIndexes indexes) {
    if (!have_server(state)) return;
    RawWriter raw(schema_name("raw1"), indexes);
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
    raw_rates()[raw_mode("single", indexes)] = report(state, tickets, std::chrono::steady_clock::now() - start);
}
BENCHMARK_CAPTURE(BM_Raw_Single, unindexed, RawIndexes::none)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);
BENCHMARK_CAPTURE(BM_Raw_Single, store_indexes, RawIndexes::the_stores)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

// The same lifecycle commits, one commit_all() each, as the desk writes them: every
// version checked, the indexes, history and outbox kept. With outbox wakeups each commit
// is also announced (NOTIFY from the store's thread); vs_without divides by the rate of
// the run without, measured just before.
double store_single(benchmark::State& state, bool outbox_wakeups) {
    const auto schema = schema_name(outbox_wakeups ? "store1w" : "store1");
    auto store = fresh_store(schema, outbox_wakeups);
    std::int64_t tickets = 0;
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
        state.PauseTiming();
        const auto commits = lifecycle_commits_for("S", static_cast<std::uint64_t>(tickets));
        state.ResumeTiming();
        for (const auto& c : commits) store->commit_all({c});
        ++tickets;
    }
    const double rate = report(state, tickets, std::chrono::steady_clock::now() - start);
    report_vs_raw(state, "single", rate);
    store.reset();
    drop(schema);
    return rate;
}

double store_single_rate = 0;

void BM_Store_Single(benchmark::State& state) {
    if (have_server(state)) store_single_rate = store_single(state, false);
}
BENCHMARK(BM_Store_Single)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_Store_Single_Wakeups(benchmark::State& state) {
    if (!have_server(state)) return;
    const double rate = store_single(state, true);
    if (store_single_rate > 0) state.counters["vs_without"] = rate / store_single_rate;
}
BENCHMARK(BM_Store_Single_Wakeups)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

// --- a notification's way from one server to another's dispatcher --------------------------

// Signals each delivery with the time it arrived.
class ArrivalNotifier final : public Notifier {
public:
    bool deliver(const Notification&) override {
        std::lock_guard lock(mutex_);
        arrived_ = std::chrono::steady_clock::now();
        ++count_;
        changed_.notify_all();
        return true;
    }
    // When delivery number `n` arrived; throws after a minute without it.
    std::chrono::steady_clock::time_point wait_for(int n) {
        std::unique_lock lock(mutex_);
        if (!changed_.wait_for(lock, 60s, [&] { return count_ >= n; }))
            throw std::runtime_error("a notification was not delivered within a minute");
        return arrived_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::chrono::steady_clock::time_point arrived_;
    int count_ = 0;
};

std::map<bool, double>& median_latencies() {
    static std::map<bool, double> latencies;
    return latencies;
}

// One server commits a ticket with a notification; another server's dispatcher (its own
// PostgresStore on the schema, background thread polling each second as a desk does by
// default) delivers it: the time from the commit's return to the delivery, median and
// worst of 12. Without wakeups the dispatcher finds the row at its next poll; with them
// the writer's announcement wakes it. vs_polling divides the median by that of the run
// without, measured just before.
void BM_Wakeup_Latency(benchmark::State& state) {
    if (!have_server(state)) return;
    const bool wakeups = state.range(0) != 0;
    const auto schema = schema_name(wakeups ? "wake1" : "wake0");
    auto writer = fresh_store(schema, wakeups);
    PostgresOptions o = writer->options();
    auto delivering = std::make_shared<PostgresStore>(o);
    auto notifier = std::make_shared<ArrivalNotifier>();
    OutboxDispatcher dispatcher(delivering, notifier, std::make_shared<ManualClock>(may20_1430()));
    dispatcher.start(DeliveryOptions{}.poll_interval);
    const Commit& opened = lifecycle_commits().front();
    std::vector<double> ms;
    int delivered = 0;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < 12; ++i) {
            writer->commit(renamed(opened, "W" + std::to_string(i)));
            const auto committed = std::chrono::steady_clock::now();
            delivered += static_cast<int>(opened.notifications.size());
            const auto arrived = notifier->wait_for(delivered);
            ms.push_back(std::chrono::duration<double, std::milli>(arrived - committed).count());
        }
        state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    dispatcher.stop();
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    state.counters["median_ms"] = median;
    state.counters["worst_ms"] = ms.back();
    median_latencies()[wakeups] = median;
    if (wakeups && median_latencies().count(false)) state.counters["vs_polling"] = median / median_latencies()[false];
    delivering.reset();
    writer.reset();
    drop(schema);
}
BENCHMARK(BM_Wakeup_Latency)->Arg(0)->Arg(1)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Desk_Single(benchmark::State& state, DeliveryMode mode) {
    if (!have_server(state)) return;
    const auto schema = schema_name("desk1");
    auto store = fresh_store(schema);
    DeskConfig config;
    config.delivery.mode = mode;
    ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()), config, std::make_shared<NullNotifier>());
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
// The desk's commits alone (notifications left to the host's dispatch), then with each
// command's notifications delivered after it (claimed and acknowledged: two more writes).
BENCHMARK_CAPTURE(BM_Desk_Single, host_delivery, DeliveryMode::host)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);
BENCHMARK_CAPTURE(BM_Desk_Single, inline_delivery, DeliveryMode::after_command)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

void BM_Raw_Batched(benchmark::State& state, RawIndexes indexes) {
    if (!have_server(state)) return;
    RawWriter raw(schema_name("rawb"), indexes);
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
    raw_rates()[raw_mode("batched", indexes)] = report(state, tickets, std::chrono::steady_clock::now() - start);
}
BENCHMARK_CAPTURE(BM_Raw_Batched, unindexed, RawIndexes::none)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);
BENCHMARK_CAPTURE(BM_Raw_Batched, store_indexes, RawIndexes::the_stores)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

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

// The opened ticket of lifecycle_commits() as ticket `id`, due at `next_due`.
Commit opened_copy(const std::string& id, std::optional<Instant> next_due) {
    Commit c = renamed(lifecycle_commits().front(), id);
    c.next_due = next_due;
    return c;
}

std::int64_t count_rows(const std::string& schema, const std::string& where) {
    auto rows = Raw().query("SELECT count(*) FROM \"" + schema + "\".tickets WHERE " + where);
    return std::stoll(rows);
}

// A schema of `open_tickets` opened tickets not due for a year, kept between runs (made
// once: 1,000,000 take a few minutes).
std::string open_tickets_schema(int open_tickets) {
    const std::string schema = "tf_bench_open_" + std::to_string(open_tickets);
    {
        PostgresOptions o;
        o.connection = server_uri();
        o.schema = schema;
        PostgresStore store(o);
        const auto stored = count_rows(schema, "id LIKE 'O%'");
        if (stored == open_tickets) return schema;
        std::fprintf(stderr, "making %s: %d open tickets (once) ...\n", schema.c_str(), open_tickets);
    }
    auto store = fresh_store(schema);
    constexpr int group_size = 1000;
    for (int b = 0; b < open_tickets / group_size; ++b) {
        std::vector<Commit> group;
        for (int i = 0; i < group_size; ++i)
            group.push_back(opened_copy("O" + std::to_string(b * group_size + i), may20_1430() + 24h * 365));
        store->commit_all(group);
    }
    // Their notifications were sent long ago: a desk in steady state has no backlog.
    Raw().exec("UPDATE \"" + schema + "\".outbox SET state = 1");
    Raw().exec("VACUUM ANALYZE \"" + schema + "\".tickets");
    Raw().exec("VACUUM ANALYZE \"" + schema + "\".outbox");
    return schema;
}

// tick() with 100 due tickets among `open` open ones (not due for a year): each
// iteration puts 100 freshly opened tickets in the due index (untimed) and times one tick
// that handles them. The clock stands still, so a handled ticket's next due instant (its
// warning, hours later) is not reached again. Notifications are left to the host's
// dispatch (DeliveryMode::host), as a server that delivers them elsewhere would; the
// `inline` variant delivers them after each ticket's commit (DeliveryMode::after_command).
void BM_Tick_100Due(benchmark::State& state, DeliveryMode mode) {
    if (!have_server(state)) return;
    constexpr int due = 100;
    const int open_tickets = static_cast<int>(state.range(0));
    const auto schema = open_tickets_schema(open_tickets);
    PostgresOptions o;
    o.connection = server_uri();
    o.schema = schema;
    auto store = std::make_shared<PostgresStore>(o);
    auto clock = std::make_shared<ManualClock>(may20_1430() + 1h);
    DeskConfig config;
    config.delivery.mode = mode;
    ServiceDesk desk(store, clock, config, std::make_shared<NullNotifier>());
    const std::string prefix = "D" + std::to_string(::getpid()) + "-";
    int round = 0;
    std::size_t handled = 0;
    for (auto _ : state) {
        state.PauseTiming();
        std::vector<Commit> group;
        for (int i = 0; i < due; ++i)
            group.push_back(opened_copy(prefix + std::to_string(round) + "-" + std::to_string(i), clock->now() - 1min));
        store->commit_all(group);
        ++round;
        state.ResumeTiming();
        handled += desk.tick(clock->now()).tickets;
    }
    state.counters["due_handled/tick"] = static_cast<double>(handled) / static_cast<double>(round);
    state.counters["open"] = static_cast<double>(count_rows(schema, "id LIKE 'O%'"));
    // The set stays as it was made: the due tickets of this run go again.
    Raw().exec("SET search_path TO \"" + schema + "\"; DELETE FROM tickets WHERE id LIKE '" + prefix +
               "%'; DELETE FROM events WHERE ticket LIKE '" + prefix + "%'; DELETE FROM outbox WHERE ticket LIKE '" +
               prefix + "%'");
}
BENCHMARK_CAPTURE(BM_Tick_100Due, host_delivery, DeliveryMode::host)
    ->Arg(1000000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(20);
BENCHMARK_CAPTURE(BM_Tick_100Due, inline_delivery, DeliveryMode::after_command)
    ->Arg(1000000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(20);

// --- several servers on one database -------------------------------------------------

// Runs `work` in `n` child processes at once, each returning a count through a pipe; the
// sum of their counts and the wall time from the first start to the last exit.
std::pair<std::int64_t, double> in_processes(int n, const std::function<std::int64_t()>& work) {
    std::vector<std::pair<pid_t, int>> children;
    std::fflush(stdout);
    std::fflush(stderr);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
        const pid_t pid = fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
            close(fds[0]);
            std::int64_t count = -1;
            try {
                count = work();
            } catch (const std::exception& e) {
                std::fprintf(stderr, "child: %s\n", e.what());
            }
            const bool sent = write(fds[1], &count, sizeof count) == static_cast<ssize_t>(sizeof count);
            _exit(sent && count >= 0 ? 0 : 1);
        }
        close(fds[1]);
        children.emplace_back(pid, fds[0]);
    }
    std::int64_t total = 0;
    bool failed = false;
    for (auto [pid, fd] : children) {
        std::int64_t count = 0;
        failed |= read(fd, &count, sizeof count) != static_cast<ssize_t>(sizeof count) || count < 0;
        close(fd);
        int status = 0;
        waitpid(pid, &status, 0);
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        total += count;
    }
    if (failed) throw std::runtime_error("a benchmark process failed");
    return {total, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

std::map<int, double>& process_rates() {
    static std::map<int, double> rates;
    return rates;
}

// `processes` servers, each with its own desk and PostgresStore on one schema, driving
// lifecycles for 3 s: they number tickets from the same daily counter, so opens race and
// the desks retry. tickets/s is the sum of all; vs_one_process divides it by the rate of
// the 1-process run before it.
void BM_Desk_Processes(benchmark::State& state) {
    if (!have_server(state)) return;
    const int processes = static_cast<int>(state.range(0));
    const auto schema = schema_name(("procs" + std::to_string(processes)).c_str());
    fresh_store(schema).reset();
    std::int64_t tickets = 0;
    double seconds = 0;
    for (auto _ : state) {
        auto [count, wall] = in_processes(processes, [&] {
            PostgresOptions o;
            o.connection = server_uri();
            o.schema = schema;
            auto store = std::make_shared<PostgresStore>(o);
            DeskConfig config;
            config.delivery.mode = DeliveryMode::host;
            config.max_commit_attempts = 64;
            ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()), config,
                             std::make_shared<NullNotifier>());
            const Actor agent = bench_agent();
            std::int64_t done = 0;
            const auto until = std::chrono::steady_clock::now() + 3s;
            while (std::chrono::steady_clock::now() < until) {
                drive_lifecycle(desk, agent);
                ++done;
            }
            return done;
        });
        tickets += count;
        seconds += wall;
        state.SetIterationTime(wall);
    }
    const double rate = static_cast<double>(tickets) / seconds;
    state.counters["tickets/s"] = rate;
    state.counters["commits/s"] = rate * commits_per_lifecycle;
    process_rates()[processes] = rate;
    if (processes > 1 && process_rates().count(1)) state.counters["vs_one_process"] = rate / process_rates()[1];
    drop(schema);
}
BENCHMARK(BM_Desk_Processes)->Arg(1)->Arg(4)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);

// --- the monthly report ------------------------------------------------------------------

constexpr Instant may_start{Duration{1714492800}};  // 2024-05-01 00:00 Beijing
constexpr Instant june_start{Duration{1717171200}}; // 2024-06-01 00:00 Beijing

// A schema of `total` tickets received in May 2024 (the generated mix of report_bench),
// kept between runs.
std::string report_schema(std::size_t total) {
    const std::string schema = "tf_bench_report_" + std::to_string(total);
    PostgresOptions o;
    o.connection = server_uri();
    o.schema = schema;
    {
        PostgresStore store(o);
        if (count_rows(schema, "true") == static_cast<std::int64_t>(total)) return schema;
    }
    std::fprintf(stderr, "making %s: %zu tickets of May 2024 (once) ...\n", schema.c_str(), total);
    auto store = fresh_store(schema);
    bench::Dice dice;
    std::string last_served;
    std::vector<Commit> group;
    for (std::size_t n = 0; n < total; ++n) {
        group.push_back(bench::generated_commit(dice, n, total, last_served, may_start, june_start));
        if (group.size() == 100 || n + 1 == total) {
            store->commit_all(group);
            group.clear();
        }
    }
    Raw().exec("VACUUM ANALYZE \"" + schema + "\".tickets");
    return schema;
}

// monthly_report() of May over `range(0)` tickets, in a child process so that its peak
// RSS is its own; against a raw libpq read of the same rows (keyset pages of 256 by id,
// payload bytes touched) in the same run.
void BM_MonthlyReport(benchmark::State& state) {
    if (!have_server(state)) return;
    const auto total = static_cast<std::size_t>(state.range(0));
    const auto schema = report_schema(total);
    double report_seconds = 0, raw_seconds = 0;
    long peak_rss_kib = 0;
    std::size_t received = 0;
    for (auto _ : state) {
        const auto raw_start = std::chrono::steady_clock::now();
        auto raw = in_processes(1, [&] {
            Raw db;
            db.exec("SET search_path TO \"" + schema + "\"");
            db.prepare("page", "SELECT version, payload, id FROM tickets WHERE id > $1 AND received >= $2 "
                               "AND received < $3 ORDER BY id LIMIT 256");
            return db.pages("page", {std::to_string(may_start.time_since_epoch().count()),
                                     std::to_string(june_start.time_since_epoch().count())});
        });
        raw_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - raw_start).count();
        if (raw.first != static_cast<std::int64_t>(total)) throw std::runtime_error("raw read missed rows");
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
        const auto start = std::chrono::steady_clock::now();
        auto report = in_processes(1, [&] {
            PostgresOptions o;
            o.connection = server_uri();
            o.schema = schema;
            PostgresStore store(o);
            auto r = monthly_report(store, boost::gregorian::date(2024, 6, 3));
            rusage usage{};
            getrusage(RUSAGE_SELF, &usage);
            const std::int64_t rss = usage.ru_maxrss;
            const bool sent = write(fds[1], &rss, sizeof rss) == static_cast<ssize_t>(sizeof rss);
            return sent ? static_cast<std::int64_t>(r.overall.received) : -1;
        });
        report_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::int64_t rss = 0;
        if (read(fds[0], &rss, sizeof rss) != static_cast<ssize_t>(sizeof rss)) throw std::runtime_error("no RSS");
        close(fds[0]);
        close(fds[1]);
        peak_rss_kib = std::max<long>(peak_rss_kib, static_cast<long>(rss));
        received = static_cast<std::size_t>(report.first);
        state.SetIterationTime(report_seconds);
    }
    const double n = static_cast<double>(state.iterations());
    state.counters["report_s"] = report_seconds / n;
    state.counters["raw_s"] = raw_seconds / n;
    state.counters["vs_raw"] = report_seconds / raw_seconds;
    state.counters["received"] = static_cast<double>(received);
    state.counters["peak_rss_MiB"] = static_cast<double>(peak_rss_kib) / 1024.0;
}
BENCHMARK(BM_MonthlyReport)->Arg(1000000)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);

} // namespace

BENCHMARK_MAIN();
