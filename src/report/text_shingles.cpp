#include "report/text_shingles.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace ticketflow::detail {
namespace {

enum class CharClass { separator, han, letter, digit, apostrophe };

// Decodes one UTF-8 code point at @p i and advances past it. Invalid bytes decode to
// U+FFFD (a separator) one byte at a time, so no input can stall or overrun.
char32_t decode(std::string_view s, std::size_t& i) noexcept {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b0 = byte(i);
    std::size_t length = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > s.size()) {
        ++i;
        return 0xFFFD;
    }
    char32_t cp = length == 1 ? b0 : b0 & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    i += length;
    return cp;
}

void encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool is_han(char32_t c) noexcept {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x2FFFF) || (c >= 0x3040 && c <= 0x30FF) || // kana
           (c >= 0xAC00 && c <= 0xD7AF);                                     // hangul
}

// Full-width ASCII letters and digits (Ａ, ｂ, ３) behave like their ASCII forms.
char32_t fold_width(char32_t c) noexcept { return c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c; }

CharClass classify(char32_t c) noexcept {
    if (c >= '0' && c <= '9') return CharClass::digit;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return CharClass::letter;
    if (c == '\'' || c == 0x2019) return CharClass::apostrophe;
    if (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) return CharClass::letter; // accented Latin
    if (is_han(c)) return CharClass::han;
    return CharClass::separator;
}

// Particles and pronouns that carry no problem content; dropped before bigrams form, so
// "我的订单" and "订单" give the same shingles.
bool is_han_stop(char32_t c) noexcept {
    static constexpr std::array<char32_t, 19> stops = {U'的', U'了', U'吗', U'呢', U'吧', U'啊', U'呀',
                                                       U'嘛', U'哦', U'哈', U'我', U'你', U'您', U'他',
                                                       U'她', U'它', U'们', U'请', U'谢'};
    return std::find(stops.begin(), stops.end(), c) != stops.end();
}

bool is_english_stop(std::string_view w) {
    static constexpr std::array<std::string_view, 72> stops = {
        "a",     "an",     "the",  "i",     "me",     "my",  "we",    "our",    "you",   "your",  "he",    "she",
        "it",    "its",    "they", "them",  "their",  "is",  "am",    "are",    "was",   "were",  "be",    "been",
        "being", "do",     "does", "did",   "have",   "has", "had",   "to",     "of",    "in",    "on",    "at",
        "for",   "with",   "from", "by",    "and",    "or",  "but",   "this",   "that",  "these", "those", "when",
        "what",  "which",  "who",  "there", "here",   "so",  "as",    "if",     "then",  "than",  "can",   "could",
        "would", "should", "will", "just",  "please", "hi",  "hello", "thanks", "thank", "im",    "ive",   "into"};
    return std::find(stops.begin(), stops.end(), w) != stops.end();
}

bool ends_with(const std::string& w, std::string_view suffix) {
    return w.size() >= suffix.size() && w.compare(w.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Light suffix stripping so inflections agree: crashes / crashed / crashing → crash,
// deliveries / delivered / delivery → deliver. Not a linguistic stemmer: stems only need
// to be equal, not to be words.
void stem(std::string& w) {
    auto drop = [&w](std::size_t n) { w.resize(w.size() - n); };
    bool verb_ending = false;
    if (ends_with(w, "ies") && w.size() > 4) {
        drop(3);
        w += 'y';
    } else if (ends_with(w, "ing") && w.size() > 5) {
        drop(3);
        verb_ending = true;
    } else if (ends_with(w, "ed") && w.size() > 4) {
        drop(2);
        verb_ending = true;
    } else if (ends_with(w, "es") && w.size() > 4) {
        drop(2);
    } else if (ends_with(w, "s") && !ends_with(w, "ss") && w.size() > 3) {
        drop(1);
    }
    // stopped → stopp → stop
    std::size_t n = w.size();
    if (verb_ending && n > 3 && w[n - 1] == w[n - 2] && w[n - 1] != 'l' && w[n - 1] != 's' && w[n - 1] != 'z') drop(1);
    if (w.size() > 3 && (w.back() == 'e' || w.back() == 'y')) drop(1);
}

class Tokenizer {
public:
    explicit Tokenizer(const std::function<void(std::string_view)>& emit) : emit_(emit) {}

    void feed(char32_t raw) {
        char32_t c = fold_width(raw);
        switch (classify(c)) {
        case CharClass::han:
            end_word();
            previous_word_.clear();
            if (!is_han_stop(c)) add_han(c);
            break;
        case CharClass::letter:
            end_han();
            word_ += c < 0x80 ? static_cast<char32_t>(std::tolower(static_cast<int>(c))) : c;
            break;
        case CharClass::digit:
            end_han();
            word_ += c;
            word_has_digit_ = true;
            break;
        case CharClass::apostrophe:
            // Inside a word ("can't") it is dropped; elsewhere it separates.
            if (word_.empty()) end_han();
            break;
        case CharClass::separator:
            end_word();
            end_han();
            break;
        }
    }

    void finish() {
        end_word();
        end_han();
    }

private:
    void add_han(char32_t c) {
        if (han_run_ > 0) {
            buffer_.clear();
            encode(previous_han_, buffer_);
            encode(c, buffer_);
            emit_(buffer_);
        }
        previous_han_ = c;
        ++han_run_;
    }

    // A run of one character is its own shingle; longer runs were emitted as bigrams.
    void end_han() {
        if (han_run_ == 1) {
            buffer_.clear();
            encode(previous_han_, buffer_);
            emit_(buffer_);
        }
        han_run_ = 0;
    }

    // Words with digits are identifiers (order numbers, amounts, dates): separators.
    void end_word() {
        if (!word_.empty() && !word_has_digit_) {
            buffer_.clear();
            for (char32_t c : word_) encode(c, buffer_);
            if (!is_english_stop(buffer_)) {
                stem(buffer_);
                emit_word();
            }
        }
        word_.clear();
        word_has_digit_ = false;
    }

    // A word, and the pair it forms with the word before it: English has no character
    // bigrams to carry word order, and pairs keep texts that merely share a word or two
    // ("app", "settings") apart.
    void emit_word() {
        emit_(buffer_);
        if (!previous_word_.empty()) emit_(previous_word_ + ' ' + buffer_);
        previous_word_ = buffer_;
    }

    const std::function<void(std::string_view)>& emit_;
    std::u32string word_;
    std::string previous_word_;
    bool word_has_digit_ = false;
    char32_t previous_han_ = 0;
    std::size_t han_run_ = 0;
    std::string buffer_;
};

} // namespace

void for_each_shingle(std::string_view text, const std::function<void(std::string_view)>& emit) {
    Tokenizer tokenizer(emit);
    for (std::size_t i = 0; i < text.size();) tokenizer.feed(decode(text, i));
    tokenizer.finish();
}

} // namespace ticketflow::detail
