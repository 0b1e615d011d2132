#include "codec/json_document.hpp"

#include "core/text_position.hpp"
#include "ticketflow/error.hpp"

namespace ticketflow::detail {

using nlohmann::json;

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

} // namespace ticketflow::detail
