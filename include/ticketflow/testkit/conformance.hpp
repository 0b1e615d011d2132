#pragma once
/// @file conformance.hpp
/// @brief The store conformance suite (component `testkit`): every TicketStore contract
/// the library relies on, as Catch2 2.13 checks a host runs against its own store.
///
/// Link `ticketflow::testkit` (find_package(ticketflow COMPONENTS testkit)) into a Catch2
/// test program of the host, which provides Catch2's main; the suite's checks report
/// through Catch2 like the host's own. Each case gets a fresh store from the factory.
///
/// @snippet custom_store.cpp conformance

#include "ticketflow/store.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ticketflow::testkit {

/// @brief Makes a fresh, empty store; called once per case (a case may call it again).
using StoreFactory = std::function<std::shared_ptr<TicketStore>()>;

/// @brief One case of the suite.
struct ConformanceCase {
    std::string name;                             ///< What it checks, e.g. `outbox claim, ack, retry and dead letters`.
    std::function<void(const StoreFactory&)> run; ///< Runs its checks (Catch2 assertions) on stores from the factory.
};

/// @brief Every case of the suite, in the order check_store_conformance() runs them.
const std::vector<ConformanceCase>& conformance_cases();

/// @brief Runs every case against stores from @p make, each as a Catch2 `SECTION`
/// named `<store_name>: <case>`, inside the calling `TEST_CASE`.
///
/// Prints `testkit: conformance suite on <store_name>` once per run, and every failed
/// check names @p store_name. A case that hangs (a scan whose visitor reads the store
/// deadlocks, say) fails after a few seconds instead of stopping the run.
void check_store_conformance(const std::string& store_name, const StoreFactory& make);

/// @brief Runs the one case named @p case_name (see conformance_cases()) against stores
/// from @p make, inside the calling `TEST_CASE`.
/// @throws std::invalid_argument when no case has that name.
void run_conformance_case(const std::string& case_name, const StoreFactory& make);

} // namespace ticketflow::testkit
