#pragma once
// Deterministic mutations of loader input (calendar JSON, iCalendar, routing rules), for
// tests that only ticketflow's own exception types leave a loader.

#include <cstddef>
#include <random>
#include <string>
#include <vector>

namespace ticketflow::testing {

// Replacements that target the range checks: numbers beyond double, int and uint64,
// fractions, dates at and past the ends of the supported years, and text structure.
inline const std::vector<std::string>& hostile_tokens() {
    static const std::vector<std::string> tokens = {
        "1e999",
        "-1e999",
        "4294969296",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775809",
        "2147483648",
        "-2147483649",
        "0",
        "-1",
        "2030.5",
        "1e3",
        "null",
        "true",
        "[]",
        "{}",
        "\"\"",
        "\"x\"",
        "\"0000-01-01\"",
        "\"9999-12-31\"",
        "\"1399-12-31\"",
        "\"2025-02-29\"",
        "\"24:01\"",
        "\"-1:00\"",
        "00000101",
        "99991231",
        "14000101",
        "25011231",
        "P9999W",
        "P0D",
        "T",
        "\r\n ",
        "\n",
        "BEGIN:VEVENT\n",
        "END:VEVENT\n",
        "BEGIN:VALARM\n",
        ":",
        ";",
        "\"",
        "\\u0000",
        "\xff\xfe",
        "\xe5\x81",
    };
    return tokens;
}

// One mutation of `seed`: byte flips, insertions, deletions, duplications, truncation, or a
// run of digits / a token replaced by a hostile token.
inline std::string mutate(const std::string& seed, std::mt19937& rng) {
    std::string text = seed;
    const auto pick = [&](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n == 0 ? 0 : n - 1)(rng);
    };
    const std::size_t steps = 1 + pick(3);
    for (std::size_t step = 0; step < steps; ++step) {
        const std::size_t at = pick(text.size() + 1);
        switch (pick(7)) {
        case 0: // flip a byte
            if (!text.empty()) text[pick(text.size())] = static_cast<char>(pick(256));
            break;
        case 1: // insert a hostile token
            text.insert(std::min(at, text.size()), hostile_tokens()[pick(hostile_tokens().size())]);
            break;
        case 2: { // delete a range
            const std::size_t from = std::min(at, text.size());
            text.erase(from, pick(16) + 1);
            break;
        }
        case 3: { // duplicate a range
            const std::size_t from = std::min(at, text.size());
            text.insert(from, text.substr(from, pick(64) + 1));
            break;
        }
        case 4: // truncate
            text.resize(std::min(at, text.size()));
            break;
        default: { // replace the run of digits at or after `at` with a hostile token
            std::size_t from = text.find_first_of("0123456789", std::min(at, text.size()));
            if (from == std::string::npos) from = text.find_first_of("0123456789");
            if (from == std::string::npos) break;
            std::size_t to = from;
            while (to < text.size() && ((text[to] >= '0' && text[to] <= '9') || text[to] == '.' || text[to] == '-'))
                ++to;
            text.replace(from, to - from, hostile_tokens()[pick(hostile_tokens().size())]);
            break;
        }
        }
    }
    return text;
}

} // namespace ticketflow::testing
