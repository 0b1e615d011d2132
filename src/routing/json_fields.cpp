#include "routing/json_fields.hpp"

#include <algorithm>
#include <limits>

namespace ticketflow::detail {

namespace {

using nlohmann::json;

std::string joined(std::initializer_list<const char*> names) {
    std::string result;
    for (const char* name : names) result += (result.empty() ? "" : ", ") + std::string(name);
    return result;
}

} // namespace

std::string item_field(const std::string& list, std::size_t index) { return list + "[" + std::to_string(index) + "]"; }

void JsonFields::fail(const std::string& field, const std::string& problem) const {
    throw ValidationError(field, problem + " (in " + source_ + ")");
}

void JsonFields::expect_object(const json& value, const std::string& field,
                               std::initializer_list<const char*> allowed) const {
    if (!value.is_object()) fail(field, "expected an object");
    for (const auto& item : value.items()) {
        const bool known =
            std::any_of(allowed.begin(), allowed.end(), [&](const char* name) { return item.key() == name; });
        const std::string prefix = field.empty() ? "" : field + ".";
        if (!known) fail(prefix + item.key(), "unknown key (expected " + joined(allowed) + ")");
    }
}

std::string JsonFields::text(const json& value, const std::string& field) const {
    if (!value.is_string()) fail(field, "expected a string");
    return value.get<std::string>();
}

std::vector<std::string> JsonFields::texts(const json& value, const std::string& field) const {
    if (!value.is_array()) fail(field, "expected a list of strings");
    std::vector<std::string> result;
    result.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) result.push_back(text(value[i], item_field(field, i)));
    return result;
}

double JsonFields::number(const json& value, const std::string& field) const {
    if (!value.is_number()) fail(field, "expected a number");
    return value.get<double>();
}

int JsonFields::integer(const json& value, const std::string& field) const {
    if (!value.is_number_integer()) fail(field, "expected an integer");
    // An unsigned value above the signed range would wrap to a negative one when read signed.
    if (value.is_number_unsigned() &&
        value.get<unsigned long long>() > static_cast<unsigned long long>(std::numeric_limits<int>::max()))
        fail(field, "integer out of range");
    const auto wide = value.get<long long>();
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
        fail(field, "integer out of range");
    return static_cast<int>(wide);
}

bool JsonFields::boolean(const json& value, const std::string& field) const {
    if (!value.is_boolean()) fail(field, "expected true or false");
    return value.get<bool>();
}

} // namespace ticketflow::detail
