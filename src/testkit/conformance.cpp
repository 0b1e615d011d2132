// The store conformance suite of the testkit component: see ticketflow/testkit/conformance.hpp.
// Only public headers: a host builds and links this against its own store.
#include "ticketflow/testkit/conformance.hpp"

#include "ticketflow/desk.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace ticketflow::testkit {
namespace {

using namespace std::chrono_literals;

// 2024-05-20 06:30 UTC = 14:30 in Beijing.
Instant may20_1430() { return Instant{Duration{1716186600}}; }

NewTicket sample_request(const std::string& customer = "C20240520001") {
    NewTicket r;
    r.channel = channels::online_chat;
    r.type = ticket_types::complaint;
    r.priority = "紧急";
    r.customer = {customer, "小王*", CustomerTier::regular, ""};
    r.description = "APP订单支付后状态未更新";
    r.order_number = "DD2024052012345";
    return r;
}

Ticket full_ticket(const TicketId& id, std::uint64_t version = 1) {
    Ticket t;
    t.id = id;
    t.version = version;
    t.status = Status::in_progress;
    t.channel = channels::app;
    t.type = ticket_types::fault;
    t.priority = "特急";
    t.customer = {"C-" + id, "小王*", CustomerTier::vip, "tok-1"};
    t.description = "APP 无法登录 😀 — “引号” 'quote' \\ backslash\nnew line";
    t.order_number = "DD2024052012345";
    t.attachments = {"s3://bucket/a.png", "附件-2.pdf"};
    t.department = "技术部";
    t.assignee = "技术部-张工*";
    t.times.received = may20_1430() - 5min;
    t.times.recorded = may20_1430();
    t.times.classified = may20_1430() + 1min;
    t.times.assigned = may20_1430() + 2min;
    t.times.first_response = may20_1430() + 3min;
    t.times.started = may20_1430() + 4min;
    t.estimated_completion = may20_1430() + 4h;
    t.resolution = "'; DROP TABLE tickets; --";
    t.responsibility = Responsibility::third_party;
    t.satisfaction = Satisfaction{SatisfactionGrade::neutral, 3, "一般般", 4, 5, std::nullopt};
    t.close_reason = CloseReason::no_answer;
    t.remarks = "客户希望后续推送订单状态变更提醒";
    t.tags = {"支付", "登录"};
    t.links = {{LinkKind::follow_up_of, "20240519001"}, {LinkKind::duplicate_of, "20240519002"}};
    t.reopen_count = 2;
    t.escalation_level = 3;
    t.waiting_for_customer = true;
    t.wait_reason = "等待截图";
    t.resume_at = may20_1430() + 48h;
    SlaClock response;
    response.stage = SlaStage::first_response;
    response.started = may20_1430() - 5min;
    response.stopped = may20_1430() + 3min;
    response.warn_at = may20_1430() + 40min;
    response.due = may20_1430() + 55min;
    SlaClock resolution;
    resolution.stage = SlaStage::resolution;
    resolution.started = may20_1430() - 5min;
    resolution.pauses = {{may20_1430() + 1h, may20_1430() + 2h}};
    resolution.paused_since = may20_1430() + 3h;
    resolution.warn_at = may20_1430() + 20h;
    resolution.due = may20_1430() + 25h;
    resolution.warned = true;
    resolution.breached = true;
    resolution.escalations = 2;
    resolution.overdue_reason = "等待第三方物流";
    t.sla = {response, resolution};
    t.result_notice = ResultNotice{may20_1430() + 6h, channels::phone, "已告知处理结果"};
    VisitDetails visit;
    visit.reason = VisitReason::complaint;
    visit.plan = "2024-05 complaints #42";
    visit.window_from = may20_1430() + 24h;
    visit.window_until = may20_1430() + 48h;
    visit.attempts = {{may20_1430() + 25h, ContactOutcome::no_answer, "无人接听"},
                      {may20_1430() + 26h, ContactOutcome::reached, ""}};
    visit.answers = {{"您对服务效率是否满意？", 4, "等待稍久"}, {"工程师是否准时到达？", 5, ""}};
    visit.comment = "希望增加线上服务渠道";
    t.visit = visit;
    t.identity_verified = true;
    CollaborationTask task;
    task.number = 1;
    task.department = "物流部";
    task.owner = "物流部-王*";
    task.description = "核实签收凭证";
    task.due = may20_1430() + 4h;
    task.completed = may20_1430() + 3h;
    task.outcome = "快递员已确认误投";
    task.overdue_notified = true;
    CollaborationTask open_task;
    open_task.number = 2;
    open_task.department = "产品部";
    open_task.owner = "产品-李*";
    open_task.description = "确认需求合理性";
    open_task.due = may20_1430() + 24h;
    open_task.mandatory = false;
    t.tasks = {task, open_task};
    Approval granted;
    granted.number = 1;
    granted.kind = SolutionKind::coupon;
    granted.amount = 20;
    granted.description = "赠送优惠券";
    granted.requested_by = "客服-张*";
    granted.requested_at = may20_1430() + 1h;
    granted.due = granted.requested_at;
    granted.state = ApprovalState::granted;
    granted.decided_by = "客服-张*";
    granted.decided_at = granted.requested_at;
    Approval denied;
    denied.number = 2;
    denied.kind = SolutionKind::compensation;
    denied.amount = 1234.56; // not a binary fraction: must come back bit for bit
    denied.description = "赔偿损坏商品";
    denied.requested_by = "客服-张*";
    denied.approver = Role::supervisor;
    denied.requested_at = may20_1430() + 2h;
    denied.due = may20_1430() + 20h;
    denied.state = ApprovalState::denied;
    denied.decided_by = "主管-刘*";
    denied.decided_at = may20_1430() + 21h;
    denied.note = "超出赔付标准";
    denied.overdue_notified = true;
    Approval pending;
    pending.number = 3;
    pending.amount = 0.1;
    pending.description = "退还运费";
    pending.approver = Role::team_lead;
    pending.requested_at = may20_1430() + 3h;
    pending.due = may20_1430() + 22h;
    t.approvals = {granted, denied, pending};
    return t;
}

void check_same(const Ticket& a, const Ticket& b) {
    CHECK(a.id == b.id);
    CHECK(a.version == b.version);
    CHECK(a.status == b.status);
    CHECK(a.channel == b.channel);
    CHECK(a.type == b.type);
    CHECK(a.priority == b.priority);
    CHECK(a.customer.id == b.customer.id);
    CHECK(a.customer.nickname == b.customer.nickname);
    CHECK(a.customer.tier == b.customer.tier);
    CHECK(a.customer.contact_token == b.customer.contact_token);
    CHECK(a.description == b.description);
    CHECK(a.order_number == b.order_number);
    CHECK(a.attachments == b.attachments);
    CHECK(a.department == b.department);
    CHECK(a.assignee == b.assignee);
    CHECK(a.times.received == b.times.received);
    CHECK(a.times.recorded == b.times.recorded);
    CHECK(a.times.classified == b.times.classified);
    CHECK(a.times.assigned == b.times.assigned);
    CHECK(a.times.first_response == b.times.first_response);
    CHECK(a.times.started == b.times.started);
    CHECK(a.times.resolved == b.times.resolved);
    CHECK(a.times.closed == b.times.closed);
    CHECK(a.estimated_completion == b.estimated_completion);
    CHECK(a.resolution == b.resolution);
    CHECK(a.responsibility == b.responsibility);
    REQUIRE(a.satisfaction.has_value() == b.satisfaction.has_value());
    if (a.satisfaction) {
        CHECK(a.satisfaction->grade == b.satisfaction->grade);
        CHECK(a.satisfaction->score == b.satisfaction->score);
        CHECK(a.satisfaction->comment == b.satisfaction->comment);
        CHECK(a.satisfaction->efficiency == b.satisfaction->efficiency);
        CHECK(a.satisfaction->attitude == b.satisfaction->attitude);
        CHECK(a.satisfaction->outcome == b.satisfaction->outcome);
    }
    CHECK(a.close_reason == b.close_reason);
    CHECK(a.remarks == b.remarks);
    CHECK(a.tags == b.tags);
    CHECK(a.links == b.links);
    CHECK(a.reopen_count == b.reopen_count);
    CHECK(a.escalation_level == b.escalation_level);
    CHECK(a.waiting_for_customer == b.waiting_for_customer);
    CHECK(a.wait_reason == b.wait_reason);
    CHECK(a.resume_at == b.resume_at);
    CHECK(a.identity_verified == b.identity_verified);
    REQUIRE(a.tasks.size() == b.tasks.size());
    for (std::size_t i = 0; i < a.tasks.size(); ++i) {
        const auto& x = a.tasks[i];
        const auto& y = b.tasks[i];
        CHECK(x.number == y.number);
        CHECK(x.department == y.department);
        CHECK(x.owner == y.owner);
        CHECK(x.description == y.description);
        CHECK(x.due == y.due);
        CHECK(x.mandatory == y.mandatory);
        CHECK(x.completed == y.completed);
        CHECK(x.outcome == y.outcome);
        CHECK(x.overdue_notified == y.overdue_notified);
    }
    REQUIRE(a.approvals.size() == b.approvals.size());
    for (std::size_t i = 0; i < a.approvals.size(); ++i) {
        const auto& x = a.approvals[i];
        const auto& y = b.approvals[i];
        CHECK(x.number == y.number);
        CHECK(x.kind == y.kind);
        CHECK(x.amount == y.amount);
        CHECK(x.description == y.description);
        CHECK(x.requested_by == y.requested_by);
        CHECK(x.approver == y.approver);
        CHECK(x.requested_at == y.requested_at);
        CHECK(x.due == y.due);
        CHECK(x.state == y.state);
        CHECK(x.decided_by == y.decided_by);
        CHECK(x.decided_at == y.decided_at);
        CHECK(x.note == y.note);
        CHECK(x.overdue_notified == y.overdue_notified);
    }
    REQUIRE(a.result_notice.has_value() == b.result_notice.has_value());
    if (a.result_notice) {
        CHECK(a.result_notice->at == b.result_notice->at);
        CHECK(a.result_notice->channel == b.result_notice->channel);
        CHECK(a.result_notice->summary == b.result_notice->summary);
    }
    REQUIRE(a.visit.has_value() == b.visit.has_value());
    if (a.visit) {
        const auto& x = *a.visit;
        const auto& y = *b.visit;
        CHECK(x.reason == y.reason);
        CHECK(x.plan == y.plan);
        CHECK(x.window_from == y.window_from);
        CHECK(x.window_until == y.window_until);
        REQUIRE(x.attempts.size() == y.attempts.size());
        for (std::size_t i = 0; i < x.attempts.size(); ++i) {
            CHECK(x.attempts[i].at == y.attempts[i].at);
            CHECK(x.attempts[i].outcome == y.attempts[i].outcome);
            CHECK(x.attempts[i].note == y.attempts[i].note);
        }
        REQUIRE(x.answers.size() == y.answers.size());
        for (std::size_t i = 0; i < x.answers.size(); ++i) {
            CHECK(x.answers[i].question == y.answers[i].question);
            CHECK(x.answers[i].score == y.answers[i].score);
            CHECK(x.answers[i].reason == y.answers[i].reason);
        }
        CHECK(x.comment == y.comment);
    }
    REQUIRE(a.sla.size() == b.sla.size());
    for (std::size_t i = 0; i < a.sla.size(); ++i) {
        const auto& x = a.sla[i];
        const auto& y = b.sla[i];
        CHECK(x.stage == y.stage);
        CHECK(x.started == y.started);
        CHECK(x.stopped == y.stopped);
        CHECK(x.pauses == y.pauses);
        CHECK(x.paused_since == y.paused_since);
        CHECK(x.warn_at == y.warn_at);
        CHECK(x.due == y.due);
        CHECK(x.warned == y.warned);
        CHECK(x.breached == y.breached);
        CHECK(x.escalations == y.escalations);
        CHECK(x.overdue_reason == y.overdue_reason);
    }
}

// Runs @p f on a thread of its own and waits at most @p limit for it; false when it has not
// returned by then (the thread is left behind, blocked: a deadlocked store cannot be
// unblocked). Rethrows what @p f threw. Catch2 assertions are not thread-safe, so @p f
// only records what it saw; the caller checks it.
bool returns_within(std::chrono::milliseconds limit, std::function<void()> f) {
    auto task = std::make_shared<std::packaged_task<void()>>(std::move(f));
    auto done = task->get_future();
    std::thread([task] { (*task)(); }).detach();
    if (done.wait_for(limit) != std::future_status::ready) return false;
    done.get();
    return true;
}

constexpr std::chrono::seconds hang_limit{5};

AuditEvent event_for(const Ticket& t, Action action, const std::string& note = "note") {
    return AuditEvent{t.id, t.version, may20_1430(), "agent-1", action, Status::pending, t.status, note};
}

Notification notification_for(const Ticket& t, const std::string& text = "text") {
    Notification n;
    n.ticket = t.id;
    n.kind = NotificationKind::progress;
    n.recipient = t.customer.id;
    n.at = may20_1430();
    n.text = text;
    n.idempotency_key = t.id + "/" + std::to_string(t.version) + "/0";
    return n;
}

Commit create(const Ticket& t, std::optional<Instant> due = std::nullopt) {
    return Commit{t, 0, {event_for(t, Action::open)}, {notification_for(t)}, due, {}};
}

Commit update(Ticket t, std::optional<Instant> due = std::nullopt) {
    ++t.version;
    auto expected = t.version - 1;
    return Commit{t, expected, {event_for(t, Action::add_note)}, {notification_for(t)}, due, {}};
}

void case_1(const StoreFactory& make) { // every field round-trips, text verbatim
    auto store = make();
    auto t = full_ticket("20240520001");
    store->commit(create(t));
    auto loaded = store->load(t.id);
    REQUIRE(loaded);
    check_same(*loaded, t);
    CHECK_FALSE(store->load("20240520999"));

    Ticket sparse;
    sparse.id = "20240520002";
    sparse.version = 1;
    sparse.times.received = may20_1430();
    sparse.times.recorded = may20_1430();
    store->commit(create(sparse));
    check_same(*store->load(sparse.id), sparse);
}

void case_2(const StoreFactory& make) { // stale versions are rejected and write nothing
    auto store = make();
    auto t = full_ticket("20240520001");
    store->commit(create(t));
    CHECK_THROWS_AS(store->commit(create(t)), ConcurrencyConflict); // id taken

    auto next = update(t);
    store->commit(next);
    auto stale = update(t); // based on version 1 again
    stale.ticket.description = "lost update";
    CHECK_THROWS_AS(store->commit(stale), ConcurrencyConflict);

    CHECK(store->load(t.id)->version == 2);
    CHECK(store->load(t.id)->description == t.description);
    CHECK(store->history(t.id).size() == 2);
    CHECK(store->outbox_pending(100).size() == 2);
}

void case_3(const StoreFactory& make) { // load_shared gives snapshots that later commits leave alone
    auto store = make();
    CHECK_FALSE(store->load_shared("20240520999"));
    auto t = full_ticket("20240520001");
    store->commit(create(t));
    auto first = store->load_shared(t.id);
    REQUIRE(first);
    check_same(*first, t);

    // Closed, then changed again: a store may keep closed tickets in another form.
    auto closed = update(t);
    closed.ticket.status = Status::closed;
    closed.ticket.resolution = "已退款";
    store->commit(closed);
    auto reopened = update(closed.ticket);
    reopened.ticket.status = Status::in_progress;
    reopened.ticket.remarks = "客户再次来电";
    store->commit(reopened);

    check_same(*first, t); // the first snapshot is unchanged
    auto latest = store->load_shared(t.id);
    REQUIRE(latest);
    check_same(*latest, reopened.ticket);
    check_same(*store->load(t.id), reopened.ticket);
    CHECK(store->history(t.id).size() == 3);
}

void case_load_many(const StoreFactory& make) { // load_many reads what load_shared reads, in order
    auto store = make();
    CHECK(store->load_many({}).empty());
    auto a = full_ticket("20240520001");
    auto b = full_ticket("20240520002");
    store->commit(create(a));
    store->commit(create(b));
    auto changed = update(b);
    changed.ticket.remarks = "已回电";
    store->commit(changed);
    const auto got = store->load_many({b.id, "20240520999", a.id, b.id});
    REQUIRE(got.size() == 4);
    REQUIRE(got[0]);
    check_same(*got[0], changed.ticket);
    CHECK_FALSE(got[1]);
    REQUIRE(got[2]);
    check_same(*got[2], a);
    REQUIRE(got[3]);
    check_same(*got[3], changed.ticket);
}

void case_4(const StoreFactory& make) { // snapshots held across many versions stay whole, even past their store
    auto store = make();
    auto t = full_ticket("20240520001");
    store->commit(create(t));
    // Versions that grow and shrink their text and lists, so a store that reuses the
    // memory of versions nobody holds any more gets every shape to copy into.
    std::vector<std::pair<Ticket, std::shared_ptr<const Ticket>>> held;
    for (int i = 0; i < 24; ++i) {
        auto next = update(t);
        next.ticket.remarks = std::string(static_cast<std::size_t>(i % 5) * 40, 'r');
        next.ticket.tags.assign(static_cast<std::size_t>(i % 4), "标签" + std::to_string(i));
        next.ticket.sla.resize(static_cast<std::size_t>(i % 3));
        store->commit(next);
        t = next.ticket;
        auto snapshot = store->load_shared(t.id);
        REQUIRE(snapshot);
        if (i % 3 == 0) held.emplace_back(t, snapshot); // the others are let go at once
    }
    for (const auto& [version, snapshot] : held) check_same(*snapshot, version);

    auto last = held.back();
    held.clear();
    store.reset();
    check_same(*last.second, last.first); // the snapshot outlives the store
}

void case_5(const StoreFactory& make) { // commit_all writes several tickets together or none
    auto store = make();
    auto a = full_ticket("20240520001");
    auto b = full_ticket("20240520002");
    store->commit(create(a));
    store->commit(create(b, may20_1430() + 2h));

    SECTION("all are written, with their events, outbox rows and due entries") {
        auto c = full_ticket("20240520003");
        store->commit_all(
            {update(a, may20_1430() + 5h), update(b), create(c, may20_1430() + 1h)}); // b leaves the index
        CHECK(store->load(a.id)->version == 2);
        CHECK(store->load(b.id)->version == 2);
        CHECK(store->load(c.id)->version == 1);
        CHECK(store->history(a.id).size() == 2);
        CHECK(store->history(b.id).size() == 2);
        CHECK(store->outbox_pending(100).size() == 5);
        auto due = store->due_until(may20_1430() + 24h, 10);
        REQUIRE(due.size() == 2);
        CHECK(due[0].ticket == c.id);
        CHECK(due[1].ticket == a.id);
    }
    SECTION("one stale commit rejects them all") {
        auto fresh = update(a);
        fresh.ticket.description = "would be lost";
        auto stale = update(b);
        stale.expected_version = 7;
        stale.ticket.version = 8;
        CHECK_THROWS_AS(store->commit_all({fresh, stale}), ConcurrencyConflict);
        CHECK(store->load(a.id)->version == 1);
        CHECK(store->load(a.id)->description == a.description);
        CHECK(store->history(a.id).size() == 1);
        CHECK(store->outbox_pending(100).size() == 2);
        auto due = store->due_until(may20_1430() + 24h, 10);
        REQUIRE(due.size() == 1);
        CHECK(due[0].ticket == b.id);
    }
    SECTION("a malformed commit or a ticket named twice is refused and writes nothing") {
        auto silent = update(b);
        silent.events.clear();
        CHECK_THROWS_AS(store->commit_all({update(a), silent}), ValidationError);
        CHECK_THROWS_AS(store->commit_all({update(a), update(a)}), ValidationError);
        CHECK(store->load(a.id)->version == 1);
        CHECK(store->load(b.id)->version == 1);
        CHECK(store->outbox_pending(100).size() == 2);
    }
    SECTION("an empty group is a no-op") {
        store->commit_all({});
        CHECK(store->load(a.id)->version == 1);
    }
}

void case_6(const StoreFactory& make) { // history keeps every event in order
    auto store = make();
    auto t = full_ticket("20240520001");
    store->commit(create(t));
    auto c = update(t);
    c.events.push_back(event_for(c.ticket, Action::escalate, "second event, same version"));
    store->commit(c);
    auto history = store->history(t.id);
    REQUIRE(history.size() == 3);
    CHECK(history[0].action == Action::open);
    CHECK(history[1].action == Action::add_note);
    CHECK(history[2].action == Action::escalate);
    CHECK(history[2].note == "second event, same version");
    CHECK(history[2].version == 2);
    CHECK(history[0].at == may20_1430());
    CHECK(history[0].actor == "agent-1");
    CHECK(store->history("nope").empty());
}

void case_7(const StoreFactory& make) { // an audit event can be appended alone
    auto store = make();
    auto t = full_ticket("20240520001");
    store->commit(create(t));
    auto refused = event_for(t, Action::resolve, "permission denied: customers may not resolve");
    refused.actor = "C1";
    store->append_audit(refused);
    auto history = store->history(t.id);
    REQUIRE(history.size() == 2);
    CHECK(history[1].note == refused.note);
    CHECK(history[1].actor == "C1");
    CHECK(store->load(t.id)->version == 1);
    CHECK(store->outbox_pending(10).size() == 1);
    refused.ticket = "20990101001";
    CHECK_THROWS_AS(store->append_audit(refused), NotFound);
}

void case_8(const StoreFactory& make) { // scans filter, stop early and respect the limit
    auto store = make();
    for (int i = 1; i <= 6; ++i) {
        auto t = full_ticket("2024052000" + std::to_string(i));
        t.status = i % 2 ? Status::pending : Status::done;
        t.assignee = i <= 3 ? "a" : "b";
        t.department = i == 6 ? "售后部" : "技术部";
        t.customer.id = i <= 2 ? "C1" : "C2";
        t.times.received = may20_1430() + std::chrono::hours(i);
        store->commit(create(t));
    }
    auto ids = [&](const TicketQuery& q) {
        std::vector<TicketId> out;
        for (const auto& t : store->query(q)) out.push_back(t.id);
        return out;
    };
    TicketQuery q;
    CHECK(ids(q).size() == 6);
    q.status = Status::done;
    CHECK(ids(q) == std::vector<TicketId>{"20240520002", "20240520004", "20240520006"});
    q.assignee = "b";
    CHECK(ids(q) == std::vector<TicketId>{"20240520004", "20240520006"});
    q = {};
    q.department = "售后部";
    CHECK(ids(q) == std::vector<TicketId>{"20240520006"});
    q = {};
    q.customer_id = "C1";
    CHECK(ids(q) == std::vector<TicketId>{"20240520001", "20240520002"});
    q = {};
    q.received_from = may20_1430() + 2h;
    q.received_until = may20_1430() + 4h;
    CHECK(ids(q) == std::vector<TicketId>{"20240520002", "20240520003"});
    q = {};
    q.limit = 4;
    CHECK(ids(q).size() == 4);

    int visited = 0;
    store->scan({}, [&](const Ticket&) { return ++visited < 3; });
    CHECK(visited == 3);
}

void case_9(const StoreFactory& make) { // the due index orders, updates and forgets
    auto store = make();
    auto a = full_ticket("20240520001");
    auto b = full_ticket("20240520002");
    auto c = full_ticket("20240520003");
    store->commit(create(a, may20_1430() + 3h));
    store->commit(create(b, may20_1430() + 1h));
    store->commit(create(c));
    auto due = store->due_until(may20_1430() + 5h, 10);
    REQUIRE(due.size() == 2);
    CHECK(due[0].ticket == b.id);
    CHECK(due[0].due == may20_1430() + 1h);
    CHECK(due[1].ticket == a.id);
    CHECK(store->due_until(may20_1430() + 2h, 10).size() == 1);
    CHECK(store->due_until(may20_1430() + 5h, 1).size() == 1);

    store->commit(update(b, may20_1430() + 4h)); // moved
    store->commit(update(a));                    // removed
    due = store->due_until(may20_1430() + 5h, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].ticket == b.id);
    CHECK(due[0].due == may20_1430() + 4h);
}

void case_10(const StoreFactory& make) { // a commit advances a counter one step, in the same write
    auto store = make();
    const std::string day = "ticket-id/20240520";
    CHECK(store->sequence_value(day) == 0);
    auto first = create(full_ticket("20240520001"));
    first.sequence = SequenceStep{day, 1};
    store->commit(first);
    CHECK(store->sequence_value(day) == 1);
    CHECK(store->sequence_value("ticket-id/20240521") == 0);

    // A step from a stale value is a conflict, and nothing of its commit is written.
    auto stale = create(full_ticket("20240520002"));
    stale.sequence = SequenceStep{day, 1};
    CHECK_THROWS_AS(store->commit(stale), ConcurrencyConflict);
    CHECK_FALSE(store->load("20240520002"));
    CHECK(store->history("20240520002").empty());
    CHECK(store->sequence_value(day) == 1);

    // Commits of one group step the same counter one after the other.
    auto second = create(full_ticket("20240520002"));
    second.sequence = SequenceStep{day, 2};
    auto third = create(full_ticket("20240520003"));
    third.sequence = SequenceStep{day, 3};
    store->commit_all({second, third});
    CHECK(store->sequence_value(day) == 3);

    // A group whose later step conflicts writes none of its commits and moves no counter.
    auto fourth = create(full_ticket("20240520004"));
    fourth.sequence = SequenceStep{day, 4};
    auto skipped = create(full_ticket("20240520005"));
    skipped.sequence = SequenceStep{day, 6};
    CHECK_THROWS_AS(store->commit_all({fourth, skipped}), ConcurrencyConflict);
    CHECK_FALSE(store->load("20240520004"));
    CHECK(store->sequence_value(day) == 3);

    auto unnamed = create(full_ticket("20240520009"));
    unnamed.sequence = SequenceStep{"", 1};
    CHECK_THROWS_AS(store->commit(unnamed), ValidationError);
}

void case_11(const StoreFactory& make) { // outbox claim, ack, retry and dead letters
    auto store = make();
    auto t = full_ticket("20240520001");
    auto c = create(t);
    c.notifications.push_back(notification_for(t, "second"));
    store->commit(c);
    auto rows = store->outbox_pending(10);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].sequence < rows[1].sequence);
    CHECK(rows[0].notification.text == "text");
    CHECK(rows[0].notification.idempotency_key == t.id + "/1/0");
    CHECK(rows[0].notification.recipient == t.customer.id);
    CHECK(rows[0].notification.kind == NotificationKind::progress);
    CHECK(rows[0].notification.at == may20_1430());
    CHECK(rows[0].state == OutboxState::pending);
    CHECK(rows[0].attempts == 0);
    CHECK(rows[0].next_attempt <= rows[0].notification.at); // a new row is due at once

    store->outbox_failed(rows[0].sequence, "gateway down", may20_1430() + 1min);
    rows = store->outbox_pending(10);
    CHECK(rows[0].attempts == 1);
    CHECK(rows[0].last_error == "gateway down");
    CHECK(rows[0].next_attempt == may20_1430() + 1min);

    store->outbox_failed(rows[0].sequence, "gave up", std::nullopt);
    CHECK(store->outbox_pending(10).size() == 1);
    auto dead = store->outbox_dead(10);
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].state == OutboxState::dead);
    CHECK(dead[0].attempts == 2);

    store->outbox_delivered(rows[1].sequence);
    CHECK(store->outbox_pending(10).empty());

    store->outbox_requeue(dead[0].sequence, may20_1430() + 1h);
    rows = store->outbox_pending(10);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].next_attempt == may20_1430() + 1h);
    CHECK(store->outbox_dead(10).empty());
    CHECK_THROWS_AS(store->outbox_requeue(rows[0].sequence, may20_1430()), NotFound);
}

void case_12(const StoreFactory& make) { // a desk runs on it end to end
    auto store = make();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    ServiceDesk desk(store, clock);
    Actor agent{"agent-1", Role::agent, ""};
    auto id = desk.open(agent, sample_request()).id;
    desk.assign(agent, id, "eng-7");
    desk.start(agent, id);
    desk.resolve(agent, id, {"'; DROP TABLE tickets; --", Responsibility::platform});
    desk.close(agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, "好"}});
    CHECK(desk.get(id).resolution == "'; DROP TABLE tickets; --");
    CHECK(desk.history(id).size() == 5);
    CHECK(store->outbox_pending(100).empty()); // delivered to the default notifier
}

void case_13(const StoreFactory& make) { // an invalid commit is rejected and writes nothing
    auto store = make();
    auto t = full_ticket("20240520001");
    auto skipped = create(t);
    skipped.ticket.version = 2; // must be expected_version + 1
    CHECK_THROWS_AS(store->commit(skipped), ValidationError);
    auto silent = create(t);
    silent.events.clear(); // a commit needs an audit event
    CHECK_THROWS_AS(store->commit(silent), ValidationError);
    CHECK_FALSE(store->load(t.id));
    CHECK(store->history(t.id).empty());
    CHECK(store->outbox_pending(10).empty());
}

void case_14(const StoreFactory& make) { // of racing commits on one version exactly one wins
    auto store = make();
    auto t = full_ticket("20240520001");
    store->commit(create(t));
    constexpr int racers = 6;
    std::atomic<int> won{0}, lost{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < racers; ++i)
        threads.emplace_back([&, i] {
            auto c = update(t);
            c.ticket.remarks = "racer " + std::to_string(i);
            try {
                store->commit(c);
                ++won;
            } catch (const ConcurrencyConflict&) {
                ++lost;
            }
        });
    for (auto& thread : threads) thread.join();
    CHECK(won == 1);
    CHECK(lost == racers - 1);
    CHECK(store->load(t.id)->version == 2);
    CHECK(store->history(t.id).size() == 2);
    CHECK(store->outbox_pending(100).size() == 2); // the winner's notification only
}

void case_15(const StoreFactory& make) { // outbox sequences follow commit order across tickets
    auto store = make();
    auto a = full_ticket("20240520002");
    auto b = full_ticket("20240520001");
    store->commit(create(a));
    store->commit(create(b));
    store->commit(update(a));
    auto rows = store->outbox_pending(10);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].notification.ticket == a.id); // commit order, not id order
    CHECK(rows[1].notification.ticket == b.id);
    CHECK(rows[2].notification.idempotency_key == a.id + "/2/0");
    CHECK(rows[0].sequence < rows[1].sequence);
    CHECK(rows[1].sequence < rows[2].sequence);
    CHECK(store->outbox_pending(2).size() == 2);

    // Unknown and no longer pending rows are left alone.
    store->outbox_delivered(rows[0].sequence);
    store->outbox_delivered(rows[0].sequence);
    store->outbox_failed(rows[0].sequence, "late failure", std::nullopt);
    store->outbox_delivered(987654);
    store->outbox_failed(987654, "unknown", std::nullopt);
    CHECK(store->outbox_dead(10).empty());
    CHECK(store->outbox_pending(10).size() == 2);
}

void case_16(const StoreFactory& make) { // event notes and notification texts round-trip verbatim
    auto store = make();
    const std::string tricky = "'; DROP TABLE events; -- \"引号\" \\ 😀\t\r\nend %s %n ?1 :name";
    auto t = full_ticket("20240520001");
    auto c = create(t);
    c.events[0].note = tricky;
    c.events[0].actor = "客服-小李*";
    c.notifications[0].text = tricky;
    c.notifications[0].recipient = tricky;
    c.notifications[0].audience = Audience::staff;
    c.notifications[0].kind = NotificationKind::escalated;
    store->commit(c);
    auto event = store->history(t.id).at(0);
    CHECK(event.note == tricky);
    CHECK(event.actor == "客服-小李*");
    CHECK(event.from == Status::pending);
    CHECK(event.to == t.status);
    auto row = store->outbox_pending(1).at(0);
    CHECK(row.notification.text == tricky);
    CHECK(row.notification.recipient == tricky);
    CHECK(row.notification.audience == Audience::staff);
    CHECK(row.notification.kind == NotificationKind::escalated);
    CHECK(row.notification.ticket == t.id);

    TicketQuery q;
    q.assignee = t.assignee; // non-ASCII filter values match exactly
    q.department = "技术部";
    CHECK(store->query(q).size() == 1);
    q.department = "技术";
    CHECK(store->query(q).empty());
}

void case_17(const StoreFactory& make) { // due entries are claimed with a lease, one owner at a time
    auto store = make();
    const Instant now = may20_1430() + 1h;
    auto a = full_ticket("20240520001");
    auto b = full_ticket("20240520002");
    store->commit(create(a, may20_1430()));
    store->commit(create(b, may20_1430() + 10min));
    store->commit(create(full_ticket("20240520003"), now + 1h)); // not due yet
    const Lease first{"desk-a", now + 1min};
    const Lease second{"desk-b", now + 1min};

    auto claimed = store->claim_due(now, 10, first);
    REQUIRE(claimed.size() == 2);
    CHECK(claimed[0].ticket == a.id);
    CHECK(claimed[1].ticket == b.id);
    CHECK(store->claim_due(now, 10, second).empty());    // held by desk-a
    CHECK(store->claim_due(now, 10, first).size() == 2); // its own, again
    CHECK(store->due_until(now, 10).size() == 2);        // reads see every entry

    // A commit of the ticket ends the claim on it.
    store->commit(update(a, may20_1430() + 5min));
    claimed = store->claim_due(now, 10, second);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].ticket == a.id);

    // A lapsed claim is taken over (a claim lapses at its `until`).
    const Lease longer{"desk-b", now + 5min};
    CHECK(store->claim_due(now + 1min, 10, longer).size() == 2);
    CHECK(store->claim_due(now + 1min, 1, first).empty());
}

void case_18(const StoreFactory& make) { // outbox rows are claimed by whole tickets, in order
    auto store = make();
    const Instant now = may20_1430();
    auto x = full_ticket("20240520001");
    auto y = full_ticket("20240520002");
    auto cx = create(x);
    cx.notifications.push_back(notification_for(x, "x second"));
    store->commit(cx);
    store->commit(create(y));
    const Lease a{"desk-a", now + 1min};
    const Lease b{"desk-b", now + 1min};

    auto rows = store->outbox_claim(now, 1, a); // only x's first row
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].notification.ticket == x.id);
    CHECK(rows[0].claimed_by == "desk-a");
    CHECK(rows[0].claimed_until == now + 1min);
    const auto x_first = rows[0].sequence;

    // desk-b may not take x's second row while desk-a holds its first: y only.
    rows = store->outbox_claim(now, 10, b);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].notification.ticket == y.id);
    store->outbox_delivered(rows[0].sequence);
    CHECK(store->outbox_claim(now + 2min, 10, b).size() == 2); // a's claim lapsed: x, in order

    // A delivered row is never handed out again; a failed one is free for anyone once due.
    rows = store->outbox_claim(now + 3min, 10, a);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].sequence == x_first);
    store->outbox_delivered(x_first);
    store->outbox_failed(rows[1].sequence, "gateway down", now + 10min);
    const Lease b_later{"desk-b", now + 20min};
    CHECK(store->outbox_claim(now + 4min, 10, b_later).empty()); // not due yet
    rows = store->outbox_claim(now + 10min, 10, b_later);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].notification.text == "x second");
    CHECK(rows[0].attempts == 1);

    // Released rows are free at once.
    store->outbox_release({rows[0].sequence}, "desk-a"); // not desk-a's: left alone
    CHECK(store->outbox_claim(now + 10min, 10, a).empty());
    store->outbox_release({rows[0].sequence}, "desk-b");
    CHECK(store->outbox_claim(now + 10min, 10, a).size() == 1);
}

void case_19(const StoreFactory& make) { // a failed row holds its ticket's later rows back from every owner
    auto store = make();
    const Instant now = may20_1430();
    auto x = full_ticket("20240520001");
    auto c = create(x);
    c.notifications.push_back(notification_for(x, "later"));
    store->commit(c);
    auto rows = store->outbox_claim(now, 10, {"desk-a", now + 1min});
    REQUIRE(rows.size() == 2);
    store->outbox_failed(rows[0].sequence, "timeout", now + 5min);
    store->outbox_release({rows[1].sequence}, "desk-a");
    CHECK(store->outbox_claim(now + 1min, 10, {"desk-b", now + 2min}).empty()); // "later" waits
    CHECK(store->outbox_claim(now + 5min, 10, {"desk-b", now + 6min}).size() == 2);
}

void case_dead_row_stays_dead(const StoreFactory& make) {
    auto store = make();
    auto t = full_ticket("20240520001");
    auto c = create(t);
    c.notifications.push_back(notification_for(t, "second"));
    store->commit(c);
    auto rows = store->outbox_pending(10);
    REQUIRE(rows.size() == 2);
    const auto dead_sequence = rows[0].sequence;
    store->outbox_failed(dead_sequence, "gave up", std::nullopt);
    REQUIRE(store->outbox_dead(10).size() == 1);

    // A late acknowledgement of a dead row (a dispatcher that took it before it died) must
    // not deliver it: it stays a dead letter, for a person to look at and requeue.
    store->outbox_delivered(dead_sequence);
    auto dead = store->outbox_dead(10);
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].sequence == dead_sequence);
    CHECK(dead[0].state == OutboxState::dead);
    CHECK(dead[0].attempts == 1);
    CHECK(dead[0].last_error == "gave up");
    rows = store->outbox_pending(10);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].sequence != dead_sequence);
    for (const auto& row : store->outbox_claim(may20_1430() + 1h, 10, {"desk-a", may20_1430() + 2h}))
        CHECK(row.sequence != dead_sequence);

    // It can still be requeued, and is then pending again.
    store->outbox_requeue(dead_sequence, may20_1430() + 3h);
    CHECK(store->outbox_dead(10).empty());
    rows = store->outbox_pending(10);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].sequence == dead_sequence);
    CHECK(rows[0].state == OutboxState::pending);
}

void case_scan_visitor_reads(const StoreFactory& make) {
    auto store = make();
    const auto first = full_ticket("20240520001");
    const auto second = full_ticket("20240520002");
    const auto third = full_ticket("20240520003");
    store->commit(create(first, may20_1430() + 1h));
    store->commit(create(second));
    store->commit(update(second));
    store->commit(create(third, may20_1430() + 2h));

    // The visitor reads the store it is called from, as a report that looks up each
    // ticket's history does. It must neither deadlock nor see the store differently.
    struct Seen {
        std::vector<TicketId> visited, loaded, shared, unloaded;
        std::vector<std::size_t> history_sizes;
        std::size_t pending = 0, due = 0;
    };
    auto seen = std::make_shared<Seen>();
    const bool returned = returns_within(hang_limit, [store, seen] {
        store->scan({}, [&](const Ticket& t) {
            seen->visited.push_back(t.id);
            if (auto loaded = store->load(t.id); loaded && loaded->version == t.version) seen->loaded.push_back(t.id);
            if (auto shared = store->load_shared(t.id); shared && shared->version == t.version)
                seen->shared.push_back(t.id);
            if (!store->load("20990101001")) seen->unloaded.push_back(t.id);
            seen->history_sizes.push_back(store->history(t.id).size());
            seen->pending = store->outbox_pending(100).size();
            seen->due = store->due_until(may20_1430() + 24h, 10).size();
            return true;
        });
    });
    REQUIRE(returned); // else scan() deadlocked with its visitor reading the store
    const std::vector<TicketId> all{first.id, second.id, third.id};
    CHECK(seen->visited == all);
    CHECK(seen->loaded == all);
    CHECK(seen->shared == all);
    CHECK(seen->unloaded == all);
    CHECK(seen->history_sizes == std::vector<std::size_t>{1, 2, 1});
    CHECK(seen->pending == 4);
    CHECK(seen->due == 2);
}

// A store that can tell of new outbox rows (TicketStore::watch_outbox()) tells of a commit
// made after the watch began, and never calls once the watch has ended; a store that
// cannot (null) passes, its dispatchers poll.
void case_outbox_watch(const StoreFactory& make) {
    auto store = make();
    struct Told {
        std::mutex mutex;
        std::condition_variable changed;
        int calls = 0;
    };
    auto told = std::make_shared<Told>();
    auto calls = [&] {
        std::lock_guard lock(told->mutex);
        return told->calls;
    };
    auto watch = store->watch_outbox([told] {
        std::lock_guard lock(told->mutex);
        ++told->calls;
        told->changed.notify_all();
    });
    if (!watch) return;
    auto first = full_ticket("20240520001");
    store->commit(create(first));
    {
        std::unique_lock lock(told->mutex);
        // A bound on the wait, so that a store that never tells fails instead of hanging.
        REQUIRE(told->changed.wait_for(lock, std::chrono::seconds(10), [&] { return told->calls > 0; }));
    }
    watch.reset();
    const int ended_at = calls();
    store->commit(create(full_ticket("20240520002")));
    CHECK(calls() == ended_at);
}

} // namespace

const std::vector<ConformanceCase>& conformance_cases() {
    static const std::vector<ConformanceCase> cases = {
        {"every field round-trips, text verbatim", case_1},
        {"stale versions are rejected and write nothing", case_2},
        {"load_shared gives snapshots that later commits leave alone", case_3},
        {"snapshots held across many versions stay whole, even past their store", case_4},
        {"load_many reads what load_shared reads, in the order asked", case_load_many},
        {"commit_all writes several tickets together or none", case_5},
        {"history keeps every event in order", case_6},
        {"an audit event can be appended alone", case_7},
        {"scans filter, stop early and respect the limit", case_8},
        {"the due index orders, updates and forgets", case_9},
        {"a commit advances a counter one step, in the same write", case_10},
        {"outbox claim, ack, retry and dead letters", case_11},
        {"a desk runs on it end to end", case_12},
        {"an invalid commit is rejected and writes nothing", case_13},
        {"of racing commits on one version exactly one wins", case_14},
        {"outbox sequences follow commit order across tickets", case_15},
        {"event notes and notification texts round-trip verbatim", case_16},
        {"due entries are claimed with a lease, one owner at a time", case_17},
        {"outbox rows are claimed by whole tickets, in order", case_18},
        {"a failed row holds its ticket's later rows back from every owner", case_19},
        {"a dead row stays dead when it is marked delivered", case_dead_row_stays_dead},
        {"a scan's visitor may read the store", case_scan_visitor_reads},
        {"an outbox watch is told of new rows, and quiet once ended", case_outbox_watch},
    };
    return cases;
}

void check_store_conformance(const std::string& store_name, const StoreFactory& make) {
    {
        // Catch2 runs a test case once per section: announce each store once.
        static std::mutex mutex;
        static std::set<std::string> announced;
        std::lock_guard lock(mutex);
        if (announced.insert(store_name).second) {
            std::printf("testkit: conformance suite on %s\n", store_name.c_str());
            std::fflush(stdout);
        }
    }
    INFO("store under test: " << store_name);
    for (const auto& c : conformance_cases()) {
        SECTION(store_name + ": " + c.name) { c.run(make); }
    }
}

void run_conformance_case(const std::string& case_name, const StoreFactory& make) {
    for (const auto& c : conformance_cases()) {
        if (c.name == case_name) {
            c.run(make);
            return;
        }
    }
    throw std::invalid_argument("no conformance case named \"" + case_name + "\"");
}

} // namespace ticketflow::testkit
