// The main of ticketflow_postgres_tests: the tests need a PostgreSQL server, named by
// TICKETFLOW_TEST_POSTGRES_URI (scripts/test.sh starts one with scripts/pg-test-cluster.sh).
// Without it the binary reports itself skipped (exit code 77, which ctest shows as
// "Skipped") -- except under CI (CI=true), where a missing server is a failure.
#define CATCH_CONFIG_RUNNER
#include "postgres_support.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>

namespace {

struct CaseCountListener : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;

    void testRunEnded(const Catch::TestRunStats& stats) override {
        const auto& cases = stats.totals.testCases;
        std::printf("test cases: %zu | %zu passed", static_cast<std::size_t>(cases.total()),
                    static_cast<std::size_t>(cases.passed));
        if (cases.failed > 0) std::printf(" | %zu failed", static_cast<std::size_t>(cases.failed));
        std::printf("\n");
    }
};

} // namespace

CATCH_REGISTER_LISTENER(CaseCountListener)

int main(int argc, char** argv) {
    if (ticketflow::testing::postgres_uri().empty()) {
        const char* ci = std::getenv("CI");
        if (ci && std::strcmp(ci, "true") == 0) {
            std::fprintf(stderr, "ticketflow_postgres_tests: CI=true but TICKETFLOW_TEST_POSTGRES_URI is not set: "
                                 "the PostgreSQL tests must run under CI (scripts/test.sh starts a server)\n");
            return 1;
        }
        std::printf("ticketflow_postgres_tests: SKIPPED, no PostgreSQL server: set TICKETFLOW_TEST_POSTGRES_URI "
                    "(e.g. the URI printed by scripts/pg-test-cluster.sh start)\n");
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
