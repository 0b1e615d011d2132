// The satisfaction history and the work order in both encodings of a ticket: the binary one
// the stores keep (ticketflow/ticket_encoding.hpp) and the JSON one (ticketflow/json.hpp), and
// tickets written before these fields existed.
#include "ticketflow/json.hpp"
#include "ticketflow/ticket_encoding.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

Ticket answered_twice() {
    Ticket t;
    t.id = "20240520001";
    t.version = 5;
    t.status = Status::closed;
    t.channel = channels::follow_up_visit;
    t.type = ticket_types::complaint;
    t.priority = "特急";
    t.customer = {"C1", "", CustomerTier::regular, ""};
    t.times.received = may20_1430();
    t.times.recorded = may20_1430();
    t.reopen_count = 1;
    Satisfaction first{SatisfactionGrade::dissatisfied, 1, "还是不行"};
    first.attitude = 2;
    Satisfaction second{SatisfactionGrade::satisfied, 4, ""};
    t.satisfaction = second;
    t.satisfaction_history = {{0, may20_1430() + 2h, first}, {1, may20_1430() + 30h, second}};
    t.work_order = WorkOrder{ProblemKind::complex, "服务效率", true};
    return t;
}

void check_fields(const Ticket& back) {
    REQUIRE(back.satisfaction_history.size() == 2);
    const auto& first = back.satisfaction_history[0];
    CHECK(first.round == 0);
    CHECK(first.at == may20_1430() + 2h);
    CHECK(first.satisfaction.grade == SatisfactionGrade::dissatisfied);
    CHECK(first.satisfaction.score == 1);
    CHECK(first.satisfaction.comment == "还是不行");
    CHECK(first.satisfaction.attitude == 2);
    CHECK_FALSE(first.satisfaction.efficiency);
    CHECK(back.satisfaction_history[1].round == 1);
    CHECK(back.satisfaction_history[1].at == may20_1430() + 30h);
    CHECK(back.satisfaction_history[1].satisfaction.grade == SatisfactionGrade::satisfied);
    REQUIRE(back.work_order);
    CHECK(back.work_order->kind == ProblemKind::complex);
    CHECK(back.work_order->problem_type == "服务效率");
    CHECK(back.work_order->by_priority);
}

} // namespace

TEST_CASE("the satisfaction history and the work order survive the binary encoding", "[codec]") {
    const Ticket t = answered_twice();
    const std::string bytes = encode_ticket(t);
    check_fields(decode_ticket(bytes));
    CHECK(encode_ticket(decode_ticket(bytes)) == bytes);

    Ticket general = t;
    general.work_order = WorkOrder{ProblemKind::general, "", false};
    auto back = decode_ticket(encode_ticket(general));
    REQUIRE(back.work_order);
    CHECK(back.work_order->kind == ProblemKind::general);
    CHECK_FALSE(back.work_order->by_priority);
}

TEST_CASE("a binary ticket written before the history and work orders decodes without them", "[codec]") {
    Ticket t = answered_twice();
    t.satisfaction_history.clear();
    t.work_order.reset();
    t.times.updated = t.times.received; // stored as a one-byte offset
    const std::string current = encode_ticket(t);
    // Format 2: format number, fields, then the fields added after format 1 — the update
    // instant (0), an empty history (count 0), no work order (0), no provisional deadline
    // (mask 0) — and a 4-byte checksum. A format-1 payload is the same fields without
    // them, unchecked.
    constexpr std::size_t checksum = 4, added = 4;
    REQUIRE(current.size() > 1 + added + checksum);
    CHECK(current.substr(current.size() - checksum - added, added) == std::string("\0\0\0\0", 4));
    // Written before the provisional marks: the block ends after the work order.
    const std::string before_marks = "\x01" + current.substr(1, current.size() - 1 - 1 - checksum);
    const Ticket unmarked = decode_ticket(before_marks);
    CHECK(unmarked.sla.size() == t.sla.size());
    for (const auto& clock : unmarked.sla) CHECK_FALSE(clock.provisional);
    const std::string older = "\x01" + current.substr(1, current.size() - 1 - added - checksum);
    const Ticket back = decode_ticket(older);
    CHECK(back.satisfaction_history.empty());
    CHECK_FALSE(back.work_order);
    CHECK(back.times.updated == back.times.recorded);
    CHECK(back.satisfaction->grade == SatisfactionGrade::satisfied);
    CHECK(back.reopen_count == 1);
    // A payload cut inside the new fields is damage, not an old ticket.
    const std::string full = encode_ticket(answered_twice());
    CHECK_THROWS_AS(decode_ticket(full.substr(0, full.size() - 3)), std::runtime_error);
}

TEST_CASE("the satisfaction history and the work order survive the JSON encoding", "[codec]") {
    const Ticket t = answered_twice();
    const json j = json(t);
    REQUIRE(j["satisfaction_history"].size() == 2);
    CHECK(j["satisfaction_history"][0]["round"] == 0);
    CHECK(j["satisfaction_history"][0]["at"] == "2024-05-20T08:30:00Z");
    CHECK(j["satisfaction_history"][0]["grade"] == "dissatisfied");
    CHECK(j["satisfaction_history"][1]["round"] == 1);
    CHECK(j["work_order"]["kind"] == "complex");
    CHECK(j["work_order"]["problem_type"] == "服务效率");
    CHECK(j["work_order"]["by_priority"] == true);
    const Ticket back = json::parse(j.dump()).get<Ticket>();
    check_fields(back);
    CHECK(json(back) == j);

    Ticket plain = t;
    plain.work_order.reset();
    CHECK(json(plain)["work_order"].is_null());

    // Tickets written before: no members, so no history and no work order.
    const Ticket old = json::parse(R"({"id":"x","reopen_count":1})").get<Ticket>();
    CHECK(old.satisfaction_history.empty());
    CHECK_FALSE(old.work_order);
    CHECK_THROWS_AS((json{{"work_order", {{"kind", "urgent"}}}}.get<Ticket>()), ValidationError);
    CHECK_THROWS_AS((json{{"satisfaction_history", {{{"round", -1}}}}}.get<Ticket>()), ValidationError);
    CHECK_THROWS_AS((json{{"satisfaction_history", {{{"grade", "meh"}}}}}.get<Ticket>()), ValidationError);
}

TEST_CASE("problem kinds have stable names", "[codec]") {
    CHECK(std::string(to_string(ProblemKind::general)) == "general");
    CHECK(std::string(to_string(ProblemKind::complex)) == "complex");
    CHECK(parse_problem_kind("complex") == ProblemKind::complex);
    CHECK_THROWS_AS(parse_problem_kind("hard"), ValidationError);
    CHECK(std::string(to_string(SlaStage::visit_entry)) == "visit_entry");
    CHECK(parse_sla_stage("visit_entry") == SlaStage::visit_entry);
}

TEST_CASE("the binary encoding's checksum is the standard CRC-32C of the bytes before it", "[codec]") {
    // Bit by bit, as the standard defines it (Castagnoli polynomial, reflected).
    auto crc32c = [](const std::string& bytes) {
        std::uint32_t crc = 0xFFFFFFFFu;
        for (unsigned char c : bytes) {
            crc ^= c;
            for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
        }
        return crc ^ 0xFFFFFFFFu;
    };
    REQUIRE(crc32c("123456789") == 0xE3069283u); // the standard's check value
    for (std::size_t length : {0u, 1u, 7u, 8u, 9u, 300u}) {
        Ticket t = answered_twice();
        t.description = std::string(length, 'x');
        const std::string bytes = encode_ticket(t);
        const std::string body = bytes.substr(0, bytes.size() - 4);
        std::uint32_t stored = 0;
        for (int i = 0; i < 4; ++i)
            stored |= std::uint32_t(static_cast<unsigned char>(bytes[body.size() + i])) << (8 * i);
        CHECK(stored == crc32c(body));
    }
}
