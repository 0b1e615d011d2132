#pragma once
// Catch2 v2 prints only "All tests passed" on success; this listener adds the
// "test cases: N | N passed" line that CI logs are read for. Include it in the one
// translation unit of a test binary that holds its main().

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdio>

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
