#pragma once
// Numbers in the human-readable reasons of routing decisions.

#include <cmath>
#include <cstdio>
#include <string>

namespace ticketflow::detail {

// "3", "2.5", "1234567", "unlimited" for infinity; up to 12 significant digits. Whole
// numbers, the usual case for loads and amounts, skip the floating-point formatter.
inline std::string format_number(double value) {
    if (std::isinf(value)) return "unlimited";
    if (value == std::trunc(value) && std::fabs(value) < 1e15) return std::to_string(static_cast<long long>(value));
    char text[32];
    std::snprintf(text, sizeof text, "%.12g", value);
    return text;
}

} // namespace ticketflow::detail
