// The monthly 《客户需求分析报告》 (seed 003) from a SQLite ticket database: JSON, CSV
// (with a BOM, for Excel), Markdown and a self-contained HTML page with charts.
//
//   monthly_report DB [MONTH] [OUT_DIR] [--en]
//       DB       a ticketflow SQLite file
//       MONTH    YYYY-MM, the month to report; default: the previous month (as on the 5th)
//       OUT_DIR  where report-YYYY-MM.{json,csv,md,html} go; default: the current directory
//       --en     English labels (default: Chinese)
//   monthly_report --demo DIR [--en]
//       fills DIR/demo.db with a month of generated tickets (May 2024) and reports it
//   monthly_report
//       the same demo in a fresh temporary directory, removed afterwards
#include <ticketflow/desk.hpp>
#include <ticketflow/report.hpp>
#include <ticketflow/sqlite_store.hpp>

#include <boost/date_time/gregorian/gregorian.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace ticketflow;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A small deterministic generator, so the demo is the same on every run.
class Dice {
public:
    int roll(int n) {
        state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<int>((state_ >> 33) % static_cast<unsigned long long>(n));
    }
    bool chance(int percent) { return roll(100) < percent; }

private:
    unsigned long long state_ = 20240501;
};

struct Problem {
    const char* type;
    const char* department;
    const char* text;
};

// Everyday problems in the words of different customers (paraphrases and order numbers).
const Problem problems[] = {
    {ticket_types::fault, "技术部", "无法登录账号，提示密码错误"},
    {ticket_types::fault, "技术部", "登录不了账号，一直提示密码错误"},
    {ticket_types::fault, "技术部", "APP闪退，打开就崩溃"},
    {ticket_types::order, "技术部", "订单支付后状态未更新"},
    {ticket_types::order, "技术部", "订单付款之后状态一直没有更新"},
    {ticket_types::complaint, "服务部", "快递显示已签收但是我没有收到货"},
    {ticket_types::complaint, "服务部", "物流显示已经签收了，可是我没收到货"},
    {ticket_types::complaint, "服务部", "客服回复太慢，等了很久"},
    {ticket_types::return_exchange, "售后部", "申请退货后退款一直没有到账"},
    {ticket_types::return_exchange, "售后部", "退货退款迟迟没有到账"},
    {ticket_types::consult, "服务部", "怎么修改收货地址"},
    {ticket_types::how_to, "服务部", "发票在哪里下载"},
    {ticket_types::suggestion, "产品部", "希望增加夜间模式"},
};

const char* const channel_names[] = {channels::phone, channels::online_chat, channels::app, channels::email,
                                     channels::web_form};
const char* const agents[] = {"张工*", "李工*", "王客服*", "赵客服*", "钱专员*"};

// 2024-05-DD HH:MM in Beijing (UTC+8); 1714492800 is 1 May 2024 00:00 there.
Instant may(int day, int hour, int minute) {
    return Instant{Duration{1714492800 + (day - 1) * 86400 + hour * 3600 + minute * 60}};
}

// One ticket's whole life, driven through the desk at the times it happened.
void serve(ServiceDesk& desk, ManualClock& clock, Dice& dice, int number, Instant received) {
    Actor staff{"mgr-1", Role::manager, ""};
    const Problem& p = problems[dice.roll(static_cast<int>(sizeof problems / sizeof *problems))];
    clock.set(received);
    NewTicket r;
    r.channel = channel_names[dice.roll(5)];
    r.type = p.type;
    r.priority = dice.chance(15) ? "特急" : dice.chance(30) ? "紧急" : "一般";
    r.customer = {"C" + std::to_string(1000 + number % 40), "", static_cast<CustomerTier>(dice.roll(4)), ""};
    r.description = p.text;
    if (r.type == std::string(ticket_types::order)) r.order_number = "DD202405" + std::to_string(10000 + number);
    auto id = desk.open(staff, r).id;
    if (dice.chance(4)) {
        clock.set(received + 20min);
        desk.cancel(staff, id, CloseReason::withdrawn, "客户撤回");
        return;
    }
    clock.set(received + std::chrono::minutes(5 + dice.roll(dice.chance(20) ? 300 : 50)));
    desk.post_update(staff, id, "已收到，正在处理");
    if (received > may(29, 0, 0) && dice.chance(50)) return; // still pending at the month's end
    desk.assign(staff, id, agents[dice.roll(5)], p.department);
    desk.start(staff, id);
    clock.set(clock.now() + std::chrono::minutes(30 + dice.roll(dice.chance(25) ? 3000 : 600)));
    desk.resolve(staff, id, {"已处理", Responsibility::platform});
    clock.set(clock.now() + 1h);
    int score = dice.chance(10) ? 2 : 3 + dice.roll(3);
    if (dice.chance(10)) {
        desk.record_feedback(staff, id, {});
    } else {
        desk.record_feedback(staff, id, {Satisfaction{grade_for_score(score), score, "", {}, {}, {}}});
        if (score <= 2) { // second handling, then accepted
            clock.set(clock.now() + 5h);
            desk.resolve(staff, id, {"二次处理", Responsibility::platform});
            desk.record_feedback(staff, id, {Satisfaction{SatisfactionGrade::satisfied, 4, "", {}, {}, {}}});
        }
    }
    if (!dice.chance(45)) return;
    // A follow-up visit a day later (seed 004).
    clock.set(clock.now() + 24h);
    VisitRequest visit{id, VisitReason::regular, "demo", clock.now(), clock.now() + 24h, "回访专员*", "服务部"};
    auto visit_id = desk.open_visit(staff, visit).id;
    if (dice.chance(15)) {
        desk.record_attempt(staff, visit_id, ContactOutcome::wrong_number);
        return;
    }
    VisitRecord record;
    record.answers = {
        {"服务效率", 2 + dice.roll(4), ""}, {"人员态度", 3 + dice.roll(3), ""}, {"处理结果", 3 + dice.roll(3), ""}};
    desk.record_visit(staff, visit_id, record);
}

void fill_demo(const std::string& path) {
    SqliteOptions options;
    options.path = path;
    options.durability = SqliteDurability::normal; // a demo need not wait for the disk
    auto store = std::make_shared<SqliteStore>(options);
    auto clock = std::make_shared<ManualClock>(may(1, 9, 0));
    ServiceDesk desk(store, clock);
    Dice dice;
    int number = 0;
    for (int day = 1; day <= 31; ++day)
        for (int i = 0, n = 2 + dice.roll(3); i < n; ++i)
            serve(desk, *clock, dice, ++number, may(day, 8 + dice.roll(12), dice.roll(60)));
    std::printf("demo database %s: %d tickets of May 2024\n", path.c_str(), number);
}

void write(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path.string());
    std::printf("  %s\n", path.string().c_str());
}

// Writes every format; returns the number of tickets reported.
std::size_t write_reports(const TicketStore& store, boost::gregorian::date run_on, const ReportOptions& options,
                          const fs::path& dir) {
    Report report = monthly_report(store, run_on, options);
    auto month = run_on - boost::gregorian::months(1);
    char stem[32];
    std::snprintf(stem, sizeof stem, "report-%04d-%02d", static_cast<int>(month.year()),
                  static_cast<int>(month.month()));
    std::printf("%s\n", report.title.c_str());
    fs::create_directories(dir);
    write(dir / (std::string(stem) + ".json"), to_json(report));
    write(dir / (std::string(stem) + ".csv"), to_csv(report, {true}));
    write(dir / (std::string(stem) + ".md"), to_markdown(report));
    write(dir / (std::string(stem) + ".html"), to_html(report));
    return report.overall.received;
}

// "2024-05" → the day the report of that month would be run on (the 1st of the next).
boost::gregorian::date run_day_for(const std::string& month) {
    if (month.size() != 7 || month[4] != '-') throw std::invalid_argument("MONTH must be YYYY-MM, got " + month);
    boost::gregorian::date first(static_cast<unsigned short>(std::stoi(month.substr(0, 4))),
                                 static_cast<unsigned short>(std::stoi(month.substr(5, 2))), 1);
    return first + boost::gregorian::months(1);
}

int run_demo(fs::path dir, bool temporary, const ReportOptions& options) {
    fs::create_directories(dir);
    fill_demo((dir / "demo.db").string());
    SqliteOptions open;
    open.path = (dir / "demo.db").string();
    open.create_if_missing = false;
    SqliteStore store(open);
    ReportOptions demo = options;
    demo.now = may(31, 9, 0) + 3 * 24h; // 3 June 2024, before the 5th
    std::size_t tickets = write_reports(store, boost::gregorian::date(2024, 6, 3), demo, dir);
    if (temporary) fs::remove_all(dir);
    return tickets > 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) try {
    std::vector<std::string> args(argv + 1, argv + argc);
    ReportOptions options;
    for (auto it = args.begin(); it != args.end();) {
        if (*it == "--en") {
            options.locale = ReportLocale::en;
            it = args.erase(it);
        } else {
            ++it;
        }
    }
    if (args.empty()) {
        std::string pattern = (fs::temp_directory_path() / "ticketflow-report-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory");
        return run_demo(pattern, true, options);
    }
    if (args[0] == "--demo") {
        if (args.size() != 2) throw std::invalid_argument("usage: monthly_report --demo DIR [--en]");
        return run_demo(args[1], false, options);
    }
    SqliteOptions open;
    open.path = args[0];
    open.create_if_missing = false;
    SqliteStore store(open);
    auto today = options.calendar.local_date(SystemClock().now());
    auto run_on = args.size() > 1 ? run_day_for(args[1]) : today;
    write_reports(store, run_on, options, args.size() > 2 ? fs::path(args[2]) : fs::current_path());
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "monthly_report: %s\n", e.what());
    return 1;
}
