#include "ticketflow/privacy.hpp"

namespace ticketflow {
namespace {

struct KindNames {
    const char* id;
    const char* singular;
    const char* plural;
};

// Indexed by PiiKind.
constexpr KindNames kKindNames[pii_kind_count] = {
    {"mobile", "mobile number", "mobile numbers"},   {"landline", "landline number", "landline numbers"},
    {"id_number", "ID number", "ID numbers"},        {"bank_card", "bank card number", "bank card numbers"},
    {"email", "e-mail address", "e-mail addresses"}, {"name", "name", "names"},
};

} // namespace

const char* to_string(PiiKind kind) noexcept {
    const auto index = static_cast<std::size_t>(kind);
    return index < pii_kind_count ? kKindNames[index].id : "unknown";
}

std::uint32_t PiiReport::total() const noexcept {
    std::uint32_t sum = 0;
    for (std::uint32_t count : counts_) sum += count;
    return sum;
}

PiiReport& PiiReport::operator+=(const PiiReport& other) noexcept {
    for (std::size_t i = 0; i < pii_kind_count; ++i) counts_[i] += other.counts_[i];
    return *this;
}

std::string PiiReport::summary() const {
    std::string text;
    for (std::size_t i = 0; i < pii_kind_count; ++i) {
        if (counts_[i] == 0) continue;
        if (!text.empty()) text += ", ";
        text += std::to_string(counts_[i]);
        text += ' ';
        text += counts_[i] == 1 ? kKindNames[i].singular : kKindNames[i].plural;
    }
    return text.empty() ? "no personal data" : text;
}

} // namespace ticketflow
