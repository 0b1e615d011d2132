#include "report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ticketflow::detail {
namespace {

constexpr int chart_width = 560;
constexpr const char* palette[] = {"#2f6fb3", "#d9822b", "#3a9d5d", "#c0392b", "#8e44ad",
                                   "#7f8c8d", "#16a085", "#b7950b", "#d35400"};

std::string num(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", v);
    return text;
}

std::string open_svg(const std::string& id, const std::string& title, int height) {
    std::string h = std::to_string(height);
    std::string w = std::to_string(chart_width);
    return "<svg id=\"" + escape_xml(id) + "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
           "\" viewBox=\"0 0 " + w + " " + h + "\" role=\"img\" aria-label=\"" + escape_xml(title) + "\">" + "<title>" +
           escape_xml(title) + "</title>" + "<rect x=\"0\" y=\"0\" width=\"" + w + "\" height=\"" + h +
           "\" fill=\"#ffffff\"/>" + "<text x=\"16\" y=\"24\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">" +
           escape_xml(title) + "</text>";
}

std::string no_data_svg(const std::string& id, const std::string& title, const std::string& no_data) {
    return open_svg(id, title, 120) + "<text x=\"" + std::to_string(chart_width / 2) +
           "\" y=\"72\" font-size=\"14\" fill=\"#888\" text-anchor=\"middle\">" + escape_xml(no_data) + "</text></svg>";
}

std::string text_at(double x, double y, const std::string& text, const char* anchor, int size = 12,
                    const char* color = "#333") {
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + std::to_string(size) + "\" fill=\"" +
           color + "\" text-anchor=\"" + anchor + "\">" + escape_xml(text) + "</text>";
}

std::string line(double x1, double y1, double x2, double y2, const char* color, double width = 1) {
    return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
           "\" stroke=\"" + color + "\" stroke-width=\"" + num(width) + "\"/>";
}

} // namespace

std::string escape_xml(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string cut_text(const std::string& text, std::size_t max_chars) {
    std::size_t chars = 0, i = 0;
    while (i < text.size()) {
        if (chars == max_chars) return text.substr(0, i) + "…";
        unsigned char c = static_cast<unsigned char>(text[i]);
        i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        ++chars;
    }
    return text;
}

std::string bar_chart(const std::string& id, const std::string& title, const std::vector<Bar>& bars,
                      const std::string& no_data, double full) {
    double largest = 0;
    for (const auto& b : bars) largest = std::max(largest, b.value);
    if (bars.empty() || largest <= 0) return no_data_svg(id, title, no_data);
    const double scale = full > 0 ? full : largest;
    constexpr int top = 44, row = 28, label_width = 170, bar_space = 270;
    int height = top + static_cast<int>(bars.size()) * row + 12;
    std::string svg = open_svg(id, title, height);
    for (std::size_t i = 0; i < bars.size(); ++i) {
        double y = top + static_cast<double>(i) * row;
        double length = std::max(1.0, std::min(bars[i].value, scale) / scale * bar_space);
        svg += text_at(label_width - 8, y + 17, bars[i].label, "end");
        svg += "<rect x=\"" + std::to_string(label_width) + "\" y=\"" + num(y + 4) + "\" width=\"" + num(length) +
               "\" height=\"" + std::to_string(row - 8) + "\" fill=\"" + palette[0] + "\"/>";
        svg += text_at(label_width + length + 6, y + 17, bars[i].text, "start");
    }
    return svg + "</svg>";
}

namespace {

// The y axis of a line chart, in whole percent: [low, high] in steps of `step`.
struct Axis {
    int low = 0, high = 100, step = 25;
};

Axis axis_for(double lowest, double highest) {
    int lo = static_cast<int>(std::floor(lowest * 100 + 1e-9));
    int hi = static_cast<int>(std::ceil(highest * 100 - 1e-9));
    for (int step : {5, 10, 20, 25}) {
        int low = lo / step * step;
        int high = (hi + step - 1) / step * step;
        while ((high - low) / step < 2) { // at least two steps, within 0–100 %
            if (low > 0)
                low -= step;
            else
                high += step;
        }
        if ((high - low) / step <= 6) return {low, high, step};
    }
    return {};
}

} // namespace

std::string line_chart(const std::string& id, const std::string& title, const std::vector<std::string>& x_labels,
                       const std::vector<Series>& series, const std::string& no_data) {
    double lowest = 1, highest = 0;
    bool any = false;
    for (const auto& s : series)
        for (const auto& v : s.values)
            if (v) {
                any = true;
                lowest = std::min(lowest, std::clamp(*v, 0.0, 1.0));
                highest = std::max(highest, std::clamp(*v, 0.0, 1.0));
            }
    if (x_labels.empty() || !any) return no_data_svg(id, title, no_data);
    const Axis axis = axis_for(lowest, highest);

    // The legend takes rows of three; the right margin leaves room for half of the last x label.
    constexpr std::size_t per_row = 3;
    const double legend_rows = static_cast<double>((series.size() + per_row - 1) / per_row);
    const double left = 56, right = chart_width - 44, top = 52 + 18 * legend_rows + 8, bottom = top + 172;
    bool slanted = x_labels.size() > 6; // long week labels would overlap
    int height = static_cast<int>(bottom) + (slanted ? 94 : 44);
    std::string svg = open_svg(id, title, height);
    auto y_of = [&](double share) {
        double pct = std::clamp(share, 0.0, 1.0) * 100;
        return bottom - (bottom - top) * (pct - axis.low) / double(axis.high - axis.low);
    };
    for (int pct = axis.low; pct <= axis.high; pct += axis.step) {
        double y = y_of(pct / 100.0);
        svg += line(left, y, right, y, "#e3e3e3");
        svg += text_at(left - 6, y + 4, std::to_string(pct) + "%", "end", 11, "#666");
    }
    svg += line(left, bottom, right, bottom, "#999");
    auto x_of = [&](std::size_t i) {
        return x_labels.size() == 1
                   ? (left + right) / 2
                   : left + 16 + (right - left - 32) * static_cast<double>(i) / double(x_labels.size() - 1);
    };
    for (std::size_t i = 0; i < x_labels.size(); ++i) {
        double x = x_of(i);
        if (slanted)
            svg += "<text x=\"" + num(x) + "\" y=\"" + num(bottom + 14) +
                   "\" font-size=\"11\" fill=\"#333\" text-anchor=\"end\" transform=\"rotate(-35 " + num(x) + " " +
                   num(bottom + 14) + ")\">" + escape_xml(x_labels[i]) + "</text>";
        else
            svg += text_at(x, bottom + 18, x_labels[i], "middle", 11);
    }
    for (std::size_t s = 0; s < series.size(); ++s) {
        const char* color = palette[s % (sizeof palette / sizeof *palette)];
        // Legend
        double lx = left + static_cast<double>(s % per_row) * 160;
        double ly = 36 + 18 * static_cast<double>(s / per_row);
        svg += "<rect x=\"" + num(lx) + "\" y=\"" + num(ly) + "\" width=\"12\" height=\"12\" fill=\"" + color + "\"/>";
        svg += text_at(lx + 18, ly + 10, series[s].name, "start");
        // Lines between neighbouring points that both have a value; gaps stay gaps.
        const auto& v = series[s].values;
        for (std::size_t i = 0; i < v.size() && i < x_labels.size(); ++i) {
            if (!v[i]) continue;
            double x = x_of(i), y = y_of(*v[i]);
            if (i + 1 < v.size() && i + 1 < x_labels.size() && v[i + 1])
                svg += line(x, y, x_of(i + 1), y_of(*v[i + 1]), color, 2);
            svg += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"3.5\" fill=\"" + color + "\"/>";
            svg += "<text class=\"point-label\" x=\"" + num(x) + "\" y=\"" + num(y - 7) +
                   "\" font-size=\"10\" fill=\"" + color + "\" text-anchor=\"middle\">" +
                   num(std::clamp(*v[i], 0.0, 1.0) * 100) + "%</text>";
        }
    }
    return svg + "</svg>";
}

} // namespace ticketflow::detail
