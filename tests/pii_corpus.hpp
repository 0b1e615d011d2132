#pragma once
// Seeded generator of customer-service texts (Chinese sentences) with personal data planted
// in varied written forms — full-width digits, spaces, dashes, +86 prefixes — mixed with
// ordinary numbers (order numbers, amounts, dates, times, quantities). Used by the privacy
// tests and benchmark, and reusable by any test that checks that personal data never
// reaches storage, history or notifications: plant texts, run them through the system,
// then check each output with leaks() and survives().
//
// Header-only and deterministic: the same seed gives the same texts on every platform (the
// random numbers come from SplitMix64, not from the standard distributions).

#include "ticketflow/privacy.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ticketflow::testing {

/// One planted item of personal data.
struct PlantedPii {
    PiiKind kind;
    std::string written;   ///< As it appears in the text.
    std::string canonical; ///< What must never be readable in an output: digits only
                           ///< (upper-case X), or the whole e-mail address.
};

/// A generated text and what was put into it.
struct CorpusText {
    std::string text;
    std::vector<PlantedPii> pii;       ///< In order of appearance.
    std::vector<std::string> ordinary; ///< Ordinary numbers, in order; must survive verbatim.
};

/// Shape of the generated texts.
struct CorpusOptions {
    int min_pii = 1;          ///< Personal data items per text, at least…
    int max_pii = 4;          ///< …and at most.
    int min_ordinary = 1;     ///< Ordinary numbers per text, at least…
    int max_ordinary = 4;     ///< …and at most.
    int filler_sentences = 2; ///< Sentences without any number, per text.
};

/// Removes what may separate digits (spaces, dashes, parentheses, '+', in ASCII and
/// full-width forms), turns full-width digits into ASCII and 'x' into 'X'. A planted item
/// leaks when its canonical form appears in the normalised output.
inline std::string normalise_for_leak_check(std::string_view text) {
    static constexpr std::array<std::string_view, 12> kDropped = {
        "\xC2\xA0",     "\xE3\x80\x80", "\xEF\xBC\x8D", "\xEF\xBC\x88", "\xEF\xBC\x89", "\xEF\xBC\x8B",
        "\xE2\x80\x90", "\xE2\x80\x91", "\xE2\x80\x92", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const char c = text[pos];
        if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '+' || c == '\t') {
            ++pos;
            continue;
        }
        bool dropped = false;
        for (std::string_view d : kDropped) {
            if (text.compare(pos, d.size(), d) == 0) {
                pos += d.size();
                dropped = true;
                break;
            }
        }
        if (dropped) continue;
        const bool fullwidth = text.compare(pos, 2, "\xEF\xBC") == 0 && pos + 2 < text.size();
        const auto third = fullwidth ? static_cast<unsigned char>(text[pos + 2]) : 0;
        if (fullwidth && third >= 0x90 && third <= 0x99) {
            out.push_back(static_cast<char>('0' + (third - 0x90)));
            pos += 3;
        } else if (fullwidth && third == 0xB8) { // 'Ｘ'
            out.push_back('X');
            pos += 3;
        } else if (text.compare(pos, 3, "\xEF\xBD\x98") == 0) { // 'ｘ'
            out.push_back('X');
            pos += 3;
        } else {
            out.push_back(c == 'x' ? 'X' : c);
            ++pos;
        }
    }
    return out;
}

/// True when @p pii can still be read in @p output (already normalised with
/// normalise_for_leak_check()).
inline bool leaks(std::string_view normalised_output, const PlantedPii& pii) {
    return normalised_output.find(normalise_for_leak_check(pii.canonical)) != std::string_view::npos;
}

/// The first ordinary number of @p text that is missing from @p output (searched in
/// order), or an empty string when all survived verbatim.
inline std::string first_missing_ordinary(std::string_view output, const CorpusText& text) {
    std::size_t cursor = 0;
    for (const std::string& number : text.ordinary) {
        const std::size_t found = output.find(number, cursor);
        if (found == std::string_view::npos) return number;
        cursor = found + number.size();
    }
    return {};
}

/// Generates CorpusText values; see the file comment.
class PiiCorpus {
public:
    explicit PiiCorpus(std::uint64_t seed, CorpusOptions options = {}) : state_(seed), options_(options) {}

    /// The next text.
    CorpusText next() {
        CorpusText result;
        const int pii_count = between(options_.min_pii, options_.max_pii);
        const int ordinary_count = between(options_.min_ordinary, options_.max_ordinary);
        // Items in a random order: 'p' personal, 'o' ordinary, 'f' filler.
        std::string order = std::string(static_cast<std::size_t>(pii_count), 'p') +
                            std::string(static_cast<std::size_t>(ordinary_count), 'o') +
                            std::string(static_cast<std::size_t>(options_.filler_sentences), 'f');
        for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[below(i)]);
        for (char item : order) {
            if (item == 'p')
                add_pii(result);
            else if (item == 'o')
                add_ordinary(result);
            else
                result.text += pick(kFillers);
        }
        return result;
    }

    /// Number of written forms phone() knows for mobiles and for landlines.
    static constexpr int mobile_forms = 19;
    static constexpr int landline_forms = 14;

    /// A phone number of @p kind (PiiKind::mobile or PiiKind::landline) in written form
    /// @p form (below mobile_forms or landline_forms); the digits are random.
    PlantedPii phone(PiiKind kind, int form) {
        return kind == PiiKind::mobile ? mobile_in_form(form) : landline_in_form(form);
    }

    /// The sentence frames personal data is planted in; "{}" marks the item.
    static constexpr const std::array<std::string_view, 8>& pii_frames() { return kPiiFrames; }

    /// @p pattern with its "{}" replaced by @p item.
    static std::string frame(std::string_view pattern, std::string_view item) {
        const std::size_t hole = pattern.find("{}");
        return std::string(pattern.substr(0, hole)) + std::string(item) + std::string(pattern.substr(hole + 2));
    }

    /// @p ascii with digits, 'X', spaces, '-', '(', ')', '+' and '/' in full-width form.
    static std::string fullwidth(std::string_view ascii) {
        std::string out;
        for (char c : ascii) {
            if (c >= '0' && c <= '9')
                out += std::string("\xEF\xBC") + static_cast<char>(0x90 + (c - '0'));
            else if (c == 'X')
                out += "\xEF\xBC\xB8";
            else if (c == ' ')
                out += "\xE3\x80\x80";
            else if (c == '-')
                out += "\xEF\xBC\x8D";
            else if (c == '(')
                out += "\xEF\xBC\x88";
            else if (c == ')')
                out += "\xEF\xBC\x89";
            else if (c == '+')
                out += "\xEF\xBC\x8B";
            else if (c == '/')
                out += "\xEF\xBC\x8F";
            else
                out.push_back(c);
        }
        return out;
    }

    /// Concatenated texts of at least @p bytes bytes (for benchmarks).
    std::string text_of_size(std::size_t bytes) {
        std::string text;
        while (text.size() < bytes) text += next().text;
        return text;
    }

private:
    static constexpr std::array<std::string_view, 8> kFillers = {
        "感谢您的反馈，我们会尽快为您处理。",
        "客户反馈物流信息更新延迟，希望尽快收到货。",
        "已联系物流部核实，目前确认是系统接口异常导致。",
        "建议您清除缓存后重新尝试，具体路径为：设置-清除缓存。",
        "客户对处理结果表示满意，工单可以关闭。",
        "APP订单支付后状态未更新，客户情绪比较着急。",
        "给您带来不便，我们深表歉意，会持续跟进。",
        "已发送图文操作指南，并远程协助演示。",
    };
    // Where an item sits in a sentence; "{}" is the item. Personal data and ordinary
    // numbers are always separated by Chinese text, as in real tickets.
    static constexpr std::array<std::string_view, 8> kPiiFrames = {
        "客户联系方式{}，",
        "请回电{}。",
        "客户留言：我的是 {} ，请尽快联系。",
        "备用信息{}，",
        "（{}）",
        "登记信息：{}。",
        "客户说{} 可以联系到他。",
        "补充：{}；",
    };
    static constexpr std::array<std::string_view, 6> kOrdinaryFrames = {
        "订单号{}已发货，", "记录：{}。", "客户提到 {} ，", "（{}）", "备注{}；", "核对{}无误。",
    };

    std::uint64_t next_u64() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next_u64() % n); }
    int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<std::size_t>(hi - lo + 1))); }
    template <typename Array>
    std::string_view pick(const Array& items) {
        return items[below(items.size())];
    }

    std::string digits(std::size_t count) {
        std::string s;
        for (std::size_t i = 0; i < count; ++i) s.push_back(static_cast<char>('0' + below(10)));
        return s;
    }
    std::string digit_in(char lo, char hi) {
        return std::string(1, static_cast<char>(lo + below(static_cast<std::size_t>(hi - lo + 1))));
    }

    PlantedPii random_phone() {
        return below(2) == 0 ? mobile_in_form(static_cast<int>(below(mobile_forms)))
                             : landline_in_form(static_cast<int>(below(landline_forms)));
    }

    void add_pii(CorpusText& out) {
        PlantedPii pii;
        switch (below(6)) {
        case 0: pii = mobile_in_form(static_cast<int>(below(mobile_forms))); break;
        case 1: pii = landline_in_form(static_cast<int>(below(landline_forms))); break;
        case 2: pii = resident_id(); break;
        case 3: pii = bank_card(); break;
        case 4: { // two phone numbers joined by '/': 13812345678/010-87654321
            pii = random_phone();
            PlantedPii second = random_phone();
            out.text += frame(pick(kPiiFrames), pii.written + "/" + second.written);
            out.pii.push_back(std::move(pii));
            out.pii.push_back(std::move(second));
            return;
        }
        default: pii = email(); break;
        }
        out.text += frame(pick(kPiiFrames), pii.written);
        out.pii.push_back(std::move(pii));
    }

    void add_ordinary(CorpusText& out) {
        const std::string number = ordinary_number();
        out.text += frame(pick(kOrdinaryFrames), number);
        out.ordinary.push_back(number);
    }

    // Mobile forms 0–18 and landline forms 0–13; the digits are random, the form fixed.
    PlantedPii mobile_in_form(int form) {
        const std::string number = "1" + digit_in('3', '9') + digits(9);
        const std::string a = number.substr(0, 3), b = number.substr(3, 4), c = number.substr(7);
        std::string written;
        switch (form) {
        case 0: written = number; break;
        case 1: written = a + " " + b + " " + c; break;
        case 2: written = a + "-" + b + "-" + c; break;
        case 3: written = "+86 " + a + " " + b + " " + c; break;
        case 4: written = "+86" + number; break;
        case 5: written = "0086-" + number; break;
        case 6: written = fullwidth(number); break;
        case 7: written = fullwidth("+86 " + a + " " + b + " " + c); break;
        case 8: written = "(+86) " + number; break;
        case 9: written = a + " " + b + c; break;
        // A country code glued to a grouped number.
        case 10: written = "+86" + a + " " + b + " " + c; break;
        case 11: written = "0086" + a + "-" + b + "-" + c; break;
        case 12: written = "+86" + a + " " + b + c; break;
        case 13: written = "0086" + number; break;
        // A label glued to the number.
        case 14: written = "TEL" + number; break;
        case 15: written = "Tel-" + a + "-" + b + "-" + c; break;
        case 16: written = "电话:" + number; break;
        case 17: written = "电话：" + a + " " + b + " " + c; break;
        default: written = "mobile" + number; break;
        }
        return {PiiKind::mobile, written, number};
    }

    PlantedPii landline_in_form(int form) {
        static constexpr std::array<std::string_view, 7> kAreas = {"010", "021", "020", "0755", "0571", "028", "0512"};
        const std::string area(pick(kAreas));
        const std::size_t length = area.size() == 4 && below(2) == 0 ? 7 : 8;
        const std::string subscriber = digit_in('2', '9') + digits(length - 1);
        const std::string s1 = subscriber.substr(0, 4), s2 = subscriber.substr(4);
        const std::string national = area.substr(1); // the area code without its trunk zero
        std::string written;
        std::string canonical = area + subscriber;
        switch (form) {
        case 0: written = area + "-" + subscriber; break;
        case 1: written = "(" + area + ")" + s1 + " " + s2; break;
        case 2: written = fullwidth("(" + area + ")") + subscriber; break;
        case 3: written = area + " " + subscriber; break;
        case 4: written = area + "-" + s1 + "-" + s2; break;
        case 5: written = area + subscriber; break;
        case 6: written = fullwidth(area + "-" + subscriber); break;
        // The country code apart, glued to the area code, and with the trunk zero as "(0)".
        case 7:
            written = "+86 " + national + " " + s1 + " " + s2;
            canonical = national + subscriber;
            break;
        case 8:
            written = "+86" + national + " " + s1 + " " + s2;
            canonical = national + subscriber;
            break;
        case 9:
            written = "0086" + national + "-" + subscriber;
            canonical = national + subscriber;
            break;
        case 10:
            written = "+86" + national + subscriber;
            canonical = national + subscriber;
            break;
        case 11: written = "+86 (0)" + national + " " + s1 + " " + s2; break;
        case 12: written = "+86(0)" + national + "-" + subscriber; break;
        default: written = "TEL" + area + "-" + subscriber; break;
        }
        return {PiiKind::landline, written, canonical};
    }

    static char id_check_char(std::string_view first17) {
        static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        int sum = 0;
        for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
        return "10X98765432"[sum % 11];
    }

    PlantedPii resident_id() {
        static constexpr std::array<std::string_view, 7> kRegions = {"110105", "310104", "440305", "510107",
                                                                     "330106", "420102", "650102"};
        const int year = between(1950, 2005), month = between(1, 12), day = between(1, 28);
        char birth[9];
        std::snprintf(birth, sizeof birth, "%04d%02d%02d", year, month, day);
        std::string id = std::string(pick(kRegions)) + birth + digits(3);
        id.push_back(id_check_char(id));
        std::string written;
        switch (below(4)) {
        case 0: written = id; break;
        case 1: written = id.substr(0, 17) + (id[17] == 'X' ? "x" : id.substr(17)); break;
        case 2: written = id.substr(0, 6) + " " + id.substr(6, 8) + " " + id.substr(14); break;
        default: written = fullwidth(id); break;
        }
        return {PiiKind::id_number, written, id};
    }

    static char luhn_check_digit(std::string_view payload) {
        int sum = 0;
        bool double_it = true; // the check digit will be appended on the right
        for (std::size_t i = payload.size(); i-- > 0;) {
            int d = payload[i] - '0';
            if (double_it) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
            double_it = !double_it;
        }
        return static_cast<char>('0' + (10 - sum % 10) % 10);
    }

    PlantedPii bank_card() {
        static constexpr std::array<std::string_view, 7> kPrefixes = {"6222", "6217", "6228", "6214",
                                                                      "4392", "5187", "6259"};
        const std::size_t length = below(2) == 0 ? 16 : 19;
        std::string card = std::string(pick(kPrefixes)) + digits(length - 5);
        card.push_back(luhn_check_digit(card));
        std::string grouped;
        const char separator = below(2) == 0 ? ' ' : '-';
        for (std::size_t i = 0; i < card.size(); i += 4) {
            if (i > 0) grouped.push_back(separator);
            grouped += card.substr(i, 4);
        }
        std::string written;
        switch (below(3)) {
        case 0: written = card; break;
        case 1: written = grouped; break;
        default: written = fullwidth(card); break;
        }
        return {PiiKind::bank_card, written, card};
    }

    PlantedPii email() {
        static constexpr std::array<std::string_view, 6> kLocals = {"zhang.san", "li_si", "wangwu",
                                                                    "kefu.user", "chen",  "x"};
        static constexpr std::array<std::string_view, 5> kDomains = {"example.com", "qq.com", "163.com",
                                                                     "mail.example.cn", "company.com.cn"};
        std::string local(pick(kLocals));
        if (below(2) == 0) local += digits(1 + below(4));
        const std::string address = local + "@" + std::string(pick(kDomains));
        return {PiiKind::email, address, address};
    }

    std::string ordinary_number() {
        const std::string date = "2024" + std::string(below(2) == 0 ? "0" : "1") + digit_in('1', '2') +
                                 digit_in('1', '2') + digit_in('0', '8');
        switch (below(12)) {
        case 0: return date + digits(3);            // 20240520001
        case 1: return date + digits(3 + below(8)); // up to 18 digits
        case 2: return "DD" + date + digits(5);     // DD2024052012345
        case 3: return "SF" + digits(13);           // waybill
        case 4: return "C" + date + digits(3);      // customer number
        case 5: return "¥" + std::to_string(1 + below(9)) + "," + digits(3) + "." + digits(2);
        case 6: return std::to_string(1 + below(9999)) + "元";
        case 7: return date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2);
        case 8:
            return date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2) + " 14:" + digit_in('0', '5') +
                   "0";
        case 9: return digit_in('0', '1') + digit_in('0', '9') + ":" + digit_in('0', '5') + "0";
        case 10: return std::to_string(1 + below(50)) + "件";
        default: return "400-" + digits(3) + "-" + digits(4); // company hotline
        }
    }

    std::uint64_t state_;
    CorpusOptions options_;
};

} // namespace ticketflow::testing
