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
