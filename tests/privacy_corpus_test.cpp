// Generated texts: personal data planted in varied written forms among Chinese sentences
// and ordinary numbers. Nothing planted may survive masking; every ordinary number must.

#include "ticketflow/privacy.hpp"

#include "pii_corpus.hpp"

#include <catch2/catch.hpp>

using namespace ticketflow;
using namespace ticketflow::testing;

namespace {

PiiReport planted_counts(const CorpusText& text) {
    PiiReport expected;
    for (const PlantedPii& pii : text.pii) expected.add(pii.kind);
    return expected;
}

} // namespace

TEST_CASE("generated texts: planted personal data is masked, ordinary numbers survive", "[privacy][corpus]") {
    PiiCorpus corpus(20240520);
    const PiiScanner scanner;
    int leaked = 0;
    int lost = 0;
    int miscounted = 0;
    for (int i = 0; i < 1000; ++i) {
        const CorpusText text = corpus.next();
        const MaskResult result = scanner.mask(text.text);
        const std::string normalised = normalise_for_leak_check(result.text);
        for (const PlantedPii& pii : text.pii) {
            if (!leaks(normalised, pii)) continue;
            ++leaked;
            FAIL_CHECK("leaked " << to_string(pii.kind) << " written as '" << pii.written << "' in: " << result.text);
        }
        const std::string missing = first_missing_ordinary(result.text, text);
        if (!missing.empty()) {
            ++lost;
            FAIL_CHECK("ordinary number '" << missing << "' changed in: " << result.text);
        }
        if (result.report != planted_counts(text)) {
            ++miscounted;
            FAIL_CHECK("report '" << result.report.summary() << "' but planted '" << planted_counts(text).summary()
                                  << "' in: " << text.text);
        }
    }
    CHECK(leaked == 0);
    CHECK(lost == 0);
    CHECK(miscounted == 0);
}

TEST_CASE("every phone form is masked alone, in sentences, and in full-width digits", "[privacy][corpus]") {
    PiiCorpus corpus(86);
    const PiiScanner scanner;
    const auto check = [&](const std::string& text, const std::vector<PlantedPii>& planted) {
        INFO("text: " << text);
        const MaskResult result = scanner.mask(text);
        INFO("masked: " << result.text);
        const std::string normalised = normalise_for_leak_check(result.text);
        for (const PlantedPii& pii : planted) CHECK_FALSE(leaks(normalised, pii));
        PiiReport expected;
        for (const PlantedPii& pii : planted) expected.add(pii.kind);
        CHECK(result.report == expected);
        CHECK(scanner.scan(result.text).empty());
    };
    for (const PiiKind kind : {PiiKind::mobile, PiiKind::landline}) {
        const int forms = kind == PiiKind::mobile ? PiiCorpus::mobile_forms : PiiCorpus::landline_forms;
        for (int form = 0; form < forms; ++form) {
            INFO(to_string(kind) << " form " << form);
            for (int round = 0; round < 3; ++round) {
                PlantedPii pii = corpus.phone(kind, form);
                PlantedPii wide = pii;
                wide.written = PiiCorpus::fullwidth(pii.written);
                for (const PlantedPii& item : {pii, wide}) {
                    check(item.written, {item});
                    for (std::string_view pattern : PiiCorpus::pii_frames())
                        check(PiiCorpus::frame(pattern, item.written), {item});
                }
                // Joined by '/' (ASCII and full-width) to another phone number.
                const PlantedPii other =
                    corpus.phone(form % 2 == 0 ? PiiKind::mobile : PiiKind::landline, form % PiiCorpus::landline_forms);
                for (std::string_view slash : {"/", "\xEF\xBC\x8F"}) {
                    const std::string joined = pii.written + std::string(slash) + other.written;
                    check(joined, {pii, other});
                    check(PiiCorpus::frame("请回电{}，谢谢。", joined), {pii, other});
                }
            }
        }
    }
}

TEST_CASE("generated texts: masking is idempotent and the entry points agree", "[privacy][corpus]") {
    PiiCorpus corpus(7);
    const PiiScanner scanner;
    for (int i = 0; i < 200; ++i) {
        const CorpusText text = corpus.next();
        const MaskResult result = scanner.mask(text.text);
        INFO(text.text);
        REQUIRE(scanner.scan(text.text) == result.report);
        std::string in_place = text.text;
        REQUIRE(scanner.mask_in_place(in_place) == result.report);
        REQUIRE(in_place == result.text);
        REQUIRE(scanner.scan(result.text).empty());
    }
}

TEST_CASE("the corpus generator is deterministic for a seed", "[privacy][corpus]") {
    PiiCorpus a(99);
    PiiCorpus b(99);
    for (int i = 0; i < 20; ++i) CHECK(a.next().text == b.next().text);
    PiiCorpus sparse(1, CorpusOptions{0, 1, 0, 1, 6});
    CHECK(sparse.text_of_size(4096).size() >= 4096);
}
