// The satisfaction history in both encodings of a ticket: the binary one the stores keep
// (src/store/ticket_codec) and the JSON one (src/codec/json_codec), and tickets written
// before it existed.
#include "codec/json_codec.hpp"
#include "store/ticket_codec.hpp"
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
}

} // namespace

TEST_CASE("the satisfaction history survives the binary encoding", "[codec]") {
    const Ticket t = answered_twice();
    const std::string bytes = detail::encode_ticket(t);
    check_fields(detail::decode_ticket(bytes));
    CHECK(detail::encode_ticket(detail::decode_ticket(bytes)) == bytes);
}

TEST_CASE("a binary ticket written before the history decodes without it", "[codec]") {
    Ticket t = answered_twice();
    t.satisfaction_history.clear();
    const std::string current = detail::encode_ticket(t);
    // The new field comes last: an empty history (count 0). A payload of the earlier layout
    // is the same bytes without it.
    REQUIRE(current.size() > 1);
    CHECK(current.back() == '\0');
    const std::string older = current.substr(0, current.size() - 1);
    const Ticket back = detail::decode_ticket(older);
    CHECK(back.satisfaction_history.empty());
    CHECK(back.satisfaction->grade == SatisfactionGrade::satisfied);
    CHECK(back.reopen_count == 1);
    // A payload cut inside the new field is damage, not an old ticket.
    const std::string full = detail::encode_ticket(answered_twice());
    CHECK_THROWS_AS(detail::decode_ticket(full.substr(0, full.size() - 3)), std::runtime_error);
}

TEST_CASE("the satisfaction history survives the JSON encoding", "[codec]") {
    const Ticket t = answered_twice();
    const json j = detail::ticket_to_json(t);
    REQUIRE(j["satisfaction_history"].size() == 2);
    CHECK(j["satisfaction_history"][0]["round"] == 0);
    CHECK(j["satisfaction_history"][0]["at"] == "2024-05-20T08:30:00Z");
    CHECK(j["satisfaction_history"][0]["grade"] == "dissatisfied");
    CHECK(j["satisfaction_history"][1]["round"] == 1);
    const Ticket back = detail::ticket_from_json(json::parse(j.dump()));
    check_fields(back);
    CHECK(detail::ticket_to_json(back) == j);

    // Tickets written before: no member, so no history.
    const Ticket old = detail::ticket_from_json(json::parse(R"({"id":"x","reopen_count":1})"));
    CHECK(old.satisfaction_history.empty());
    CHECK_THROWS_AS(detail::ticket_from_json(json{{"satisfaction_history", {{{"round", -1}}}}}), ValidationError);
    CHECK_THROWS_AS(detail::ticket_from_json(json{{"satisfaction_history", {{{"grade", "meh"}}}}}), ValidationError);
}
