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
using namespace std::chrono_literals;

namespace {

constexpr Instant year_start{Duration{1704038400}}; // 2024-01-01 00:00 Beijing
constexpr Instant year_end{Duration{1735660800}};   // 2025-01-01 00:00 Beijing

// --- the generated file -------------------------------------------------------------

class Dice {
public:
    std::uint64_t next() {
        state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
        return state_ >> 33;
    }
    int roll(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return roll(100) < percent; }

private:
    std::uint64_t state_ = 42;
};

const char* const texts[] = {
    "无法登录账号，提示密码错误",
    "登录不了账号，一直提示密码错误",
    "APP闪退，打开就崩溃",
    "订单支付后状态未更新",
    "订单付款之后状态一直没有更新",
    "快递显示已签收但是我没有收到货",
    "物流显示已经签收了，可是我没收到货",
    "申请退货后退款一直没有到账",
    "退货退款迟迟没有到账",
    "怎么修改收货地址",
    "发票在哪里下载",
    "希望增加夜间模式",
    "客服回复太慢，等了很久",
    "商品与描述不符，要求换货",
    "优惠券无法使用",
    "会员积分没有到账",
    "I was charged twice for my order",
    "The app crashes when I open the settings page",
    "My package shows delivered but I never received it",
    "Refund for my order has not arrived yet",
};
const char* const types[] = {ticket_types::fault,           ticket_types::order,   ticket_types::complaint,
                             ticket_types::return_exchange, ticket_types::consult, ticket_types::how_to,
                             ticket_types::suggestion};
const char* const channel_names[] = {channels::phone, channels::online_chat, channels::app, channels::email,
                                     channels::web_form};
const char* const priorities[] = {"一般", "紧急", "特急"};
const char* const departments[] = {"技术部", "服务部", "售后部", "产品部"};

SlaClock clock_of(SlaStage stage, Instant start, Duration target, std::optional<Instant> stopped) {
    SlaClock c;
    c.stage = stage;
    c.started = start;
    c.due = start + target;
    c.warn_at = start + target * 3 / 4;
    c.stopped = stopped;
    c.warned = c.breached = stopped && *stopped > c.due;
    return c;
}

// A ticket as the desk leaves it: stage times, clocks, satisfaction; one in ten is a
// follow-up visit of an earlier served ticket.
Ticket make_ticket(Dice& dice, std::size_t n, std::size_t total, const std::string& last_served) {
    Ticket t;
    Instant received =
        year_start + (year_end - year_start) * static_cast<Duration::rep>(n) / static_cast<Duration::rep>(total);
    char id[32];
    std::snprintf(id, sizeof id, "B%08zu", n);
    t.id = id;
    t.version = 1;
    t.channel = channel_names[dice.roll(5)];
    t.priority = priorities[dice.roll(3)];
    t.customer = {"C" + std::to_string(dice.roll(200000)), "", static_cast<CustomerTier>(dice.roll(4)), ""};
    t.times.received = t.times.recorded = received;
    t.department = departments[dice.roll(4)];
    t.assignee = "agent-" + std::to_string(dice.roll(200));
    if (n % 10 == 9 && !last_served.empty()) {
        t.type = ticket_types::follow_up_visit;
        t.channel = channels::follow_up_visit;
        t.description = "回访 " + last_served;
        t.links.push_back({LinkKind::follow_up_of, last_served});
        VisitDetails v;
        v.window_from = received;
        v.window_until = received + 48h;
        v.answers = {{"服务效率", 2 + dice.roll(4), ""}, {"人员态度", 3 + dice.roll(3), ""}};
        t.visit = v;
        t.status = Status::closed;
        t.close_reason = CloseReason::confirmed;
        t.times.closed = received + 10min;
        t.satisfaction = Satisfaction{grade_for_score(v.answers[0].score), v.answers[0].score, "", {}, {}, {}};
        return t;
    }
    t.type = types[dice.roll(7)];
    t.description = texts[dice.roll(20)];
    if (t.type == std::string(ticket_types::order)) t.order_number = "DD2024" + std::to_string(10000000 + n);
    if (dice.chance(20)) t.tags = {dice.chance(50) ? "物流" : "支付"};
    Instant reply = received + std::chrono::minutes(5 + dice.roll(dice.chance(10) ? 600 : 60));
    t.times.first_response = reply;
    t.sla.push_back(clock_of(SlaStage::first_response, received, 4h, reply));
    int state = dice.roll(100);
    if (state < 5) {
        t.status = Status::pending;
        t.sla.push_back(clock_of(SlaStage::resolution, received, 24h, std::nullopt));
        return t;
    }
    t.times.started = reply;
    Instant resolved = reply + std::chrono::minutes(30 + dice.roll(dice.chance(20) ? 5000 : 900));
    if (state < 10) {
        t.status = Status::in_progress;
        t.sla.push_back(clock_of(SlaStage::resolution, received, 24h, std::nullopt));
        return t;
    }
    t.times.resolved = resolved;
    t.resolution = "已处理";
    t.sla.push_back(clock_of(SlaStage::resolution, received, 24h, resolved));
    t.sla.push_back(clock_of(SlaStage::result_feedback, resolved, 1h, resolved + 20min));
    t.reopen_count = dice.chance(8) ? 1 : 0;
    if (state < 15) {
        t.status = Status::done;
        return t;
    }
    t.status = Status::closed;
    t.times.closed = resolved + 1h;
    if (dice.chance(12)) {
        t.close_reason = CloseReason::no_answer;
    } else {
        int score = 2 + dice.roll(4);
        t.close_reason = CloseReason::confirmed;
        t.satisfaction = Satisfaction{grade_for_score(score), score, "", score, 3 + dice.roll(3), {}};
    }
    return t;
}

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
        Commit c;
        c.ticket = make_ticket(dice, n, total, last_served);
        if (c.ticket.times.resolved) last_served = c.ticket.id;
        c.expected_version = 0;
        c.events.push_back({c.ticket.id, 1, c.ticket.times.recorded, "bench", Action::open, Status::pending,
                            Status::pending, c.ticket.description});
        batch.push_back(std::move(c));
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
