// A DeskObserver that keeps a desk's metrics with atomics and renders them in the
// Prometheus text exposition format (what a /metrics endpoint serves): commands by outcome
// with a latency histogram, commits and conflicts, deliveries by outcome and dead letters,
// SLA events by stage, and ticks with their duration.
//
// Run as the test example.prometheus_metrics: a small workload (commands that succeed and
// are refused, a gateway that never delivers to one recipient, a tick past the deadlines),
// then the exposition on stdout; exits 0 when its counters say what the workload did.
#include <ticketflow/desk.hpp>
#include <ticketflow/observer.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

using namespace ticketflow;
using namespace std::chrono_literals;

namespace {

//! [prometheus-observer]
constexpr auto commands = static_cast<std::size_t>(command_count);
constexpr auto kinds = static_cast<std::size_t>(notification_kind_count);
constexpr auto stages = static_cast<std::size_t>(sla_stage_count);

// A Prometheus histogram: cumulative buckets are rendered from per-bucket counts.
class Histogram {
public:
    static constexpr std::array<double, 9> bounds{0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0};

    void observe(std::chrono::nanoseconds d) {
        const double seconds = std::chrono::duration<double>(d).count();
        std::size_t i = 0;
        while (i < bounds.size() && seconds > bounds[i]) ++i;
        ++buckets_[i];
        sum_ns_ += static_cast<std::uint64_t>(d.count());
    }
    std::uint64_t count() const {
        std::uint64_t n = 0;
        for (const auto& b : buckets_) n += b;
        return n;
    }
    // `name` with its labels (`{command="assign"` without the closing brace, or empty).
    void render(std::ostream& out, const std::string& name, const std::string& labels) const {
        const std::string open = labels.empty() ? "{" : labels + ",";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < bounds.size(); ++i) {
            cumulative += buckets_[i];
            out << name << "_bucket" << open << "le=\"" << bounds[i] << "\"} " << cumulative << '\n';
        }
        out << name << "_bucket" << open << "le=\"+Inf\"} " << count() << '\n';
        const std::string close = labels.empty() ? "" : labels + "}";
        out << name << "_sum" << close << ' ' << static_cast<double>(sum_ns_) / 1e9 << '\n';
        out << name << "_count" << close << ' ' << count() << '\n';
    }

private:
    std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets_{}; // the last is +Inf
    std::atomic<std::uint64_t> sum_ns_{0};
};

class PrometheusObserver final : public DeskObserver {
public:
    void on_command(const CommandEvent& e) override {
        ++commands_[index(e.command)][outcome_index(e)];
        latency_[index(e.command)].observe(e.latency);
    }
    void on_commit(const CommitEvent& e) override {
        ++commits_;
        conflicts_ += e.conflicts;
    }
    void on_delivery(const DeliveryEvent& e) override {
        ++deliveries_[static_cast<std::size_t>(e.kind)][static_cast<std::size_t>(e.outcome)];
    }
    void on_sla(const SlaEvent& e) override {
        const std::size_t stage = e.stage ? static_cast<std::size_t>(*e.stage) : stages;
        ++sla_[static_cast<std::size_t>(e.kind)][stage];
    }
    void on_tick(const TickEvent& e) override {
        tick_duration_.observe(e.duration);
        due_entries_ += e.report.tickets;
    }

    // The Prometheus text exposition format; series that are still zero are left out.
    std::string render() const {
        std::ostringstream out;
        header(out, "ticketflow_commands_total", "counter", "ServiceDesk commands by outcome.");
        for (std::size_t c = 0; c < commands; ++c)
            for (std::size_t o = 0; o < outcome_count; ++o)
                if (const auto n = commands_[c][o].load())
                    out << "ticketflow_commands_total{command=\"" << name(c) << "\",outcome=\"" << outcome_label(o)
                        << "\"} " << n << '\n';
        header(out, "ticketflow_command_duration_seconds", "histogram", "Wall time of ServiceDesk commands.");
        for (std::size_t c = 0; c < commands; ++c)
            if (latency_[c].count())
                latency_[c].render(out, "ticketflow_command_duration_seconds",
                                   std::string("{command=\"") + name(c) + "\"");
        header(out, "ticketflow_commits_total", "counter", "Transactions written to the store.");
        out << "ticketflow_commits_total " << commits_ << '\n';
        header(out, "ticketflow_commit_conflicts_total", "counter",
               "Commit attempts that lost a race to another writer and were retried.");
        out << "ticketflow_commit_conflicts_total " << conflicts_ << '\n';
        header(out, "ticketflow_deliveries_total", "counter", "Notification delivery attempts by outcome.");
        for (std::size_t k = 0; k < kinds; ++k)
            for (std::size_t o = 0; o < delivery_outcome_count; ++o)
                if (const auto n = deliveries_[k][o].load())
                    out << "ticketflow_deliveries_total{kind=\"" << to_string(static_cast<NotificationKind>(k))
                        << "\",outcome=\"" << to_string(static_cast<DeliveryOutcome>(o)) << "\"} " << n << '\n';
        header(out, "ticketflow_dead_letters_total", "counter", "Notifications parked as dead letters.");
        out << "ticketflow_dead_letters_total " << dead_letters() << '\n';
        header(out, "ticketflow_sla_events_total", "counter",
               "SLA warnings, breaches, escalations, reminders, closes.");
        for (std::size_t k = 0; k < sla_kind_count; ++k)
            for (std::size_t s = 0; s <= stages; ++s)
                if (const auto n = sla_[k][s].load())
                    out << "ticketflow_sla_events_total{kind=\"" << to_string(static_cast<SlaEventKind>(k))
                        << "\",stage=\"" << (s < stages ? to_string(static_cast<SlaStage>(s)) : "none") << "\"} " << n
                        << '\n';
        header(out, "ticketflow_tick_duration_seconds", "histogram", "Wall time of ServiceDesk::tick().");
        tick_duration_.render(out, "ticketflow_tick_duration_seconds", "");
        header(out, "ticketflow_tick_due_entries_total", "counter", "Due tickets the monitor looked at.");
        out << "ticketflow_tick_due_entries_total " << due_entries_ << '\n';
        return out.str();
    }

private:
    static constexpr std::size_t outcome_count = 10; // ok, the 8 error codes, other_error
    static constexpr std::size_t delivery_outcome_count = 3;
    static constexpr std::size_t sla_kind_count = 5;

    static std::size_t index(Command c) { return static_cast<std::size_t>(c); }
    static const char* name(std::size_t c) { return to_string(static_cast<Command>(c)); }
    static std::size_t outcome_index(const CommandEvent& e) {
        if (e.succeeded) return 0;
        return e.error ? 1 + static_cast<std::size_t>(*e.error) : outcome_count - 1;
    }
    static const char* outcome_label(std::size_t o) {
        if (o == 0) return "ok";
        return o == outcome_count - 1 ? "other_error" : to_string(static_cast<ErrorCode>(o - 1));
    }
    static void header(std::ostream& out, const char* name, const char* type, const char* help) {
        out << "# HELP " << name << ' ' << help << '\n' << "# TYPE " << name << ' ' << type << '\n';
    }
    std::uint64_t dead_letters() const {
        std::uint64_t n = 0;
        for (const auto& kind : deliveries_) n += kind[static_cast<std::size_t>(DeliveryOutcome::dead_lettered)];
        return n;
    }

    std::array<std::array<std::atomic<std::uint64_t>, outcome_count>, commands> commands_{};
    std::array<Histogram, commands> latency_;
    std::atomic<std::uint64_t> commits_{0};
    std::atomic<std::uint64_t> conflicts_{0};
    std::array<std::array<std::atomic<std::uint64_t>, delivery_outcome_count>, kinds> deliveries_{};
    std::array<std::array<std::atomic<std::uint64_t>, stages + 1>, sla_kind_count> sla_{};
    Histogram tick_duration_;
    std::atomic<std::uint64_t> due_entries_{0};
};
//! [prometheus-observer]

// A gateway that cannot reach one member of staff.
class PartlyDownGateway final : public Notifier {
public:
    bool deliver(const Notification& n) override {
        if (n.recipient == "eng-offline") throw std::runtime_error("gateway: recipient unreachable");
        return true;
    }
};

NewTicket request(const std::string& customer) {
    NewTicket r;
    r.channel = channels::online_chat;
    r.type = ticket_types::complaint;
    r.priority = "紧急";
    r.customer.id = customer;
    r.description = "APP订单支付后状态未更新";
    return r;
}

bool expect(const std::string& text, const std::string& line) {
    if (text.find(line + '\n') != std::string::npos) return true;
    std::fprintf(stderr, "missing: %s\n", line.c_str());
    return false;
}

} // namespace

int main() {
    auto metrics = std::make_shared<PrometheusObserver>();
    auto clock = std::make_shared<ManualClock>(Instant{std::chrono::seconds(1716186600)}); // 2024-05-20 14:30 +08
    DeskConfig config;
    config.observer = metrics;
    config.delivery.retry.max_attempts = 2;
    ServiceDesk desk(std::make_shared<MemoryStore>(), clock, config, std::make_shared<PartlyDownGateway>());
    const Actor lead{"lead-1", Role::team_lead, ""};

    const auto a = desk.open(lead, request("C20240520001")).id;
    const auto b = desk.open(lead, request("C20240520002")).id;
    const auto c = desk.open(lead, request("C20240520003")).id;
    desk.assign(lead, a, "eng-1");
    desk.assign(lead, b, "eng-2");
    desk.assign(lead, c, "eng-offline"); // its notification fails, then is dead
    desk.start(lead, a);
    try {
        desk.start({"C20240520001", Role::customer, ""}, a); // a customer may not
    } catch (const PermissionDenied&) {}
    try {
        desk.add_note(lead, b, ""); // a note needs text
    } catch (const ValidationError&) {}
    clock->set(clock->now() + 72h); // past every deadline of the urgent tickets
    desk.tick(clock->now());

    const std::string text = metrics->render();
    std::fputs(text.c_str(), stdout);
    bool ok = expect(text, R"(ticketflow_commands_total{command="open",outcome="ok"} 3)") &&
              expect(text, R"(ticketflow_commands_total{command="assign",outcome="ok"} 3)") &&
              expect(text, R"(ticketflow_commands_total{command="start",outcome="permission_denied"} 1)") &&
              expect(text, R"(ticketflow_commands_total{command="add_note",outcome="invalid_argument"} 1)") &&
              expect(text, R"(ticketflow_commands_total{command="tick",outcome="ok"} 1)") &&
              expect(text, R"(ticketflow_command_duration_seconds_count{command="assign"} 3)") &&
              expect(text, R"(ticketflow_deliveries_total{kind="assigned",outcome="failed"} 1)") &&
              expect(text, R"(ticketflow_deliveries_total{kind="assigned",outcome="dead_lettered"} 1)") &&
              expect(text, "ticketflow_dead_letters_total 1") &&
              expect(text, "ticketflow_tick_duration_seconds_count 1");
    const auto stats = desk.delivery_stats();
    ok = ok && expect(text, "ticketflow_tick_due_entries_total 3") &&
         expect(text, R"(ticketflow_deliveries_total{kind="received",outcome="delivered"} 3)") && stats.dead == 1 &&
         text.find(R"(ticketflow_sla_events_total{kind="breach",stage=")") != std::string::npos;
    return ok ? 0 : 1;
}
