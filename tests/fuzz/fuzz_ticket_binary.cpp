// libFuzzer target: the binary ticket decoder (ticketflow/ticket_encoding.hpp), which reads
// SqliteStore and PostgresStore payloads from files that may be damaged.
//
// Any input must either decode or throw DamagedEncoding: no crash, no sanitizer report, no
// other exception (an uncaught one aborts the run). A ticket that decodes must survive a
// round trip: encoding it and decoding that again gives the same bytes.
//
// Each input is tried as it is, and as the fields of an unchecked format-1 payload (a 0x01
// byte in front), so the fuzzer reaches the field decoder without having to forge a
// CRC-32C. See docs/fuzzing.md for how to build and run it.
#include "ticketflow/ticket_encoding.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void decode_and_round_trip(std::string_view bytes) {
    using namespace ticketflow;
    try {
        const ticketflow::Ticket ticket = decode_ticket(bytes);
        const std::string encoded = encode_ticket(ticket);
        if (encode_ticket(decode_ticket(encoded)) != encoded) std::abort(); // not a round trip
    } catch (const DamagedEncoding&) {
        // The one error the decoder may report.
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    decode_and_round_trip(input);
    decode_and_round_trip("\x01" + std::string(input));
    return 0;
}
