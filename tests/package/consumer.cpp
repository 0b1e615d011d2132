// A host program as the packaging tests build it: once against an installed ticketflow
// (find-package-test) and once with ticketflow added as a subdirectory
// (add-subdirectory-test), each as C++17 and as C++20.
//
// It should include every public header a host uses, so that each is checked to be
// installed, self-contained and valid C++20; add new headers here as they appear. It calls
// into the compiled library so that linking, and for a shared build the exported symbols
// and exception type info, are checked too.
#include <ticketflow/clock.hpp>
#include <ticketflow/error.hpp>

#ifdef TICKETFLOW_TEST_HAVE_SQLITE
#include <ticketflow/sqlite_store.hpp>
#endif

#include <cstdio>
#include <cstring>

int main() {
    if (std::strcmp(ticketflow::to_string(ticketflow::ErrorCode::not_found), "not_found") != 0) {
        std::puts("consumer: unexpected to_string(ErrorCode::not_found)");
        return 1;
    }

    const ticketflow::Instant now = ticketflow::SystemClock{}.now();
    if (now.time_since_epoch().count() <= 0) {
        std::puts("consumer: SystemClock returned a time before the epoch");
        return 1;
    }

    // An exception thrown inside the library must be catchable by its public base class.
    try {
        throw ticketflow::NotFound("ticket 20240520001");
    } catch (const ticketflow::Error& e) {
        if (e.code() != ticketflow::ErrorCode::not_found) return 1;
    }

#ifdef TICKETFLOW_TEST_HAVE_SQLITE
    // The sqlite component links, and its errors cross into the host as the core's types.
    {
        ticketflow::SqliteOptions options;
        options.path = "consumer-missing.db";
        options.create_if_missing = false;
        try {
            ticketflow::SqliteStore store(options);
            std::puts("consumer: SqliteStore opened a missing file");
            return 1;
        } catch (const ticketflow::StorageError& e) {
            if (e.code() != ticketflow::ErrorCode::storage_error) return 1;
        }
    }
#endif

    std::printf("consumer: ticketflow works (C++ %ld)\n", static_cast<long>(__cplusplus));
    return 0;
}
