// ServiceDesk's commands in any order with any input, on a MemoryStore: the promise of
// desk.hpp and docs/desk.md that a command either commits completely or throws one of
// ticketflow's errors and writes nothing. The input is read as a list of commands: a
// byte choosing the command, one choosing the actor, one the ticket (of those opened so
// far), then the command's own values, each text either a word of a small vocabulary (the
// desk's channels, types, priorities, ids) or raw bytes. After a command that throws, the
// store must hold what it held before: every ticket's version and history, the outbox and
// the ticket numbering (a refused permission may add its one audit event, as documented).
// Any other exception, a crash or a sanitizer report is a finding. See docs/fuzzing.md.
#include "ticketflow/desk.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/store.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace ticketflow;

namespace {

class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    bool empty() const noexcept { return size_ == 0; }
    std::uint8_t byte() noexcept {
        if (size_ == 0) return 0;
        --size_;
        return *data_++;
    }
    template <class E>
    E any_enum() noexcept { // any value of the underlying byte, valid or not
        return static_cast<E>(byte());
    }
    std::string text() {
        static const char* const words[] = {"",
                                            " ",
                                            "0",
                                            "-1",
                                            "APP订单支付后状态未更新",
                                            "C20240520001",
                                            "C20240520002",
                                            "eng-1",
                                            "eng-2",
                                            "售后部",
                                            "技术部",
                                            "紧急",
                                            "特急",
                                            "一般",
                                            "phone",
                                            "online_chat",
                                            "email",
                                            "app",
                                            "fault",
                                            "complaint",
                                            "consult",
                                            "order",
                                            "已修复",
                                            "客户撤回",
                                            "13812345678",
                                            "zhang@example.com",
                                            "20240520001",
                                            "20240520002",
                                            "DD2024052012345",
                                            "\xff\xfe"};
        const std::uint8_t b = byte();
        if (b < 0xC0) return words[b % (sizeof words / sizeof *words)];
        std::string raw;
        for (int k = b & 0x3F; k > 0 && !empty(); --k) raw.push_back(static_cast<char>(byte()));
        return raw;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
};

// What a refused command must leave as it was.
struct Stored {
    std::map<TicketId, std::pair<std::uint64_t, std::size_t>> tickets; // version, events
    std::size_t pending = 0, dead = 0;
    std::uint64_t numbering = 0; // the day's ticket counter

    bool operator==(const Stored& o) const {
        return tickets == o.tickets && pending == o.pending && dead == o.dead && numbering == o.numbering;
    }
};

// The ticket numbering's counter of the day `now` falls on (src/desk/transaction.cpp).
std::string counter_name(const ServiceDesk& desk, Instant now) {
    const auto day = desk.calendar().local_date(now);
    char name[32];
    std::snprintf(name, sizeof name, "ticket-id/%04d%02d%02d", static_cast<int>(day.year()),
                  static_cast<int>(day.month().as_number()), static_cast<int>(day.day().as_number()));
    return name;
}

Stored stored(const TicketStore& store, const std::string& counter) {
    Stored s;
    store.scan(TicketQuery{}, [&](const Ticket& t) {
        s.tickets[t.id] = {t.version, store.history(t.id).size()};
        return true;
    });
    s.pending = store.outbox_pending(1 << 20).size();
    s.dead = store.outbox_dead(1 << 20).size();
    s.numbering = store.sequence_value(counter);
    return s;
}

// A refused permission is kept in the ticket's audit trail: one event, the version kept.
void forgive_refusal_event(Stored& after, const Stored& before) {
    for (auto& [id, state] : after.tickets) {
        auto was = before.tickets.find(id);
        if (was != before.tickets.end() && state.first == was->second.first && state.second == was->second.second + 1)
            state.second = was->second.second;
    }
}

[[noreturn]] void fail(int command, const Error& e) {
    std::fprintf(stderr, "desk_commands_fuzzer: command %d threw %s and changed the store\n", command, e.what());
    std::abort();
}

// One command chosen by `command`, its values read from `in`; a ticket it opens joins `ids`.
void run(ServiceDesk& desk, ManualClock& clock, int command, const Actor& actor, const TicketId& id,
         std::vector<TicketId>& ids, Input& in) {
    switch (command) {
    case 0: {
        NewTicket r;
        r.channel = in.text();
        r.type = in.text();
        r.priority = in.text();
        r.customer = {in.text(), in.text(), in.any_enum<CustomerTier>(), {}};
        r.description = in.text();
        r.order_number = in.text();
        r.department = in.text();
        r.remarks = in.text();
        if (in.byte() & 1) r.received_at = clock.now() - std::chrono::minutes(in.byte() * 7);
        if (in.byte() & 1) r.contact.phone = in.text();
        if (in.byte() & 1) r.links.push_back({in.any_enum<LinkKind>(), ids[in.byte() % ids.size()]});
        ids.push_back(desk.open(actor, r).id);
        return;
    }
    case 1: {
        Classification c;
        if (in.byte() & 1) c.type = in.text();
        if (in.byte() & 1) c.priority = in.text();
        if (in.byte() & 1) c.department = in.text();
        desk.classify(actor, id, c);
        return;
    }
    case 2: desk.assign(actor, id, in.text()); return;
    case 3: desk.start(actor, id); return;
    case 4: desk.post_update(actor, id, in.text()); return;
    case 5: desk.add_note(actor, id, in.text()); return;
    case 6: desk.change_priority(actor, id, in.text(), in.text()); return;
    case 7: desk.escalate(actor, id, in.text()); return;
    case 8: desk.wait_for_customer(actor, id, in.text()); return;
    case 9: desk.resume(actor, id); return;
    case 10: desk.resolve(actor, id, {in.text(), in.any_enum<Responsibility>()}); return;
    case 11:
    case 12: {
        CustomerFeedback feedback;
        if (in.byte() & 1)
            feedback.satisfaction =
                Satisfaction{in.any_enum<SatisfactionGrade>(), static_cast<int>(in.byte() % 8) - 1, in.text()};
        if (command == 11)
            desk.close(actor, id, feedback);
        else
            desk.record_feedback(actor, id, feedback);
        return;
    }
    case 13: desk.reopen(actor, id, in.text()); return;
    case 14: desk.cancel(actor, id, in.any_enum<CloseReason>(), in.text()); return;
    case 15: desk.merge(actor, id, ids[in.byte() % ids.size()], in.text()); return;
    case 16: {
        NewTicket r;
        r.channel = channels::phone;
        r.type = in.text();
        r.customer = {in.text(), {}, CustomerTier::regular, {}};
        r.description = in.text();
        ids.push_back(desk.open_derived(actor, id, r).id);
        return;
    }
    case 17: {
        TaskRequest task;
        task.department = in.text();
        task.owner = in.text();
        task.description = in.text();
        task.due = clock.now() + std::chrono::minutes(static_cast<int>(in.byte()) * 30 - 600);
        desk.add_task(actor, id, task);
        return;
    }
    case 18: desk.complete_task(actor, id, in.byte() % 4, in.text()); return;
    case 19:
        clock.advance(std::chrono::minutes(in.byte() * 23));
        desk.tick(clock.now() - std::chrono::minutes(in.byte() % 16));
        return;
    default: desk.explain_overdue(actor, id, in.any_enum<SlaStage>(), in.text()); return;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input in(data, size);
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(Instant{std::chrono::seconds(1716186600)}); // 2024-05-20 14:30 +08
    ServiceDesk desk(store, clock, DeskConfig{});
    const Actor actors[] = {{"agent-1", Role::team_lead, ""},  {"eng-1", Role::agent, "售后部"},
                            {"eng-2", Role::agent, "技术部"},  {"C20240520001", Role::customer, ""},
                            {"boss", Role::manager, ""},       {"sup", Role::supervisor, "售后部"},
                            {"odd", static_cast<Role>(77), ""}};
    std::vector<TicketId> ids{"20240520001"}; // the first id the desk hands out
    for (int step = 0; step < 64 && !in.empty(); ++step) {
        const int command = in.byte() % 21;
        const Actor& actor = actors[in.byte() % (sizeof actors / sizeof *actors)];
        const TicketId id = ids[in.byte() % ids.size()];
        const std::string counter = counter_name(desk, clock->now());
        const Stored before = stored(*store, counter);
        try {
            run(desk, *clock, command, actor, id, ids, in);
        } catch (const Error& e) {
            Stored after = stored(*store, counter);
            if (dynamic_cast<const PermissionDenied*>(&e)) forgive_refusal_event(after, before);
            if (!(after == before)) fail(command, e);
        }
    }
    return 0;
}
