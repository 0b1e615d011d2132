#include "ticketflow/similarity.hpp"

#include "ticketflow/error.hpp"

#include "report/text_shingles.hpp"

#include <algorithm>

namespace ticketflow {

std::vector<std::string> shingles(std::string_view text) {
    std::vector<std::string> out;
    detail::for_each_shingle(text, [&out](std::string_view s) { out.emplace_back(s); });
    return out;
}

TextSignature::TextSignature(std::string_view text) : TextSignature(text, {}) {}

TextSignature::TextSignature(std::string_view text, const std::vector<std::string>& labels) {
    hashes_.reserve(text.size() / 2 + labels.size()); // about one shingle per CJK character or word
    detail::for_each_shingle(text, [this](std::string_view s) { hashes_.push_back(detail::fnv1a(s)); });
    // Labels hash in their own name space, so a tag never equals a word of the text.
    for (const auto& label : labels) hashes_.push_back(detail::fnv1a(label, detail::fnv1a("\x01label:")));
    std::sort(hashes_.begin(), hashes_.end());
    hashes_.erase(std::unique(hashes_.begin(), hashes_.end()), hashes_.end());
}

std::size_t overlap(const TextSignature& a, const TextSignature& b) noexcept {
    const auto& x = a.hashes();
    const auto& y = b.hashes();
    std::size_t i = 0, j = 0, shared = 0;
    while (i < x.size() && j < y.size()) {
        if (x[i] < y[j]) {
            ++i;
        } else if (y[j] < x[i]) {
            ++j;
        } else {
            ++shared;
            ++i;
            ++j;
        }
    }
    return shared;
}

double jaccard(const TextSignature& a, const TextSignature& b) noexcept {
    std::size_t shared = overlap(a, b);
    std::size_t all = a.size() + b.size() - shared;
    return all == 0 ? 0.0 : static_cast<double>(shared) / static_cast<double>(all);
}

double containment(const TextSignature& a, const TextSignature& b) noexcept {
    return a.empty() ? 0.0 : static_cast<double>(overlap(a, b)) / static_cast<double>(a.size());
}

double similarity(const TextSignature& a, const TextSignature& b) noexcept {
    std::size_t total = a.size() + b.size();
    return total == 0 ? 0.0 : 2.0 * static_cast<double>(overlap(a, b)) / static_cast<double>(total);
}

double similarity(std::string_view a, std::string_view b) { return similarity(TextSignature(a), TextSignature(b)); }

// --- RepeatDetector -----------------------------------------------------------------

RepeatDetector::RepeatDetector(RepeatOptions options) : options_(options) {
    if (!(options_.threshold > 0.0 && options_.threshold <= 1.0))
        throw ValidationError("threshold", "must be in (0, 1]");
    if (options_.window < Duration{0}) throw ValidationError("window", "must not be negative");
}

bool RepeatDetector::is_candidate(const Ticket& incoming, const Ticket& candidate) const {
    if (candidate.id == incoming.id || candidate.times.received > incoming.times.received) return false;
    bool customer =
        options_.same_customer && !incoming.customer.id.empty() && candidate.customer.id == incoming.customer.id;
    bool order =
        options_.same_order && !incoming.order_number.empty() && candidate.order_number == incoming.order_number;
    if (!customer && !order) return false;
    if (candidate.status != Status::closed) return true;
    Instant since = incoming.times.received - options_.window;
    return candidate.times.received >= since || (candidate.times.closed && *candidate.times.closed >= since);
}

namespace {

TicketId root_of(const Ticket& t) {
    for (const auto& link : t.links)
        if (link.kind == LinkKind::duplicate_of) return link.target;
    return t.id;
}

// Higher score first; among equals the most recently received, then the larger id, so
// the order never depends on the order of the input.
bool better(const RepeatMatch& a, Instant a_received, const RepeatMatch& b, Instant b_received) {
    if (a.score != b.score) return a.score > b.score;
    if (a_received != b_received) return a_received > b_received;
    return a.ticket > b.ticket;
}

} // namespace

std::vector<RepeatMatch> RepeatDetector::find_all(const Ticket& incoming, const Ticket* candidates,
                                                  std::size_t count) const {
    TextSignature signature(incoming.description);
    std::vector<std::pair<RepeatMatch, Instant>> found;
    for (std::size_t i = 0; i < count; ++i) {
        const Ticket& c = candidates[i];
        if (!is_candidate(incoming, c)) continue;
        double score = similarity(signature, TextSignature(c.description));
        if (score < options_.threshold) continue;
        bool same_order = !incoming.order_number.empty() && c.order_number == incoming.order_number;
        found.push_back({RepeatMatch{c.id, score, same_order, root_of(c)}, c.times.received});
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return better(a.first, a.second, b.first, b.second); });
    std::vector<RepeatMatch> matches;
    matches.reserve(found.size());
    for (auto& f : found) matches.push_back(std::move(f.first));
    return matches;
}

std::optional<RepeatMatch> RepeatDetector::find(const Ticket& incoming, const Ticket* candidates,
                                                std::size_t count) const {
    auto all = find_all(incoming, candidates, count);
    if (all.empty()) return std::nullopt;
    return std::move(all.front());
}

std::optional<RepeatMatch> RepeatDetector::find(const Ticket& incoming, const std::vector<Ticket>& candidates) const {
    return find(incoming, candidates.data(), candidates.size());
}

TicketQuery RepeatDetector::candidate_query(const Ticket& incoming) const {
    TicketQuery query;
    query.customer_id = incoming.customer.id;
    return query;
}

} // namespace ticketflow
