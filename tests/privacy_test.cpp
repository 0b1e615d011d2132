#include "ticketflow/error.hpp"
#include "ticketflow/privacy.hpp"

#include "privacy/checks.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <thread>
#include <vector>

using namespace ticketflow;

namespace {

std::string masked(std::string_view text) { return PiiScanner{}.mask(text).text; }

PiiReport found(std::string_view text) { return PiiScanner{}.scan(text); }

// Asserts that the scanner leaves `text` exactly as it is and reports nothing.
void require_untouched(std::string_view text) {
    INFO("text: " << text);
    const MaskResult result = PiiScanner{}.mask(text);
    CHECK(result.text == text);
    CHECK(result.report.empty());
}

} // namespace

TEST_CASE("mobile numbers are masked to 138****5678 in every common format", "[privacy][mobile]") {
    CHECK(masked("13812345678") == "138****5678");
    CHECK(masked("请回电13812345678，谢谢") == "请回电138****5678，谢谢");
    CHECK(masked("电话:138 1234 5678") == "电话:138 **** 5678");
    CHECK(masked("电话 138-1234-5678。") == "电话 138-****-5678。");
    CHECK(masked("138 12345678") == "138 ****5678");
    CHECK(masked("+86 138 1234 5678") == "+86 138 **** 5678");
    CHECK(masked("+8613812345678") == "+86138****5678");
    CHECK(masked("0086-13812345678") == "0086-138****5678");
    CHECK(masked("008613812345678") == "0086138****5678");
    CHECK(masked("(+86)13912345678") == "(+86)139****5678");
    CHECK(masked("（13812345678）") == "（138****5678）");
    CHECK(masked("手机１３８１２３４５６７８") == "手机１３８****５６７８");
    CHECK(masked("＋８６　１３８　１２３４　５６７８") == "＋８６　１３８　****　５６７８");
    CHECK(masked("138\xE2\x80\x93"
                 "1234\xE2\x80\x93"
                 "5678") == "138\xE2\x80\x93****\xE2\x80\x93"
                            "5678");
    CHECK(found("13812345678 和 19912345678").count(PiiKind::mobile) == 2);
}

TEST_CASE("a country code glued to a grouped number is masked", "[privacy][mobile][landline]") {
    CHECK(masked("请回电 +86138 1234 5678") == "请回电 +86138 **** 5678");
    CHECK(masked("0086138-1234-5678") == "0086138-****-5678");
    CHECK(masked("+86138 12345678") == "+86138 ****5678");
    CHECK(masked("＋８６１３８　１２３４　５６７８") == "＋８６１３８　****　５６７８");
    CHECK(masked("+8610 1234 5678") == "+8610 **** **78");
    CHECK(masked("008610-12345678") == "008610-******78");
    CHECK(masked("+861012345678") == "+8610******78");
    CHECK(masked("+86755-8765-4321") == "+86755-****-**21");
    CHECK(masked("+86 (0)10 1234 5678") == "+86 (0)10 **** **78");
    CHECK(masked("+86(0)755-87654321") == "+86(0)755-******21");
    CHECK(masked("＋８６　（０）１０　１２３４５６７８") == "＋８６　（０）１０　******７８");
    CHECK(found("+86138 1234 5678").count(PiiKind::mobile) == 1);
    CHECK(found("+8610 1234 5678").count(PiiKind::landline) == 1);
    // A glued 86 counts as a country code only after '+'; 0086 always does.
    require_untouched("86138 1234 5678");
    require_untouched("8610 1234 5678");
    require_untouched("(0)10");
}

TEST_CASE("phone labels glued to the number and numbers joined by '/' are masked", "[privacy][mobile][landline]") {
    CHECK(masked("TEL13812345678") == "TEL138****5678");
    CHECK(masked("tel13812345678") == "tel138****5678");
    CHECK(masked("Tel-138-1234-5678") == "Tel-138-****-5678");
    CHECK(masked("PHONE:13812345678") == "PHONE:138****5678");
    CHECK(masked("Mobile13812345678") == "Mobile138****5678");
    CHECK(masked("TEL010-12345678") == "TEL010-******78");
    CHECK(masked("电话:13812345678") == "电话:138****5678");
    CHECK(masked("电话：138 1234 5678") == "电话：138 **** 5678");
    CHECK(masked("13812345678/13912345678") == "138****5678/139****5678");
    CHECK(masked("010-12345678/13912345678") == "010-******78/139****5678");
    CHECK(masked("138 1234 5678／139 8765 4321") == "138 **** 5678／139 **** 4321");
    CHECK(found("13812345678/13912345678").count(PiiKind::mobile) == 2);
    require_untouched("a/13812345678"); // a path or identifier
    require_untouched("13812345678/ab");
    require_untouched("2024/05/20");
}

TEST_CASE("numbers that only contain a mobile-like part are left alone", "[privacy][mobile][boundaries]") {
    require_untouched("138123456789");      // 12 digits
    require_untouched("813812345678");      // 12 digits, phone at the end
    require_untouched("12345678901");       // 11 digits but 12… is no mobile prefix
    require_untouched("DD13812345678");     // letters-prefixed identifier
    require_untouched("13812345678AB");     // letters-suffixed identifier
    require_untouched("SN-13812345678");    // dashed identifier
    require_untouched("13,812,345,678.00"); // an amount
    require_untouched("1.3812345678");      // a decimal
    require_untouched("+8713812345678");    // another country, glued
    require_untouched("HOTEL13812345678");  // letters ending in a label are no label
    require_untouched("TELE13812345678");   // nor is a longer word
    CHECK(masked("Tel: 13812345678") == "Tel: 138****5678");
    CHECK(masked("No.13812345678") == "No.138****5678");
}

TEST_CASE("landlines keep the area code and the last two digits", "[privacy][landline]") {
    CHECK(masked("010-12345678") == "010-******78");
    CHECK(masked("(0755)8765 4321") == "(0755)**** **21");
    CHECK(masked("（010）12345678") == "（010）******78");
    CHECK(masked("0755 87654321") == "0755 ******21");
    CHECK(masked("0571-8765-4321") == "0571-****-**21");
    CHECK(masked("01012345678") == "010******78");
    CHECK(masked("07558765432") == "0755*****32");
    CHECK(masked("+86 10 1234 5678") == "+86 10 **** **78");
    CHECK(masked("0086-755-87654321") == "0086-755-******21");
    CHECK(masked("总机 010-12345678-801 转") == "总机 010-******78-801 转");
    CHECK(found("010-12345678").count(PiiKind::landline) == 1);
}

TEST_CASE("service numbers and non-area-code numbers are not landlines", "[privacy][landline]") {
    require_untouched("400-820-8820"); // company hotline
    require_untouched("0123-4567890"); // 01x other than 010 is no area code
    require_untouched("010-01234567"); // a subscriber number never starts with 0
    require_untouched("87654321");     // no area code: indistinguishable from a date
}

TEST_CASE("resident ID numbers are masked only when the checksum validates", "[privacy][id]") {
    CHECK(masked("11010519491231002X") == "110105********002X");
    CHECK(masked("身份证11010519491231002x。") == "身份证110105********002x。");
    CHECK(masked("440305199003071236") == "440305********1236");
    CHECK(masked("110105 19491231 002X") == "110105 ******** 002X");
    CHECK(masked("１１０１０５１９４９１２３１００２Ｘ") == "１１０１０５********００２Ｘ");
    CHECK(found("11010519491231002X").count(PiiKind::id_number) == 1);
    require_untouched("110105194912310021");  // wrong check digit
    require_untouched("110105194913310026");  // month 13
    require_untouched("200105194912310024");  // no province 20
    require_untouched("11010519491231002XY"); // glued to a letter
}

TEST_CASE("full-width ID digits are masked", "[privacy][id]") {
    CHECK(masked("１１０１０５１９９００３０７１２３９") == "１１０１０５********１２３９");
}

TEST_CASE("bank card numbers keep only the last four digits, when Luhn-valid", "[privacy][card]") {
    CHECK(masked("6222021234567890128") == "***************0128");
    CHECK(masked("卡号 6217 0012 3456 7893 请退款") == "卡号 **** **** **** 7893 请退款");
    CHECK(masked("6217-0012-3456-7893") == "****-****-****-7893");
    CHECK(masked("6222 0212 3456 7890 128") == "**** **** **** ***0 128");
    CHECK(masked("3782 822463 10005") == "**** ****** *0005");
    CHECK(masked("4111111111111111") == "************1111");
    CHECK(found("4111111111111111").count(PiiKind::bank_card) == 1);
    require_untouched("6217001234567894");     // Luhn-invalid
    require_untouched("2024052012345673");     // Luhn-valid but a date-prefixed order number
    require_untouched("62220212345678901234"); // 20 digits
}

TEST_CASE("e-mail addresses keep the first character and the domain", "[privacy][email]") {
    CHECK(masked("zhang.san@example.com") == "z***@example.com");
    CHECK(masked("邮箱：zhang_san@mail.example.com.cn。") == "邮箱：z***@mail.example.com.cn。");
    CHECK(masked("13812345678@qq.com") == "1***@qq.com");
    CHECK(masked("a@b.co") == "a***@b.co");
    CHECK(masked("13812345678@张三") == "138****5678@张三"); // no domain: still a phone number
    const PiiReport report = found("13812345678@qq.com");
    CHECK(report.count(PiiKind::email) == 1);
    CHECK(report.count(PiiKind::mobile) == 0);
    require_untouched("user@localhost");
    require_untouched("@example.com");
    require_untouched("价格@10元");
    require_untouched("x@y.c1");
}

TEST_CASE("ordinary numbers survive verbatim", "[privacy][ordinary]") {
    require_untouched("订单号20240520001，金额¥1,299.00，2024-05-20 14:30 下单，数量 3 件");
    require_untouched("订单 DD2024052012345 物流 SF1234567890123 已签收");
    require_untouched("2024/05/20 09:00-12:00, 13:30-18:00");
    require_untouched("工单 C20240520001 于 2024年5月20日 创建，退款 88.50 元");
    require_untouched("202405201234567890 与 2024052012345678");
    require_untouched("退款编号 1234567890，共 12 件");
}

TEST_CASE("long runs of digit groups are matched across read windows", "[privacy][boundaries]") {
    CHECK(masked("1 2 3 4 5 6 7 8 9 138 1234 5678") == "1 2 3 4 5 6 7 8 9 138 **** 5678");
    CHECK(masked("1 2 3 4 5 6 6222 0212 3456 7890 128") == "1 2 3 4 5 6 **** **** **** ***0 128");
    CHECK(masked("2024-05-20 13812345678") == "2024-05-20 138****5678");
}

TEST_CASE("the shortest landlines are masked, runs of fewer digits are left alone", "[privacy][boundaries]") {
    // Ten digits, the fewest any kind has: a three-digit area code and seven digits.
    CHECK(masked("010-1234567") == "010-*****67");
    CHECK(masked("0101234567") == "010*****67");
    CHECK(masked("+86 (0)10 1234567") == "+86 (0)10 *****67");
    CHECK(masked("拨 020 123 4567 转") == "拨 020 *** **67 转");
    // One digit short, and short groups joined by separators.
    require_untouched("010-123456");
    require_untouched("5月21日 02:30 前，共 3 件，12 34 56 78 9");
    require_untouched("1-2-3-4-5-6-7-8-9");
}

TEST_CASE("ticket numbers are left alone, the lone numbers beside them are masked", "[privacy][boundaries]") {
    // The desk's numbers: date and serial, with or without a prefix, one group each.
    require_untouched("您的工单号为 20240520001，已记录为【P2】级别");
    require_untouched("工单 202405201234 已关闭");
    require_untouched("Ticket T20240520001 is closed.");
    require_untouched("参考号 98765432109876543");
    // Order numbers: card-length, but no issuer prefix or no valid check digit.
    require_untouched("订单号 2024052012345678901 已发货");
    require_untouched("订单号 4222222222223 已发货");
    require_untouched("订单号 110105199003071230 已发货");
    // Lone groups that are numbers: a mobile (1…), an area code (0…), a country code
    // after '+', a card (13 and 16 digits), a resident ID.
    CHECK(masked("号码 13812345678，") == "号码 138****5678，");
    CHECK(masked("号码 01012345678，") == "号码 010******78，");
    CHECK(masked("号码 +861012345678，") == "号码 +8610******78，");
    CHECK(masked("卡 4222222222222，") == "卡 *********2222，");
    CHECK(masked("卡 4111111111111111，") == "卡 ************1111，");
    CHECK(masked("证件 110105199003071239，") == "证件 110105********1239，");
}

TEST_CASE("several kinds in one text are all masked and counted", "[privacy][report]") {
    const MaskResult result = PiiScanner{}.mask(
        "客户 13812345678 / 13912345678，座机 010-12345678，邮箱 a.b@example.com，卡 4111111111111111");
    CHECK(result.text ==
          "客户 138****5678 / 139****5678，座机 010-******78，邮箱 a***@example.com，卡 ************1111");
    CHECK(result.report.count(PiiKind::mobile) == 2);
    CHECK(result.report.total() == 5);
    CHECK(result.report.summary() == "2 mobile numbers, 1 landline number, 1 bank card number, 1 e-mail address");
    CHECK(PiiReport{}.summary() == "no personal data");
}

TEST_CASE("mask_in_place rewrites only text that contains personal data", "[privacy]") {
    std::string clean = "无个人信息的描述 2024-05-20";
    const char* before = clean.data();
    CHECK(PiiScanner{}.mask_in_place(clean).empty());
    CHECK(clean == "无个人信息的描述 2024-05-20");
    CHECK(clean.data() == before);

    std::string dirty = "电话13812345678";
    CHECK(PiiScanner{}.mask_in_place(dirty).count(PiiKind::mobile) == 1);
    CHECK(dirty == "电话138****5678");
}

TEST_CASE("invalid UTF-8 passes through the scanner", "[privacy]") {
    const std::string text = "\xFF\xEF\xBC 13812345678 \xE4\xB8";
    CHECK(masked(text) == "\xFF\xEF\xBC 138****5678 \xE4\xB8");
}

TEST_CASE("mask_name keeps the first character of each word", "[privacy][name]") {
    CHECK(mask_name("张三") == "张*");
    CHECK(mask_name("欧阳娜娜") == "欧***");
    CHECK(mask_name("John Smith") == "J*** S****");
    CHECK(mask_name("阿卜杜·热合曼") == "阿******");
    CHECK(mask_name("张") == "*");
    CHECK(mask_name("J S") == "* *");
    CHECK(mask_name("") == "");
    CHECK(mask_name("\xFF\xFE") == "**");
}

TEST_CASE("the default policy masks every field", "[privacy][policy]") {
    const PrivacyPolicy policy;
    CHECK(policy.action_for("description") == FieldAction::mask);
    const MaskResult result = policy.apply("remarks", "客户电话13812345678");
    CHECK(result.text == "客户电话138****5678");
    CHECK(result.report.count(PiiKind::mobile) == 1);
}

TEST_CASE("a rejecting field names the field and the kinds, never the values", "[privacy][policy]") {
    PrivacyPolicy policy;
    policy.set("customer.nickname", FieldAction::reject);
    CHECK(policy.apply("customer.nickname", "小张").text == "小张");
    try {
        policy.apply("customer.nickname", "138 1234 5678 / zhang@example.com");
        FAIL("expected ValidationError");
    } catch (const ValidationError& e) {
        const std::string message = e.what();
        CHECK(e.field() == "customer.nickname");
        CHECK(e.code() == ErrorCode::invalid_argument);
        CHECK(message.find("1 mobile number") != std::string::npos);
        CHECK(message.find("1 e-mail address") != std::string::npos);
        for (const char* secret : {"138", "1234", "5678", "zhang", "example"}) {
            INFO(secret);
            CHECK(message.find(secret) == std::string::npos);
        }
    }
    std::string text = "13812345678";
    CHECK_THROWS_AS(policy.apply_in_place("customer.nickname", text), ValidationError);
    CHECK(text == "13812345678");
}

TEST_CASE("policies can treat a field as a name, and reject by default", "[privacy][policy]") {
    PrivacyPolicy policy(FieldAction::reject);
    policy.set("contact.name", FieldAction::mask_name).set("description", FieldAction::mask);
    CHECK(policy.default_action() == FieldAction::reject);
    const MaskResult name = policy.apply("contact.name", "欧阳娜娜");
    CHECK(name.text == "欧***");
    CHECK(name.report.count(PiiKind::name) == 1);
    std::string text = "邮箱 z@example.com";
    CHECK(policy.apply_in_place("description", text).count(PiiKind::email) == 1);
    CHECK(text == "邮箱 z***@example.com");
    CHECK_THROWS_AS(policy.apply("remarks", "13812345678"), ValidationError);
    CHECK_THROWS_AS(policy.set("", FieldAction::mask), ValidationError);
    CHECK(std::string(to_string(FieldAction::mask_name)) == "mask_name");
    CHECK(std::string(to_string(PiiKind::id_number)) == "id_number");
}

TEST_CASE("the memory vault round-trips contacts behind digit-free tokens", "[privacy][vault]") {
    MemoryContactVault vault(42);
    const Contact contact{"张三", "13812345678", "zhang@example.com", "北京市朝阳区"};
    const std::string token = vault.store(contact);
    CHECK(vault.reveal(token) == contact);
    CHECK(token.rfind("ct_", 0) == 0);
    CHECK(token.size() == 19);
    CHECK(token.find_first_of("0123456789") == std::string::npos);
    CHECK(PiiScanner{}.scan(token).empty());

    MemoryContactVault same_seed(42);
    CHECK(same_seed.store(contact) == token);

    CHECK(vault.erase(token));
    CHECK_FALSE(vault.erase(token));
    CHECK_THROWS_AS(vault.reveal(token), NotFound);
    CHECK_THROWS_AS(vault.store(Contact{}), ValidationError);
}

TEST_CASE("the memory vault issues distinct tokens from concurrent threads", "[privacy][vault]") {
    MemoryContactVault vault;
    constexpr int kThreads = 4;
    constexpr int kPerThread = 200;
    std::vector<std::vector<std::string>> tokens(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&vault, &tokens, t] {
            for (int i = 0; i < kPerThread; ++i) {
                tokens[t].push_back(vault.store(Contact{"", std::to_string(13800000000LL + t * 1000 + i), "", ""}));
            }
        });
    }
    for (auto& thread : threads) thread.join();
    std::set<std::string> distinct;
    for (const auto& list : tokens) distinct.insert(list.begin(), list.end());
    CHECK(distinct.size() == kThreads * kPerThread);
    CHECK(vault.size() == kThreads * kPerThread);
    CHECK(vault.reveal(tokens[2][7]).phone == "13800002007");
}

TEST_CASE("checksum helpers", "[privacy][checks]") {
    using namespace ticketflow::privacy_detail;
    CHECK(luhn_valid("4111111111111111"));
    CHECK_FALSE(luhn_valid("4111111111111112"));
    CHECK(is_bank_card_number("2221001234567896")); // Mastercard 2-series
    CHECK_FALSE(is_bank_card_number("1234567812345670"));
    CHECK(resident_id_check_char("11010519491231002") == 'X');
    CHECK(is_resident_id("510107200002294564"));       // born on 29 February 2000
    CHECK_FALSE(is_resident_id("510107190002294561")); // 1900 was not a leap year
    CHECK(is_mobile_number("19912345678"));
    CHECK_FALSE(is_mobile_number("12912345678"));
    CHECK(area_code_length("01012345678", true) == 3);
    CHECK(area_code_length("02112345678", true) == 3);
    CHECK(area_code_length("075512345678", true) == 4);
    CHECK(area_code_length("0112345678", true) == 0);
    CHECK(area_code_length("755", false) == 3);
    CHECK(area_code_length("10", false) == 2);
}

TEST_CASE("random fragments never break the scanner", "[privacy][robustness]") {
    // Digits, separators, check characters, '@', full-width forms and truncated UTF-8,
    // shuffled: the scanner must stay in bounds (sanitizer builds) and its entry points agree.
    static const char* const kPieces[] = {"1",
                                          "3",
                                          "8",
                                          "0",
                                          "9",
                                          "6",
                                          "X",
                                          "x",
                                          "@",
                                          " ",
                                          "-",
                                          "(",
                                          ")",
                                          "+",
                                          ".",
                                          ",",
                                          "a",
                                          "_",
                                          "\xEF\xBC\x91",
                                          "\xEF\xBC\xB8",
                                          "\xEF\xBC",
                                          "\xEF",
                                          "\xE3\x80\x80",
                                          "\xC2\xA0",
                                          "\xE2\x80\x93",
                                          "\xEF\xBC\x88",
                                          "\xEF\xBC\x89",
                                          "\xEF\xBC\x8B",
                                          "中",
                                          "qq.com",
                                          "13812345678",
                                          "0755",
                                          "6217",
                                          "86",
                                          "0086",
                                          "11010519491231002"};
    constexpr std::size_t kPieceCount = sizeof kPieces / sizeof kPieces[0];
    std::uint64_t state = 12345;
    auto next = [&state] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>(state >> 33);
    };
    const PiiScanner scanner;
    for (int i = 0; i < 20000; ++i) {
        std::string text;
        for (std::size_t n = next() % 40; n > 0; --n) text += kPieces[next() % kPieceCount];
        const MaskResult result = scanner.mask(text);
        INFO(text);
        REQUIRE(scanner.scan(text) == result.report);
        if (result.report.empty()) REQUIRE(result.text == text);
    }
}
