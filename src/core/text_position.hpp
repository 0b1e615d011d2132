#pragma once
// Where in a text a parser stopped, for error messages that name the line and column.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace ticketflow::detail {

// "line:column" of a 1-based byte position, as nlohmann::json reports the last byte read.
inline std::string line_column(std::string_view text, std::size_t byte) {
    const std::size_t end = std::min(byte, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return std::to_string(line) + ":" + std::to_string(column);
}

} // namespace ticketflow::detail
