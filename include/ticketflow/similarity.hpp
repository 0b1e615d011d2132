#pragma once
/// @file similarity.hpp
/// @brief Text similarity for Chinese and English ticket descriptions, and the detector
/// of repeated problems (确认是否为重复问题, seed 000).
///
/// A description is reduced to a TextSignature, a sorted set of hashed shingles:
/// - runs of Chinese, Japanese or Korean characters give their character bigrams (a run
///   of one character gives that character);
/// - Latin words are lower-cased and lightly stemmed ("crashes", "crashed", "crashing" →
///   "crash"); a short list of English stop words is dropped; each word and each pair of
///   neighbouring words is a shingle (pairs play the part that bigrams play for Chinese:
///   texts that merely share a word or two stay apart);
/// - a run of digits, or a word containing digits (an order number such as
///   `DD2024052012345`), is replaced by a separator: the same problem written with a
///   different order number, amount or date gives the same signature;
/// - punctuation, symbols and white space (ASCII and full-width) separate runs;
/// - a few Chinese particles and pronouns (的 了 吗 呢 吧 啊 我 你 您 …) are dropped
///   before bigrams are formed, so "我的订单" and "订单" agree.
///
/// Signatures compare in linear time (a merge of two sorted arrays). The similarity is
/// the Dice coefficient 2|A∩B| / (|A| + |B|); jaccard() and containment() are offered too.
///
/// Thread-safety: every type here is an immutable value once built; any number of threads
/// may compare the same signatures or use the same RepeatDetector concurrently.

#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/store.hpp"
#include "ticketflow/ticket.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ticketflow {

/// @brief The normalised shingles of @p text, as readable strings, in text order and with
/// repeats: what a TextSignature hashes. For tests, documentation and tuning.
///
/// @snippet header_examples_test.cpp shingles
TICKETFLOW_API std::vector<std::string> shingles(std::string_view text);

/// @brief A text reduced to its set of hashed shingles, sorted for fast comparison.
///
/// Immutable value; cheap to copy (one vector of 64-bit hashes, typically 10–40 entries).
class TICKETFLOW_API TextSignature {
public:
    /// @brief The empty signature (similar to nothing).
    TextSignature() = default;
    /// @brief The signature of @p text (UTF-8; invalid bytes are treated as separators).
    explicit TextSignature(std::string_view text);
    /// @brief The signature of @p text with each of @p labels added as one extra shingle
    /// (e.g. a ticket's tags), so texts with the same labels come closer.
    TextSignature(std::string_view text, const std::vector<std::string>& labels);

    /// @brief The distinct shingle hashes, ascending.
    const std::vector<std::uint64_t>& hashes() const noexcept { return hashes_; }
    /// @brief Number of distinct shingles.
    std::size_t size() const noexcept { return hashes_.size(); }
    /// @brief True when the text had no shingle (only digits, punctuation or stop words).
    bool empty() const noexcept { return hashes_.empty(); }

private:
    std::vector<std::uint64_t> hashes_;
};

/// @brief |A ∩ B|: the number of shingles two signatures share.
TICKETFLOW_API std::size_t overlap(const TextSignature& a, const TextSignature& b) noexcept;
/// @brief Jaccard index |A ∩ B| / |A ∪ B| in [0, 1]; 0 when both are empty.
TICKETFLOW_API double jaccard(const TextSignature& a, const TextSignature& b) noexcept;
/// @brief Containment |A ∩ B| / |A| in [0, 1]: how much of @p a is found in @p b;
/// 0 when @p a is empty.
TICKETFLOW_API double containment(const TextSignature& a, const TextSignature& b) noexcept;
/// @brief The similarity used throughout ticketflow: the Dice coefficient
/// 2|A ∩ B| / (|A| + |B|) in [0, 1]; 0 when both are empty. Symmetric.
TICKETFLOW_API double similarity(const TextSignature& a, const TextSignature& b) noexcept;
/// @brief similarity() of the signatures of two texts.
TICKETFLOW_API double similarity(std::string_view a, std::string_view b);

/// @brief Default threshold of similarity() above which two descriptions are taken for
/// the same problem; tuned on the Chinese and English examples of the test suite.
inline constexpr double default_similarity_threshold = 0.3;

/// @brief Settings of a RepeatDetector. Plain value.
struct RepeatOptions {
    /// @brief Minimum similarity() of the descriptions for a repeat, in (0, 1].
    double threshold = default_similarity_threshold;
    /// @brief A candidate counts when it was received, or closed, at most this long before
    /// the new ticket was received. Candidates still open count whatever their age: the
    /// customer is asking again about a problem that is not solved.
    Duration window = std::chrono::hours(24 * 7);
    /// @brief Candidates of the same customer (customer.id) qualify.
    bool same_customer = true;
    /// @brief Candidates about the same (non-empty) order number qualify, whoever the
    /// customer.
    bool same_order = true;
};

/// @brief The candidate a new ticket repeats.
struct RepeatMatch {
    TicketId ticket;         ///< The earlier ticket.
    double score = 0;        ///< similarity() of the two descriptions.
    bool same_order = false; ///< Both name the same order number.
    /// @brief Where the repeat chain starts: the target of the candidate's own
    /// `duplicate_of` link when it has one, else the candidate itself. Link to this one
    /// to keep chains one level deep.
    TicketId root;
};

/// @brief Finds the earlier ticket a new ticket repeats (确认是否为重复问题).
///
/// It is given the candidates rather than a store, so it serves intake, merging and
/// offline analysis alike: the caller fetches them, e.g. with candidate_query(), and
/// passes them in; the detector keeps those of the same customer or order number inside
/// the window and returns the most similar one at or above the threshold.
///
/// @snippet header_examples_test.cpp repeat-detector
///
/// Thread-safety: immutable after construction; find() may be called concurrently.
class TICKETFLOW_API RepeatDetector {
public:
    /// @brief A detector with @p options.
    /// @throws ValidationError when the threshold is outside (0, 1] or the window negative.
    explicit RepeatDetector(RepeatOptions options = {});

    /// @brief The options in use.
    const RepeatOptions& options() const noexcept { return options_; }

    /// @brief True when @p candidate may be repeated by @p incoming: another ticket, of the
    /// same customer or order number (as enabled), received or closed within the window
    /// before @p incoming was received, or still open, and not received after it.
    bool is_candidate(const Ticket& incoming, const Ticket& candidate) const;

    /// @brief The most similar qualifying candidate at or above the threshold; ties go to
    /// the most recently received. Candidates that do not qualify are ignored, so a
    /// superset may be passed.
    std::optional<RepeatMatch> find(const Ticket& incoming, const Ticket* candidates, std::size_t count) const;
    /// @brief find() over a vector.
    std::optional<RepeatMatch> find(const Ticket& incoming, const std::vector<Ticket>& candidates) const;

    /// @brief Every qualifying candidate at or above the threshold, most similar first
    /// (for merging several tickets into one).
    std::vector<RepeatMatch> find_all(const Ticket& incoming, const Ticket* candidates, std::size_t count) const;

    /// @brief A store query for the candidates of @p incoming's customer: same customer
    /// id. (Order numbers are not a TicketQuery field; a host that indexes them may add
    /// those tickets itself.) Received-time bounds are left open, since open tickets
    /// qualify whatever their age.
    TicketQuery candidate_query(const Ticket& incoming) const;

private:
    RepeatOptions options_;
};

} // namespace ticketflow
