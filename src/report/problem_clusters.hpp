#pragma once
// Greedy leader clustering of ticket descriptions into frequent problems (高频问题).
//
// The first ticket that matches no cluster leads a new one; a later ticket joins the
// cluster of the same type whose leader's signature (description plus tags) is most
// similar, when that similarity reaches the threshold. Leaders are found through an
// inverted index from shingle to leaders, so a ticket is compared only with leaders it
// shares a shingle with; shingles shared by very many leaders (common words such as 订单)
// are skipped when looking up candidates, since they alone cannot make two texts similar.

#include "ticketflow/report.hpp"
#include "ticketflow/similarity.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace ticketflow::detail {

class ProblemClusterer {
public:
    ProblemClusterer(double threshold, std::size_t max_clusters, std::size_t examples_per_cluster);

    void add(const Ticket& ticket);

    std::size_t cluster_count() const noexcept { return clusters_.size(); }
    std::size_t unclustered() const noexcept { return unclustered_; }
    // The @p n largest clusters, largest first; ties keep the order of formation.
    std::vector<ProblemCluster> top(std::size_t n) const;

private:
    struct Cluster {
        ProblemCluster summary;
        TextSignature signature;
    };

    std::uint64_t key(std::uint64_t shingle, std::uint64_t type_hash) const noexcept;
    std::optional<std::size_t> best_match(const TextSignature& signature, std::uint64_t type_hash);
    void add_example(Cluster& cluster, const Ticket& ticket) const;

    double threshold_;
    std::size_t max_clusters_;
    std::size_t examples_;
    std::vector<Cluster> clusters_;
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> index_; // (type, shingle) → clusters
    std::unordered_map<std::uint64_t, std::uint32_t> empty_text_;         // type → cluster of texts without shingles
    std::vector<std::uint32_t> hits_;    // per cluster: shingles shared with the current ticket
    std::vector<std::uint32_t> touched_; // clusters with hits_ > 0
    std::size_t unclustered_ = 0;
};

// Cuts @p text to at most @p max_bytes without splitting a UTF-8 character.
std::string cut_utf8(const std::string& text, std::size_t max_bytes);

} // namespace ticketflow::detail
