#pragma once
// Reading routing and agent JSON: every error is a ValidationError naming the field by its
// path in the document (e.g. "rules[3].when.tiers[0]") and the source in the message.

#include "codec/json_document.hpp"
#include "ticketflow/error.hpp"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ticketflow::detail {

// "rules[3]" from "rules" and 3.
std::string item_field(const std::string& list, std::size_t index);

class JsonFields {
public:
    explicit JsonFields(const std::string& source) : source_(source) {}

    [[noreturn]] void fail(const std::string& field, const std::string& problem) const;

    // Fails unless `value` is an object whose keys are all in `allowed`.
    void expect_object(const nlohmann::json& value, const std::string& field,
                       std::initializer_list<const char*> allowed) const;
    std::string text(const nlohmann::json& value, const std::string& field) const;
    std::vector<std::string> texts(const nlohmann::json& value, const std::string& field) const;
    double number(const nlohmann::json& value, const std::string& field) const;
    int integer(const nlohmann::json& value, const std::string& field) const;
    bool boolean(const nlohmann::json& value, const std::string& field) const;

private:
    const std::string& source_;
};

} // namespace ticketflow::detail
