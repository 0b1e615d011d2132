// Damaged ticket rows in a real SQLite file: every changed byte of a stored payload is a
// StorageError naming the ticket, the other tickets stay readable, and payloads written
// before checksums (format 1) are still read.
#include "outbox_support.hpp"
#include "sqlite_support.hpp"
#include "support.hpp"
#include "ticketflow/ticket_encoding.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

SqliteOptions options_for(const TempDb& db) {
    SqliteOptions o;
    o.path = db.path();
    return o;
}

// A ticket with most fields set, so that the payload spans every kind of field.
Commit rich_commit(const TicketId& id) {
    Commit c = commit_with_notifications(id, 1, 1);
    Ticket& t = c.ticket;
    t.channel = "APP";
    t.type = "物流问题";
    t.priority = "high";
    t.customer.nickname = "小王";
    t.description = "订单支付后状态未更新，客户希望尽快处理。";
    t.order_number = "SO-2024-000123";
    t.attachments = {"img-1.png"};
    t.department = "技术部";
    t.assignee = "eng-1";
    t.tags = {"支付", "APP"};
    t.estimated_completion = may20_1430() + 4h;
    SlaClock clock;
    clock.started = may20_1430();
    clock.warn_at = may20_1430() + 1h;
    clock.due = may20_1430() + 2h;
    t.sla.push_back(clock);
    return c;
}

std::string to_hex(const std::string& bytes) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

std::string from_hex(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

std::string payload_of(RawDb& raw, const std::string& id) {
    return from_hex(raw.value("SELECT hex(payload) FROM tickets WHERE id = '" + id + "'"));
}

void set_payload(RawDb& raw, const std::string& id, const std::string& bytes) {
    raw.exec("UPDATE tickets SET payload = x'" + to_hex(bytes) + "' WHERE id = '" + id + "'");
}

} // namespace

TEST_CASE("sqlite: every flipped byte of a stored payload is a StorageError naming the ticket", "[sqlite][damage]") {
    TempDb db;
    {
        SqliteStore store(options_for(db));
        for (const char* id : {"T1", "T2", "T3"}) store.commit(rich_commit(id));
    }
    RawDb raw(db.path());
    raw.exec("PRAGMA synchronous = OFF"); // the test rewrites the row hundreds of times
    const std::string good = payload_of(raw, "T2");
    REQUIRE(good.size() >= 48);

    std::size_t refused = 0;
    for (std::size_t pos = 0; pos < good.size(); ++pos) {
        // A single low bit, a single high bit, or the whole byte, in turn.
        static constexpr unsigned char kMasks[] = {0x01, 0x80, 0xFF};
        std::string damaged = good;
        damaged[pos] = static_cast<char>(static_cast<unsigned char>(damaged[pos]) ^ kMasks[pos % 3]);
        set_payload(raw, "T2", damaged);

        SqliteStore store(options_for(db)); // a new store: nothing cached
        INFO("byte " << pos << " of " << good.size());
        try {
            store.load("T2");
            FAIL_CHECK("the damaged payload was read without an error");
        } catch (const StorageError& e) {
            CHECK_THAT(e.what(), Catch::Contains("ticket T2"));
            ++refused;
        }
        CHECK_THROWS_AS(store.query({}), StorageError); // a listing that reaches it fails too
        REQUIRE(store.load("T1"));
        CHECK(store.load("T1")->description == rich_commit("T1").ticket.description);
        REQUIRE(store.load("T3"));
        CHECK(store.history("T2").size() == 1); // the audit trail is another table
    }
    CHECK(refused == good.size());

    set_payload(raw, "T2", good);
    SqliteStore store(options_for(db));
    REQUIRE(store.load("T2"));
    CHECK(store.load("T2")->tags == rich_commit("T2").ticket.tags);
}

TEST_CASE("sqlite: payloads written before checksums (format 1) are still read", "[sqlite][damage]") {
    TempDb db;
    {
        SqliteStore store(options_for(db));
        store.commit(rich_commit("T1"));
    }
    const Ticket expected = rich_commit("T1").ticket;
    {
        RawDb raw(db.path());
        const std::string current = payload_of(raw, "T1");
        REQUIRE(current.size() > 5);
        REQUIRE(current[0] == '\x02'); // format 2: [2][fields][CRC-32C]
        // Format 1 is the same fields without the checksum: [1][fields].
        set_payload(raw, "T1", "\x01" + current.substr(1, current.size() - 5));
    }
    {
        SqliteStore store(options_for(db));
        const auto loaded = store.load("T1");
        REQUIRE(loaded);
        CHECK(loaded->description == expected.description);
        CHECK(loaded->tags == expected.tags);
        CHECK(loaded->sla.size() == 1);
        CHECK(loaded->estimated_completion == expected.estimated_completion);
        // The next write stores the current format, with its checksum.
        Commit next = rich_commit("T1");
        next.ticket.version = 2;
        next.expected_version = 1;
        next.events.front().version = 2;
        next.events.front().action = Action::reply;
        next.notifications.clear();
        store.commit(next);
    }
    RawDb raw(db.path());
    CHECK(payload_of(raw, "T1")[0] == '\x02');
}

TEST_CASE("sqlite: a payload that belongs to another ticket is refused", "[sqlite][damage]") {
    TempDb db;
    {
        SqliteStore store(options_for(db));
        store.commit(rich_commit("T1"));
        store.commit(rich_commit("T2"));
    }
    {
        RawDb raw(db.path());
        set_payload(raw, "T2", payload_of(raw, "T1")); // a valid payload in the wrong row
    }
    SqliteStore store(options_for(db));
    CHECK_THROWS_WITH(store.load("T2"), Catch::Contains("ticket T2") && Catch::Contains("ticket.id"));
    CHECK(store.load("T1"));
}

TEST_CASE("binary decoder: a stored time offset that overflows the clock is damage, not undefined behaviour",
          "[sqlite][damage][codec]") {
    // Found by fuzz_ticket_binary (tests/fuzz/corpus/ticket_binary/time-overflow): a
    // format-1 payload in which a stage time, the received time plus a stored offset,
    // overflows the 64-bit clock (signed overflow, reported by UBSan before the fix).
    const std::string bytes = from_hex("0100000000000001D50000000000000000FF"
                                       "FFFF6CFFFFFFFFFFFFFFFFFF01000009005C"
                                       "661F9C000000A4000000");
    // The fuzzer tries each input as it is and behind a 0x01 format byte: both must fail.
    CHECK_THROWS_AS(decode_ticket(bytes), DamagedEncoding);
    CHECK_THROWS_AS(decode_ticket("\x01" + bytes), DamagedEncoding);
    // A valid ticket round-trips, with its checksum.
    const Ticket t = rich_commit("T1").ticket;
    const std::string encoded = encode_ticket(t);
    CHECK(encode_ticket(decode_ticket(encoded)) == encoded);
    CHECK_THROWS_AS(decode_ticket(encoded.substr(0, encoded.size() - 1)), DamagedEncoding);
    CHECK_THROWS_AS(decode_ticket(""), DamagedEncoding);
}

TEST_CASE("sqlite: on a damaged file a refused open writes nothing, not even a ticket number",
          "[sqlite][damage][transaction]") {
    TempDb db;
    auto clock = std::make_shared<ManualClock>(may20_1430());
    DeskConfig config;
    config.privacy.set("description", FieldAction::reject); // refused inside the transaction
    Actor agent{"agent-1", Role::team_lead, ""};
    TicketId damaged_id;
    {
        ServiceDesk desk(std::make_shared<SqliteStore>(options_for(db)), clock, config);
        damaged_id = desk.open(agent, sample_request()).id;
        desk.open(agent, sample_request("C2"));
    }
    {
        RawDb raw(db.path());
        std::string bytes = payload_of(raw, damaged_id);
        bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x40);
        set_payload(raw, damaged_id, bytes);
    }
    const std::string file_before = file_bytes(db.path()) + file_bytes(db.path() + "-wal");
    {
        auto store = std::make_shared<SqliteStore>(options_for(db));
        ServiceDesk desk(store, clock, config);
        const auto counter = store->sequence_value("ticket-id/20240520");
        auto leaking = sample_request("C3");
        leaking.description = "请回电 13812345678";
        CHECK_THROWS_AS(desk.open(agent, leaking), ValidationError);
        CHECK_THROWS_AS(desk.get(damaged_id), StorageError); // the damage is still there
        CHECK(store->sequence_value("ticket-id/20240520") == counter);
    }
    CHECK(file_bytes(db.path()) + file_bytes(db.path() + "-wal") == file_before);
}
