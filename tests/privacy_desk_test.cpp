// Personal data given to the desk never reaches the store, the audit trail or a
// notification unmasked; ordinary numbers pass untouched.
#include "pii_corpus.hpp"
#include "support.hpp"

#include "ticketflow/report.hpp"

#ifdef TICKETFLOW_HAVE_SQLITE
#include "temp_db.hpp"
#include "ticketflow/sqlite_store.hpp"

#include <fstream>
#include <iterator>
#endif

#include <catch2/catch.hpp>

using namespace ticketflow;
using namespace ticketflow::testing;

namespace {

// Everything the desk wrote about a ticket, as text.
std::string written_about(ServiceDesk& desk, MemoryStore& store, RecordingNotifier& notifier, const TicketId& id) {
    Ticket t = *store.load(id);
    std::string all = t.description + "\n" + t.resolution + "\n" + t.remarks + "\n" + t.customer.nickname + "\n";
    if (t.satisfaction) all += t.satisfaction->comment + "\n";
    for (const auto& e : desk.history(id)) all += e.note + "\n";
    for (const auto& n : notifier.delivered())
        if (n.ticket == id) all += n.text + "\n";
    return all;
}

} // namespace

TEST_CASE("1,000 texts with personal data: none survives in store, history or notifications", "[privacy][desk]") {
    DeskFixture f;
    PiiCorpus corpus(4242);
    for (int i = 0; i < 1000; ++i) {
        auto intake = corpus.next();
        auto reply = corpus.next();
        auto result = corpus.next();
        auto comment = corpus.next();
        auto request = sample_request();
        request.description = intake.text;
        auto id = f.desk.open(f.agent, request).id;
        f.desk.assign(f.agent, id, "eng-1");
        f.desk.start(f.agent, id);
        f.desk.post_update(f.agent, id, reply.text);
        f.desk.resolve(f.agent, id, {result.text, Responsibility::platform});
        f.desk.close(f.agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, comment.text}});

        auto output = written_about(f.desk, *f.store, *f.notifier, id);
        auto normalised = normalise_for_leak_check(output);
        for (const auto* text : {&intake, &reply, &result, &comment}) {
            for (const auto& pii : text->pii) {
                INFO("text " << i << ": " << pii.written);
                REQUIRE_FALSE(leaks(normalised, pii));
            }
            INFO("text " << i);
            REQUIRE(first_missing_ordinary(output, *text).empty());
        }
    }
}

TEST_CASE("texts with personal data: none survives in the exported reports", "[privacy][desk][report]") {
    DeskFixture f;
    PiiCorpus corpus(777);
    std::vector<CorpusText> planted;
    for (int i = 0; i < 1000; ++i) {
        auto request = sample_request("C" + std::to_string(i % 50));
        auto intake = corpus.next();
        auto result = corpus.next();
        request.description = intake.text;
        request.tags = {"标签" + std::to_string(i % 7)};
        auto id = f.desk.open(f.agent, request).id;
        if (i % 2 == 0) {
            f.desk.assign(f.agent, id, "eng-1");
            f.desk.start(f.agent, id);
            f.desk.resolve(f.agent, id, {result.text, Responsibility::platform});
        }
        planted.push_back(std::move(intake));
        planted.push_back(std::move(result));
    }

    ReportOptions options;
    options.now = f.clock->now() + std::chrono::hours(1);
    options.top_n = 1000;                // every problem cluster …
    options.examples_per_problem = 1000; // … with every example description
    auto report = build_report(*f.store, {}, options);
    REQUIRE(report.overall.received == 1000);
    std::size_t examples = 0;
    for (const auto& problem : report.top_problems) examples += problem.examples.size();
    REQUIRE(examples == 1000); // every description went into the report

    CsvOptions bom;
    bom.bom = true;
    for (const auto& exported : {to_json(report), to_csv(report, bom), to_markdown(report), to_html(report)}) {
        auto normalised = normalise_for_leak_check(exported);
        for (std::size_t i = 0; i < planted.size(); ++i)
            for (const auto& pii : planted[i].pii) {
                INFO("text " << i << ": " << pii.written);
                REQUIRE_FALSE(leaks(normalised, pii));
            }
    }
}

TEST_CASE("a masked intake is noted in the audit trail by kind and count", "[privacy][desk]") {
    DeskFixture f;
    auto request = sample_request();
    request.description = "请联系我 13812345678，邮箱 zhang.san@example.com，订单 DD2024052012345";
    auto t = f.desk.open(f.agent, request);
    CHECK(t.description.find("13812345678") == std::string::npos);
    CHECK(t.description.find("138****5678") != std::string::npos);
    CHECK(t.description.find("DD2024052012345") != std::string::npos);
    auto history = f.desk.history(t.id);
    REQUIRE(history.size() == 2);
    CHECK(history[1].note == "privacy: masked 1 mobile number, 1 e-mail address");
    CHECK(history[0].note.find("13812345678") == std::string::npos);
}

TEST_CASE("a field whose policy rejects personal data refuses the command", "[privacy][desk]") {
    DeskFixture f;
    DeskConfig config;
    config.privacy.set("description", FieldAction::reject);
    ServiceDesk desk(f.store, f.clock, config);
    auto request = sample_request();
    request.description = "我的手机 13812345678";
    try {
        desk.open(f.agent, request);
        FAIL("expected ValidationError");
    } catch (const ValidationError& e) {
        CHECK(e.field() == "description");
        CHECK(std::string(e.what()).find("13812345678") == std::string::npos);
    }
    CHECK(desk.query({}).empty());
}

TEST_CASE("each command checks the text it changes, not the text already stored", "[privacy][desk]") {
    DeskFixture f;
    auto id = f.desk.open(f.agent, sample_request()).id;
    // A description written past the desk (an import, say) keeps its number: the desk
    // checks what a command writes, and this command does not write the description.
    Ticket imported = *f.store->load(id);
    Commit raw{imported, imported.version, {}, {}, std::nullopt, {}};
    raw.ticket.version += 1;
    raw.ticket.description = "旧系统导入：客户电话 13812345678";
    raw.events.push_back({id, raw.ticket.version, may20_1430(), "import", Action::add_note, Status::pending,
                          Status::pending, "imported"});
    f.store->commit(raw);

    f.desk.add_note(f.agent, id, "已联系物流部");
    CHECK(f.desk.get(id).description == raw.ticket.description);

    // New text is checked wherever it goes: a tag added after the stored ones, a resolution.
    Classification tags;
    tags.tags = std::vector<std::string>{"物流", "回电 13987654321"};
    auto t = f.desk.classify(f.agent, id, tags);
    CHECK(t.tags[0] == "物流");
    CHECK(t.tags[1] == "回电 139****4321");
    f.desk.assign(f.agent, id, "eng-1");
    f.desk.start(f.agent, id);
    t = f.desk.resolve(f.agent, id, {"已回电 13700001111 确认退款", Responsibility::platform});
    CHECK(t.resolution == "已回电 137****1111 确认退款");

    // Under a stricter policy the stored description does not block other commands, and
    // changed text that breaks it is refused with nothing written.
    DeskConfig strict;
    strict.privacy.set("description", FieldAction::reject).set("note", FieldAction::reject);
    ServiceDesk desk(f.store, f.clock, strict);
    t = desk.reopen(f.agent, id, "客户不满意");
    CHECK(t.description == raw.ticket.description);
    const auto version = t.version;
    const auto events = f.store->history(id).size();
    try {
        desk.add_note(f.agent, id, "客户新号码 13812345678");
        FAIL("expected ValidationError");
    } catch (const ValidationError& e) {
        CHECK(e.field() == "note");
    }
    CHECK(f.store->load(id)->version == version);
    CHECK(f.store->history(id).size() == events);
}

TEST_CASE("contact details go to the vault; the ticket keeps a token and a masked name", "[privacy][desk]") {
    DeskFixture f;
    auto vault = std::make_shared<MemoryContactVault>(7);
    DeskConfig config;
    config.contact_vault = vault;
    ServiceDesk desk(f.store, f.clock, config);
    auto request = sample_request();
    request.customer.nickname.clear();
    request.contact = {"张三", "13812345678", "", "北京市朝阳区"};
    auto t = desk.open(f.agent, request);
    CHECK(t.customer.nickname == "张*");
    CHECK_FALSE(t.customer.contact_token.empty());
    CHECK(vault->reveal(t.customer.contact_token).phone == "13812345678");

    ServiceDesk no_vault(f.store, f.clock);
    CHECK_THROWS_AS(no_vault.open(f.agent, request), ValidationError);

    config.privacy.set("description", FieldAction::reject);
    ServiceDesk strict(f.store, f.clock, config);
    request.description = "电话 13912345678";
    auto stored = vault->size();
    CHECK_THROWS_AS(strict.open(f.agent, request), ValidationError);
    CHECK(vault->size() == stored); // the refused intake left no contact behind
}

TEST_CASE("a contact token that is a phone number, ID or card is refused at intake", "[privacy][desk]") {
    DeskFixture f;
    ServiceDesk desk(f.store, f.clock);
    for (const char* token : {"13812345678", "11010519491231002X", "4111111111111111"}) {
        auto request = sample_request();
        request.customer.contact_token = token;
        try {
            desk.open(f.agent, request);
            FAIL("accepted " << token);
        } catch (const ValidationError& e) {
            CHECK(e.field() == "customer.contact_token");
            CHECK(std::string(e.what()).find(token) == std::string::npos); // the refusal does not repeat it
        }
    }
    CHECK(f.store->query({}).empty());
    auto request = sample_request();
    request.customer.contact_token = "tok-7f3a9c";
    CHECK(desk.open(f.agent, request).customer.contact_token == "tok-7f3a9c");
}

#ifdef TICKETFLOW_HAVE_SQLITE
TEST_CASE("texts with personal data: none reaches the SQLite file", "[privacy][desk][sqlite]") {
    TempDb db("ticketflow-privacy");
    PiiCorpus corpus(1107);
    std::vector<CorpusText> planted;
    {
        SqliteOptions options;
        options.path = db.path();
        options.durability = SqliteDurability::normal; // no flush per commit: the test is about content
        auto store = std::make_shared<SqliteStore>(options);
        auto clock = std::make_shared<ManualClock>(may20_1430());
        ServiceDesk desk(store, clock, DeskConfig{}, std::make_shared<RecordingNotifier>());
        const Actor agent{"agent-1", Role::team_lead, ""};
        for (int i = 0; i < 150; ++i) {
            auto request = sample_request();
            CorpusText intake = corpus.next(), reply = corpus.next(), result = corpus.next();
            request.description = intake.text;
            const auto id = desk.open(agent, request).id;
            desk.assign(agent, id, "eng-1");
            desk.start(agent, id);
            desk.post_update(agent, id, reply.text);
            desk.resolve(agent, id, {result.text, Responsibility::platform});
            for (auto* text : {&intake, &reply, &result}) planted.push_back(std::move(*text));
        }
    }
    // The database and whatever is left in its write-ahead log, as raw bytes.
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
        std::ifstream in(db.path() + suffix, std::ios::binary);
        bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    REQUIRE(bytes.size() > 4096);
    const std::string normalised = normalise_for_leak_check(bytes);
    std::size_t items = 0;
    for (const CorpusText& text : planted) {
        for (const PlantedPii& pii : text.pii) {
            INFO(to_string(pii.kind) << " written as '" << pii.written << "'");
            CHECK_FALSE(leaks(normalised, pii));
            ++items;
        }
    }
    CHECK(items > 400);
}
#endif
