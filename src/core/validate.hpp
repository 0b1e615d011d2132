#pragma once
// Input checks shared by every command. Each throws ValidationError naming the field
// (taken as a view: most commands pass, and a field name is only copied to report it).

#include "ticketflow/error.hpp"
#include "ticketflow/ticket_fields.hpp"

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

[[noreturn]] void refuse_enum(std::string_view field, std::size_t value);

// One of E's enumerators: a number cast to E beyond them would be stored as it is and
// could never be read back (the encodings refuse it).
template <class E>
void check_enum(std::string_view field, E value) {
    static_assert(enum_count<E> > 0, "an enum of the field list without its enum_count");
    if (static_cast<std::size_t>(value) >= enum_count<E>) refuse_enum(field, static_cast<std::size_t>(value));
}

// check_enum() on every enum member of `t` and of the structs it holds, and every instant
// within the range the ticket encoding holds (detail::encodable()), named by its path as
// in the JSON form (e.g. "satisfaction_history[1].grade", "sla[0].due"): the one check
// that whatever a command stores in a ticket can be encoded and decoded again.
void check_storable(const Ticket& t);

} // namespace ticketflow::detail
