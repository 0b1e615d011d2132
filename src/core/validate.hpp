#pragma once
// Input checks shared by every command. Each throws ValidationError naming the field
// (taken as a view: most commands pass, and a field name is only copied to report it).

#include "ticketflow/error.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ticketflow::detail {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

// Valid UTF-8, at most `max_bytes`, no NUL; `required` also rejects blank text.
void check_text(std::string_view field, std::string_view text, std::size_t max_bytes, bool required = false);

template <class T>
void check_one_of(std::string_view field, const T& value, const std::vector<T>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
        throw ValidationError(std::string(field), "unknown value '" + std::string(value) + "'");
}

void check_list_size(std::string_view field, std::size_t size, std::size_t max_items);

} // namespace ticketflow::detail
