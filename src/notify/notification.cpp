// Names of the notification enums that core/names.cpp does not cover.
#include "ticketflow/notify.hpp"
#include "ticketflow/ticket_fields.hpp"

#include <array>

namespace ticketflow {
namespace {

constexpr std::array<const char*, 2> audience_names{"customer", "staff"};
static_assert(audience_names.size() == enum_count<Audience>, "every Audience needs its name");

} // namespace

const char* to_string(Audience audience) noexcept {
    auto index = static_cast<std::size_t>(audience);
    return index < audience_names.size() ? audience_names[index] : "unknown";
}

// Compares with to_string(NotificationKind) so the names keep a single source.
NotificationKind parse_notification_kind(const std::string& name, const std::string& field) {
    std::string expected;
    for (int i = 0; i < notification_kind_count; ++i) {
        auto kind = static_cast<NotificationKind>(i);
        if (name == to_string(kind)) return kind;
        expected += (i ? ", " : "") + std::string(to_string(kind));
    }
    throw ValidationError(field, "unknown value '" + name + "' (expected one of: " + expected + ")");
}

Audience parse_audience(const std::string& name, const std::string& field) {
    for (std::size_t i = 0; i < audience_names.size(); ++i)
        if (name == audience_names[i]) return static_cast<Audience>(i);
    throw ValidationError(field, "unknown value '" + name + "' (expected one of: customer, staff)");
}

} // namespace ticketflow
