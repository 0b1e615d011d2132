// One contract, every store: the testkit's conformance suite runs against each factory in
// StoreFactories (tests/store_factories.hpp), as a host runs it against its own store.
#include "store_factories.hpp"

#include "ticketflow/testkit/conformance.hpp"

#include <catch2/catch.hpp>

using namespace ticketflow;
using namespace ticketflow::testing;

TEMPLATE_LIST_TEST_CASE("store: the conformance suite", "[store][conformance]", StoreFactories) {
    testkit::check_store_conformance(TestType::name, [] { return TestType{}.make(); });
}
