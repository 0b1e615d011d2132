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

// Horizontal bars, one per row; a bar of value `full` spans the whole width (0 = the
// largest bar does).
std::string bar_chart(const std::string& id, const std::string& title, const std::vector<Bar>& bars,
                      const std::string& no_data, double full = 0);

// At most `max_chars` characters of UTF-8 `text`, with "…" when cut.
std::string cut_text(const std::string& text, std::size_t max_chars);

struct Series {
    std::string name;
    std::vector<std::optional<double>> values; // shares in [0, 1]; unset = no value (gap)
};

// Lines over the x labels. The y axis spans the data, rounded out to whole steps of 5, 10,
// 20 or 25 %, at least two steps (a 75–90 % band is not flattened into 0–100 %); every point is
// labelled with its value.
std::string line_chart(const std::string& id, const std::string& title, const std::vector<std::string>& x_labels,
                       const std::vector<Series>& series, const std::string& no_data);

} // namespace ticketflow::detail
