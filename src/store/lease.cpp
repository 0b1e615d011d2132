#include "ticketflow/lease.hpp"

#include <cstdio>
#include <random>

namespace ticketflow {

std::string generated_owner() {
    std::random_device entropy;
    const std::uint64_t bits = (std::uint64_t{entropy()} << 32) ^ entropy();
    char name[32];
    std::snprintf(name, sizeof name, "desk-%016llx", static_cast<unsigned long long>(bits));
    return name;
}

} // namespace ticketflow
