#include "routing/keyword_matcher.hpp"

#include "ticketflow/error.hpp"

#include <deque>
#include <limits>

namespace ticketflow::detail {

namespace {

unsigned char fold_ascii(unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c; }

// The automaton in trie numbering (state 0 = root), before it is packed into the table.
struct Automaton {
    std::vector<std::vector<std::int32_t>> children; // -1 = none
    std::vector<std::vector<std::uint32_t>> ends;    // keywords ending at the state
    std::vector<std::uint32_t> next;                 // complete DFA: next[state * classes + class]
    std::vector<std::uint32_t> failure;              // longest proper suffix that is a state
    std::vector<std::uint32_t> breadth_first;        // states in breadth-first order
    std::vector<bool> matches;                       // a keyword ends at the state or a suffix of it
};

std::uint32_t add_keyword(Automaton& a, const std::string& keyword, const std::array<std::uint32_t, 256>& class_of,
                          std::uint32_t classes) {
    std::size_t state = 0;
    for (const char c : keyword) {
        const std::uint32_t cls = class_of[static_cast<unsigned char>(c)];
        if (a.children[state][cls] < 0) {
            a.children[state][cls] = static_cast<std::int32_t>(a.children.size());
            a.children.emplace_back(classes, -1);
            a.ends.emplace_back();
        }
        state = static_cast<std::size_t>(a.children[state][cls]);
    }
    return static_cast<std::uint32_t>(state);
}

// Breadth-first over the trie: each state's failure link is known before its children are
// reached, so the DFA row of a state copies the already complete row of its failure state
// wherever the trie has no child.
void link(Automaton& a, std::uint32_t classes) {
    const std::size_t states = a.children.size();
    a.next.assign(states * classes, 0);
    a.failure.assign(states, 0);
    a.matches.assign(states, false);
    std::deque<std::uint32_t> queue{0};
    while (!queue.empty()) {
        const std::uint32_t state = queue.front();
        queue.pop_front();
        a.breadth_first.push_back(state);
        a.matches[state] = !a.ends[state].empty() || (state != 0 && a.matches[a.failure[state]]);
        for (std::uint32_t cls = 0; cls < classes; ++cls) {
            const std::int32_t child = a.children[state][cls];
            const std::uint32_t fallback = state == 0 ? 0 : a.next[a.failure[state] * classes + cls];
            if (child < 0) {
                a.next[state * classes + cls] = fallback;
                continue;
            }
            const auto c = static_cast<std::uint32_t>(child);
            a.failure[c] = fallback;
            a.next[state * classes + cls] = c;
            queue.push_back(c);
        }
    }
}

} // namespace

KeywordMatcher::KeywordMatcher(const std::vector<std::string>& keywords) {
    // One class per distinct (folded) keyword byte keeps the rows short: Chinese keywords
    // share most of their lead bytes.
    for (const std::string& keyword : keywords)
        for (const char c : keyword) {
            const unsigned char folded = fold_ascii(static_cast<unsigned char>(c));
            if (class_of_[folded] == 0) class_of_[folded] = classes_++;
        }
    for (std::size_t upper = 'A'; upper <= 'Z'; ++upper) class_of_[upper] = class_of_[upper + 32];

    Automaton a;
    a.children.emplace_back(classes_, -1);
    a.ends.emplace_back();
    for (std::size_t i = 0; i < keywords.size(); ++i)
        if (!keywords[i].empty())
            a.ends[add_keyword(a, keywords[i], class_of_, classes_)].push_back(static_cast<std::uint32_t>(i));
    link(a, classes_);

    const std::size_t states = a.children.size();
    if (states * classes_ > std::numeric_limits<std::uint32_t>::max())
        throw ValidationError("keywords", "too many keyword bytes for one automaton");

    // Renumber: states without a match first, then those with one, each group breadth-first
    // (the root is 0 and the shallow states, visited most, sit together).
    std::vector<std::uint32_t> number(states);
    std::uint32_t next_number = 0;
    for (const bool matching : {false, true}) {
        if (matching) first_match_offset_ = next_number * classes_;
        for (const std::uint32_t state : a.breadth_first)
            if (a.matches[state] == matching) number[state] = next_number++;
    }

    table_.resize(states * classes_);
    match_head_.assign(states, -1);
    match_next_.assign(states, -1);
    ends_here_.resize(states);
    for (const std::uint32_t state : a.breadth_first) {
        const std::uint32_t n = number[state];
        for (std::uint32_t cls = 0; cls < classes_; ++cls)
            table_[n * classes_ + cls] = number[a.next[state * classes_ + cls]] * classes_;
        const std::int32_t suffix_head = state == 0 ? -1 : match_head_[number[a.failure[state]]];
        match_head_[n] = a.ends[state].empty() ? suffix_head : static_cast<std::int32_t>(n);
        match_next_[n] = suffix_head;
        ends_here_[n] = a.ends[state];
    }
}

} // namespace ticketflow::detail
