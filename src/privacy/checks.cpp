#include "privacy/checks.hpp"

namespace ticketflow::privacy_detail {
namespace {

int digit_at(std::string_view s, std::size_t i) noexcept { return s[i] - '0'; }

bool all_digits(std::string_view s) noexcept {
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

int number_at(std::string_view s, std::size_t pos, std::size_t len) noexcept {
    int value = 0;
    for (std::size_t i = pos; i < pos + len; ++i) value = value * 10 + digit_at(s, i);
    return value;
}

// Province-level codes of GB/T 2260 as used in the first two ID digits, plus 81/82/83
// used by residence permits of Hong Kong, Macao and Taiwan residents.
bool is_province_code(int code) noexcept {
    return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) || (code >= 31 && code <= 37) ||
           (code >= 41 && code <= 46) || (code >= 50 && code <= 54) || (code >= 61 && code <= 65) || code == 71 ||
           code == 81 || code == 82 || code == 83;
}

bool is_leap_year(int year) noexcept { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool is_birth_date(int year, int month, int day) noexcept {
    static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
    if (month == 2 && day == 29) return is_leap_year(year);
    return day <= kDaysInMonth[month - 1];
}

} // namespace

bool is_mobile_number(std::string_view digits) noexcept {
    return digits.size() == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9' && all_digits(digits);
}

bool luhn_valid(std::string_view digits) noexcept {
    int sum = 0;
    bool double_it = false;
    for (std::size_t i = digits.size(); i-- > 0;) {
        int d = digit_at(digits, i);
        if (double_it) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
        double_it = !double_it;
    }
    return sum % 10 == 0;
}

bool is_bank_card_number(std::string_view digits) noexcept {
    if (digits.size() < 13 || digits.size() > 19 || !all_digits(digits)) return false;
    const char first = digits[0];
    const bool issuer_prefix = first == '3' || first == '4' || first == '5' || first == '6' || first == '9' ||
                               (first == '2' && number_at(digits, 0, 4) >= 2221 && number_at(digits, 0, 4) <= 2720);
    return issuer_prefix && luhn_valid(digits);
}

char resident_id_check_char(std::string_view first17) noexcept {
    static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static constexpr char kCheckChars[] = "10X98765432";
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) sum += digit_at(first17, i) * kWeights[i];
    return kCheckChars[sum % 11];
}

bool is_resident_id(std::string_view id) noexcept {
    if (id.size() != 18 || !all_digits(id.substr(0, 17))) return false;
    const bool region_ok = id[0] == '9' || is_province_code(number_at(id, 0, 2));
    return region_ok && is_birth_date(number_at(id, 6, 4), number_at(id, 10, 2), number_at(id, 12, 2)) &&
           resident_id_check_char(id) == id[17];
}

std::size_t area_code_length(std::string_view digits, bool with_trunk_zero) noexcept {
    const std::size_t trunk = with_trunk_zero ? 1 : 0;
    if (digits.size() < trunk + 2 || (with_trunk_zero && digits[0] != '0')) return 0;
    const char lead = digits[trunk];
    if (lead == '1') return digits[trunk + 1] == '0' ? trunk + 2 : 0; // only 010 exists in 01x
    if (lead == '2') return trunk + 2;                                // 020–029
    if (lead >= '3' && lead <= '9') return trunk + 3;                 // 03xx–09xx
    return 0;
}

} // namespace ticketflow::privacy_detail
