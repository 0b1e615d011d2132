#include "ticketflow/error.hpp"
#include "ticketflow/privacy.hpp"

#include <random>

namespace ticketflow {
namespace {

// SplitMix64's output function: a bijection of 64-bit values that scatters every bit, so
// consecutive counters give unrelated-looking tokens that never repeat for one seed.
std::uint64_t mix64(std::uint64_t x) noexcept {
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

// 16 letters, 4 bits each. Letters only: a token can never contain a digit run that
// looks like a phone number.
std::string token_from(std::uint64_t value) {
    static constexpr char kAlphabet[] = "bcdfghjkmnpqrstv";
    std::string token = "ct_";
    for (int shift = 60; shift >= 0; shift -= 4) token.push_back(kAlphabet[(value >> shift) & 0xF]);
    return token;
}

std::uint64_t random_seed() {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

} // namespace

MemoryContactVault::MemoryContactVault() : seed_(random_seed()) {}

std::string MemoryContactVault::store(const Contact& contact) {
    if (contact.empty()) throw ValidationError("contact", "must have at least one non-empty field");
    std::lock_guard<std::mutex> lock(mutex_);
    // The golden-ratio step is odd, so seed + n * step differs for every n below 2^64 and
    // the bijective mix keeps the tokens distinct.
    ++issued_;
    std::string token = token_from(mix64(seed_ + issued_ * 0x9E3779B97F4A7C15ULL));
    contacts_.emplace(token, contact);
    return token;
}

Contact MemoryContactVault::reveal(const std::string& token) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = contacts_.find(token);
    if (it == contacts_.end()) throw NotFound("contact for token " + token);
    return it->second;
}

bool MemoryContactVault::erase(const std::string& token) {
    std::lock_guard<std::mutex> lock(mutex_);
    return contacts_.erase(token) > 0;
}

std::size_t MemoryContactVault::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return contacts_.size();
}

} // namespace ticketflow
