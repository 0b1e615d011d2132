#include "ticketflow/clock.hpp"

#include <catch2/catch.hpp>

using namespace ticketflow;

TEST_CASE("manual clock moves only when told", "[clock]") {
    ManualClock clock(Instant{Duration{1000}});
    CHECK(clock.now() == Instant{Duration{1000}});
    clock.advance(std::chrono::minutes(5));
    CHECK(clock.now() == Instant{Duration{1300}});
    clock.set(Instant{Duration{10}});
    CHECK(clock.now() == Instant{Duration{10}});
}

TEST_CASE("system clock reads wall time", "[clock]") {
    SystemClock clock;
    auto before = std::chrono::system_clock::now() - std::chrono::seconds(1);
    CHECK(clock.now() >= before);
}
