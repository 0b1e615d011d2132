#include "report/problem_clusters.hpp"

#include "report/text_shingles.hpp"

#include <algorithm>

namespace ticketflow::detail {
namespace {

// Posting lists longer than this are not walked when looking for candidates: such a
// shingle is shared by hundreds of different problems and says little on its own.
constexpr std::size_t max_posting_walk = 256;
constexpr std::size_t example_bytes = 200;

} // namespace

std::string cut_utf8(const std::string& text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

ProblemClusterer::ProblemClusterer(double threshold, std::size_t max_clusters, std::size_t examples_per_cluster)
    : threshold_(threshold), max_clusters_(max_clusters), examples_(examples_per_cluster) {}

std::uint64_t ProblemClusterer::key(std::uint64_t shingle, std::uint64_t type_hash) const noexcept {
    return shingle ^ (type_hash * 0x9E3779B97F4A7C15ull);
}

std::optional<std::size_t> ProblemClusterer::best_match(const TextSignature& signature, std::uint64_t type_hash) {
    for (std::uint64_t shingle : signature.hashes()) {
        auto it = index_.find(key(shingle, type_hash));
        if (it == index_.end() || it->second.size() > max_posting_walk) continue;
        for (std::uint32_t c : it->second)
            if (hits_[c]++ == 0) touched_.push_back(c);
    }
    std::optional<std::size_t> best;
    double best_score = 0;
    for (std::uint32_t c : touched_) {
        hits_[c] = 0;
        double score = similarity(signature, clusters_[c].signature); // exact, common shingles included
        if (score >= threshold_ && (score > best_score || (score == best_score && best && c < *best))) {
            best = c;
            best_score = score;
        }
    }
    touched_.clear();
    return best;
}

void ProblemClusterer::add_example(Cluster& cluster, const Ticket& ticket) const {
    ++cluster.summary.count;
    if (cluster.summary.examples.size() < examples_)
        cluster.summary.examples.push_back({ticket.id, cut_utf8(ticket.description, example_bytes)});
}

void ProblemClusterer::add(const Ticket& ticket) {
    TextSignature signature(ticket.description, ticket.tags);
    std::uint64_t type_hash = fnv1a(ticket.type);
    if (signature.empty()) {
        auto it = empty_text_.find(type_hash);
        if (it != empty_text_.end()) {
            add_example(clusters_[it->second], ticket);
            return;
        }
    } else if (auto match = best_match(signature, type_hash)) {
        add_example(clusters_[*match], ticket);
        return;
    }
    if (clusters_.size() >= max_clusters_) {
        ++unclustered_;
        return;
    }
    auto id = static_cast<std::uint32_t>(clusters_.size());
    Cluster cluster;
    cluster.summary.type = ticket.type;
    cluster.summary.tags = ticket.tags;
    cluster.summary.summary = cut_utf8(ticket.description, example_bytes);
    cluster.signature = signature;
    add_example(cluster, ticket);
    clusters_.push_back(std::move(cluster));
    hits_.push_back(0);
    if (signature.empty()) empty_text_[type_hash] = id;
    for (std::uint64_t shingle : signature.hashes()) index_[key(shingle, type_hash)].push_back(id);
}

std::vector<ProblemCluster> ProblemClusterer::top(std::size_t n) const {
    std::vector<std::size_t> order(clusters_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    auto by_count = [this](std::size_t a, std::size_t b) {
        return clusters_[a].summary.count > clusters_[b].summary.count;
    };
    n = std::min(n, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(),
                      [&](std::size_t a, std::size_t b) { return by_count(a, b) || (!by_count(b, a) && a < b); });
    std::vector<ProblemCluster> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(clusters_[order[i]].summary);
    return out;
}

} // namespace ticketflow::detail
