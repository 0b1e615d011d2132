#pragma once
// Which container a field of the field list (ticketflow/ticket_fields.hpp) is, for the
// code that walks every field: the JSON codec and its tests.

#include <optional>
#include <type_traits>
#include <vector>

namespace ticketflow::detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

} // namespace ticketflow::detail
