#pragma once
// Validation of digit strings that look like personal numbers. Digits are ASCII; a
// resident ID may end in 'X'. Kept apart from the scanner so each rule can be tested alone.

#include <cstddef>
#include <string_view>

namespace ticketflow::privacy_detail {

/// True for an 11-digit string that starts 13–19 (mainland mobile numbering).
bool is_mobile_number(std::string_view digits) noexcept;

/// Luhn (mod 10) check over the whole string, check digit last.
bool luhn_valid(std::string_view digits) noexcept;

/// True for 13–19 digits whose issuer prefix is one banks use (2221–2720, 3, 4, 5, 6, 9)
/// and whose Luhn check passes. The prefix rule keeps date-prefixed numbers such as
/// 2024052012345678 out, whatever their check digit.
bool is_bank_card_number(std::string_view digits) noexcept;

/// The ISO 7064 MOD 11-2 check character ('0'–'9' or 'X') of the first 17 digits.
char resident_id_check_char(std::string_view first17) noexcept;

/// True for an 18-character resident ID: a known province code (or the leading 9 of the
/// foreigner's permanent residence ID), a real birth date in 1900–2099 and a valid check
/// character (upper-case 'X' only; the scanner upper-cases it).
bool is_resident_id(std::string_view id) noexcept;

/// Length of the area code at the start of @p digits, including the trunk '0' when
/// @p with_trunk_zero: 010 and 02x have three digits, 03xx–09xx four. Returns 0 when the
/// digits do not start with an area code.
std::size_t area_code_length(std::string_view digits, bool with_trunk_zero) noexcept;

} // namespace ticketflow::privacy_detail
