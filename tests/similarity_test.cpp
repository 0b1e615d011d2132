// Text similarity on realistic Chinese and English ticket descriptions, and the repeat detector.
#include "ticketflow/similarity.hpp"

#include "ticketflow/error.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ticketflow;
using namespace std::chrono_literals;

namespace {

struct Pair {
    const char* a;
    const char* b;
};

// The same problem in other words, or with another order number.
const Pair same_problem[] = {
    {"APP订单支付后状态未更新", "订单付款之后状态一直没有更新"},
    {"订单DD2024052012345支付后状态未更新", "订单DD2024052099999付款后状态还是没更新"},
    {"物流信息三天没有更新，订单号123456", "订单号789012的物流信息一直不更新"},
    {"无法登录账号，提示密码错误", "登录不了账号，一直提示密码错误"},
    {"快递显示已签收但是我没有收到货", "物流显示已经签收了，可是我没收到货"},
    {"申请退货后退款一直没有到账", "退货退款迟迟没有到账"},
    {"I was charged twice for order 12345", "I was charged twice for order 67890"},
    {"Cannot log in to my account after resetting my password", "After a password reset I cannot log into my account"},
    {"The app crashes when I open the settings page", "App keeps crashing every time I open settings"},
    {"My package shows delivered but I never received it", "Package marked as delivered, but it was never received"},
    {"Refund for order #A1234 has not arrived yet", "Still waiting for the refund of order B99881, it has not arrived"},
};

// Different problems that share words.
const Pair different_problems[] = {
    {"订单支付失败", "订单状态未更新"},
    {"无法登录账号", "账号被冻结了怎么办"},
    {"快递显示已签收但是我没有收到货", "快递员态度很差，送货不上门"},
    {"申请退货后退款一直没有到账", "退货需要提供什么材料"},
    {"APP订单支付后状态未更新", "APP闪退，打开就崩溃"},
    {"The app crashes when I open the settings page", "How do I change the language in the app settings"},
    {"My package shows delivered but I never received it", "The courier was rude when he delivered my package"},
    {"I was charged twice for order 12345", "How do I change the delivery address for order 12345"},
    {"Refund for order #A1234 has not arrived yet", "Can I get a refund if I open the box?"},
};

Ticket ticket(const std::string& id, const std::string& customer, const std::string& text, Instant received) {
    Ticket t;
    t.id = id;
    t.customer.id = customer;
    t.description = text;
    t.times.received = received;
    t.status = Status::closed;
    t.times.closed = received + 2h;
    return t;
}

const Instant day0{Duration{1716186600}}; // 2024-05-20 14:30 Beijing

} // namespace

TEST_CASE("shingles: Chinese bigrams, stemmed English words and pairs, digits and particles dropped", "[similarity]") {
    CHECK(shingles("订单DD2024052012345支付后状态未更新") ==
          std::vector<std::string>{"订单", "支付", "付后", "后状", "状态", "态未", "未更", "更新"});
    CHECK(shingles("The app CRASHES when I open settings!") ==
          std::vector<std::string>{"app", "crash", "app crash", "open", "crash open", "setting", "open setting"});
    CHECK(shingles("我的订单") == std::vector<std::string>{"订单"});
    CHECK(shingles("退") == std::vector<std::string>{"退"});
    CHECK(shingles("１２３，。！ 456 ... ---").empty());          // full-width digits and punctuation
    CHECK(shingles("ＡＰＰ") == std::vector<std::string>{"app"}); // full-width letters fold to ASCII
    CHECK(shingles("can't") == std::vector<std::string>{"cant"});
    CHECK(shingles("deliveries delivered delivery") ==
          std::vector<std::string>{"deliver", "deliver", "deliver deliver", "deliver", "deliver deliver"});
    CHECK(shingles("\xff\xfe订单") == std::vector<std::string>{"订单"}); // invalid bytes separate
}

TEST_CASE("similarity: paraphrases and other order numbers match, different problems do not", "[similarity]") {
    for (const auto& p : same_problem) {
        INFO(p.a << " | " << p.b);
        CHECK(similarity(p.a, p.b) >= default_similarity_threshold);
        CHECK(similarity(p.a, p.b) == similarity(p.b, p.a));
    }
    for (const auto& p : different_problems) {
        INFO(p.a << " | " << p.b);
        CHECK(similarity(p.a, p.b) < default_similarity_threshold);
    }
}

TEST_CASE("similarity measures on signatures", "[similarity]") {
    TextSignature a("无法登录账号"), b("无法登录账号，提示密码错误"), empty("123 !!");
    CHECK(a.size() == 5); // 无法 法登 登录 录账 账号
    CHECK(overlap(a, b) == 5);
    CHECK(containment(a, b) == 1.0); // all of a is in b
    CHECK(containment(b, a) == Approx(5.0 / 10));
    CHECK(jaccard(a, b) == Approx(5.0 / 10));
    CHECK(similarity(a, b) == Approx(10.0 / 15));
    CHECK(empty.empty());
    CHECK(similarity(empty, empty) == 0.0);
    CHECK(jaccard(empty, a) == 0.0);
    CHECK(containment(empty, a) == 0.0);
    TextSignature tagged("无法登录账号", {"登录"});
    CHECK(tagged.size() == 6); // a label is its own shingle, distinct from the bigram 登录
}

TEST_CASE("repeat detector: same customer within the window, most similar wins", "[similarity][repeat]") {
    RepeatDetector detector;
    Ticket incoming = ticket("N1", "C1", "订单DD2024052099999付款后状态还是没更新", day0);
    incoming.status = Status::pending;
    incoming.times.closed.reset();
    std::vector<Ticket> candidates{
        ticket("T1", "C1", "订单DD2024052012345支付后状态未更新", day0 - 48h),
        ticket("T2", "C1", "APP闪退，打开就崩溃", day0 - 24h),               // other problem
        ticket("T3", "C2", "订单支付后状态未更新", day0 - 1h),               // other customer, no order
        ticket("T4", "C1", "订单支付后状态一直未更新", day0 - 30 * 24h),     // closed long ago
        ticket("N1", "C1", "订单DD2024052099999付款后状态还是没更新", day0), // itself
    };
    auto match = detector.find(incoming, candidates);
    REQUIRE(match);
    CHECK(match->ticket == "T1");
    CHECK(match->root == "T1");
    CHECK(match->score == Approx(similarity(incoming.description, candidates[0].description)));
    CHECK_FALSE(match->same_order);

    CHECK_FALSE(detector.is_candidate(incoming, candidates[2]));
    CHECK_FALSE(detector.is_candidate(incoming, candidates[3]));
    CHECK_FALSE(detector.is_candidate(incoming, candidates[4]));

    // An open ticket counts whatever its age: the problem is still not solved.
    candidates[3].status = Status::in_progress;
    candidates[3].times.closed.reset();
    CHECK(detector.is_candidate(incoming, candidates[3]));
    // Closed long ago, but closed within the window: counts.
    candidates[3].status = Status::closed;
    candidates[3].times.closed = day0 - 24h;
    CHECK(detector.is_candidate(incoming, candidates[3]));
}

TEST_CASE("repeat detector: the same order number from another customer, chains to the root", "[similarity][repeat]") {
    RepeatDetector detector;
    Ticket incoming = ticket("N1", "C9", "快递显示已签收但是我没有收到货", day0);
    incoming.order_number = "DD1";
    Ticket other = ticket("T7", "C8", "物流显示已经签收了，可是我没收到货", day0 - 3h);
    other.order_number = "DD1";
    other.links.push_back({LinkKind::duplicate_of, "T5"});
    auto match = detector.find(incoming, &other, 1);
    REQUIRE(match);
    CHECK(match->same_order);
    CHECK(match->root == "T5");

    RepeatOptions no_orders;
    no_orders.same_order = false;
    CHECK_FALSE(RepeatDetector(no_orders).find(incoming, &other, 1));

    RepeatOptions strict;
    strict.threshold = 0.9;
    CHECK_FALSE(RepeatDetector(strict).find(incoming, &other, 1));
}

TEST_CASE("repeat detector: find_all ranks by score then recency; options are checked", "[similarity][repeat]") {
    RepeatDetector detector;
    Ticket incoming = ticket("N1", "C1", "无法登录账号，提示密码错误", day0);
    std::vector<Ticket> candidates{
        ticket("T1", "C1", "登录不了账号，一直提示密码错误", day0 - 5h),
        ticket("T2", "C1", "无法登录账号，提示密码错误", day0 - 4h),
        ticket("T3", "C1", "无法登录账号，提示密码错误", day0 - 2h),
    };
    auto all = detector.find_all(incoming, candidates.data(), candidates.size());
    REQUIRE(all.size() == 3);
    CHECK(all[0].ticket == "T3"); // equal score, more recent
    CHECK(all[1].ticket == "T2");
    CHECK(all[2].ticket == "T1");
    CHECK(detector.candidate_query(incoming).customer_id == std::optional<std::string>("C1"));

    RepeatOptions bad;
    bad.threshold = 0;
    CHECK_THROWS_AS(RepeatDetector(bad), ValidationError);
    bad.threshold = 0.5;
    bad.window = -1h;
    CHECK_THROWS_AS(RepeatDetector(bad), ValidationError);
}
