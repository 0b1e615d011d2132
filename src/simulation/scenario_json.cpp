// The scenario file: JSON in the form of docs/whatif.md, with typed errors naming the field.

#include "codec/json_document.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/simulation.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace ticketflow::sim {

namespace {

using nlohmann::json;

std::string type_name(const json& v) { return v.type_name(); }

void only_keys(const json& object, const std::string& field, std::initializer_list<const char*> keys) {
    std::set<std::string> allowed(keys.begin(), keys.end());
    for (auto it = object.begin(); it != object.end(); ++it)
        if (!allowed.count(it.key()))
            throw ValidationError(field.empty() ? it.key() : field + "." + it.key(), "unknown key");
}

const json& object_at(const json& v, const std::string& field) {
    if (!v.is_object()) throw ValidationError(field, "expected an object, got " + type_name(v));
    return v;
}

std::string string_at(const json& v, const std::string& field) {
    if (!v.is_string()) throw ValidationError(field, "expected a string, got " + type_name(v));
    return v.get<std::string>();
}

double number_at(const json& v, const std::string& field) {
    if (!v.is_number()) throw ValidationError(field, "expected a number, got " + type_name(v));
    const double d = v.get<double>();
    if (!std::isfinite(d)) throw ValidationError(field, "must be finite");
    return d;
}

double non_negative(const json& v, const std::string& field) {
    const double d = number_at(v, field);
    if (d < 0) throw ValidationError(field, "must not be negative");
    return d;
}

bool bool_at(const json& v, const std::string& field) {
    if (!v.is_boolean()) throw ValidationError(field, "expected true or false, got " + type_name(v));
    return v.get<bool>();
}

Duration minutes(double m) { return Duration(static_cast<Duration::rep>(std::llround(m * 60))); }
Duration hours(double h) { return Duration(static_cast<Duration::rep>(std::llround(h * 3600))); }

Instant local_time(const json& v, const std::string& field, const BusinessCalendar& calendar) {
    const std::string text = string_at(v, field);
    // One row of replay CSV parses exactly this form; reuse it for the error messages.
    try {
        auto rows = replay_from_csv("received,channel,type,priority\n\"" + text + "\",x,x,\n", calendar);
        return rows.at(0).received;
    } catch (const ValidationError&) {
        throw ValidationError(field, "expected local time YYYY-MM-DD HH:MM, got '" + text + "'");
    }
}

BusinessCalendar calendar_at(const json& v, const std::string& field) {
    if (v.is_string()) {
        if (v.get<std::string>() == "china_mainland") return BusinessCalendar::china_mainland();
        throw ValidationError(field, "unknown calendar '" + v.get<std::string>() + "' (china_mainland or an object)");
    }
    object_at(v, field);
    try {
        return BusinessCalendar::from_json(v.dump(), field);
    } catch (const CalendarError& e) {
        throw ValidationError(field, e.what());
    }
}

Distribution distribution_at(const json& v, const std::string& field) {
    object_at(v, field);
    Distribution d;
    std::string kind = "exponential";
    if (v.contains("distribution")) kind = string_at(v["distribution"], field + ".distribution");
    if (kind == "exponential")
        d.kind = DistributionKind::exponential;
    else if (kind == "lognormal")
        d.kind = DistributionKind::lognormal;
    else if (kind == "constant")
        d.kind = DistributionKind::constant;
    else if (kind == "empirical")
        d.kind = DistributionKind::empirical;
    else
        throw ValidationError(field + ".distribution", "unknown distribution '" + kind + "'");
    if (v.contains("mean_minutes"))
        d.mean = minutes(number_at(v["mean_minutes"], field + ".mean_minutes"));
    else if (d.kind != DistributionKind::empirical)
        throw ValidationError(field + ".mean_minutes", "is required");
    if (v.contains("sigma")) d.sigma = number_at(v["sigma"], field + ".sigma");
    if (v.contains("samples_minutes")) {
        const auto& samples = v["samples_minutes"];
        if (!samples.is_array()) throw ValidationError(field + ".samples_minutes", "expected an array");
        for (std::size_t i = 0; i < samples.size(); ++i)
            d.samples.push_back(minutes(number_at(samples[i], field + ".samples_minutes[" + std::to_string(i) + "]")));
    }
    if (d.mean.count() <= 0 && d.kind != DistributionKind::empirical)
        throw ValidationError(field + ".mean_minutes", "must be positive");
    if (d.kind == DistributionKind::empirical && d.samples.empty())
        throw ValidationError(field + ".samples_minutes", "an empirical distribution needs samples");
    for (std::size_t i = 0; i < d.samples.size(); ++i)
        if (d.samples[i].count() <= 0)
            throw ValidationError(field + ".samples_minutes[" + std::to_string(i) + "]", "must be positive");
    if (d.kind == DistributionKind::lognormal && !(d.sigma > 0))
        throw ValidationError(field + ".sigma", "must be positive");
    return d;
}

std::array<double, 24> hours_at(const json& v, const std::string& field) {
    if (!v.is_array() || v.size() != 24) throw ValidationError(field, "expected an array of 24 hourly rates");
    std::array<double, 24> rates{};
    for (std::size_t h = 0; h < 24; ++h) rates[h] = non_negative(v[h], field + "[" + std::to_string(h) + "]");
    return rates;
}

ArrivalModel arrivals_at(const json& v, const std::string& field) {
    object_at(v, field);
    only_keys(v, field, {"working_day", "weekend", "holiday", "mix"});
    ArrivalModel m;
    if (v.contains("working_day")) {
        const auto& w = v["working_day"];
        if (w.is_array()) {
            const auto rates = hours_at(w, field + ".working_day");
            for (auto& day : m.working_day) day = rates;
        } else {
            object_at(w, field + ".working_day");
            static const char* const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
            for (auto it = w.begin(); it != w.end(); ++it) {
                std::size_t d = 0;
                while (d < 7 && it.key() != days[d]) ++d;
                if (d == 7) throw ValidationError(field + ".working_day." + it.key(), "unknown weekday (sun … sat)");
                m.working_day[d] = hours_at(it.value(), field + ".working_day." + it.key());
            }
        }
    }
    if (v.contains("weekend")) m.weekend = hours_at(v["weekend"], field + ".weekend");
    if (v.contains("holiday")) m.holiday = hours_at(v["holiday"], field + ".holiday");
    if (!v.contains("mix") || !v["mix"].is_array()) throw ValidationError(field + ".mix", "expected an array");
    const auto& mix = v["mix"];
    for (std::size_t i = 0; i < mix.size(); ++i) {
        const std::string f = field + ".mix[" + std::to_string(i) + "]";
        object_at(mix[i], f);
        only_keys(mix[i], f, {"channel", "type", "priority", "department", "weight"});
        TicketMix t;
        if (mix[i].contains("channel")) t.channel = string_at(mix[i]["channel"], f + ".channel");
        if (mix[i].contains("type")) t.type = string_at(mix[i]["type"], f + ".type");
        if (mix[i].contains("priority")) t.priority = string_at(mix[i]["priority"], f + ".priority");
        if (mix[i].contains("department")) t.department = string_at(mix[i]["department"], f + ".department");
        if (mix[i].contains("weight")) t.weight = number_at(mix[i]["weight"], f + ".weight");
        m.mix.push_back(t);
    }
    return m;
}

std::string read_file(const std::string& path, const std::string& field) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ValidationError(field, "cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

Scenario scenario_from_json(std::string_view text, const std::string& source_name, const std::string& base_dir) {
    const json doc = detail::parse_json_document(text, source_name);
    object_at(doc, "json");
    only_keys(doc, "",
              {"name",
               "seed",
               "start",
               "end",
               "warmup_hours",
               "drain_hours",
               "calendar",
               "sla",
               "feedback_timeout_workdays",
               "arrivals",
               "replay",
               "shifts",
               "agents",
               "agent_groups",
               "routing",
               "strategy",
               "handling",
               "default_handling",
               "customer",
               "reply_on_start",
               "inform_result",
               "feedback",
               "series_step_minutes"});
    Scenario s;
    if (doc.contains("name")) s.name = string_at(doc["name"], "name");
    if (doc.contains("seed")) {
        if (!doc["seed"].is_number_unsigned()) throw ValidationError("seed", "expected a non-negative integer");
        s.seed = doc["seed"].get<std::uint64_t>();
    }
    if (doc.contains("calendar")) s.calendar = calendar_at(doc["calendar"], "calendar");
    if (!doc.contains("start")) throw ValidationError("start", "is required");
    if (!doc.contains("end")) throw ValidationError("end", "is required");
    s.start = local_time(doc["start"], "start", s.calendar);
    s.end = local_time(doc["end"], "end", s.calendar);
    if (doc.contains("warmup_hours")) s.warmup = hours(non_negative(doc["warmup_hours"], "warmup_hours"));
    if (doc.contains("drain_hours")) s.drain = hours(non_negative(doc["drain_hours"], "drain_hours"));
    if (doc.contains("sla")) {
        const auto name = string_at(doc["sla"], "sla");
        if (name == "seed000")
            s.sla = SlaPolicy::seed000();
        else if (name == "seed001")
            s.sla = SlaPolicy::seed001();
        else if (name == "seed003")
            s.sla = SlaPolicy::seed003();
        else
            throw ValidationError("sla", "unknown policy '" + name + "' (seed000, seed001 or seed003)");
    }
    if (doc.contains("feedback_timeout_workdays")) {
        const double d = non_negative(doc["feedback_timeout_workdays"], "feedback_timeout_workdays");
        if (d != std::floor(d)) throw ValidationError("feedback_timeout_workdays", "expected a whole number");
        s.feedback_timeout_workdays = static_cast<int>(d);
    }
    if (doc.contains("replay")) {
        const auto file = string_at(doc["replay"], "replay");
        const auto path = !file.empty() && file.front() == '/' ? file : base_dir + "/" + file;
        s.replay = replay_from_csv(read_file(path, "replay"), s.calendar);
    } else if (doc.contains("arrivals")) {
        s.arrivals = arrivals_at(doc["arrivals"], "arrivals");
    } else {
        throw ValidationError("arrivals", "either arrivals or replay is required");
    }
    NamedCalendars shifts;
    if (doc.contains("shifts")) {
        object_at(doc["shifts"], "shifts");
        for (auto it = doc["shifts"].begin(); it != doc["shifts"].end(); ++it)
            shifts.emplace(it.key(), calendar_at(it.value(), "shifts." + it.key()));
    }
    if (!doc.contains("agents") && !doc.contains("agent_groups"))
        throw ValidationError("agents", "agents or agent_groups is required");
    json roster = json::object();
    roster["agents"] = json::array();
    if (doc.contains("agents")) {
        if (!doc["agents"].is_array()) throw ValidationError("agents", "expected an array");
        roster["agents"] = doc["agents"];
    }
    s.agents = agents_from_json(roster.dump(), source_name, shifts);
    // agent_groups: [{"prefix": "d", "count": 10, ...any agent key but id}], ids d1 … d10.
    if (doc.contains("agent_groups")) {
        const auto& groups = doc["agent_groups"];
        if (!groups.is_array()) throw ValidationError("agent_groups", "expected an array");
        for (std::size_t g = 0; g < groups.size(); ++g) {
            const std::string f = "agent_groups[" + std::to_string(g) + "]";
            json group = object_at(groups[g], f);
            if (!group.contains("prefix")) throw ValidationError(f + ".prefix", "is required");
            if (!group.contains("count") || !group["count"].is_number_unsigned())
                throw ValidationError(f + ".count", "expected a non-negative integer");
            const std::string prefix = string_at(group["prefix"], f + ".prefix");
            const auto count = group["count"].get<std::size_t>();
            if (group.contains("id")) throw ValidationError(f + ".id", "ids are prefix + number in a group");
            group.erase("prefix");
            group.erase("count");
            json members = json::object();
            members["agents"] = json::array();
            for (std::size_t i = 1; i <= count; ++i) {
                json agent = group;
                agent["id"] = prefix + std::to_string(i);
                members["agents"].push_back(agent);
            }
            try {
                for (auto& agent : agents_from_json(members.dump(), source_name, shifts)) s.agents.push_back(agent);
            } catch (const ValidationError& e) {
                // agents[i].key → agent_groups[g].key: every member has the group's keys.
                const auto dot = e.field().find('.');
                throw ValidationError(f + (dot == std::string::npos ? std::string() : e.field().substr(dot)), e.what());
            }
        }
    }
    if (doc.contains("routing")) {
        const auto& r = doc["routing"];
        if (r.is_string() && r.get<std::string>() == "seed001")
            s.router = std::make_shared<RuleRouter>(RoutingRules::seed001());
        else if (r.is_object())
            s.router = std::make_shared<RuleRouter>(RoutingRules::from_json(r.dump(), source_name + " routing"));
        else
            throw ValidationError("routing", "expected routing rules (an object) or \"seed001\"");
    }
    if (doc.contains("strategy")) {
        const auto name = string_at(doc["strategy"], "strategy");
        if (name == "least_loaded")
            s.strategy = std::make_shared<LeastLoadedStrategy>();
        else if (name == "round_robin")
            s.strategy = std::make_shared<RoundRobinStrategy>();
        else
            throw ValidationError("strategy", "unknown strategy '" + name + "' (least_loaded or round_robin)");
    }
    if (doc.contains("handling")) {
        const auto& h = doc["handling"];
        if (!h.is_array()) throw ValidationError("handling", "expected an array");
        for (std::size_t i = 0; i < h.size(); ++i) {
            const std::string f = "handling[" + std::to_string(i) + "]";
            object_at(h[i], f);
            only_keys(h[i], f, {"type", "priority", "distribution", "mean_minutes", "sigma", "samples_minutes"});
            HandlingRule rule;
            if (h[i].contains("type")) rule.type = string_at(h[i]["type"], f + ".type");
            if (h[i].contains("priority")) rule.priority = string_at(h[i]["priority"], f + ".priority");
            rule.time = distribution_at(h[i], f);
            s.handling.push_back(rule);
        }
    }
    if (doc.contains("default_handling")) {
        only_keys(object_at(doc["default_handling"], "default_handling"), "default_handling",
                  {"distribution", "mean_minutes", "sigma", "samples_minutes"});
        s.default_handling = distribution_at(doc["default_handling"], "default_handling");
    }
    if (doc.contains("customer")) {
        const auto& c = object_at(doc["customer"], "customer");
        only_keys(c, "customer", {"answer_probability", "answer_delay", "dissatisfied"});
        if (c.contains("answer_probability"))
            s.customer.answer_probability = number_at(c["answer_probability"], "customer.answer_probability");
        if (c.contains("dissatisfied")) s.customer.dissatisfied = number_at(c["dissatisfied"], "customer.dissatisfied");
        if (c.contains("answer_delay"))
            s.customer.answer_delay = distribution_at(c["answer_delay"], "customer.answer_delay");
    }
    if (doc.contains("reply_on_start")) s.reply_on_start = bool_at(doc["reply_on_start"], "reply_on_start");
    if (doc.contains("inform_result")) s.inform_result = bool_at(doc["inform_result"], "inform_result");
    if (doc.contains("feedback")) s.feedback = bool_at(doc["feedback"], "feedback");
    if (doc.contains("series_step_minutes")) {
        s.series_step = minutes(number_at(doc["series_step_minutes"], "series_step_minutes"));
        if (s.series_step.count() <= 0) throw ValidationError("series_step_minutes", "must be positive");
    }
    s.validate();
    return s;
}

} // namespace ticketflow::sim
