// Many threads hammer the same tickets; no update may be lost.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <thread>

using namespace ticketflow;
using namespace ticketflow::testing;

TEST_CASE("8 threads x 10,000 commands on 100 shared tickets lose no update", "[desk][concurrency]") {
    constexpr int threads = 8, commands_per_thread = 10000, ticket_count = 100;
    DeskFixture f;
    std::vector<TicketId> ids;
    for (int i = 0; i < ticket_count; ++i) {
        auto id = f.desk.open(f.agent, sample_request()).id;
        f.desk.assign(f.agent, id, "eng-1");
        f.desk.start(f.agent, id);
        ids.push_back(id);
    }

    std::vector<std::vector<int>> notes_per_ticket(threads, std::vector<int>(ticket_count, 0));
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
        workers.emplace_back([&, w] {
            std::mt19937 rng(static_cast<unsigned>(w));
            std::uniform_int_distribution<int> pick(0, ticket_count - 1);
            Actor actor{"agent-" + std::to_string(w), Role::agent, ""};
            for (int i = 0; i < commands_per_thread; ++i) {
                int t = pick(rng);
                try {
                    f.desk.add_note(actor, ids[static_cast<std::size_t>(t)], "note");
                    ++notes_per_ticket[static_cast<std::size_t>(w)][static_cast<std::size_t>(t)];
                } catch (...) {
                    ++failures;
                }
            }
        });
    }
    for (auto& worker : workers) worker.join();

    CHECK(failures == 0);
    std::uint64_t total = 0;
    for (int t = 0; t < ticket_count; ++t) {
        std::uint64_t notes = 0;
        for (int w = 0; w < threads; ++w) notes += static_cast<std::uint64_t>(notes_per_ticket[w][t]);
        auto ticket = f.desk.get(ids[static_cast<std::size_t>(t)]);
        REQUIRE(ticket.version == 3 + notes); // open, assign, start, then one version per note
        REQUIRE(f.desk.history(ticket.id).size() == ticket.version);
        total += notes;
    }
    CHECK(total == threads * commands_per_thread);
}
