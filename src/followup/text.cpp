#include "followup/internal.hpp"

#include <cstdint>

namespace ticketflow::detail {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// A whole number of at most 9 digits (no sign), so that any unit multiple fits.
std::optional<std::int64_t> parse_count(std::string_view text) {
    if (text.empty() || text.size() > 9) return std::nullopt;
    std::int64_t n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n;
}

std::optional<std::int64_t> unit_seconds(std::string_view unit) {
    if (unit == "d") return 86400;
    if (unit == "h") return 3600;
    if (unit == "min") return 60;
    if (unit == "s") return 1;
    return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

} // namespace

std::optional<Duration> parse_duration(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t digits = i;
        while (digits < text.size() && is_digit(text[digits])) ++digits;
        std::size_t letters = digits;
        while (letters < text.size() && !is_digit(text[letters])) ++letters;
        auto count = parse_count(text.substr(i, digits - i));
        auto unit = unit_seconds(text.substr(digits, letters - digits));
        if (!count || !unit) return std::nullopt;
        total += *count * *unit;
        i = letters;
    }
    return Duration{total};
}

std::optional<SlaTarget> parse_target(std::string_view text) {
    for (std::string_view suffix : {" working days", " working day"}) {
        if (!ends_with(text, suffix)) continue;
        auto days = parse_count(text.substr(0, text.size() - suffix.size()));
        if (!days || *days > 3660) return std::nullopt;
        return SlaTarget::working_days_end(static_cast<int>(*days));
    }
    constexpr std::string_view business = " business";
    if (ends_with(text, business)) {
        auto amount = parse_duration(text.substr(0, text.size() - business.size()));
        if (!amount) return std::nullopt;
        return SlaTarget::business(*amount);
    }
    auto amount = parse_duration(text);
    if (!amount) return std::nullopt;
    return SlaTarget::calendar(*amount);
}

} // namespace ticketflow::detail
