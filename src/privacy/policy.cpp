#include "ticketflow/error.hpp"
#include "ticketflow/privacy.hpp"

#include "privacy/text_bytes.hpp"

namespace ticketflow {
namespace {

using privacy_detail::utf8_char_length;

// Word separators in names: ASCII space and tab, ideographic space (U+3000).
std::size_t space_length_at(std::string_view s, std::size_t pos) noexcept {
    if (s[pos] == ' ' || s[pos] == '\t') return 1;
    return s.compare(pos, 3, "\xE3\x80\x80") == 0 ? 3 : 0;
}

// Replaces every character of the name, keeping only the spaces between words.
std::string hide_all(std::string_view name) {
    std::string hidden;
    for (std::size_t pos = 0; pos < name.size();) {
        if (const std::size_t space = space_length_at(name, pos)) {
            hidden.append(name, pos, space);
            pos += space;
            continue;
        }
        const std::size_t len = utf8_char_length(name, pos);
        hidden.push_back('*');
        pos += len > 0 ? len : 1;
    }
    return hidden;
}

void reject_if_found(std::string_view field, const PiiReport& report) {
    if (report.empty()) return;
    // Kinds and counts only: the message may end up in logs, the values must not.
    throw ValidationError(std::string(field), "contains personal data (" + report.summary() +
                                                  "), which the privacy policy does not allow in this field");
}

PiiReport name_report(std::string_view text) {
    PiiReport report;
    if (!text.empty()) report.add(PiiKind::name);
    return report;
}

} // namespace

std::string mask_name(std::string_view name) {
    std::string masked;
    masked.reserve(name.size());
    bool word_start = true;
    std::size_t hidden = 0;
    for (std::size_t pos = 0; pos < name.size();) {
        if (const std::size_t space = space_length_at(name, pos)) {
            masked.append(name, pos, space);
            pos += space;
            word_start = true;
            continue;
        }
        const std::size_t len = utf8_char_length(name, pos);
        if (word_start && len > 0) {
            masked.append(name, pos, len);
        } else {
            masked.push_back('*'); // also replaces invalid bytes, one '*' each
            ++hidden;
        }
        pos += len > 0 ? len : 1;
        word_start = false;
    }
    // Words of one character each ("张", "J S") would come out whole: hide them all.
    return hidden == 0 ? hide_all(name) : masked;
}

const char* to_string(FieldAction action) noexcept {
    switch (action) {
    case FieldAction::mask: return "mask";
    case FieldAction::reject: return "reject";
    case FieldAction::mask_name: return "mask_name";
    }
    return "unknown";
}

PrivacyPolicy& PrivacyPolicy::set(std::string field, FieldAction action) {
    if (field.empty()) throw ValidationError("field", "a privacy policy field name must not be empty");
    fields_[std::move(field)] = action;
    return *this;
}

FieldAction PrivacyPolicy::action_for(std::string_view field) const {
    const auto it = fields_.find(field);
    return it != fields_.end() ? it->second : default_action_;
}

MaskResult PrivacyPolicy::apply(std::string_view field, std::string_view text) const {
    const PiiScanner scanner;
    switch (action_for(field)) {
    case FieldAction::reject:
        reject_if_found(field, scanner.scan(text));
        return MaskResult{std::string(text), PiiReport{}};
    case FieldAction::mask_name: return MaskResult{mask_name(text), name_report(text)};
    case FieldAction::mask: break;
    }
    return scanner.mask(text);
}

PiiReport PrivacyPolicy::apply_in_place(std::string_view field, std::string& text) const {
    const PiiScanner scanner;
    switch (action_for(field)) {
    case FieldAction::reject: reject_if_found(field, scanner.scan(text)); return PiiReport{};
    case FieldAction::mask_name: {
        const PiiReport report = name_report(text);
        text = mask_name(text);
        return report;
    }
    case FieldAction::mask: break;
    }
    return scanner.mask_in_place(text);
}

} // namespace ticketflow
