// The main of ticketflow_postgres_tests: the tests need a PostgreSQL server, named by
// TICKETFLOW_TEST_POSTGRES_URI (scripts/test.sh starts one with scripts/pg-test-cluster.sh).
// Without it the binary reports itself skipped (exit code 77, which ctest shows as
// "Skipped") -- except under CI (CI=true), where a missing server is a failure.
#define CATCH_CONFIG_RUNNER
#include "case_count_listener.hpp"
#include "postgres_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

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
