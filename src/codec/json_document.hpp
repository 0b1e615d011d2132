#pragma once
// Parsing the JSON documents hosts hand to the loaders (routing rules, agents, templates,
// follow-up rules, scenarios): whatever the parser refuses becomes a ValidationError, so
// no parser exception leaves the library.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace ticketflow::detail {

// Parses `text`; malformed JSON is a ValidationError on the field "json" with line:column
// (and so is any other parser error, e.g. a number too large for a double). `source`
// names the document in the message.
nlohmann::json parse_json_document(std::string_view text, const std::string& source);

} // namespace ticketflow::detail
