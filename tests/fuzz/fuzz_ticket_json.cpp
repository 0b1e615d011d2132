// libFuzzer target: the ticket JSON decoder (ticketflow/json.hpp), which reads the
// JSON payloads of SqliteStore rows written before schema 3.
//
// Text that is not JSON (or holds a number no double can take) is nlohmann::json's
// exception, raised by the parser before the decoder runs; SqliteStore reports both.
// A JSON document must either decode or throw ticketflow::ValidationError naming the bad
// member: no crash, no sanitizer report, no other exception. A ticket that decodes must
// survive a round trip: its JSON text decodes to a ticket with the same JSON text. See
// docs/fuzzing.md for how to build and run it.
#include "ticketflow/json.hpp"
#include "ticketflow/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(data, data + size);
    } catch (const nlohmann::json::exception&) {
        return 0; // not JSON (parse_error, out_of_range): the decoder is never asked
    }
    try {
        const auto ticket = document.get<ticketflow::Ticket>();
        const std::string text = nlohmann::json(ticket).dump();
        const std::string again = nlohmann::json(nlohmann::json::parse(text).get<ticketflow::Ticket>()).dump();
        if (again != text) std::abort(); // not a round trip
    } catch (const ticketflow::ValidationError&) {
        // The one error the decoder may report.
    }
    return 0;
}
