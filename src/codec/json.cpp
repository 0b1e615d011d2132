// The JSON form of tickets, events, notifications and outbox records (ticketflow/json.hpp),
// written and read by walking the field lists of ticketflow/ticket_fields.hpp, so a field
// added to a list is in the JSON form without a change here.
#include "ticketflow/json.hpp"

#include "core/type_traits.hpp"

#include <limits>
#include <type_traits>
#include <vector>

namespace ticketflow {
namespace {

using nlohmann::json;

using detail::is_optional;
using detail::is_vector;

// ---- Writing ----

template <class T>
json written(const T& value);

template <class S>
void write_fields(json& object, const S& value) {
    visit_fields(value, [&object](const FieldInfo& field, const auto& member) {
        if constexpr (has_fields<std::decay_t<decltype(member)>>) {
            if (field.flattened) {
                write_fields(object, member);
                return;
            }
        }
        object[field.name] = written(member);
    });
}

template <class T>
json written(const T& value) {
    if constexpr (std::is_same_v<T, Instant>) {
        return format_instant(value);
    } else if constexpr (enum_count<T> > 0) {
        return to_string(value);
    } else if constexpr (is_optional<T>::value) {
        return value ? written(*value) : json(nullptr);
    } else if constexpr (is_vector<T>::value) {
        json array = json::array();
        for (const auto& item : value) array.push_back(written(item));
        return array;
    } else if constexpr (has_fields<T>) {
        json object = json::object();
        write_fields(object, value);
        return object;
    } else {
        static_assert(std::is_arithmetic_v<T> || std::is_same_v<T, std::string>, "a field type JSON cannot write");
        return value;
    }
}

// ---- Reading ----

// Where a value sits in the document, for error messages: a chain through the callers'
// stack frames, turned into text only when there is an error.
struct Path {
    const Path* parent;
    const char* key;       // member name, or the document's own name at the root
    std::size_t index = 0; // for an array element (key null)

    std::string text() const {
        if (!parent) return key;
        std::string prefix = parent->parent ? parent->text() : std::string();
        if (!key) return prefix + "[" + std::to_string(index) + "]";
        return prefix.empty() ? key : prefix + "." + key;
    }
};

[[noreturn]] void refuse(const Path& at, const std::string& problem) { throw ValidationError(at.text(), problem); }

template <class T>
void read(const json& j, T& out, const Path& at);

// What a field keeps when its member is absent, beyond the member's default.
template <class S>
void complete(const json&, S&) {}
void complete(const json& times, StageTimes& t) { // documents written before `updated` existed
    auto it = times.find("updated");
    if (it == times.end() || it->is_null()) t.updated = t.recorded;
}

template <class S>
void read_fields(const json& object, S& out, const Path& at) {
    visit_fields(out, [&](const FieldInfo& field, auto& member) {
        if constexpr (has_fields<std::decay_t<decltype(member)>>) {
            if (field.flattened) {
                read_fields(object, member, at);
                return;
            }
        }
        auto it = object.find(field.name);
        if (it != object.end() && !it->is_null()) read(*it, member, Path{&at, field.name});
    });
    complete(object, out);
}

template <class T>
void read_unsigned(const json& j, T& out, const Path& at) {
    constexpr auto max = std::numeric_limits<T>::max();
    // Parsed JSON holds non-negative numbers as unsigned; built JSON may hold them signed.
    const bool non_negative = j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0);
    if (!non_negative || j.get<std::uint64_t>() > max)
        refuse(at, "must be an unsigned integer up to " + std::to_string(max));
    out = static_cast<T>(j.get<std::uint64_t>());
}

template <class T>
void read(const json& j, T& out, const Path& at) {
    if constexpr (std::is_same_v<T, std::string>) {
        if (!j.is_string()) refuse(at, "must be a string");
        out = j.get_ref<const std::string&>();
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!j.is_boolean()) refuse(at, "must be true or false");
        out = j.get<bool>();
    } else if constexpr (std::is_same_v<T, int>) {
        if (!j.is_number_integer() || j.get<std::int64_t>() < std::numeric_limits<int>::min() ||
            (j.is_number_unsigned() ? j.get<std::uint64_t>() > std::numeric_limits<int>::max()
                                    : j.get<std::int64_t>() > std::numeric_limits<int>::max()))
            refuse(at, "must be an integer");
        out = static_cast<int>(j.get<std::int64_t>());
    } else if constexpr (std::is_integral_v<T>) {
        read_unsigned(j, out, at);
    } else if constexpr (std::is_same_v<T, double>) {
        if (!j.is_number()) refuse(at, "must be a number");
        out = j.get<double>();
    } else if constexpr (std::is_same_v<T, Instant>) {
        if (!j.is_string()) refuse(at, "must be a time like 2024-05-20T06:30:00Z");
        out = parse_instant(j.get_ref<const std::string&>(), at.text());
    } else if constexpr (enum_count<T> > 0) {
        if (!j.is_string()) refuse(at, "must be a string");
        out = parse_name<T>(j.get_ref<const std::string&>(), at.text());
    } else if constexpr (is_optional<T>::value) {
        read(j, out.emplace(), at);
    } else if constexpr (is_vector<T>::value) {
        if (!j.is_array()) refuse(at, "must be an array");
        out.resize(j.size());
        for (std::size_t i = 0; i < out.size(); ++i) read(j[i], out[i], Path{&at, nullptr, i});
    } else {
        static_assert(has_fields<T>, "a field type JSON cannot read");
        if (!j.is_object()) refuse(at, "must be a JSON object");
        read_fields(j, out, at);
    }
}

// A whole document: the object starts from its defaults whatever it held before.
template <class S>
void read_document(const json& j, S& out, const char* name) {
    S value{};
    read(j, value, Path{nullptr, name});
    out = std::move(value);
}

} // namespace

void to_json(json& j, const Ticket& ticket) { j = written(ticket); }
void from_json(const json& j, Ticket& ticket) { read_document(j, ticket, "ticket"); }
void to_json(json& j, const AuditEvent& event) { j = written(event); }
void from_json(const json& j, AuditEvent& event) { read_document(j, event, "event"); }
void to_json(json& j, const Notification& notification) { j = written(notification); }
void from_json(const json& j, Notification& notification) { read_document(j, notification, "notification"); }
void to_json(json& j, const OutboxRecord& record) { j = written(record); }
void from_json(const json& j, OutboxRecord& record) { read_document(j, record, "outbox_record"); }

} // namespace ticketflow
