// ticketctl: try the ticket workflow by hand on a SQLite file or a PostgreSQL database.
//
//   ticketctl --db desk.db open --customer C1001 --channel phone --type fault "APP 无法登录"
//   ticketctl --db postgresql://desk@db.example/desk list
//   ticketctl --db desk.db assign 20240520001 eng-7
//   ticketctl --db desk.db --json show 20240520001
//
// Exit codes: 0 success, 1 the library refused or failed (invalid transition, unknown
// ticket, storage error ...), 2 the command line itself is wrong. See docs/ticketctl.md.
#include "output.hpp"

#include "ticketflow/desk.hpp"
#include "ticketflow/sqlite_store.hpp"
#ifdef TICKETCTL_HAVE_POSTGRES
#include "ticketflow/postgres_store.hpp"
#endif

#include <CLI/CLI.hpp>

#include <functional>
#include <limits>
#include <iostream>

namespace {

using namespace ticketflow;

enum ExitCode : int { exit_ok = 0, exit_library_error = 1, exit_usage_error = 2 };

// A command line that parses but does not make sense (e.g. feedback without a verdict).
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Everything the command line can set; each command reads the members it declared.
struct Arguments {
    std::string db = "ticketflow.db";
    std::string schema = "ticketflow";
    bool json = false;
    std::string actor = "cli";
    std::string role = "team_lead";
    std::string actor_department;
    std::string now;
    std::string calendar;  // a JSON calendar file, or an .ics feed over the built-in calendar
    std::string templates; // a JSON file of notification templates

    std::string id, primary, text, assignee, department, customer, nickname, order, priority, eta, received_at;
    std::string channel = channels::phone;
    std::string type = ticket_types::consult;
    std::string responsibility = "undetermined";
    std::string grade, comment, status, from, until, cancel_reason;
    std::vector<std::string> tags;
    std::optional<int> score;
    bool no_answer = false;
    std::size_t limit = 0;
};

template <class Enum>
std::vector<std::string> names_of(int count) {
    std::vector<std::string> names;
    for (int i = 0; i < count; ++i) names.emplace_back(to_string(static_cast<Enum>(i)));
    return names;
}

// Times ticketctl accepts: from the Unix epoch on. Earlier ones (0000-01-01…) are typos,
// and the desk's calendars cannot place them.
constexpr const char* earliest_time = "1970-01-01T00:00:00Z";

const CLI::Validator utc_time(
    [](std::string& text) {
        try {
            if (parse_instant(text, "time") < parse_instant(earliest_time, "time"))
                return "'" + text + "' is before " + earliest_time + "; times must be from then on";
            return std::string();
        } catch (const ValidationError& e) {
            return std::string(e.what());
        }
    },
    "TIME", "UTC time like 2024-05-20T06:30:00Z");

// --limit: a whole number that SQLite's LIMIT can take (CLI11 would wrap -1 around).
const CLI::Validator limit_count(
    [](std::string& text) {
        const std::string problem = "'" + text + "' is not a whole number from 0 (no limit) to " +
                                    std::to_string(std::numeric_limits<std::int64_t>::max());
        if (text.empty() || text.size() > 19) return problem;
        for (char c : text)
            if (c < '0' || c > '9') return problem;
        if (text.size() == 19 && text > std::to_string(std::numeric_limits<std::int64_t>::max())) return problem;
        return std::string();
    },
    "N", "whole number, 0 for no limit");

std::optional<Instant> optional_time(const std::string& text) {
    if (text.empty()) return std::nullopt;
    return parse_instant(text, "time");
}

Role parse_role(const std::string& name) {
    for (int i = 0; i <= static_cast<int>(Role::system); ++i)
        if (name == to_string(static_cast<Role>(i))) return static_cast<Role>(i);
    throw UsageError("unknown role " + name); // unreachable: --role is checked by CLI11
}

// The desk's periodic work, run by `ticketctl tick`: the SLA monitor (warnings, breaches,
// escalations, reminders, waits that end), then delivery of the notifications that are
// due, retries included. New periodic duties of the desk belong here.
ticketctl::TickResult run_periodic_work(ServiceDesk& desk, Instant now) {
    ticketctl::TickResult result;
    result.sla = desk.tick(now);
    result.delivered = desk.dispatch_notifications();
    return result;
}

// The store --db names: a PostgreSQL database for a postgresql:// (or postgres://) URI,
// else a SQLite file.
std::shared_ptr<TicketStore> open_store(const Arguments& args) {
    const bool postgres = args.db.rfind("postgresql://", 0) == 0 || args.db.rfind("postgres://", 0) == 0;
    if (!postgres) return std::make_shared<SqliteStore>(SqliteOptions{args.db});
#ifdef TICKETCTL_HAVE_POSTGRES
    PostgresOptions options;
    options.connection = args.db;
    options.schema = args.schema;
    options.pool_size = 1; // one command, one connection
    return std::make_shared<PostgresStore>(options);
#else
    throw UsageError("--db " + args.db + ": this ticketctl was built without the postgres component");
#endif
}

// One invocation: the store, a desk over it and where the output goes.
class Session {
public:
    explicit Session(const Arguments& args)
        : clock_(args.now.empty() ? std::shared_ptr<Clock>(std::make_shared<SystemClock>())
                                  : std::make_shared<ManualClock>(parse_instant(args.now, "--now"))),
          desk_(open_store(args), clock_, config(args), std::make_shared<ticketctl::PrintingNotifier>(std::cerr)),
          actor_{args.actor, parse_role(args.role), args.actor_department}, out_(std::cout, args.json) {}

    ServiceDesk& desk() { return desk_; }
    const Actor& actor() const { return actor_; }
    const ticketctl::Output& out() const { return out_; }
    Instant now() const { return clock_->now(); }

private:
    // The built-in calendar, or --calendar: a JSON file, or an iCalendar feed (.ics) laid
    // over the built-in calendar; loaded at run time, without rebuilding. The built-in
    // notification wording, or --templates.
    static DeskConfig config(const Arguments& args) {
        DeskConfig c;
        if (!args.templates.empty()) c.templates = MessageTemplates::from_json_file(args.templates);
        if (args.calendar.empty()) return c;
        const auto& path = args.calendar;
        const bool ics = path.size() >= 4 && (path.compare(path.size() - 4, 4, ".ics") == 0 ||
                                              path.compare(path.size() - 4, 4, ".ICS") == 0);
        c.calendar = ics ? c.calendar.with_ics_file(path) : BusinessCalendar::from_json_file(path);
        return c;
    }

    std::shared_ptr<Clock> clock_;
    ServiceDesk desk_;
    Actor actor_;
    ticketctl::Output out_;
};

using Command = std::function<void(Session&)>;

std::optional<Satisfaction> satisfaction(const Arguments& a) {
    // A score or comment belongs to a verdict; without one it would be dropped silently.
    if (a.grade.empty() && (a.score || !a.comment.empty()))
        throw UsageError(std::string(a.score ? "--score" : "--comment") + " needs --grade (the customer's verdict)");
    if (a.grade.empty()) return std::nullopt;
    return Satisfaction{parse_satisfaction_grade(a.grade), a.score, a.comment};
}

// Adds the ticket id argument every per-ticket command starts with.
CLI::App* ticket_command(CLI::App& app, const char* name, const char* description, Arguments& a) {
    auto* sub = app.add_subcommand(name, description);
    sub->add_option("id", a.id, "Ticket number, e.g. 20240520001")->required();
    return sub;
}

void add_satisfaction_options(CLI::App* sub, Arguments& a) {
    sub->add_option("--grade", a.grade, "Customer's verdict")->check(CLI::IsMember(names_of<SatisfactionGrade>(4)));
    sub->add_option("--score", a.score, "Score 1-5")->check(CLI::Range(1, 5));
    sub->add_option("--comment", a.comment, "Customer's own words");
}

// Declares every subcommand; returns each with the code that runs it.
std::vector<std::pair<CLI::App*, Command>> declare_commands(CLI::App& app, Arguments& a) {
    std::vector<std::pair<CLI::App*, Command>> commands;

    auto* open = app.add_subcommand("open", "Record a new ticket (intake)");
    open->add_option("description", a.text, "The customer's problem")->required();
    open->add_option("--customer", a.customer, "Customer number")->required();
    open->add_option("--channel", a.channel, "Intake channel")->capture_default_str();
    open->add_option("--type", a.type, "Ticket type")->capture_default_str();
    open->add_option("--priority", a.priority, "Priority level (default: the lowest)");
    open->add_option("--nickname", a.nickname, "Customer's display nickname");
    open->add_option("--order", a.order, "Order number");
    open->add_option("--department", a.department, "Handling department");
    open->add_option("--tag", a.tags, "A tag (repeatable)");
    open->add_option("--received-at", a.received_at, "When the customer raised it")->check(utc_time);
    commands.emplace_back(open, [&a](Session& s) {
        NewTicket r;
        r.channel = a.channel;
        r.type = a.type;
        r.priority = a.priority;
        r.customer.id = a.customer;
        r.customer.nickname = a.nickname;
        r.description = a.text;
        r.order_number = a.order;
        r.department = a.department;
        r.tags = a.tags;
        r.received_at = optional_time(a.received_at);
        s.out().changed(s.desk().open(s.actor(), r));
    });

    auto* list = app.add_subcommand("list", "List tickets in id order, optionally filtered");
    list->add_option("--status", a.status, "Only this status")->check(CLI::IsMember(names_of<Status>(status_count)));
    list->add_option("--assignee", a.assignee, "Only this assignee");
    list->add_option("--department", a.department, "Only this department");
    list->add_option("--customer", a.customer, "Only this customer");
    list->add_option("--from", a.from, "Received at or after")->check(utc_time);
    list->add_option("--until", a.until, "Received before")->check(utc_time);
    list->add_option("--limit", a.limit, "At most this many (0: no limit)")->check(limit_count);
    commands.emplace_back(list, [&a](Session& s) {
        TicketQuery q;
        if (!a.status.empty()) q.status = parse_status(a.status);
        if (!a.assignee.empty()) q.assignee = a.assignee;
        if (!a.department.empty()) q.department = a.department;
        if (!a.customer.empty()) q.customer_id = a.customer;
        q.received_from = optional_time(a.from);
        q.received_until = optional_time(a.until);
        q.limit = a.limit;
        s.out().list(s.desk().query(q));
    });

    commands.emplace_back(ticket_command(app, "show", "Show a ticket and what can be done next", a),
                          [&a](Session& s) { s.out().details(s.desk().get(a.id), s.desk().allowed_actions(a.id)); });

    auto* assign = ticket_command(app, "assign", "Assign or reassign the handler", a);
    assign->add_option("assignee", a.assignee, "Handler's staff id")->required();
    assign->add_option("--department", a.department, "Move to this department too");
    commands.emplace_back(assign, [&a](Session& s) {
        auto department = a.department.empty() ? std::nullopt : std::optional<std::string>(a.department);
        s.out().changed(s.desk().assign(s.actor(), a.id, a.assignee, department));
    });

    commands.emplace_back(ticket_command(app, "start", "Start handling (pending -> in_progress)", a),
                          [&a](Session& s) { s.out().changed(s.desk().start(s.actor(), a.id)); });

    auto* update = ticket_command(app, "update", "Send the customer a progress update", a);
    update->add_option("message", a.text, "What to tell the customer")->required();
    update->add_option("--eta", a.eta, "New estimated completion")->check(utc_time);
    commands.emplace_back(update, [&a](Session& s) {
        const std::optional<Instant> eta = optional_time(a.eta);
        if (eta && *eta < s.now())
            throw UsageError("--eta " + a.eta + " is in the past (now is " + format_instant(s.now()) + ")");
        s.out().changed(s.desk().post_update(s.actor(), a.id, a.text, eta));
    });

    auto* resolve = ticket_command(app, "resolve", "Finish handling with a resolution (in_progress -> done)", a);
    resolve->add_option("resolution", a.text, "What was done")->required();
    resolve->add_option("--responsibility", a.responsibility, "Who was responsible")
        ->check(CLI::IsMember(names_of<Responsibility>(4)))
        ->capture_default_str();
    commands.emplace_back(resolve, [&a](Session& s) {
        s.out().changed(s.desk().resolve(s.actor(), a.id, {a.text, parse_responsibility(a.responsibility)}));
    });

    auto* feedback =
        ticket_command(app, "feedback", "Apply the customer's verdict: dissatisfied reopens, else closes", a);
    add_satisfaction_options(feedback, a);
    feedback->add_flag("--no-answer", a.no_answer, "The customer did not answer");
    commands.emplace_back(feedback, [&a](Session& s) {
        if (a.grade.empty() == !a.no_answer) throw UsageError("feedback needs either --grade or --no-answer");
        if (a.no_answer && (a.score || !a.comment.empty()))
            throw UsageError("--no-answer takes no --score or --comment: the customer did not answer");
        s.out().changed(s.desk().record_feedback(s.actor(), a.id, {satisfaction(a)}));
    });

    auto* close = ticket_command(app, "close", "Close a done ticket (without --grade: no answer)", a);
    add_satisfaction_options(close, a);
    commands.emplace_back(close,
                          [&a](Session& s) { s.out().changed(s.desk().close(s.actor(), a.id, {satisfaction(a)})); });

    auto* reopen = ticket_command(app, "reopen", "Second handling of a done ticket", a);
    reopen->add_option("reason", a.text, "Why the customer is not satisfied")->required();
    commands.emplace_back(reopen, [&a](Session& s) { s.out().changed(s.desk().reopen(s.actor(), a.id, a.text)); });

    auto* cancel = ticket_command(app, "cancel", "Cancel a pending ticket", a);
    cancel->add_option("reason", a.cancel_reason, "duplicate, spam or withdrawn")
        ->required()
        ->check(CLI::IsMember({"duplicate", "spam", "withdrawn"}));
    cancel->add_option("note", a.text, "Explanation")->required();
    commands.emplace_back(cancel, [&a](Session& s) {
        s.out().changed(s.desk().cancel(s.actor(), a.id, parse_close_reason(a.cancel_reason), a.text));
    });

    auto* merge = ticket_command(app, "merge", "Close a duplicate (ID) into the ticket it repeats", a);
    merge->add_option("primary", a.primary, "The ticket it repeats")->required();
    merge->add_option("note", a.text, "Explanation");
    commands.emplace_back(merge,
                          [&a](Session& s) { s.out().merged(s.desk().merge(s.actor(), a.id, a.primary, a.text)); });

    commands.emplace_back(ticket_command(app, "history", "Show a ticket's audit trail", a),
                          [&a](Session& s) { s.out().history(s.desk().history(a.id)); });

    commands.emplace_back(app.add_subcommand("tick", "Run the desk's periodic work: SLA monitor, due notifications"),
                          [](Session& s) { s.out().tick(run_periodic_work(s.desk(), s.now())); });
    commands.emplace_back(
        app.add_subcommand("calendar", "Show the desk's calendar and the dates its holiday data covers"),
        [](Session& s) { s.out().calendar(s.desk().calendar()); });
    return commands;
}

int run(int argc, char** argv) {
    Arguments a;
    CLI::App app{"ticketctl: the ticketflow customer-service workflow on a SQLite file or a PostgreSQL database"};
    app.add_option("--db", a.db, "Database file (created if missing), or a postgresql:// URI")->capture_default_str();
    app.add_option("--schema", a.schema, "With a postgresql:// --db: the PostgreSQL schema (created if missing)")
        ->capture_default_str();
    app.add_flag("--json", a.json, "Print results as JSON");
    // The last --actor / --role wins, so a wrapper script can set defaults and still be overridden.
    app.add_option("--actor", a.actor, "Who performs the command")
        ->capture_default_str()
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_option("--role", a.role, "The actor's role (what the desk permits them)")
        ->check(CLI::IsMember(names_of<Role>(static_cast<int>(Role::system) + 1)))
        ->capture_default_str()
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_option("--actor-department", a.actor_department, "The actor's department (none: every department)");
    app.add_option("--now", a.now, "Pretend the current time is TIME")->check(utc_time);
    app.add_option("--calendar", a.calendar, "Business calendar: a JSON file, or an .ics feed over the built-in one")
        ->check(CLI::ExistingFile);
    app.add_option("--templates", a.templates, "Notification templates: a JSON file (docs/notifications.md)")
        ->check(CLI::ExistingFile);
    app.require_subcommand(1);
    auto commands = declare_commands(app, a);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? exit_ok : exit_usage_error; // --help is a success
    }
    try {
        Session session(a);
        for (auto& [sub, command] : commands)
            if (sub->parsed()) command(session);
        return exit_ok;
    } catch (const UsageError& e) {
        std::cerr << "ticketctl: " << e.what() << "\nRun with --help for more information.\n";
        return exit_usage_error;
    } catch (const Error& e) {
        std::cerr << "ticketctl: " << to_string(e.code()) << ": " << e.what() << '\n';
        return exit_library_error;
    }
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "ticketctl: unexpected error: " << e.what() << '\n';
        return exit_library_error;
    }
}
