#pragma once
/// @file ticket_encoding.hpp
/// @brief The compact binary encoding of tickets: the storage format of SqliteStore and
/// PostgresStore payloads and of the closed tickets MemoryStore keeps.
///
/// It decodes many times faster than JSON and takes about half the space. Because files
/// and databases hold it, an encoded ticket starts with a format number, and a change to
/// the layout is a new format number that decode_ticket() keeps reading:
///
/// | format | layout | |
/// |---|---|---|
/// | 1 | `[varint 1][fields]` | read only |
/// | 2 | `[varint 2][fields][CRC-32C of all bytes before it, 4 bytes little-endian]` | written |
///
/// Fields are unsigned LEB128 varints (signed values zigzag-encoded first; enums by their
/// position, bounded by enum_count), texts as a length and their bytes, times in seconds
/// relative to StageTimes::received, doubles as their bits. Fields added after format 1
/// come at the end; a payload that ends before them decodes with their defaults. The
/// field-by-field layout is documented in docs/serialization.md and in
/// src/store/ticket_codec.cpp; the field list (ticketflow/ticket_fields.hpp) keeps a new
/// Ticket field from being left out of it.
///
/// The CRC-32C (Castagnoli) detects any damaged byte before a field is read. Malformed
/// input (a checksum mismatch, truncated, an unknown format, an enum out of range, a count
/// larger than the bytes left, a time out of range) throws DamagedEncoding; the decoder
/// never reads out of bounds.
///
/// Pure functions of their arguments; thread-safe.
///
/// @snippet header_examples_test.cpp ticket-encoding

#include "ticketflow/error.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/ticket.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ticketflow {

/// @brief The format encode_ticket() writes.
inline constexpr std::uint64_t ticket_encoding_format = 2;

/// @brief Bytes that are not a valid ticket encoding (see the file comment). The stores
/// report it as a StorageError naming the file or database and the ticket.
class TICKETFLOW_API DamagedEncoding : public StorageError {
public:
    /// @brief @p message says what is wrong with the bytes.
    using StorageError::StorageError;
};

/// @brief @p ticket in the current format (ticket_encoding_format). Never throws but
/// std::bad_alloc.
TICKETFLOW_API std::string encode_ticket(const Ticket& ticket);
/// @brief The ticket in @p bytes, of any format listed above.
/// @throws DamagedEncoding when @p bytes are not a valid encoding.
TICKETFLOW_API Ticket decode_ticket(std::string_view bytes);

} // namespace ticketflow
