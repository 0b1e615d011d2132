// agents_from_json(): the JSON form of the agent directory.
#include "routing/json_fields.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/routing.hpp"

namespace ticketflow {

namespace {

using detail::item_field;
using detail::JsonFields;
using nlohmann::json;

constexpr Role staff_roles[] = {Role::agent, Role::team_lead, Role::supervisor, Role::manager};

class AgentsReader {
public:
    AgentsReader(const std::string& source, const NamedCalendars& calendars)
        : source_(source), fields_(source), calendars_(calendars) {}

    std::vector<Agent> agents(const json& document) {
        fields_.expect_object(document, "", {"agents"});
        if (!document.contains("agents")) fields_.fail("agents", "missing");
        const json& list = document["agents"];
        if (!list.is_array()) fields_.fail("agents", "expected a list of agents");
        std::vector<Agent> result;
        result.reserve(list.size());
        for (std::size_t i = 0; i < list.size(); ++i) result.push_back(agent(list[i], item_field("agents", i)));
        return result;
    }

private:
    Agent agent(const json& value, const std::string& field) {
        fields_.expect_object(
            value, field, {"id", "department", "role", "skills", "capacity", "shift", "available", "approval_limit"});
        for (const char* required : {"id", "department"})
            if (!value.contains(required)) fields_.fail(field + "." + required, "missing");
        Agent agent;
        for (const auto& item : value.items()) {
            const std::string& key = item.key();
            const std::string name = field + "." + key;
            if (key == "id")
                agent.id = fields_.text(item.value(), name);
            else if (key == "department")
                agent.department = fields_.text(item.value(), name);
            else if (key == "role")
                agent.role = role(item.value(), name);
            else if (key == "skills")
                agent.skills = fields_.texts(item.value(), name);
            else if (key == "capacity")
                agent.capacity = fields_.integer(item.value(), name);
            else if (key == "shift")
                agent.shift = shift(item.value(), name);
            else if (key == "available")
                agent.available = fields_.boolean(item.value(), name);
            else
                agent.approval_limit = fields_.number(item.value(), name);
        }
        return agent;
    }

    Role role(const json& value, const std::string& field) const {
        const std::string name = fields_.text(value, field);
        for (const Role role : staff_roles)
            if (name == to_string(role)) return role;
        fields_.fail(field, "unknown staff role '" + name + "' (expected agent, team_lead, supervisor or manager)");
    }

    BusinessCalendar shift(const json& value, const std::string& field) {
        if (value.is_string()) return named_calendar(value.get<std::string>(), field);
        if (!value.is_object()) fail_shift(field);
        // Identical calendar objects become one calendar, built once and shared.
        const std::string text = value.dump();
        const auto built = inline_calendars_.find(text);
        if (built != inline_calendars_.end()) return built->second;
        try {
            return inline_calendars_.emplace(text, BusinessCalendar::from_json(text, source_ + " " + field))
                .first->second;
        } catch (const CalendarError& e) {
            fields_.fail(field, std::string("invalid calendar: ") + e.what());
        }
    }

    BusinessCalendar named_calendar(const std::string& name, const std::string& field) const {
        const auto found = calendars_.find(name);
        if (found != calendars_.end()) return found->second;
        std::string known;
        for (const auto& entry : calendars_) known += (known.empty() ? "" : ", ") + entry.first;
        fields_.fail(field, "unknown calendar '" + name + "' (known: " + (known.empty() ? "none" : known) + ")");
    }

    [[noreturn]] void fail_shift(const std::string& field) const {
        fields_.fail(field, "expected a calendar name or a calendar object");
    }

    const std::string& source_;
    JsonFields fields_;
    const NamedCalendars& calendars_;
    std::map<std::string, BusinessCalendar> inline_calendars_;
};

} // namespace

std::vector<Agent> agents_from_json(std::string_view json_text, const std::string& source_name,
                                    const NamedCalendars& calendars) {
    const json document = detail::parse_json_document(json_text, source_name);
    return AgentsReader(source_name, calendars).agents(document);
}

} // namespace ticketflow
