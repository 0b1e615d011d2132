// Is an identifier that should be pseudonymous (a customer number, an order number)
// itself personal data? The whole identifier is read as one number first, with the
// separators people write between digit groups removed; then as free text, through the
// scanner; then each digit run glued to letters (C13812345678) is checked on its own.

#include "ticketflow/privacy.hpp"

#include "privacy/checks.hpp"
#include "privacy/text_bytes.hpp"

namespace ticketflow {
namespace {

using namespace privacy_detail;

const char* kind_phrase(PiiKind kind) noexcept {
    switch (kind) {
    case PiiKind::mobile: return "a mobile phone number";
    case PiiKind::landline: return "a landline phone number";
    case PiiKind::id_number: return "a resident ID number";
    case PiiKind::bank_card: return "a bank card number";
    case PiiKind::email: return "an e-mail address";
    case PiiKind::name: return "a personal name";
    }
    return "personal data";
}

std::string phrase_is(PiiKind kind) { return std::string("is ") + kind_phrase(kind); }
std::string phrase_contains(PiiKind kind) { return std::string("contains ") + kind_phrase(kind); }

std::size_t space_length_at(std::string_view s, std::size_t pos) noexcept {
    const unsigned char c = byte_at(s, pos);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return 1;
    return s.compare(pos, 3, "\xE3\x80\x80") == 0 ? 3 : 0;
}

std::string_view trimmed(std::string_view s) noexcept {
    while (!s.empty()) {
        const std::size_t len = space_length_at(s, 0);
        if (len == 0) break;
        s.remove_prefix(len);
    }
    while (!s.empty()) {
        std::size_t len = 0;
        if (s.size() >= 3 && s.compare(s.size() - 3, 3, "\xE3\x80\x80") == 0)
            len = 3;
        else if (space_length_at(s, s.size() - 1) == 1)
            len = 1;
        if (len == 0) break;
        s.remove_suffix(len);
    }
    return s;
}

// Bytes taken at `pos` by what may stand between or before the digit groups of one
// number: the scanner's separators, '(', ')', '+', '.' in ASCII or full-width form.
std::size_t punctuation_length_at(std::string_view s, std::size_t pos) noexcept {
    if (const std::size_t len = separator_length_at(s, pos)) return len;
    if (const std::size_t len = close_paren_length_at(s, pos)) return len;
    const char c = s[pos];
    if (c == '(' || c == '+' || c == '.') return 1;
    if (is_fullwidth_at(s, pos, 0x88, 0x88) || is_fullwidth_at(s, pos, 0x8B, 0x8B) ||
        is_fullwidth_at(s, pos, 0x8E, 0x8E))
        return 3;
    return 0;
}

struct Digits {
    std::string digits; // ASCII, 'X' for an ID's check character
    bool plus = false;  // a '+' came before the first digit: 86… is a country code
};

// The identifier's digits when it consists of digits and punctuation only; empty
// otherwise or when longer than any personal number.
Digits digits_only(std::string_view id) {
    constexpr std::size_t kLongest = 19 + 4; // a card number, or 0086 and a phone number
    Digits result;
    std::string& digits = result.digits;
    for (std::size_t pos = 0; pos < id.size();) {
        if (digits.empty() && (id[pos] == '+' || is_fullwidth_at(id, pos, 0x8B, 0x8B))) result.plus = true;
        if (const std::size_t len = digit_length_at(id, pos)) {
            digits.push_back(ascii_digit_at(id, pos));
            pos += len;
        } else if (const std::size_t x = check_x_length_at(id, pos); x > 0 && digits.size() == 17) {
            digits.push_back('X');
            pos += x;
        } else if (const std::size_t p = punctuation_length_at(id, pos)) {
            pos += p;
        } else {
            return {};
        }
        if (digits.size() > kLongest) return {};
    }
    return result;
}

bool is_landline_number(std::string_view digits) noexcept {
    const std::size_t area = area_code_length(digits, true);
    if (area == 0) return false;
    const std::size_t subscriber = digits.size() - area;
    return (subscriber == 7 || subscriber == 8) && digits[area] != '0' && digits.back() != 'X';
}

// Digits of a country code at the start of @p digits: 0086, or 86 after a '+' (as in
// the scanner, a bare 86… is as likely an ordinary number).
std::size_t country_code_length(std::string_view digits, bool plus) noexcept {
    if (digits.substr(0, 4) == "0086") return 4;
    return plus && digits.substr(0, 2) == "86" ? 2 : 0;
}

std::optional<PiiKind> whole_number_kind(const Digits& number) {
    const std::string_view digits = number.digits;
    if (digits.empty()) return std::nullopt;
    if (is_resident_id(digits)) return PiiKind::id_number;
    if (is_bank_card_number(digits)) return PiiKind::bank_card;
    if (is_mobile_number(digits)) return PiiKind::mobile;
    if (is_landline_number(digits)) return PiiKind::landline;
    // +86 138…, 0086 10 12345678, +86 755 8765 4321: the area code without its trunk zero.
    if (const std::size_t country = country_code_length(digits, number.plus)) {
        const std::string_view rest = digits.substr(country);
        if (is_mobile_number(rest)) return PiiKind::mobile;
        if (is_landline_number("0" + std::string(rest))) return PiiKind::landline;
    }
    return std::nullopt;
}

// The first kind the scanner found, most identifying first.
std::optional<PiiKind> first_found(const PiiReport& report) {
    for (PiiKind kind : {PiiKind::id_number, PiiKind::bank_card, PiiKind::mobile, PiiKind::landline, PiiKind::email}) {
        if (report.count(kind) > 0) return kind;
    }
    return std::nullopt;
}

// A mobile number or resident ID glued to letters or other text (C13812345678,
// VIP11010519491231002X), which the scanner leaves alone in free text.
std::optional<PiiKind> glued_number_kind(std::string_view id) {
    for (std::size_t pos = 0; pos < id.size();) {
        if (digit_length_at(id, pos) == 0) {
            ++pos;
            continue;
        }
        std::string run;
        while (const std::size_t len = digit_length_at(id, pos)) {
            if (run.size() <= 19) run.push_back(ascii_digit_at(id, pos));
            pos += len;
        }
        if (const std::size_t x = check_x_length_at(id, pos); x > 0 && run.size() == 17) {
            run.push_back('X');
            pos += x;
        }
        if (is_resident_id(run)) return PiiKind::id_number;
        const std::size_t country = run.size() == 15 ? country_code_length(run, false) : 0;
        if (is_mobile_number(std::string_view(run).substr(country))) return PiiKind::mobile;
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> personal_data_in_identifier(std::string_view id) {
    id = trimmed(id);
    if (id.empty()) return std::nullopt;
    if (const auto kind = whole_number_kind(digits_only(id))) return phrase_is(*kind);

    const MaskResult scanned = PiiScanner{}.mask(id);
    if (const auto kind = first_found(scanned.report)) {
        // An e-mail address from the identifier's first character on is the identifier.
        const bool whole_email = *kind == PiiKind::email && scanned.report.total() == 1 &&
                                 scanned.text == std::string(1, id[0]) + "***" + std::string(id.substr(id.find('@')));
        return whole_email ? phrase_is(*kind) : phrase_contains(*kind);
    }
    if (const auto kind = glued_number_kind(id)) return phrase_contains(*kind);
    return std::nullopt;
}

} // namespace ticketflow
