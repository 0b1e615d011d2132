// PiiScanner and the privacy policy on arbitrary bytes, checked against what privacy.hpp
// promises: scan(), mask() and mask_in_place() report the same counts and the two masks
// give the same text; masking changes the text exactly when something was found, keeps
// every byte it does not hide and hides each code point as one '*' (an e-mail address's
// local part becomes its first character and "***", so texts with one are not walked);
// valid UTF-8 stays valid; a rejecting policy throws ValidationError exactly when there is
// something to reject, leaving the text as it was. Nothing may throw otherwise, crash or
// trip a sanitizer. See docs/fuzzing.md.
#include "core/validate.hpp"
#include "privacy/text_bytes.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/privacy.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool holds, const char* what) {
    if (holds) return;
    std::fprintf(stderr, "pii_scanner_fuzzer: %s\n", what);
    std::abort();
}

// The masked text is the input with some code points replaced, one '*' each.
bool only_code_points_hidden(std::string_view in, std::string_view out) {
    std::size_t i = 0, o = 0;
    while (i < in.size() && o < out.size()) {
        if (in[i] == out[o]) {
            ++i;
            ++o;
            continue;
        }
        if (out[o] != '*') return false;
        const std::size_t n = ticketflow::privacy_detail::utf8_char_length(in, i);
        i += n == 0 ? 1 : n; // the masks step over invalid bytes one at a time
        ++o;
    }
    return i == in.size() && o == out.size();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const ticketflow::PiiScanner scanner;
    const auto report = scanner.scan(text);
    const auto masked = scanner.mask(text);
    std::string in_place(text);
    require(scanner.mask_in_place(in_place) == report, "mask_in_place() reports other counts than scan()");
    require(masked.report == report, "mask() reports other counts than scan()");
    require(masked.text == in_place, "mask() and mask_in_place() give different texts");
    require(report.empty() == (masked.text == text), "the text changed without a finding, or not with one");
    if (ticketflow::detail::is_valid_utf8(text))
        require(ticketflow::detail::is_valid_utf8(masked.text), "masking made valid UTF-8 invalid");
    if (report.count(ticketflow::PiiKind::email) == 0)
        require(only_code_points_hidden(text, masked.text), "masking changed more than the hidden code points");

    std::string field(text);
    try {
        ticketflow::PrivacyPolicy(ticketflow::FieldAction::reject).apply_in_place("description", field);
        require(report.empty(), "a rejecting policy let personal data through");
    } catch (const ticketflow::ValidationError&) {
        require(!report.empty(), "a rejecting policy refused a text without personal data");
        require(field == text, "a refused text was changed");
    }
    (void)ticketflow::personal_data_in_identifier(text);
    (void)ticketflow::mask_name(text);
    return 0;
}
