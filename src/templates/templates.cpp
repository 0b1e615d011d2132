// MessageTemplates: names, which placeholders each message offers, compiling a template
// into pieces once, and rendering the pieces.
#include "ticketflow/templates.hpp"

#include "core/enum_names.hpp"
#include "ticketflow/error.hpp"

namespace ticketflow {
namespace {

constexpr std::array<const char*, 2> language_names{"zh-CN", "en"};
constexpr std::array<const char*, message_id_count> message_names{"received",
                                                                  "reply_promise",
                                                                  "assigned",
                                                                  "progress",
                                                                  "escalated",
                                                                  "escalated_overdue",
                                                                  "resolved",
                                                                  "reopened",
                                                                  "closed",
                                                                  "cancelled",
                                                                  "merged",
                                                                  "sla_warning",
                                                                  "sla_breach",
                                                                  "progress_reminder",
                                                                  "task_assigned",
                                                                  "task_overdue",
                                                                  "approval_requested",
                                                                  "approval_decided",
                                                                  "approval_overdue",
                                                                  "calendar_provisional"};
constexpr std::array<const char*, placeholder_count> placeholder_names{
    "ticket", "priority", "department", "assignee", "role",     "person",        "level",   "stage",
    "due",    "reason",   "resolution", "note",     "primary",  "reply_promise", "message", "description",
    "number", "solution", "decision",   "count",    "coverage", "owner"};

constexpr std::uint32_t bit(Placeholder p) { return std::uint32_t{1} << static_cast<unsigned>(p); }
template <class... P>
constexpr std::uint32_t bits(P... p) {
    return (bit(p) | ...);
}

using P = Placeholder;
// What each message offers, indexed by MessageId: the values the desk has at hand when it
// sends it.
constexpr std::array<std::uint32_t, message_id_count> offered{
    bits(P::ticket, P::priority, P::department, P::reply_promise),                                     // received
    bits(P::ticket, P::priority, P::due),                                                              // reply_promise
    bits(P::ticket, P::priority, P::department, P::assignee, P::description),                          // assigned
    bits(P::ticket, P::message),                                                                       // progress
    bits(P::ticket, P::priority, P::department, P::assignee, P::role, P::person, P::level, P::reason), // escalated
    bits(P::ticket, P::priority, P::department, P::assignee, P::role, P::person, P::level, P::stage,
         P::due),                                                                  // escalated_overdue
    bits(P::ticket, P::resolution),                                                // resolved
    bits(P::ticket, P::priority, P::department, P::assignee, P::count, P::reason), // reopened
    bits(P::ticket),                                                               // closed
    bits(P::ticket, P::note),                                                      // cancelled
    bits(P::ticket, P::primary),                                                   // merged
    bits(P::ticket, P::priority, P::department, P::assignee, P::stage, P::due),    // sla_warning
    bits(P::ticket, P::priority, P::department, P::assignee, P::stage, P::due),    // sla_breach
    bits(P::ticket, P::priority, P::department, P::assignee, P::due),              // progress_reminder
    bits(P::ticket, P::department, P::owner, P::number, P::description, P::due),   // task_assigned
    bits(P::ticket, P::department, P::owner, P::number, P::description, P::due),   // task_overdue
    bits(P::ticket, P::assignee, P::role, P::number, P::solution, P::due),         // approval_requested
    bits(P::ticket, P::assignee, P::number, P::solution, P::decision, P::note),    // approval_decided
    bits(P::ticket, P::assignee, P::role, P::number, P::solution, P::due),         // approval_overdue
    bits(P::ticket, P::coverage),                                                  // calendar_provisional
};

std::string field_of(MessageId id) { return std::string("templates.") + to_string(id); }

[[noreturn]] void refuse(MessageId id, std::string_view text, std::size_t at, const std::string& problem) {
    throw ValidationError(field_of(id),
                          problem + " at byte " + std::to_string(at) + " of \"" + std::string(text) + "\"");
}

// The placeholder named `name`, if `id` offers it.
std::uint8_t placeholder_of(MessageId id, std::string_view text, std::size_t at, std::string_view name) {
    for (std::size_t p = 0; p < placeholder_names.size(); ++p) {
        if (name != placeholder_names[p]) continue;
        if (!(offered[static_cast<std::size_t>(id)] & (std::uint32_t{1} << p))) break;
        return static_cast<std::uint8_t>(p);
    }
    std::string known;
    for (auto p : MessageTemplates::placeholders(id)) known += (known.empty() ? "" : ", ") + std::string(to_string(p));
    refuse(id, text, at,
           "unknown placeholder {" + std::string(name) + "} (" + to_string(id) + " offers: " + known + ")");
}

} // namespace

const char* to_string(Language language) noexcept { return detail::enum_name(language_names, language); }
Language parse_language(const std::string& name, const std::string& field) {
    return detail::parse_enum<Language>(language_names, name, field);
}
const char* to_string(MessageId id) noexcept { return detail::enum_name(message_names, id); }
MessageId parse_message_id(const std::string& name, const std::string& field) {
    return detail::parse_enum<MessageId>(message_names, name, field);
}
const char* to_string(Placeholder placeholder) noexcept { return detail::enum_name(placeholder_names, placeholder); }

NotificationKind message_kind(MessageId id) noexcept {
    using K = NotificationKind;
    constexpr std::array<K, message_id_count> kinds{K::received,
                                                    K::received,
                                                    K::assigned,
                                                    K::progress,
                                                    K::escalated,
                                                    K::escalated,
                                                    K::resolved,
                                                    K::reopened,
                                                    K::closed,
                                                    K::cancelled,
                                                    K::cancelled,
                                                    K::sla_warning,
                                                    K::sla_breach,
                                                    K::progress_reminder,
                                                    K::task_assigned,
                                                    K::task_overdue,
                                                    K::approval_requested,
                                                    K::approval_decided,
                                                    K::approval_overdue,
                                                    K::calendar_provisional};
    return kinds[static_cast<std::size_t>(id) % kinds.size()];
}

namespace {

// A number cast beyond the messages names no template.
void check_message(MessageId id) {
    if (static_cast<int>(id) >= message_id_count)
        throw ValidationError("template", "unknown message " + std::to_string(static_cast<int>(id)));
}

} // namespace

std::vector<Placeholder> MessageTemplates::placeholders(MessageId id) {
    check_message(id);
    std::vector<Placeholder> result;
    for (int p = 0; p < placeholder_count; ++p)
        if (offered[index(id)] & (std::uint32_t{1} << p)) result.push_back(static_cast<Placeholder>(p));
    return result;
}

// Literal runs and placeholders; `{{` and `}}` are one literal brace each.
MessageTemplates::Compiled MessageTemplates::compile(MessageId id, std::string_view text) {
    if (text.size() > 0xffffffffu) refuse(id, text.substr(0, 64), 0, "template too long");
    Compiled result{std::string(text), {}};
    auto literal = [&](std::size_t begin, std::size_t end) {
        if (end > begin)
            result.pieces.push_back(
                {static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end - begin), literal_piece});
    };
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '{' && c != '}') continue;
        literal(run, i);
        if (i + 1 < text.size() && text[i + 1] == c) { // an escaped brace: keep one
            literal(i, i + 1);
            run = ++i + 1;
            continue;
        }
        if (c == '}') refuse(id, text, i, "unbalanced '}' (write }} for a literal brace)");
        const std::size_t close = text.find_first_of("{}", i + 1);
        if (close == std::string_view::npos || text[close] != '}')
            refuse(id, text, i, "unbalanced '{' (write {{ for a literal brace)");
        if (close == i + 1) refuse(id, text, i, "empty placeholder {}");
        result.pieces.push_back({static_cast<std::uint32_t>(i + 1), static_cast<std::uint32_t>(close - i - 1),
                                 placeholder_of(id, text, i, text.substr(i + 1, close - i - 1))});
        run = close + 1;
        i = close;
    }
    literal(run, text.size());
    return result;
}

MessageTemplates& MessageTemplates::set(MessageId id, std::string_view text) {
    check_message(id);
    compiled_[index(id)] = compile(id, text);
    return *this;
}

std::string MessageTemplates::render(MessageId id, const PlaceholderValues& values) const {
    const Compiled& t = compiled_[index(id)];
    auto piece_text = [&](const Piece& piece) {
        return piece.placeholder == literal_piece ? std::string_view(t.text).substr(piece.begin, piece.size)
                                                  : values[piece.placeholder];
    };
    std::size_t size = 0;
    for (const auto& piece : t.pieces) size += piece_text(piece).size();
    std::string text;
    text.reserve(size);
    for (const auto& piece : t.pieces) text.append(piece_text(piece));
    return text;
}

} // namespace ticketflow
