#include "core/validate.hpp"

namespace ticketflow::detail {

bool is_valid_utf8(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        unsigned char lead = *p;
        if (lead < 0x80) {
            ++p;
            continue;
        }
        int length;
        char32_t cp;
        if ((lead & 0xE0) == 0xC0) {
            length = 2;
            cp = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3;
            cp = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4;
            cp = lead & 0x07;
        } else
            return false;
        if (end - p < length) return false;
        for (int i = 1; i < length; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        static constexpr char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < smallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        p += length;
    }
    return true;
}

void check_text(std::string_view field, std::string_view text, std::size_t max_bytes, bool required) {
    if (text.size() > max_bytes)
        throw ValidationError(std::string(field), "is " + std::to_string(text.size()) + " bytes, the limit is " +
                                                      std::to_string(max_bytes));
    if (!is_valid_utf8(text)) throw ValidationError(std::string(field), "is not valid UTF-8");
    if (text.find('\0') != std::string_view::npos)
        throw ValidationError(std::string(field), "contains a NUL character");
    if (required && text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        throw ValidationError(std::string(field), "is required");
}

void check_list_size(std::string_view field, std::size_t size, std::size_t max_items) {
    if (size > max_items)
        throw ValidationError(std::string(field),
                              "has " + std::to_string(size) + " items, the limit is " + std::to_string(max_items));
}

} // namespace ticketflow::detail
