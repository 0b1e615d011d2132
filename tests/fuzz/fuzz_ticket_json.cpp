// libFuzzer target: the ticket JSON decoder (src/codec/json_codec.hpp), which reads the
// JSON payloads of SqliteStore rows written before schema 3.
//
// Text that is not JSON (or holds a number no double can take) is nlohmann::json's
// exception, raised by the parser before the decoder runs; SqliteStore reports both.
// A JSON document must either decode or throw ticketflow::ValidationError naming the bad
// member: no crash, no sanitizer report, no other exception. A ticket that decodes must
// survive a round trip: its JSON text decodes to a ticket with the same JSON text. See
// docs/fuzzing.md for how to build and run it.
#include "codec/json_codec.hpp"
#include "ticketflow/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ticketflow::detail;
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(data, data + size);
    } catch (const nlohmann::json::exception&) {
        return 0; // not JSON (parse_error, out_of_range): the decoder is never asked
    }
    try {
        const ticketflow::Ticket ticket = ticket_from_json(document);
        const std::string text = ticket_to_json_text(ticket);
        const std::string again = ticket_to_json_text(ticket_from_json(nlohmann::json::parse(text)));
        if (again != text) std::abort(); // not a round trip
    } catch (const ticketflow::ValidationError&) {
        // The one error the decoder may report.
    }
    return 0;
}
