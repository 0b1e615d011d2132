// Scenario values: distributions, arrival models, validation, CSV replay, statistics.

#include "ticketflow/error.hpp"
#include "ticketflow/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace ticketflow::sim {

Distribution Distribution::constant(Duration value) {
    Distribution d;
    d.kind = DistributionKind::constant;
    d.mean = value;
    return d;
}

Distribution Distribution::exponential(Duration mean) {
    Distribution d;
    d.kind = DistributionKind::exponential;
    d.mean = mean;
    return d;
}

Distribution Distribution::lognormal(Duration mean, double sigma) {
    Distribution d;
    d.kind = DistributionKind::lognormal;
    d.mean = mean;
    d.sigma = sigma;
    return d;
}

Distribution Distribution::empirical(std::vector<Duration> samples) {
    Distribution d;
    d.kind = DistributionKind::empirical;
    d.samples = std::move(samples);
    return d;
}

Duration Distribution::sample(double u, double z) const {
    const double mean_s = static_cast<double>(mean.count());
    double x = mean_s;
    switch (kind) {
    case DistributionKind::constant: break;
    case DistributionKind::exponential: x = -mean_s * std::log(u); break;
    case DistributionKind::lognormal: {
        const double mu = std::log(mean_s) - sigma * sigma / 2;
        x = std::exp(mu + sigma * z);
        break;
    }
    case DistributionKind::empirical: {
        if (samples.empty()) return Duration(1);
        auto k = static_cast<std::size_t>(u * static_cast<double>(samples.size()));
        x = static_cast<double>(samples[std::min(k, samples.size() - 1)].count());
        break;
    }
    }
    return Duration(std::max<Duration::rep>(1, static_cast<Duration::rep>(std::llround(x))));
}

void Distribution::validate(const std::string& field) const {
    if (kind == DistributionKind::empirical) {
        if (samples.empty()) throw ValidationError(field + ".samples", "an empirical distribution needs samples");
        for (std::size_t i = 0; i < samples.size(); ++i)
            if (samples[i].count() <= 0)
                throw ValidationError(field + ".samples[" + std::to_string(i) + "]", "must be positive");
        return;
    }
    if (mean.count() <= 0) throw ValidationError(field + ".mean", "must be positive");
    if (kind == DistributionKind::lognormal && !(sigma > 0 && std::isfinite(sigma)))
        throw ValidationError(field + ".sigma", "must be positive and finite");
}

ArrivalModel ArrivalModel::uniform(double per_hour, double off_day_per_hour, std::vector<TicketMix> mix) {
    ArrivalModel m;
    for (auto& day : m.working_day) day.fill(per_hour);
    m.weekend.fill(off_day_per_hour);
    m.holiday.fill(off_day_per_hour);
    m.mix = std::move(mix);
    return m;
}

namespace {

void check_rates(const std::array<double, 24>& rates, const std::string& field) {
    for (std::size_t h = 0; h < rates.size(); ++h)
        if (!(rates[h] >= 0 && std::isfinite(rates[h])))
            throw ValidationError(field + "[" + std::to_string(h) + "]", "must be a finite rate >= 0");
}

void check_share(double v, const std::string& field, bool below_one) {
    if (!(v >= 0 && (below_one ? v < 1 : v <= 1)))
        throw ValidationError(field, below_one ? "must lie in [0, 1)" : "must lie in [0, 1]");
}

} // namespace

void Scenario::validate() const {
    if (!(end > start)) throw ValidationError("end", "must be after start");
    if (warmup.count() < 0) throw ValidationError("warmup", "must not be negative");
    if (drain.count() < 0) throw ValidationError("drain", "must not be negative");
    if (series_step.count() <= 0) throw ValidationError("series_step", "must be positive");
    sla.validate();
    const auto& scheme = sla.priorities;
    if (replay.empty()) {
        static const char* const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
        for (std::size_t d = 0; d < 7; ++d)
            check_rates(arrivals.working_day[d], std::string("arrivals.working_day.") + days[d]);
        check_rates(arrivals.weekend, "arrivals.weekend");
        check_rates(arrivals.holiday, "arrivals.holiday");
        if (arrivals.mix.empty()) throw ValidationError("arrivals.mix", "needs at least one kind of ticket");
        for (std::size_t i = 0; i < arrivals.mix.size(); ++i) {
            const auto& m = arrivals.mix[i];
            const std::string f = "arrivals.mix[" + std::to_string(i) + "]";
            if (!(m.weight > 0 && std::isfinite(m.weight))) throw ValidationError(f + ".weight", "must be positive");
            if (!m.priority.empty() && !scheme.contains(m.priority))
                throw ValidationError(f + ".priority", "'" + m.priority + "' is not a level of " + sla.name);
            if (m.channel.empty()) throw ValidationError(f + ".channel", "must not be empty");
            if (m.type.empty()) throw ValidationError(f + ".type", "must not be empty");
        }
    } else {
        for (std::size_t i = 0; i < replay.size(); ++i) {
            const auto& r = replay[i];
            const std::string f = "replay[" + std::to_string(i) + "]";
            if (!r.priority.empty() && !scheme.contains(r.priority))
                throw ValidationError(f + ".priority", "'" + r.priority + "' is not a level of " + sla.name);
            if (i > 0 && r.received < replay[i - 1].received)
                throw ValidationError(f + ".received", "replayed arrivals must be in time order");
        }
    }
    if (agents.empty()) throw ValidationError("agents", "the roster is empty");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < agents.size(); ++i) {
        const std::string f = "agents[" + std::to_string(i) + "]";
        if (!ids.insert(agents[i].id).second) throw ValidationError(f + ".id", "duplicate id " + agents[i].id);
        if (agents[i].capacity < 1) throw ValidationError(f + ".capacity", "must be at least 1 in a simulation");
    }
    // Without a router a ticket stays in its initial department: someone must work there.
    if (!router) {
        auto staffed = [&](const std::string& department) {
            return std::any_of(agents.begin(), agents.end(),
                               [&](const Agent& a) { return a.department == department; });
        };
        if (replay.empty()) {
            for (std::size_t i = 0; i < arrivals.mix.size(); ++i)
                if (!staffed(arrivals.mix[i].department))
                    throw ValidationError("arrivals.mix[" + std::to_string(i) + "].department",
                                          "no agent works in department '" + arrivals.mix[i].department + "'");
        } else {
            for (std::size_t i = 0; i < replay.size(); ++i)
                if (!staffed(replay[i].department))
                    throw ValidationError("replay[" + std::to_string(i) + "].department",
                                          "no agent works in department '" + replay[i].department + "'");
        }
    }
    for (std::size_t i = 0; i < handling.size(); ++i) {
        const std::string f = "handling[" + std::to_string(i) + "]";
        if (!handling[i].priority.empty() && !scheme.contains(handling[i].priority))
            throw ValidationError(f + ".priority", "'" + handling[i].priority + "' is not a level of " + sla.name);
        handling[i].time.validate(f);
    }
    default_handling.validate("default_handling");
    check_share(customer.answer_probability, "customer.answer_probability", false);
    check_share(customer.dissatisfied, "customer.dissatisfied", true);
    customer.answer_delay.validate("customer.answer_delay");
    if (feedback_timeout_workdays < 0) throw ValidationError("feedback_timeout_workdays", "must not be negative");
}

// ---------------------------------------------------------------------------------------
// CSV replay
// ---------------------------------------------------------------------------------------

namespace {

std::vector<std::string> split_csv_line(const std::string& line, const std::string& field) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            cells.push_back(cell);
            cell.clear();
        } else {
            cell += c;
        }
    }
    if (quoted) throw ValidationError(field, "unterminated quoted field");
    cells.push_back(cell);
    for (auto& c : cells) {
        while (!c.empty() && (c.back() == ' ' || c.back() == '\r')) c.pop_back();
        while (!c.empty() && c.front() == ' ') c.erase(c.begin());
    }
    return cells;
}

int parse_number(const std::string& text, std::size_t pos, std::size_t len, const std::string& field) {
    if (pos + len > text.size()) throw ValidationError(field, "expected YYYY-MM-DD HH:MM[:SS], got '" + text + "'");
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
        if (text[i] < '0' || text[i] > '9')
            throw ValidationError(field, "expected YYYY-MM-DD HH:MM[:SS], got '" + text + "'");
        v = v * 10 + (text[i] - '0');
    }
    return v;
}

Instant parse_local(const std::string& text, const BusinessCalendar& calendar, const std::string& field) {
    if (text.size() != 16 && text.size() != 19)
        throw ValidationError(field, "expected YYYY-MM-DD HH:MM[:SS], got '" + text + "'");
    if (text[4] != '-' || text[7] != '-' || (text[10] != ' ' && text[10] != 'T') || text[13] != ':' ||
        (text.size() == 19 && text[16] != ':'))
        throw ValidationError(field, "expected YYYY-MM-DD HH:MM[:SS], got '" + text + "'");
    const int y = parse_number(text, 0, 4, field), mo = parse_number(text, 5, 2, field),
              d = parse_number(text, 8, 2, field);
    const int h = parse_number(text, 11, 2, field), mi = parse_number(text, 14, 2, field);
    const int s = text.size() == 19 ? parse_number(text, 17, 2, field) : 0;
    if (h > 23 || mi > 59 || s > 59) throw ValidationError(field, "invalid time of day in '" + text + "'");
    try {
        const boost::gregorian::date date(static_cast<unsigned short>(y), static_cast<unsigned short>(mo),
                                          static_cast<unsigned short>(d));
        return calendar.to_instant(date, h, mi) + Duration(s);
    } catch (const Error& e) {
        throw ValidationError(field, e.what());
    } catch (const std::exception&) {
        throw ValidationError(field, "invalid date in '" + text + "'");
    }
}

} // namespace

std::vector<HistoricArrival> replay_from_csv(std::string_view csv, const BusinessCalendar& calendar) {
    std::istringstream in{std::string(csv)};
    std::string line;
    std::size_t line_no = 0;
    std::vector<std::string> header;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.find_first_not_of(" \r") == std::string::npos) continue;
        header = split_csv_line(line, "replay.header");
        break;
    }
    if (header.empty()) throw ValidationError("replay.header", "the CSV has no header line");
    auto column = [&](const std::string& name, bool required) -> std::optional<std::size_t> {
        auto it = std::find(header.begin(), header.end(), name);
        if (it == header.end()) {
            if (required) throw ValidationError("replay.header", "missing column '" + name + "'");
            return std::nullopt;
        }
        return static_cast<std::size_t>(it - header.begin());
    };
    const auto received = *column("received", true), channel = *column("channel", true);
    const auto type = *column("type", true), priority = *column("priority", true);
    const auto department = column("department", false);
    std::vector<HistoricArrival> rows;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.find_first_not_of(" \r") == std::string::npos) continue;
        const std::string at = "replay[" + std::to_string(line_no) + "]";
        auto cells = split_csv_line(line, at);
        if (cells.size() != header.size())
            throw ValidationError(at, "has " + std::to_string(cells.size()) + " fields, the header " +
                                          std::to_string(header.size()));
        HistoricArrival row;
        row.received = parse_local(cells[received], calendar, at + ".received");
        row.channel = cells[channel];
        row.type = cells[type];
        row.priority = cells[priority];
        if (department) row.department = cells[*department];
        if (row.channel.empty()) throw ValidationError(at + ".channel", "must not be empty");
        if (row.type.empty()) throw ValidationError(at + ".type", "must not be empty");
        rows.push_back(std::move(row));
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const HistoricArrival& a, const HistoricArrival& b) { return a.received < b.received; });
    return rows;
}

// ---------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------

Estimate estimate(const std::vector<double>& values) {
    Estimate e;
    e.n = values.size();
    if (values.empty()) return e;
    double sum = 0;
    for (double v : values) sum += v;
    e.mean = sum / static_cast<double>(e.n);
    if (e.n < 2) return e;
    double ss = 0;
    for (double v : values) ss += (v - e.mean) * (v - e.mean);
    const double sd = std::sqrt(ss / static_cast<double>(e.n - 1));
    // Two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom.
    static const double t975[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                  2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                  2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    const std::size_t df = e.n - 1;
    const double t = df <= 30 ? t975[df - 1] : 1.96 + 2.4 / static_cast<double>(df);
    e.half_width = t * sd / std::sqrt(static_cast<double>(e.n));
    return e;
}

double erlang_c(int agents, double erlangs) {
    if (agents < 1) throw ValidationError("agents", "must be at least 1");
    if (!(erlangs > 0 && erlangs < agents)) throw ValidationError("erlangs", "the load must lie in (0, agents)");
    // Erlang B by its stable recursion, then C from B.
    double b = 1;
    for (int k = 1; k <= agents; ++k) b = erlangs * b / (k + erlangs * b);
    const double rho = erlangs / agents;
    return b / (1 - rho * (1 - b));
}

} // namespace ticketflow::sim
