#include "routing/json_fields.hpp"
#include "core/text_position.hpp"

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

json parse_json_document(std::string_view text, const std::string& source) {
    try {
        return json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        // e.what() reads "[json.exception.parse_error.101] parse error at ...: <reason>".
        const std::string what = e.what();
        const std::size_t reason = what.find(": ");
        throw ValidationError("json", "malformed JSON at " + line_column(text, e.byte) + ": " +
                                          (reason == std::string::npos ? what : what.substr(reason + 2)) + " (in " +
                                          source + ")");
    } catch (const json::exception& e) {
        // Other parser errors, e.g. out_of_range.406 "number overflow parsing '1e999'".
        const std::string what = e.what();
        const std::size_t reason = what.find("] ");
        throw ValidationError("json",
                              "malformed JSON: " + (reason == std::string::npos ? what : what.substr(reason + 2)) +
                                  " (in " + source + ")");
    }
}

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
