#pragma once
// Multi-keyword substring search in one pass: an Aho–Corasick automaton compiled into a
// dense DFA over byte classes.
//
// Matching is on bytes, which is exact for UTF-8: a valid keyword can only match a valid
// text at character boundaries, since lead and continuation bytes never coincide. ASCII
// letters are folded to lower case by the byte-class table, so neither the keywords nor
// the text is ever lower-cased at match time.
//
// The scan loop is one table load per byte. Table entries are row offsets (state x
// classes) rather than state numbers, so no multiplication sits on the loop's dependency
// chain, and states at which a keyword ends are numbered last, so "did something match"
// is a comparison rather than another load.
//
// Memory: states x classes x 4 bytes, where states <= total keyword bytes + 1 and classes
// <= distinct keyword bytes + 1 (a few kilobytes to a few hundred for rule sets of tens of
// rules). Immutable after construction; scan() is thread-safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ticketflow::detail {

class KeywordMatcher {
public:
    // Keyword i is reported as i. Empty keywords never match; duplicates are reported once
    // each. Throws ValidationError (field "keywords") when the table would not fit 32-bit
    // offsets.
    explicit KeywordMatcher(const std::vector<std::string>& keywords);

    // Calls on_match(keyword index) for every occurrence of every keyword in `text`, in
    // order of the occurrences' end positions.
    template <class OnMatch>
    void scan(std::string_view text, OnMatch&& on_match) const {
        // Locals, so that on_match's stores cannot force reloads inside the loop.
        const std::uint32_t* const table = table_.data();
        const std::uint32_t first_match = first_match_offset_;
        std::uint32_t offset = 0;
        for (const char c : text) {
            offset = table[offset + class_of_[static_cast<unsigned char>(c)]];
            if (offset >= first_match) report(offset / classes_, on_match);
        }
    }

private:
    template <class OnMatch>
    void report(std::uint32_t state, OnMatch& on_match) const {
        for (std::int32_t s = match_head_[state]; s >= 0; s = match_next_[static_cast<std::size_t>(s)])
            for (const std::uint32_t keyword : ends_here_[static_cast<std::size_t>(s)]) on_match(keyword);
    }

    std::array<std::uint32_t, 256> class_of_{}; // byte -> class; 0 = in no keyword
    std::uint32_t classes_ = 1;
    std::vector<std::uint32_t> table_;     // table_[state * classes_ + class] = next state * classes_
    std::uint32_t first_match_offset_ = 0; // row offset of the first state with a match
    std::vector<std::int32_t> match_head_; // state -> itself or the nearest suffix state where keywords end, or -1
    std::vector<std::int32_t> match_next_; // such a state -> the next one on its suffix chain, or -1
    std::vector<std::vector<std::uint32_t>> ends_here_; // state -> keywords ending exactly here
};

} // namespace ticketflow::detail
