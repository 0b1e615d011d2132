// A host program as the packaging tests build it: once against an installed ticketflow
// (find-package-test) and once with ticketflow added as a subdirectory
// (add-subdirectory-test), each as C++17 and as C++20.
//
// It should include every public header a host uses, so that each is checked to be
// installed, self-contained and valid C++20; add new headers here as they appear. It calls
// into the compiled library so that linking, and for a shared build the exported symbols
// and exception type info, are checked too.
#include <ticketflow/actor.hpp>
#include <ticketflow/audit.hpp>
#include <ticketflow/authorizer.hpp>
#include <ticketflow/calendar.hpp>
#include <ticketflow/clock.hpp>
#include <ticketflow/desk.hpp>
#include <ticketflow/error.hpp>
#include <ticketflow/followup.hpp>
#include <ticketflow/forwarding_store.hpp>
#include <ticketflow/lease.hpp>
#include <ticketflow/lifecycle.hpp>
#include <ticketflow/notify.hpp>
#include <ticketflow/privacy.hpp>
#include <ticketflow/report.hpp>
#include <ticketflow/routing.hpp>
#include <ticketflow/similarity.hpp>
#include <ticketflow/sla.hpp>
#include <ticketflow/store.hpp>
#include <ticketflow/ticket.hpp>
#include <ticketflow/version.hpp>

#ifdef TICKETFLOW_TEST_HAVE_SQLITE
#include <ticketflow/sqlite_store.hpp>
#endif
#ifdef TICKETFLOW_TEST_HAVE_POSTGRES
#include <ticketflow/postgres_store.hpp>
#endif

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

int main() {
    if (std::strcmp(ticketflow::to_string(ticketflow::ErrorCode::not_found), "not_found") != 0) {
        std::puts("consumer: unexpected to_string(ErrorCode::not_found)");
        return 1;
    }

    if (std::strcmp(TICKETFLOW_VERSION, "") == 0 || TICKETFLOW_VERSION_MAJOR < 0) {
        std::puts("consumer: no version in ticketflow/version.hpp");
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

    // A ticket from intake to closed through the facade, on the built-in calendar.
    {
        using namespace ticketflow;
        auto clock = std::make_shared<ManualClock>(Instant{Duration{1716186600}}); // 2024-05-20 14:30 Beijing
        // Through the public ForwardingStore base: it forwards every call.
        ServiceDesk desk(std::make_shared<ForwardingStore>(std::make_shared<MemoryStore>()), clock);
        Actor lead{"lead-1", Role::team_lead, ""};
        NewTicket request;
        request.channel = channels::phone;
        request.type = ticket_types::consult;
        request.customer.id = "C1";
        request.description = "如何修改收货地址";
        auto id = desk.open(lead, request).id;
        desk.assign(lead, id, "agent-1");
        desk.start(lead, id);
        desk.resolve(lead, id, {"已发送操作指引", Responsibility::customer});
        auto t = desk.close(lead, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
        if (t.status != Status::closed || id != "20240520001" || desk.history(id).size() != 5) {
            std::puts("consumer: the ticket did not run its course");
            return 1;
        }
    }

    // Similarity and reports link (members of the result types too), and render without
    // the library's private JSON dependency.
    {
        auto report = ticketflow::build_report(ticketflow::MemoryStore{}, {});
        if (ticketflow::similarity("订单支付后状态未更新", "订单付款之后状态一直没有更新") <
                ticketflow::default_similarity_threshold ||
            report.overall.handling.mean() || report.follow_up.coverage() ||
            ticketflow::to_html(report).find("<svg") == std::string::npos) {
            std::puts("consumer: similarity or reports do not work");
            return 1;
        }
    }

    // Follow-up rules and routing weights (plain structs with members defined in the
    // library) link too.
    {
        auto rules = ticketflow::FollowUpRules::standard_rules();
        if (rules.empty() || rules.front().share_for(ticketflow::CustomerTier::vip) <= 0 ||
            ticketflow::LoadWeights{}.weight_of(0) <= 0) {
            std::puts("consumer: follow-up rules or load weights do not work");
            return 1;
        }
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

#ifdef TICKETFLOW_TEST_HAVE_POSTGRES
    // The postgres component links (libpq with it), and its errors cross into the host as
    // the core's types: a refused option, and a server that is not there.
    {
        ticketflow::PostgresOptions options;
        try {
            ticketflow::PostgresStore store(options);
            std::puts("consumer: PostgresStore opened without a connection string");
            return 1;
        } catch (const ticketflow::ValidationError& e) {
            if (e.field() != "connection") return 1;
        }
        options.connection = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2";
        try {
            ticketflow::PostgresStore store(options);
            std::puts("consumer: PostgresStore connected to a port nobody listens on");
            return 1;
        } catch (const ticketflow::StorageError& e) {
            if (e.code() != ticketflow::ErrorCode::storage_error) return 1;
        }
    }
#endif

    std::printf("consumer: ticketflow works (C++ %ld)\n", static_cast<long>(__cplusplus));
    return 0;
}
