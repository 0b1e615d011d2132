#pragma once
// The tokenizer behind TextSignature: splits UTF-8 text into normalised shingles (Chinese
// character bigrams, stemmed lower-case English words) and hands each to a callback, so
// signatures are hashed without building a string per shingle.

#include <cstdint>
#include <functional>
#include <string_view>

namespace ticketflow::detail {

// Calls @p emit once per shingle, in text order, repeats included. The view is valid only
// during the call.
void for_each_shingle(std::string_view text, const std::function<void(std::string_view)>& emit);

// 64-bit FNV-1a: stable across platforms and runs, so signatures can be compared anywhere.
inline std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 14695981039346656037ull) noexcept {
    for (unsigned char c : bytes) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return hash;
}

} // namespace ticketflow::detail
