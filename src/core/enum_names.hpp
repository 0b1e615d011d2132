#pragma once
// Name tables for the public enums: one array per enum, indexed by the enumerator, so
// to_string and parse can never disagree.

#include "ticketflow/error.hpp"

#include <array>
#include <cstddef>
#include <string>

namespace ticketflow::detail {

template <class E, std::size_t N>
const char* enum_name(const std::array<const char*, N>& names, E value) noexcept {
    auto index = static_cast<std::size_t>(value);
    return index < N ? names[index] : "unknown";
}

// A name left out of a table leaves a null at its end: with a static_assert on this, an
// enumerator added without its name does not compile.
template <std::size_t N>
constexpr bool all_named(const std::array<const char*, N>& names) {
    for (const char* name : names)
        if (name == nullptr) return false;
    return true;
}

template <class E, std::size_t N>
E parse_enum(const std::array<const char*, N>& names, const std::string& name, const std::string& field) {
    for (std::size_t i = 0; i < N; ++i)
        if (name == names[i]) return static_cast<E>(i);
    std::string expected;
    for (std::size_t i = 0; i < N; ++i) expected += (i ? ", " : "") + std::string(names[i]);
    throw ValidationError(field, "unknown value '" + name + "' (expected one of: " + expected + ")");
}

} // namespace ticketflow::detail
