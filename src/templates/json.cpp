// MessageTemplates::from_json(): a set read from a JSON object of message names and texts.
#include "routing/json_fields.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/templates.hpp"

#include <fstream>
#include <sstream>

namespace ticketflow {
namespace {

// The problem of `e` without its "field: " prefix, to be reported with the source.
std::string problem_of(const ValidationError& e) { return std::string(e.what()).substr(e.field().size() + 2); }

} // namespace

MessageTemplates MessageTemplates::from_json(std::string_view json_text, const std::string& source_name) {
    const nlohmann::json document = detail::parse_json_document(json_text, source_name);
    const detail::JsonFields fields(source_name);
    if (!document.is_object()) fields.fail("", "expected an object of message names and templates");
    Language language = Language::zh_CN;
    if (auto it = document.find("language"); it != document.end()) {
        const std::string name = fields.text(*it, "language");
        try {
            language = parse_language(name, "language");
        } catch (const ValidationError& e) {
            fields.fail("language", problem_of(e));
        }
    }
    MessageTemplates templates = builtin(language);
    for (const auto& item : document.items()) {
        if (item.key() == "language") continue;
        const std::string field = "templates." + item.key();
        MessageId id{};
        try {
            id = parse_message_id(item.key(), field);
        } catch (const ValidationError& e) {
            fields.fail(field, problem_of(e));
        }
        const std::string text = fields.text(item.value(), field);
        try {
            templates.set(id, text);
        } catch (const ValidationError& e) {
            fields.fail(field, problem_of(e));
        }
    }
    return templates;
}

MessageTemplates MessageTemplates::from_json_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ValidationError("json", "cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return from_json(text.str(), path);
}

} // namespace ticketflow
