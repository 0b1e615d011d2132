#pragma once
// Inline SVG charts for the HTML report: drawn as plain elements with explicit sizes, so
// they render without script, fonts from the network or a charting library.

#include <optional>
#include <string>
#include <vector>

namespace ticketflow::detail {

// Escapes text for XML and HTML content and attribute values.
std::string escape_xml(const std::string& text);

struct Bar {
    std::string label; // left of the bar
    double value = 0;  // length, relative to the largest bar
    std::string text;  // right of the bar, e.g. "12 (40.0%)"
};

// Horizontal bars, one per row.
std::string bar_chart(const std::string& id, const std::string& title, const std::vector<Bar>& bars,
                      const std::string& no_data);

struct Series {
    std::string name;
    std::vector<std::optional<double>> values; // shares in [0, 1]; unset = no value (gap)
};

// Lines over the x labels, y from 0 % to 100 %.
std::string line_chart(const std::string& id, const std::string& title, const std::vector<std::string>& x_labels,
                       const std::vector<Series>& series, const std::string& no_data);

} // namespace ticketflow::detail
