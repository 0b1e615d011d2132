// The JSON loaders that have no fuzzer of their own, on arbitrary bytes: the first byte
// chooses the loader (scenario, message templates, agents, follow-up rules), the rest is
// its text. Only ticketflow::ValidationError may leave them, as their documentation says.
// A scenario's files are looked up in a directory that does not exist, so no input reads
// the disk. See docs/fuzzing.md.
#include "ticketflow/error.hpp"
#include "ticketflow/followup.hpp"
#include "ticketflow/routing.hpp"
#include "ticketflow/simulation.hpp"
#include "ticketflow/templates.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 4) {
        case 0: (void)ticketflow::sim::scenario_from_json(text, "fuzz.json", "/nonexistent-fuzz-dir"); break;
        case 1: (void)ticketflow::MessageTemplates::from_json(text, "fuzz.json"); break;
        case 2: (void)ticketflow::agents_from_json(text, "fuzz.json"); break;
        default: (void)ticketflow::FollowUpRules::from_json(text, "fuzz.json"); break;
        }
    } catch (const ticketflow::ValidationError&) {}
    return 0;
}
