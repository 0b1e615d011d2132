#pragma once
// Byte-level character tests for UTF-8 text, shared by the PII scanner and name masking.
// Everything here is inline: the scanner calls these for the few bytes that can start a
// match, and the compiler should see through them.

#include <cstddef>
#include <string_view>

namespace ticketflow::privacy_detail {

inline unsigned char byte_at(std::string_view s, std::size_t pos) noexcept {
    return static_cast<unsigned char>(s[pos]);
}

inline bool is_ascii_digit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }

inline bool is_ascii_alpha(unsigned char c) noexcept { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

// Characters that make a number part of an identifier when they touch it (DD2024…, SO_1…).
inline bool is_word_byte(unsigned char c) noexcept { return is_ascii_digit(c) || is_ascii_alpha(c) || c == '_'; }

// True when the 3-byte sequence EF BC <third> starts at pos (the U+FF00 block:
// full-width digits, parentheses, plus, hyphen).
inline bool is_fullwidth_at(std::string_view s, std::size_t pos, unsigned char third_min,
                            unsigned char third_max) noexcept {
    return pos + 3 <= s.size() && byte_at(s, pos) == 0xEF && byte_at(s, pos + 1) == 0xBC &&
           byte_at(s, pos + 2) >= third_min && byte_at(s, pos + 2) <= third_max;
}

// Bytes taken by the digit at pos: 1 for '0'–'9', 3 for full-width '０'–'９' (U+FF10–FF19),
// 0 when there is no digit there.
inline std::size_t digit_length_at(std::string_view s, std::size_t pos) noexcept {
    if (pos < s.size() && is_ascii_digit(byte_at(s, pos))) return 1;
    return is_fullwidth_at(s, pos, 0x90, 0x99) ? 3 : 0;
}

// The ASCII digit for the digit at pos (REQUIRES digit_length_at(s, pos) > 0).
inline char ascii_digit_at(std::string_view s, std::size_t pos) noexcept {
    const unsigned char c = byte_at(s, pos);
    return is_ascii_digit(c) ? static_cast<char>(c) : static_cast<char>('0' + (byte_at(s, pos + 2) - 0x90));
}

// True when a digit (ASCII or full-width) ends right before pos.
inline bool digit_ends_before(std::string_view s, std::size_t pos) noexcept {
    if (pos >= 1 && is_ascii_digit(byte_at(s, pos - 1))) return true;
    return pos >= 3 && is_fullwidth_at(s, pos - 3, 0x90, 0x99);
}

// Bytes taken by a resident ID's check character at pos: 'X' / 'x' (1), full-width
// 'Ｘ' U+FF38 / 'ｘ' U+FF58 (3), or 0.
inline std::size_t check_x_length_at(std::string_view s, std::size_t pos) noexcept {
    if (pos >= s.size()) return 0;
    if (s[pos] == 'X' || s[pos] == 'x') return 1;
    if (is_fullwidth_at(s, pos, 0xB8, 0xB8)) return 3;
    const bool fullwidth_small_x =
        pos + 3 <= s.size() && byte_at(s, pos) == 0xEF && byte_at(s, pos + 1) == 0xBD && byte_at(s, pos + 2) == 0x98;
    return fullwidth_small_x ? 3 : 0;
}

// Bytes taken by a separator allowed between digit groups at pos, or 0: space, '-',
// no-break space, ideographic space, full-width hyphen-minus and the U+2010–2015 dashes.
inline std::size_t separator_length_at(std::string_view s, std::size_t pos) noexcept {
    if (pos >= s.size()) return 0;
    const unsigned char c = byte_at(s, pos);
    if (c == ' ' || c == '-') return 1;
    if (c == 0xC2) return pos + 1 < s.size() && byte_at(s, pos + 1) == 0xA0 ? 2 : 0;
    if (pos + 3 > s.size()) return 0;
    const unsigned char c1 = byte_at(s, pos + 1);
    const unsigned char c2 = byte_at(s, pos + 2);
    if (c == 0xE3) return c1 == 0x80 && c2 == 0x80 ? 3 : 0;
    if (c == 0xE2) return c1 == 0x80 && c2 >= 0x90 && c2 <= 0x95 ? 3 : 0;
    if (c == 0xEF) return c1 == 0xBC && c2 == 0x8D ? 3 : 0;
    return 0;
}

// Bytes taken by ')' or '）' at pos, or 0.
inline std::size_t close_paren_length_at(std::string_view s, std::size_t pos) noexcept {
    if (pos < s.size() && s[pos] == ')') return 1;
    return is_fullwidth_at(s, pos, 0x89, 0x89) ? 3 : 0;
}

// Bytes taken by '(' or '（' ending right before pos, or 0.
inline std::size_t open_paren_length_before(std::string_view s, std::size_t pos) noexcept {
    if (pos >= 1 && s[pos - 1] == '(') return 1;
    return pos >= 3 && is_fullwidth_at(s, pos - 3, 0x88, 0x88) ? 3 : 0;
}

// Bytes taken by '+' or '＋' ending right before pos, or 0.
inline std::size_t plus_length_before(std::string_view s, std::size_t pos) noexcept {
    if (pos >= 1 && s[pos - 1] == '+') return 1;
    return pos >= 3 && is_fullwidth_at(s, pos - 3, 0x8B, 0x8B) ? 3 : 0;
}

// Length of the well-formed UTF-8 sequence starting at pos, or 0 when the bytes there are
// not one (stray continuation byte, truncated or overlong sequence, surrogate).
inline std::size_t utf8_char_length(std::string_view s, std::size_t pos) noexcept {
    const unsigned char c = byte_at(s, pos);
    if (c < 0x80) return 1;
    std::size_t len = 0;
    unsigned char min2 = 0x80, max2 = 0xBF; // valid range of the second byte
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) min2 = 0xA0;
        if (c == 0xED) max2 = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) min2 = 0x90;
        if (c == 0xF4) max2 = 0x8F;
    } else
        return 0;
    if (pos + len > s.size()) return 0;
    if (byte_at(s, pos + 1) < min2 || byte_at(s, pos + 1) > max2) return 0;
    for (std::size_t i = 2; i < len; ++i) {
        if ((byte_at(s, pos + i) & 0xC0) != 0x80) return 0;
    }
    return len;
}

} // namespace ticketflow::privacy_detail
