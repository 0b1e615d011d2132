#pragma once
// Counter-based random numbers: every draw is a pure function of (seed, ticket, stream,
// round), so scenarios that differ in staff or policy see the same customers (common
// random numbers) and a run is deterministic for its seed.

#include <cmath>
#include <cstdint>

namespace ticketflow::sim {

namespace streams {
inline constexpr std::uint64_t mix = 1;      // which kind of ticket arrives
inline constexpr std::uint64_t handling = 2; // handling time of a round
inline constexpr std::uint64_t answers = 3;  // whether the customer answers
inline constexpr std::uint64_t delay = 4;    // when the customer answers
inline constexpr std::uint64_t verdict = 5;  // whether the answer is 不满意
} // namespace streams

inline std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

inline std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) {
    return splitmix(splitmix(seed) ^ (stream * 0xd1342543de82ef95ULL));
}

// Uniform in (0, 1), never 0 or 1.
inline double to_unit(std::uint64_t bits) { return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53; }

inline double uniform_at(std::uint64_t seed, std::uint64_t ticket, std::uint64_t stream, std::uint64_t round) {
    return to_unit(splitmix(stream_seed(seed, stream) ^ splitmix(ticket * 0x100000001b3ULL + round)));
}

// The next uniform of a sequential stream whose state is @p state.
inline double next_uniform(std::uint64_t& state) {
    state += 0x9e3779b97f4a7c15ULL;
    return to_unit(splitmix(state));
}

// A standard normal from two uniforms (Box–Muller).
inline double normal_from(double u1, double u2) {
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

} // namespace ticketflow::sim
