// The PII scanner: one pass over the bytes. Only digits (ASCII or full-width) and '@' can
// start a match, so everything else is skipped with one table lookup per byte. A digit
// starts a "run": digit groups joined by short separators (spaces, dashes, a closing
// parenthesis after an area code). Matchers then look at whole groups only, which is what
// keeps a phone number from being found inside a longer number.

#include "ticketflow/privacy.hpp"

#include "privacy/checks.hpp"
#include "privacy/text_bytes.hpp"

#include <algorithm>
#include <array>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ticketflow {
namespace {

using namespace privacy_detail;

constexpr std::size_t kMaxGroupDigits = 19;   // longest thing matched in one group: a card
constexpr std::size_t kMaxGroups = 8;         // groups read at a time from one run
constexpr std::size_t kMaxMatchGroups = 5;    // a card in five groups: 4-4-4-4-3
constexpr std::size_t kMaxSeparatorChars = 3; // e.g. " - " between two groups
constexpr std::size_t kMaxEmailLocal = 64;    // RFC 5321 local-part limit
constexpr std::size_t kMaxEmailDomain = 253;
// Fewest digits any matcher accepts: a landline's area code and seven-digit subscriber
// number (010 1234567, (0)10 1234567); cards, IDs and mobiles are longer.
constexpr std::size_t kShortestMatchDigits = 10;

// Bytes that can start a match: ASCII digits, '@', and 0xEF, the lead byte of full-width
// digits. The table lets the scan loop skip every other byte with one load.
constexpr std::array<bool, 256> make_start_table() {
    std::array<bool, 256> table{};
    for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = true;
    table['@'] = true;
    table[0xEF] = true;
    return table;
}
constexpr std::array<bool, 256> kCanStartMatch = make_start_table();

// The offset of the first byte at or after `pos` that can start a match, or the size.
// Most text is neither digits nor '@' (Chinese text is mostly three-byte characters whose
// lead bytes are not 0xEF), so sixteen bytes are looked at at a time where SSE2 is there.
std::size_t next_candidate(std::string_view text, std::size_t pos) {
#if defined(__SSE2__)
    const __m128i zero = _mm_set1_epi8('0');
    const __m128i nine = _mm_set1_epi8(9);
    const __m128i at = _mm_set1_epi8('@');
    const __m128i lead = _mm_set1_epi8(static_cast<char>(0xEF));
    for (; pos + 16 <= text.size(); pos += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + pos));
        const __m128i offset = _mm_sub_epi8(bytes, zero);
        const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(offset, nine), offset); // byte - '0' <= 9, unsigned
        const __m128i hit = _mm_or_si128(digit, _mm_or_si128(_mm_cmpeq_epi8(bytes, at), _mm_cmpeq_epi8(bytes, lead)));
        if (const int mask = _mm_movemask_epi8(hit))
            return pos + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
#endif
    while (pos < text.size() && !kCanStartMatch[byte_at(text, pos)]) ++pos;
    return pos;
}

// One group of consecutive digits. A resident ID's final 'X' is stored as a digit.
struct Group {
    std::size_t begin = 0;        // byte offset of the first digit
    std::size_t end = 0;          // byte offset just past the last digit
    std::size_t length = 0;       // digits seen, capped at kMaxGroupDigits + 1 ("too long")
    char digits[kMaxGroupDigits]; // only the first `length` are written and read

    std::string_view view() const noexcept { return {digits, std::min(length, kMaxGroupDigits)}; }
    bool plain(std::size_t n) const noexcept { return length == n && (n == 0 || digits[n - 1] != 'X'); }
    bool plain_between(std::size_t lo, std::size_t hi) const noexcept {
        return length >= lo && length <= hi && digits[length - 1] != 'X';
    }
};

// Up to kMaxGroups groups of one run. When the run is longer, `more` is set and the caller
// reads the rest starting from a later group.
struct Run {
    std::array<Group, kMaxGroups> groups;
    std::size_t count = 0;
    bool more = false;          // the run continues after the last group read
    std::size_t next_begin = 0; // first digit of the following group when `more`
    bool right_clean = false;   // nothing glued to the end of the run (when !more)
};

// Where the run sits in the text: whether it may be matched from its first group, and the
// '+' / '(' right before it.
struct RunContext {
    bool left_clean = false;
    bool plus_before = false;
    bool paren_before = false;
};

struct Match {
    PiiKind kind;
    std::size_t groups;    // groups covered, starting at the tried one
    std::size_t keep_head; // digits left visible at the start
    std::size_t keep_tail; // digits left visible at the end
};

// Receives matches; builds the masked copy only when asked for one, and only from the
// first match on (text without personal data costs no allocation).
class Sink {
public:
    Sink(std::string_view in, std::string* out) noexcept : in_(in), out_(out) {}

    std::size_t last_end() const noexcept { return copied_; }
    const PiiReport& report() const noexcept { return report_; }

    void mask_digits(const Group& first, const Group& last, const Match& match) {
        report_.add(match.kind);
        if (out_ == nullptr) {
            copied_ = last.end;
            return;
        }
        copy_up_to(first.begin);
        const std::size_t total = count_digits(first.begin, last.end);
        std::size_t index = 0;
        std::size_t pos = first.begin;
        while (pos < last.end) {
            // Inside a match, 'X' can only be an ID's check character.
            std::size_t len = digit_length_at(in_, pos);
            if (len == 0) len = check_x_length_at(in_, pos);
            if (len == 0) {
                out_->push_back(in_[pos++]);
                continue;
            }
            const bool visible = index < match.keep_head || index + match.keep_tail >= total;
            if (visible)
                out_->append(in_, pos, len);
            else
                out_->push_back('*');
            ++index;
            pos += len;
        }
        copied_ = last.end;
    }

    // Keeps the first character of the local part and hides the rest, and its length.
    void mask_email(std::size_t local_begin, std::size_t at, std::size_t end) {
        report_.add(PiiKind::email);
        if (out_ != nullptr) {
            copy_up_to(local_begin);
            out_->push_back(in_[local_begin]);
            out_->append("***");
            out_->append(in_, at, end - at);
        }
        copied_ = end;
    }

    void finish() {
        if (out_ != nullptr && started_) copy_up_to(in_.size());
    }

private:
    void copy_up_to(std::size_t pos) {
        if (!started_) {
            out_->clear();
            out_->reserve(in_.size() + 16);
            started_ = true;
        }
        out_->append(in_, copied_, pos - copied_);
        copied_ = pos;
    }

    std::size_t count_digits(std::size_t begin, std::size_t end) const noexcept {
        std::size_t count = 0;
        for (std::size_t pos = begin; pos < end;) {
            std::size_t len = digit_length_at(in_, pos);
            if (len == 0) len = check_x_length_at(in_, pos);
            if (len > 0) ++count;
            pos += len > 0 ? len : 1;
        }
        return count;
    }

    std::string_view in_;
    std::string* out_;
    std::size_t copied_ = 0;
    bool started_ = false;
    PiiReport report_;
};

// --- Reading runs -----------------------------------------------------------------------

// A resident ID may end in X: accepted after 17 digits (whole ID) or 3 digits (last group
// of 6-8-4), and only when no letter follows. Returns the bytes taken by the X, or 0.
std::size_t check_x_after(std::string_view text, std::size_t pos, std::size_t digits) {
    if (digits != 17 && digits != 3) return 0;
    const std::size_t len = check_x_length_at(text, pos);
    if (len == 0 || (pos + len < text.size() && is_word_byte(byte_at(text, pos + len)))) return 0;
    return len;
}

Group read_group(std::string_view text, std::size_t pos) {
    Group group;
    group.begin = pos;
    while (const std::size_t len = digit_length_at(text, pos)) {
        if (group.length < kMaxGroupDigits) group.digits[group.length] = ascii_digit_at(text, pos);
        if (group.length <= kMaxGroupDigits) ++group.length;
        pos += len;
    }
    if (const std::size_t len = check_x_after(text, pos, group.length)) {
        group.digits[group.length++] = 'X';
        pos += len;
    }
    group.end = pos;
    return group;
}

// The first digit of the next group of the same run, if separators (and, right after an
// area code in parentheses, the closing parenthesis) lead to one.
std::optional<std::size_t> next_group(std::string_view text, std::size_t pos, bool allow_close_paren) {
    std::size_t chars = 0;
    if (allow_close_paren) {
        if (const std::size_t len = close_paren_length_at(text, pos)) {
            pos += len;
            ++chars;
        }
    }
    while (chars < kMaxSeparatorChars) {
        const std::size_t len = separator_length_at(text, pos);
        if (len == 0) break;
        pos += len;
        ++chars;
    }
    if (chars == 0 || digit_length_at(text, pos) == 0) return std::nullopt;
    return pos;
}

// --- Boundaries (and the e-mail domain check one of them needs) ----------------------

bool is_local_part_char(unsigned char c) noexcept {
    return is_ascii_digit(c) || is_ascii_alpha(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool is_domain_char(unsigned char c) noexcept { return is_ascii_digit(c) || is_ascii_alpha(c) || c == '-'; }

// End of a domain name (at least two labels, alphabetic top-level label of 2+ letters)
// starting at `pos`, or 0 when there is none. A trailing '.' ends the sentence, not the name.
std::size_t domain_end(std::string_view text, std::size_t pos) {
    const std::size_t limit = std::min(text.size(), pos + kMaxEmailDomain);
    std::size_t labels = 0;
    std::size_t label_begin = pos;
    while (true) {
        label_begin = pos;
        while (pos < limit && is_domain_char(byte_at(text, pos))) ++pos;
        if (pos == label_begin) return 0;
        ++labels;
        const bool another = pos + 1 < limit && text[pos] == '.' && is_domain_char(byte_at(text, pos + 1));
        if (!another) break;
        ++pos;
    }
    if (labels < 2 || pos - label_begin < 2) return 0;
    for (std::size_t i = label_begin; i < pos; ++i) {
        if (!is_ascii_alpha(byte_at(text, i))) return 0;
    }
    return pos;
}

// Letters or '_' (not digits): what makes a number after '/' part of a path or identifier.
bool is_identifier_letter(unsigned char c) noexcept { return is_ascii_alpha(c) || c == '_'; }

// True when the ASCII letters [begin, end) are a phone label, compared without regard
// to case.
bool is_phone_label(std::string_view text, std::size_t begin, std::size_t end) {
    static constexpr std::string_view kLabels[] = {"tel", "phone", "telephone", "mobile", "mob", "cell", "fax"};
    for (std::string_view label : kLabels) {
        if (label.size() != end - begin) continue;
        bool same = true;
        for (std::size_t i = 0; i < label.size() && same; ++i)
            same = static_cast<char>(byte_at(text, begin + i) | 0x20) == label[i];
        if (same) return true;
    }
    return false;
}

constexpr std::size_t kLongestPhoneLabel = 9; // "telephone"

// True when the ASCII letters ending right before `end` are a phone label written glued
// to its number: TEL13812345678, Tel-138…. The label must be a word of its own
// (HOTEL138… is an identifier).
bool phone_label_before(std::string_view text, std::size_t end) {
    std::size_t begin = end;
    while (begin > 0 && end - begin <= kLongestPhoneLabel && is_ascii_alpha(byte_at(text, begin - 1))) --begin;
    if (begin == end || end - begin > kLongestPhoneLabel) return false;
    if (begin > 0 && is_word_byte(byte_at(text, begin - 1))) return false;
    return is_phone_label(text, begin, end);
}

// True when a phone label starts at `begin`: the second number of 13812345678/TEL139….
bool phone_label_at(std::string_view text, std::size_t begin) {
    std::size_t end = begin;
    while (end < text.size() && end - begin <= kLongestPhoneLabel && is_ascii_alpha(byte_at(text, end))) ++end;
    if (end == begin || end - begin > kLongestPhoneLabel) return false;
    return is_phone_label(text, begin, end);
}

// A number is glued on the left to an identifier (DD2024…, SN-138…, a/138…) or to a
// longer number (1,299 / 3.14) when these characters precede it. A phone label (TEL138…)
// does not glue, and neither does '/' after digits: 13812345678/13912345678 is two
// numbers, and the parts of a date (2024/05/20) are too short to match anything.
bool glued_on_left(std::string_view text, std::size_t start) {
    if (start == 0) return false;
    const std::size_t joiner = start - 1;
    switch (text[joiner]) {
    case '.':
    case ',': return digit_ends_before(text, joiner);
    case '/': return joiner >= 1 && is_identifier_letter(byte_at(text, joiner - 1));
    case '-': return joiner >= 1 && is_ascii_alpha(byte_at(text, joiner - 1)) && !phone_label_before(text, joiner);
    default: return is_word_byte(byte_at(text, joiner)) && !phone_label_before(text, start);
    }
}

// The mirror image on the right. Before '@' and a domain the number is an e-mail local
// part, which the e-mail matcher masks; before a bare '@' it is still a number.
bool glued_on_right(std::string_view text, std::size_t end) {
    if (end >= text.size()) return false;
    const std::size_t after = end + 1;
    switch (text[end]) {
    case '@': return domain_end(text, after) != 0;
    case '.':
    case ',': return digit_length_at(text, after) > 0;
    case '/': return after < text.size() && is_identifier_letter(byte_at(text, after)) && !phone_label_at(text, after);
    case '-': return after < text.size() && is_ascii_alpha(byte_at(text, after));
    default: return is_word_byte(byte_at(text, end));
    }
}

RunContext context_of(std::string_view text, std::size_t start) {
    RunContext context;
    std::size_t before = start;
    if (const std::size_t len = plus_length_before(text, before)) {
        context.plus_before = true;
        before -= len;
    }
    context.paren_before = open_paren_length_before(text, before) > 0;
    context.left_clean = context.plus_before || context.paren_before || !glued_on_left(text, start);
    return context;
}

Run read_run(std::string_view text, std::size_t pos, bool paren_before) {
    Run run;
    while (true) {
        const Group& group = run.groups[run.count++] = read_group(text, pos);
        const bool after_area_code = paren_before && run.count == 1;
        const std::optional<std::size_t> next = next_group(text, group.end, after_area_code);
        if (!next) {
            run.right_clean = !glued_on_right(text, group.end);
            return run;
        }
        if (run.count == kMaxGroups) {
            run.more = true;
            run.next_begin = *next;
            return run;
        }
        pos = *next;
    }
}

// --- Matchers: each looks at groups starting at index `at` of a run --------------------

class Matcher {
public:
    Matcher(const Run& run, std::size_t at, bool plus_before, bool paren_before) noexcept
        : run_(run), at_(at), plus_before_(plus_before), paren_before_(paren_before) {}

    // A matcher added here must keep the scan's early exits right: none accepts fewer
    // than kShortestMatchDigits digits, nor a lone group that lone_group_unmatchable()
    // rules out.
    std::optional<Match> find() const {
        if (auto m = resident_id()) return m;
        if (auto m = bank_card()) return m;
        if (auto m = mobile()) return m;
        if (auto m = landline(at_, true)) return m;
        if (auto m = glued_international_landline()) return m;
        if (auto m = trunk_zero_in_parentheses()) return m;
        return international_landline();
    }

private:
    const Group& group(std::size_t offset) const noexcept { return run_.groups[at_ + offset]; }
    bool has(std::size_t groups) const noexcept { return at_ + groups <= run_.count; }

    // A match covering `groups` groups must not end glued to something else.
    std::optional<Match> accept(Match match) const {
        const bool ends_run = at_ + match.groups == run_.count && !run_.more;
        if (ends_run && !run_.right_clean) return std::nullopt;
        return match;
    }

    // Digits of `groups` consecutive groups, joined; empty when longer than a card number.
    std::string_view joined(std::size_t groups, std::array<char, kMaxGroupDigits>& buffer) const {
        std::size_t size = 0;
        for (std::size_t i = 0; i < groups; ++i) {
            const Group& g = group(i);
            if (g.length > kMaxGroupDigits - size) return {};
            std::copy(g.digits, g.digits + g.length, buffer.data() + size);
            size += g.length;
        }
        return {buffer.data(), size};
    }

    // 18 characters in one group, or 6-8-4 as IDs are often written; the last may be X.
    std::optional<Match> resident_id() const {
        const Match match{PiiKind::id_number, 1, 6, 4};
        if (group(0).length == 18) {
            if (is_resident_id(group(0).view())) return accept(match);
            return std::nullopt;
        }
        if (!has(3) || !group(0).plain(6) || !group(1).plain(8) || group(2).length != 4) return std::nullopt;
        std::array<char, kMaxGroupDigits> buffer;
        if (!is_resident_id(joined(3, buffer))) return std::nullopt;
        return accept(Match{PiiKind::id_number, 3, 6, 4});
    }

    // Grouped card shapes: fours with a shorter last group (4-4-4-4, 4-4-4-4-3, 4-4-4-1),
    // and the 4-6-5 / 4-6-4 layout of 15- and 14-digit cards.
    bool card_shape(std::size_t groups) const noexcept {
        if (groups == 3) return group(0).plain(4) && group(1).plain(6) && group(2).plain_between(4, 5);
        for (std::size_t i = 0; i + 1 < groups; ++i) {
            if (!group(i).plain(4)) return false;
        }
        return group(groups - 1).plain_between(1, 4);
    }

    std::optional<Match> bank_card() const {
        const Match single{PiiKind::bank_card, 1, 0, 4};
        if (group(0).plain_between(13, kMaxGroupDigits)) {
            if (is_bank_card_number(group(0).view())) return accept(single);
            return std::nullopt;
        }
        if (!group(0).plain(4)) return std::nullopt;
        std::array<char, kMaxGroupDigits> buffer;
        // Longest first, so a 19-digit card is not cut to its first 16 digits.
        for (std::size_t groups = std::min(kMaxMatchGroups, run_.count - at_); groups >= 3; --groups) {
            if (!card_shape(groups)) continue;
            if (!is_bank_card_number(joined(groups, buffer))) continue;
            if (auto m = accept(Match{PiiKind::bank_card, groups, 0, 4})) return m;
        }
        return std::nullopt;
    }

    // Digits of a country code glued to the front of the first group: 2 for +86138…,
    // +8610… (only after a '+'), 4 for 0086138…, 008610…; else 0.
    std::size_t glued_country_code() const noexcept {
        const Group& g = group(0);
        const std::string_view d = g.view();
        if (g.length > kMaxGroupDigits || d.empty() || d.back() == 'X') return 0;
        if (plus_before_ && d.size() > 2 && d.substr(0, 2) == "86") return 2;
        if (d.size() > 4 && d.substr(0, 4) == "0086") return 4;
        return 0;
    }

    std::optional<Match> mobile() const {
        const Group& g = group(0);
        // +8613812345678, 008613812345678, +86138 1234 5678, 0086138-12345678: the country
        // code stays visible, with the first 3 digits of the number.
        const std::size_t country = glued_country_code();
        const std::string_view d = g.view().substr(country);
        const std::size_t head = country + 3;
        if (g.plain(country + 11) && is_mobile_number(d)) return accept(Match{PiiKind::mobile, 1, head, 4});
        // 138 1234 5678 and 138 12345678.
        if (!g.plain(country + 3) || !has(2) || d[0] != '1' || d[1] < '3') return std::nullopt;
        if (group(1).plain(8)) return accept(Match{PiiKind::mobile, 2, head, 4});
        if (has(3) && group(1).plain(4) && group(2).plain(4)) return accept(Match{PiiKind::mobile, 3, head, 4});
        return std::nullopt;
    }

    // Real subscriber numbers start 2–9; 1 is accepted too, as in the common sample
    // 010-12345678 (masking more is the safe side). A 0 would be another prefix.
    static bool subscriber_starts_well(char first) noexcept { return first >= '1' && first <= '9'; }

    // Area code then a 7–8 digit subscriber number: in one group
    // (01012345678), or split as 010-12345678, 0755 8765 4321, (0755)8765-4321.
    // Starting at group `first`, whose first `skip` digits are a glued country code
    // (+8610…); `trunk_zero` is false after a +86 / 0086 country code or a "(0)".
    std::optional<Match> landline(std::size_t first, bool trunk_zero, std::size_t skip = 0) const {
        const Group& area = run_.groups[first];
        if (area.length > skip + 12 || area.length <= skip) return std::nullopt;
        const std::size_t area_len = skip + area_code_length(area.view().substr(skip), trunk_zero);
        if (area_len == skip || area.digits[area.length - 1] == 'X') return std::nullopt;
        const std::size_t offset = first - at_; // 1 after a country code group or "(0)"
        const std::size_t head = (offset == 0 ? 0 : group(0).length) + area_len;
        if (area.length == area_len + 7 || area.length == area_len + 8) {
            // 010 12345678 in one group; after a separate country code only when glued to
            // the area code (+861012345678), as 86 1012345678 is too loose a shape.
            if (offset > 0 && !trunk_zero) return std::nullopt;
            if (!subscriber_starts_well(area.digits[area_len])) return std::nullopt;
            return accept(Match{PiiKind::landline, offset + 1, head, 2});
        }
        if (area.length != area_len || first + 1 >= run_.count) return std::nullopt;
        const Group& part1 = run_.groups[first + 1];
        if (!subscriber_starts_well(part1.digits[0])) return std::nullopt;
        if (part1.plain_between(7, 8)) return accept(Match{PiiKind::landline, offset + 2, head, 2});
        if (first + 2 >= run_.count || !part1.plain_between(3, 4)) return std::nullopt;
        const Group& part2 = run_.groups[first + 2];
        const std::size_t total = part1.length + part2.length;
        if (!part2.plain_between(3, 4) || total < 7) return std::nullopt;
        return accept(Match{PiiKind::landline, offset + 3, head, 2});
    }

    // +8610 1234 5678, 008610-12345678, +861012345678: the country code glued to the area
    // code, which has lost its trunk zero.
    std::optional<Match> glued_international_landline() const {
        const std::size_t country = glued_country_code();
        if (country == 0) return std::nullopt;
        return landline(at_, false, country);
    }

    // +86 (0)10 1234 5678: the trunk zero in parentheses, then the area code without it.
    std::optional<Match> trunk_zero_in_parentheses() const {
        if (!paren_before_ || !group(0).plain(1) || group(0).digits[0] != '0' || !has(2)) return std::nullopt;
        return landline(at_ + 1, false);
    }

    // +86 10 12345678, 0086-755-87654321: the area code loses its trunk zero.
    std::optional<Match> international_landline() const {
        const Group& g = group(0);
        const bool country_code =
            (g.plain(2) && plus_before_ && g.view() == "86") || (g.plain(4) && g.view() == "0086");
        if (!country_code || !has(2)) return std::nullopt;
        return landline(at_ + 1, false);
    }

    const Run& run_;
    std::size_t at_;
    bool plus_before_;
    bool paren_before_;
};

// --- The scan ---------------------------------------------------------------------------

// A run of one group can only match from its first digit, so not when it is glued to
// something on its left. With nothing before it, it can only be a mobile number (11
// digits from a 1), start with an area or country code (a 0), or be a card number or a
// resident ID, which their own checks tell. The desk's ticket numbers (20240520001,
// T20240520001) and most order numbers are such runs.
bool lone_group_unmatchable(std::string_view text, std::size_t start, std::size_t end) {
    const RunContext context = context_of(text, start);
    if (!context.left_clean) return true;
    if (context.plus_before || context.paren_before) return false;
    const std::string_view digits = text.substr(start, end - start);
    if (digits[0] == '0' || (digits[0] == '1' && digits.size() == 11)) return false;
    return !is_bank_card_number(digits) && !(digits.size() == 18 && is_resident_id(digits));
}

// The end of the run that starts at `start` when no match can lie in it, found without
// reading it into groups: a run with fewer digits than any match needs (the dates, times
// and counts of a desk's texts), or a lone group that lone_group_unmatchable() rules out.
// npos for any other run, and for one with a full-width digit, a closing parenthesis or a
// check character, which the full reading judges.
std::size_t end_of_unmatchable_run(std::string_view text, std::size_t start) {
    std::size_t digits = 0;
    std::size_t pos = start;
    for (bool first_group = true;; first_group = false) {
        const std::size_t group_begin = pos;
        while (pos < text.size() && is_ascii_digit(byte_at(text, pos))) ++pos;
        digits += pos - group_begin;
        if (digit_length_at(text, pos) || check_x_length_at(text, pos) || close_paren_length_at(text, pos))
            return std::string_view::npos;
        const std::size_t end = pos;
        for (std::size_t chars = 0; chars < kMaxSeparatorChars; ++chars) {
            const std::size_t len = separator_length_at(text, pos);
            if (len == 0) break;
            pos += len;
        }
        if (pos == end || digit_length_at(text, pos) == 0) { // the run ends here
            const bool unmatchable =
                digits < kShortestMatchDigits || (first_group && lone_group_unmatchable(text, start, end));
            return unmatchable ? end : std::string_view::npos;
        }
        if (digits >= kShortestMatchDigits) return std::string_view::npos;
    }
}

// Matches every group of the run that starts at `start`; returns the end of the run.
std::size_t scan_digit_run(std::string_view text, std::size_t start, Sink& sink) {
    if (const std::size_t end = end_of_unmatchable_run(text, start); end != std::string_view::npos) return end;
    const RunContext context = context_of(text, start);
    bool first_window = true;
    std::size_t pos = start;
    while (true) {
        const Run run = read_run(text, pos, first_window && context.paren_before);
        std::size_t at = 0;
        while (at < run.count) {
            // Near the end of a partial window a match could need groups not read yet.
            if (run.more && at + kMaxMatchGroups > run.count) break;
            const bool run_start = first_window && at == 0;
            std::optional<Match> match;
            if (!run_start || context.left_clean)
                match = Matcher(run, at, run_start && context.plus_before, run_start && context.paren_before).find();
            if (!match) {
                ++at;
                continue;
            }
            sink.mask_digits(run.groups[at], run.groups[at + match->groups - 1], *match);
            at += match->groups;
        }
        first_window = false;
        if (at < run.count)
            pos = run.groups[at].begin;
        else if (run.more)
            pos = run.next_begin;
        else
            return run.groups[run.count - 1].end;
    }
}

// Handles the '@' at `at`; returns where scanning continues.
std::size_t scan_email(std::string_view text, std::size_t at, Sink& sink) {
    // The local part is read backwards, never into text already masked.
    const std::size_t floor = std::max(sink.last_end(), at > kMaxEmailLocal ? at - kMaxEmailLocal : 0);
    std::size_t begin = at;
    while (begin > floor && is_local_part_char(byte_at(text, begin - 1))) --begin;
    while (begin < at && text[begin] == '.') ++begin;
    if (begin == at) return at + 1;
    const std::size_t end = domain_end(text, at + 1);
    if (end == 0) return at + 1;
    sink.mask_email(begin, at, end);
    return end;
}

PiiReport scan_text(std::string_view text, std::string* out) {
    Sink sink(text, out);
    const std::size_t size = text.size();
    for (std::size_t pos = next_candidate(text, 0); pos < size; pos = next_candidate(text, pos)) {
        if (text[pos] == '@')
            pos = scan_email(text, pos, sink);
        else if (digit_length_at(text, pos) > 0)
            pos = scan_digit_run(text, pos, sink);
        else
            ++pos; // another character of the full-width block, e.g. '，'
    }
    sink.finish();
    return sink.report();
}

} // namespace

PiiReport PiiScanner::scan(std::string_view text) const noexcept { return scan_text(text, nullptr); }

MaskResult PiiScanner::mask(std::string_view text) const {
    MaskResult result;
    result.report = scan_text(text, &result.text);
    if (result.report.empty()) result.text.assign(text);
    return result;
}

PiiReport PiiScanner::mask_in_place(std::string& text) const {
    std::string masked;
    const PiiReport report = scan_text(text, &masked);
    if (!report.empty()) text.swap(masked);
    return report;
}

} // namespace ticketflow
