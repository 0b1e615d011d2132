// personal_data_in_identifier(): identifiers that are phone, ID or card numbers or e-mail
// addresses are recognised; pseudonymous customer and order numbers are not.
#include "ticketflow/privacy.hpp"

#include "pii_corpus.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

using namespace ticketflow;

namespace {

std::string reason(std::string_view id) { return personal_data_in_identifier(id).value_or("(none)"); }

// An independent statement of "shaped like a phone number" for all-digit serials: a mobile
// number, or a trunk zero, an area code (10, 2x: two digits; 3x–9x: three) and 7–8
// subscriber digits not starting with 0.
bool phone_shaped(const std::string& digits) {
    if (digits.size() == 11 && digits[0] == '1' && digits[1] >= '3') return true;
    if (digits.size() < 3 || digits[0] != '0') return false;
    std::size_t area = 0;
    if (digits[1] == '1' && digits[2] == '0')
        area = 3;
    else if (digits[1] == '2')
        area = 3;
    else if (digits[1] >= '3')
        area = 4;
    if (area == 0 || digits.size() < area + 7 || digits.size() > area + 8) return false;
    return digits[area] != '0';
}

struct SplitMix {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
};

} // namespace

TEST_CASE("identifiers that are phone numbers are recognised in every written form", "[privacy][identifier]") {
    CHECK(reason("13812345678") == "is a mobile phone number");
    CHECK(reason(" 138 1234 5678 ") == "is a mobile phone number");
    CHECK(reason("138-1234-5678") == "is a mobile phone number");
    CHECK(reason("138.1234.5678") == "is a mobile phone number");
    CHECK(reason("+86 138 1234 5678") == "is a mobile phone number");
    CHECK(reason("+8613812345678") == "is a mobile phone number");
    CHECK(reason("008613812345678") == "is a mobile phone number");
    CHECK(reason("(+86)138-1234-5678") == "is a mobile phone number");
    CHECK(reason("１３８１２３４５６７８") == "is a mobile phone number");
    CHECK(reason("＋８６　１３８　１２３４　５６７８") == "is a mobile phone number");
    CHECK(reason("010-12345678") == "is a landline phone number");
    CHECK(reason("(0755)8765-4321") == "is a landline phone number");
    CHECK(reason("01012345678") == "is a landline phone number");
    CHECK(reason("+86 10 1234 5678") == "is a landline phone number");
    CHECK(reason("0086-755-87654321") == "is a landline phone number");
}

TEST_CASE("identifiers that are ID numbers, card numbers or e-mail addresses are recognised", "[privacy][identifier]") {
    CHECK(reason("11010519491231002X") == "is a resident ID number");
    CHECK(reason("11010519491231002x") == "is a resident ID number");
    CHECK(reason("110105 19491231 002X") == "is a resident ID number");
    CHECK(reason("4111111111111111") == "is a bank card number");
    CHECK(reason("6217 0012 3456 7893") == "is a bank card number");
    CHECK(reason("6217-0012-3456-7893") == "is a bank card number");
    CHECK(reason("zhang.san@example.com") == "is an e-mail address");
    CHECK(reason("13812345678@qq.com") == "is an e-mail address");
}

TEST_CASE("identifiers that contain personal data are recognised", "[privacy][identifier]") {
    CHECK(reason("C13812345678") == "contains a mobile phone number");
    CHECK(reason("VIP-13812345678") == "contains a mobile phone number");
    CHECK(reason("TEL13812345678") == "contains a mobile phone number");
    CHECK(reason("13812345678A") == "contains a mobile phone number");
    CHECK(reason("客户13812345678") == "contains a mobile phone number");
    CHECK(reason("VIP11010519491231002X") == "contains a resident ID number");
    CHECK(reason("cust:zhang.san@example.com") == "contains an e-mail address");
    CHECK(reason("订单 6217 0012 3456 7893") == "contains a bank card number");
}

TEST_CASE("typical pseudonymous identifiers are not personal data", "[privacy][identifier]") {
    for (const char* id : {"C20240520001",
                           "SO-2024-000123",
                           "DD2024052012345",
                           "SF1234567890123",
                           "CUST-0001",
                           "ORD202405200001",
                           "A1B2C3",
                           "cust_42",
                           "C1000",
                           "20240520001",
                           "2024052012345678",
                           "202405201234567890",
                           "1234",
                           "000123",
                           "123456789012",
                           "12345678901",
                           "87654321",
                           "400-820-8820",
                           "110105194912310021",
                           "6217001234567894",
                           "user@localhost",
                           "客户甲",
                           "SO-2024-13812",
                           "",
                           "   "}) {
        INFO("id: '" << id << "'");
        CHECK_FALSE(personal_data_in_identifier(id).has_value());
    }
}

TEST_CASE("4–12 digit serials are personal data exactly when shaped like a phone number", "[privacy][identifier]") {
    SplitMix random{20240520};
    int phone_like = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::size_t length = 4 + random.next() % 9;
        std::string serial;
        // Bias the first digits towards the prefixes that matter: 0 and 1.
        const std::uint64_t lead = random.next() % 4;
        if (lead == 0)
            serial = "0";
        else if (lead == 1)
            serial = "1";
        while (serial.size() < length) serial.push_back(static_cast<char>('0' + random.next() % 10));
        const bool expected = phone_shaped(serial);
        phone_like += expected;
        INFO("serial " << serial);
        CHECK(personal_data_in_identifier(serial).has_value() == expected);
        // The same serial behind a letter prefix: only a mobile number is found there.
        const bool mobile = serial.size() == 11 && serial[0] == '1' && serial[1] >= '3';
        CHECK(personal_data_in_identifier("C" + serial).has_value() == mobile);
        CHECK(personal_data_in_identifier("SO-" + serial).has_value() == mobile);
    }
    CHECK(phone_like > 100); // the sample reaches both sides
}

TEST_CASE("the reason never contains the identifier's digits", "[privacy][identifier]") {
    ticketflow::testing::PiiCorpus corpus(5);
    for (int form = 0; form < ticketflow::testing::PiiCorpus::mobile_forms; ++form) {
        const auto pii = corpus.phone(PiiKind::mobile, form);
        INFO("id: " << pii.written);
        const auto found = personal_data_in_identifier(pii.written);
        REQUIRE(found.has_value());
        CHECK(found->find(pii.canonical.substr(3, 4)) == std::string::npos);
    }
}
