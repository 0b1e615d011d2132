// The report pass over a large SQLite ticket file, against baselines over the same rows
// in the same run:
//
//   raw     sqlite3 alone: the store's SELECT of the same rows, payload bytes touched
//   scan    SqliteStore::scan() with a visitor that only counts (rows decoded to tickets)
//   report  build_report(): the scan plus every metric of the report
//   fold    the report's own work alone: tickets already decoded in memory
//
// The file (1,000,000 tickets of 2024 by default) is generated once and kept in
// $TICKETFLOW_BENCH_DIR (default /tmp). Each measurement runs in a child process of its
// own, so its peak RSS (getrusage) is its own.
//
//   report_bench [--tickets N] [--repeat R]
#include "generated_tickets.hpp"
#include "ticketflow/report.hpp"
#include "ticketflow/sqlite_store.hpp"

#include <sqlite3.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ticketflow;
using ticketflow::bench::Dice;
using namespace std::chrono_literals;

namespace {

constexpr Instant year_start{Duration{1704038400}}; // 2024-01-01 00:00 Beijing
constexpr Instant year_end{Duration{1735660800}};   // 2025-01-01 00:00 Beijing

// --- the generated file -------------------------------------------------------------

std::size_t stored_tickets(const std::string& path) {
    if (!std::filesystem::exists(path)) return 0;
    sqlite3* db = nullptr;
    std::size_t count = 0;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM tickets", -1, &s, nullptr) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW)
            count = static_cast<std::size_t>(sqlite3_column_int64(s, 0));
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return count;
}

void generate(const std::string& path, std::size_t total) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    SqliteOptions options;
    options.path = path;
    options.durability = SqliteDurability::normal;
    SqliteStore store(options);
    Dice dice;
    std::string last_served;
    std::vector<Commit> batch;
    for (std::size_t n = 0; n < total; ++n) {
        batch.push_back(ticketflow::bench::generated_commit(dice, n, total, last_served, year_start, year_end));
        if (batch.size() == 5000 || n + 1 == total) {
            for (const auto& error : store.commit_batch(batch))
                if (error) std::rethrow_exception(error);
            batch.clear();
            if ((n + 1) % 100000 == 0) std::fprintf(stderr, "  generated %zu tickets\n", n + 1);
        }
    }
}

// --- measurements -------------------------------------------------------------------

struct Figures {
    double seconds = 0;
    std::size_t rows = 0;
    long peak_rss_kib = 0;
};

ReportFilter year_filter() {
    ReportFilter f;
    f.from = year_start;
    f.until = year_end;
    return f;
}

ReportOptions bench_options() {
    ReportOptions o;
    o.now = year_end + 3 * 24h;
    o.bucket = TrendBucket::month;
    return o;
}

std::size_t raw_select(const std::string& path) {
    // The same statement SqliteStore::scan() prepares for the report's query.
    auto query = ReportBuilder(year_filter(), bench_options()).query();
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        throw std::runtime_error("cannot open " + path);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT version, payload FROM tickets WHERE received < ?1 ORDER BY id", -1, &s, nullptr);
    sqlite3_bind_int64(s, 1, query.received_until->time_since_epoch().count());
    std::size_t rows = 0, bytes = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const auto* payload = static_cast<const unsigned char*>(sqlite3_column_blob(s, 1));
        bytes += static_cast<std::size_t>(sqlite3_column_bytes(s, 1)) + (payload ? payload[0] : 0);
        ++rows;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    if (bytes == 0) throw std::runtime_error("no payload read");
    return rows;
}

std::size_t bare_scan(const std::string& path) {
    SqliteOptions options;
    options.path = path;
    options.create_if_missing = false;
    SqliteStore store(options);
    std::size_t rows = 0;
    store.scan(ReportBuilder(year_filter(), bench_options()).query(), [&rows](const Ticket&) {
        ++rows;
        return true;
    });
    return rows;
}

std::size_t full_report(const std::string& path, bool print) {
    SqliteOptions options;
    options.path = path;
    options.create_if_missing = false;
    SqliteStore store(options);
    ReportBuilder builder(year_filter(), bench_options());
    store.scan(builder.query(), [&builder](const Ticket& t) {
        builder.add(t);
        return true;
    });
    std::size_t rows = builder.tickets_seen();
    Report r = builder.finish();
    if (print)
        std::printf("  report: %zu received, %zu resolved, %zu clusters, backlog %zu, coverage %.1f %%\n",
                    r.overall.received, r.overall.resolved, r.problem_clusters, r.backlog.open,
                    100.0 * r.follow_up.coverage().value_or(0));
    return rows;
}

// The report's own work: tickets decoded into memory first (up to 200,000, the rest of
// the file is not needed for a per-ticket figure), then only the fold is timed.
std::size_t fold_in_memory(const std::string& path, double& seconds) {
    SqliteOptions options;
    options.path = path;
    options.create_if_missing = false;
    SqliteStore store(options);
    std::vector<Ticket> tickets;
    TicketQuery q = ReportBuilder(year_filter(), bench_options()).query();
    q.limit = 200000;
    store.scan(q, [&tickets](const Ticket& t) {
        tickets.push_back(t);
        return true;
    });
    auto start = std::chrono::steady_clock::now();
    ReportBuilder builder(year_filter(), bench_options());
    for (const auto& t : tickets) builder.add(t);
    Report r = builder.finish();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r.overall.received > 0 ? tickets.size() : 0;
}

// Runs @p work in a child process and returns its time, rows and peak RSS. A work that
// times itself sets the seconds it is passed; otherwise the whole call is timed.
Figures in_child(const std::function<std::size_t(double&)>& work) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
    std::fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        close(pipe_fds[0]);
        Figures f;
        double own_seconds = -1;
        auto start = std::chrono::steady_clock::now();
        f.rows = work(own_seconds);
        f.seconds = own_seconds >= 0 ? own_seconds
                                     : std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        f.peak_rss_kib = usage.ru_maxrss;
        std::fflush(stdout);
        ssize_t written = write(pipe_fds[1], &f, sizeof f);
        _exit(written == static_cast<ssize_t>(sizeof f) ? 0 : 1);
    }
    close(pipe_fds[1]);
    Figures f;
    ssize_t got = read(pipe_fds[0], &f, sizeof f);
    close(pipe_fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != static_cast<ssize_t>(sizeof f) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("measurement failed");
    return f;
}

Figures best_of(int repeat, const std::function<std::size_t(double&)>& work) {
    Figures best;
    for (int i = 0; i < repeat; ++i) {
        Figures f = in_child(work);
        if (i == 0 || f.seconds < best.seconds) best = f;
    }
    return best;
}

} // namespace

int main(int argc, char** argv) try {
    std::size_t total = 1000000;
    int repeat = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--tickets") == 0)
            total = std::stoul(argv[i + 1]);
        else if (std::strcmp(argv[i], "--repeat") == 0)
            repeat = std::max(1, std::stoi(argv[i + 1]));
    }
    const char* dir = std::getenv("TICKETFLOW_BENCH_DIR");
    std::string path = std::string(dir ? dir : "/tmp") + "/ticketflow-report-bench-" + std::to_string(total) + ".db";
    if (stored_tickets(path) != total) {
        std::printf("generating %s (%zu tickets, once) ...\n", path.c_str(), total);
        Figures g = in_child([&](double&) {
            generate(path, total);
            return total;
        });
        std::printf("generated in %.1f s\n", g.seconds);
    }
    std::printf("file %s: %zu tickets, %.0f MiB; best of %d runs each\n", path.c_str(), total,
                static_cast<double>(std::filesystem::file_size(path)) / (1 << 20), repeat);

    Figures raw = best_of(repeat, [&](double&) { return raw_select(path); });
    Figures scan = best_of(repeat, [&](double&) { return bare_scan(path); });
    Figures report = best_of(repeat, [&](double&) { return full_report(path, false); });
    Figures fold = best_of(repeat, [&](double& seconds) { return fold_in_memory(path, seconds); });
    in_child([&](double&) { return full_report(path, true); });

    std::printf("%-8s %10s %12s %9s %9s %14s\n", "pass", "seconds", "tickets/s", "vs raw", "vs scan", "peak RSS MiB");
    for (const auto& [name, f] : {std::pair<const char*, Figures>{"raw", raw}, {"scan", scan}, {"report", report}})
        std::printf("%-8s %10.3f %12.0f %8.2fx %8.2fx %14.1f\n", name, f.seconds, double(f.rows) / f.seconds,
                    f.seconds / raw.seconds, f.seconds / scan.seconds, double(f.peak_rss_kib) / 1024.0);
    std::printf("fold     %10.3f %12.0f   (report work alone on %zu tickets in memory; RSS holds them)\n", fold.seconds,
                double(fold.rows) / fold.seconds, fold.rows);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "report_bench: %s\n", e.what());
    return 1;
}
