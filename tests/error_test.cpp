#include "ticketflow/error.hpp"

#include <catch2/catch.hpp>

using namespace ticketflow;

TEST_CASE("errors carry a code and name the field", "[error]") {
    ValidationError e("description", "must not be empty");
    CHECK(e.code() == ErrorCode::invalid_argument);
    CHECK(e.field() == "description");
    CHECK(std::string(e.what()) == "description: must not be empty");
    CHECK(std::string(to_string(ErrorCode::guard_rejected)) == "guard_rejected");
    CHECK(NotFound("ticket 1").code() == ErrorCode::not_found);
}
