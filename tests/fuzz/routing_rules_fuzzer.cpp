// RoutingRules::from_json on arbitrary bytes: only ValidationError may leave it.
#include "ticketflow/error.hpp"
#include "ticketflow/routing.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto rules = ticketflow::RoutingRules::from_json(text, "fuzz.json");
        (void)rules;
    } catch (const ticketflow::ValidationError&) {}
    return 0;
}
