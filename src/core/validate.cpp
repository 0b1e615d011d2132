#include "core/validate.hpp"

#include "store/ticket_codec.hpp"

#include <boost/container/small_vector.hpp>

#include <optional>
#include <type_traits>

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

namespace {

// Only spaces, tabs, line breaks and ideographic spaces (U+3000, what a Chinese input
// method types for a space).
bool is_blank(std::string_view text) {
    constexpr std::string_view ideographic_space = "\xE3\x80\x80";
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, ideographic_space.size(), ideographic_space) == 0)
            i += ideographic_space.size();
        else if (std::string_view(" \t\r\n").find(text[i]) != std::string_view::npos)
            ++i;
        else
            return false;
    }
    return true;
}

} // namespace

void check_text(std::string_view field, std::string_view text, std::size_t max_bytes, bool required) {
    if (text.size() > max_bytes)
        throw ValidationError(std::string(field), "is " + std::to_string(text.size()) + " bytes, the limit is " +
                                                      std::to_string(max_bytes));
    if (!is_valid_utf8(text)) throw ValidationError(std::string(field), "is not valid UTF-8");
    if (text.find('\0') != std::string_view::npos)
        throw ValidationError(std::string(field), "contains a NUL character");
    if (required && is_blank(text)) throw ValidationError(std::string(field), "is required");
}

void check_list_size(std::string_view field, std::size_t size, std::size_t max_items) {
    if (size > max_items)
        throw ValidationError(std::string(field),
                              "has " + std::to_string(size) + " items, the limit is " + std::to_string(max_items));
}

void refuse_enum(std::string_view field, std::size_t value) {
    throw ValidationError(std::string(field), "is not one of its values (" + std::to_string(value) + ")");
}

namespace {

// The members the walk checks itself; it goes into those that have fields.
template <class T>
constexpr bool checked = std::is_enum_v<T> || std::is_same_v<T, Instant>;

// Walks the field list looking for a member the encodings cannot hold: an enum beyond its
// enumerators, an instant beyond the range of a ticket received at `received`. Named, it
// also keeps the path to the current member, to name the one it refuses; the plain walk
// only notes that there is one, so the common case builds no path.
template <bool Named>
class StorableWalk {
public:
    explicit StorableWalk(Instant received) : received_(received) {}
    bool found() const noexcept { return found_; }

    template <class T>
    void operator()(const FieldInfo& field, const T& value) {
        if constexpr (checked<T>) {
            const bool refused = !storable(value);
            if constexpr (Named) {
                if (refused) {
                    enter(field);
                    refuse(path(), value);
                }
            } else {
                found_ |= refused;
            }
        } else if constexpr (has_fields<T>) {
            enter(field);
            Fields<T>::visit(*this, value);
            leave();
        }
    }

    template <class T>
    void operator()(const FieldInfo& field, const std::optional<T>& value) {
        if (value) (*this)(field, *value);
    }

    template <class T>
    void operator()(const FieldInfo& field, const std::vector<T>& list) {
        if constexpr (checked<T> || has_fields<T>) {
            [[maybe_unused]] std::size_t i = 0;
            for (const auto& item : list) {
                if constexpr (Named) index_ = i++;
                (*this)(field, item);
            }
        }
        if constexpr (Named) index_ = no_index;
    }

private:
    static constexpr std::size_t no_index = static_cast<std::size_t>(-1);

    template <class E>
    static bool storable(E value) {
        return static_cast<std::size_t>(value) < enum_count<E>;
    }
    bool storable(Instant t) const { return encodable(t, received_); }
    template <class E>
    [[noreturn]] static void refuse(const std::string& field, E value) {
        refuse_enum(field, static_cast<std::size_t>(value));
    }
    [[noreturn]] void refuse(const std::string& field, Instant t) const {
        throw ValidationError(field, format_instant(t) +
                                         " cannot be stored: a ticket keeps its instants as seconds "
                                         "from its receipt (" +
                                         format_instant(received_) + "), within 64 bits");
    }

    struct Frame {
        const FieldInfo* field;
        std::size_t index;
    };

    void enter(const FieldInfo& field) {
        if constexpr (Named) {
            frames_.push_back({&field, index_});
            index_ = no_index;
        }
    }
    void leave() {
        if constexpr (Named) frames_.pop_back();
    }

    std::string path() const {
        static_assert(Named, "only the named walk keeps a path");
        std::string p;
        for (const Frame& f : frames_) {
            if (f.field->flattened) continue;
            if (!p.empty()) p += '.';
            p += f.field->name;
            if (f.index != no_index) p += "[" + std::to_string(f.index) + "]";
        }
        return p;
    }

    struct NoPath {};
    Instant received_;
    bool found_ = false;
    // Only the named walk keeps a path (the field list nests no deeper than four).
    std::conditional_t<Named, boost::container::small_vector<Frame, 4>, NoPath> frames_;
    std::size_t index_ = no_index;
};

} // namespace

void check_storable(const Ticket& t) {
    StorableWalk<false> scan(t.times.received);
    Fields<Ticket>::visit(scan, t);
    if (!scan.found()) return;
    StorableWalk<true> named(t.times.received);
    Fields<Ticket>::visit(named, t);
}

} // namespace ticketflow::detail
