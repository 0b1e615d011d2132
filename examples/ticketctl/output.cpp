#include "output.hpp"

#include "ticketflow/json.hpp"

#include <cstdio>
#include <iomanip>

namespace ticketctl {

using namespace ticketflow;

namespace {

std::string optional_time(const std::optional<Instant>& t) { return t ? format_instant(*t) : "-"; }

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

void field(std::ostream& out, const char* name, const std::string& value) {
    out << "  " << std::left << std::setw(14) << name << value << '\n';
}

} // namespace

void Output::changed(const Ticket& t) const {
    if (json_) {
        out_ << nlohmann::json(t).dump(2) << '\n';
        return;
    }
    out_ << t.id << ' ' << to_string(t.status) << " (" << label_zh(t.status) << ") version " << t.version << '\n';
}

void Output::merged(const MergeOutcome& m) const {
    if (json_) {
        nlohmann::json j{{"duplicate", m.duplicate}, {"primary", m.primary}};
        out_ << j.dump(2) << '\n';
        return;
    }
    changed(m.duplicate);
    changed(m.primary);
}

void Output::details(const Ticket& t, const std::vector<Action>& allowed) const {
    if (json_) {
        nlohmann::json j = t;
        j["allowed_actions"] = nlohmann::json::array();
        for (Action a : allowed) j["allowed_actions"].push_back(to_string(a));
        out_ << j.dump(2) << '\n';
        return;
    }
    changed(t);
    field(out_, "channel", t.channel);
    field(out_, "type", t.type);
    field(out_, "priority", t.priority);
    field(out_, "customer", t.customer.id + (t.customer.nickname.empty() ? "" : " " + t.customer.nickname));
    field(out_, "description", t.description);
    field(out_, "department", or_dash(t.department));
    field(out_, "assignee", or_dash(t.assignee));
    field(out_, "received", format_instant(t.times.received));
    field(out_, "started", optional_time(t.times.started));
    field(out_, "resolved", optional_time(t.times.resolved));
    field(out_, "closed", optional_time(t.times.closed));
    field(out_, "resolution", or_dash(t.resolution));
    if (t.satisfaction)
        field(out_, "satisfaction",
              std::string(label_zh(t.satisfaction->grade)) +
                  (t.satisfaction->score ? " " + std::to_string(*t.satisfaction->score) + "/5" : ""));
    if (t.close_reason) field(out_, "close reason", to_string(*t.close_reason));
    if (t.reopen_count) field(out_, "reopened", std::to_string(t.reopen_count) + "x");
    if (t.escalation_level) field(out_, "escalation", "level " + std::to_string(t.escalation_level));
    std::string next;
    for (Action a : allowed) next += (next.empty() ? "" : ", ") + std::string(to_string(a));
    field(out_, "next", or_dash(next));
}

void Output::list(const std::vector<Ticket>& tickets) const {
    if (json_) {
        auto array = nlohmann::json::array();
        for (const auto& t : tickets) array.push_back(t);
        out_ << array.dump(2) << '\n';
        return;
    }
    for (const auto& t : tickets)
        out_ << t.id << "  " << std::left << std::setw(12) << to_string(t.status) << "  "
             << format_instant(t.times.received) << "  " << std::setw(8) << or_dash(t.assignee) << "  " << t.description
             << '\n';
    out_ << tickets.size() << (tickets.size() == 1 ? " ticket\n" : " tickets\n");
}

void Output::history(const std::vector<AuditEvent>& events) const {
    if (json_) {
        auto array = nlohmann::json::array();
        for (const auto& e : events) array.push_back(e);
        out_ << array.dump(2) << '\n';
        return;
    }
    for (const auto& e : events)
        out_ << format_instant(e.at) << "  v" << e.version << "  " << std::left << std::setw(16) << to_string(e.action)
             << to_string(e.from) << " -> " << to_string(e.to) << "  by " << e.actor
             << (e.note.empty() ? "" : ": " + e.note) << '\n';
}

void Output::tick(const TickResult& r) const {
    const auto& sla = r.sla;
    if (json_) {
        out_ << nlohmann::json{{"tickets", sla.tickets},         {"warnings", sla.warnings},
                               {"breaches", sla.breaches},       {"escalations", sla.escalations},
                               {"reminders", sla.reminders},     {"resumed", sla.resumed},
                               {"auto_closed", sla.auto_closed}, {"delivered", r.delivered}}
                    .dump(2)
             << '\n';
        return;
    }
    out_ << "checked " << sla.tickets << " due tickets: " << sla.warnings << " warnings, " << sla.breaches
         << " breaches, " << sla.escalations << " escalations, " << sla.reminders << " reminders, " << sla.resumed
         << " resumed, " << sla.auto_closed << " auto-closed\n"
         << "delivered " << r.delivered << " notification" << (r.delivered == 1 ? "" : "s") << '\n';
}

namespace {

std::string iso_date(boost::gregorian::date day) {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(day.year()), static_cast<int>(day.month()),
                  static_cast<int>(day.day()));
    return text;
}

} // namespace

void Output::calendar(const BusinessCalendar& calendar) const {
    const auto covered = calendar.coverage();
    if (json_) {
        nlohmann::json j{{"name", calendar.name()},
                         {"zone", calendar.zone_name()},
                         {"horizon", {iso_date(calendar.first_date()), iso_date(calendar.last_date())}},
                         {"covers", nullptr}};
        if (covered) j["covers"] = {iso_date(covered->first), iso_date(covered->last)};
        out_ << j.dump(2) << '\n';
        return;
    }
    out_ << (calendar.name().empty() ? std::string("(unnamed)") : calendar.name()) << "  " << calendar.zone_name()
         << "  horizon " << iso_date(calendar.first_date()) << ".." << iso_date(calendar.last_date()) << "  covers "
         << (covered ? iso_date(covered->first) + ".." + iso_date(covered->last) : std::string("nothing")) << '\n';
}

bool PrintingNotifier::deliver(const Notification& n) {
    out_ << "notify [" << to_string(n.kind) << "] " << to_string(n.audience) << ' ' << n.recipient << ": " << n.text
         << '\n';
    return true;
}

} // namespace ticketctl
