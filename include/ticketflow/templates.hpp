#pragma once
/// @file templates.hpp
/// @brief The wording of notifications: one template per message and language, with named
/// placeholders, built-in sets for zh-CN and en, overridable in code or from a JSON file.
///
/// Every Notification::text the desk writes is rendered from DeskConfig::templates. A
/// template is plain text with placeholders in braces, e.g.
/// `工单 {ticket} 的{stage}时限即将到期（{due}），请尽快处理。`; `{{` and `}}` stand for
/// literal braces. Each message offers a fixed set of placeholders
/// (MessageTemplates::placeholders()); a template naming any other, an unknown message
/// name or an unbalanced brace is refused when the template is set or loaded, never when
/// a notification is sent. Templates are parsed once, so rendering one costs a single
/// allocation.
///
/// The language of a set decides how the desk words what it fills in: stage and role
/// names (首次响应 / first response, 组长 / team lead), solution kinds, decisions, and
/// due times in the calendar's time zone (今日18:00 / 18:00 today).

#include "ticketflow/export.hpp"
#include "ticketflow/notify.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ticketflow {

/// @brief The language of a template set: how placeholders the desk fills in are worded.
enum class Language : unsigned char {
    zh_CN, ///< Simplified Chinese, the SOPs' wording (the default).
    en,    ///< English.
};

/// @brief `"zh-CN"` or `"en"`.
TICKETFLOW_API const char* to_string(Language language) noexcept;
/// @brief Parses a name produced by to_string(Language).
/// @throws ValidationError naming @p field when @p name is not a language.
TICKETFLOW_API Language parse_language(const std::string& name, const std::string& field = "language");

/// @brief Which text a template words. Most are named as the NotificationKind they are
/// sent as (message_kind()); some kinds have more than one text.
enum class MessageId : unsigned char {
    received,             ///< Intake acknowledged to the customer (首次安抚与告知).
    reply_promise,        ///< Part of `received` ({reply_promise}) when the first response is timed.
    assigned,             ///< The ticket was assigned; to the assignee.
    progress,             ///< A reply or progress update an agent wrote to the customer.
    escalated,            ///< Escalated by hand, one level up; to the role above.
    escalated_overdue,    ///< Escalated by the SLA ladder after a deadline passed (kind `escalated`).
    resolved,             ///< Handling finished; the result to the customer.
    reopened,             ///< Second handling after an unsatisfied customer; to the handler.
    closed,               ///< Closed; to the customer.
    cancelled,            ///< Cancelled (spam, withdrawn, …); to the customer.
    merged,               ///< Cancelled as a duplicate of another ticket (kind `cancelled`).
    sla_warning,          ///< A deadline is near; to the handler.
    sla_breach,           ///< A deadline passed; the handler is asked for the reason.
    progress_reminder,    ///< The handler should update the customer on progress.
    task_assigned,        ///< A collaboration task was given to its owner.
    task_overdue,         ///< A collaboration task passed its deadline.
    approval_requested,   ///< A solution beyond the handler's limit awaits the approver role.
    approval_decided,     ///< A solution was approved or denied; to the handler.
    approval_overdue,     ///< An approval passed its due time; to the approver role.
    calendar_provisional, ///< A deadline is provisional; to DeskConfig::calendar_admin.
};

/// @brief Number of MessageId enumerators.
inline constexpr int message_id_count = static_cast<int>(MessageId::calendar_provisional) + 1;

/// @brief Stable lower-case name, e.g. `"sla_warning"`: the key of the template in a file.
TICKETFLOW_API const char* to_string(MessageId id) noexcept;
/// @brief Parses a name produced by to_string(MessageId).
/// @throws ValidationError naming @p field when @p name is not a message.
TICKETFLOW_API MessageId parse_message_id(const std::string& name, const std::string& field = "template");
/// @brief The NotificationKind a message is sent as (`reply_promise` is part of `received`).
TICKETFLOW_API NotificationKind message_kind(MessageId id) noexcept;

/// @brief A value the desk fills into a template, written `{name}` in it.
enum class Placeholder : unsigned char {
    ticket,        ///< The ticket's id.
    priority,      ///< Its priority level, as the desk's PriorityScheme names it.
    department,    ///< Its department (or the task's), or the language's word for none.
    assignee,      ///< Its handler's staff id, or the language's word for nobody.
    role,          ///< Whom it went to, as a role in words: 组长 / team lead.
    person,        ///< Whom it went to: the role in words, then the staff id of an available
                   ///< agent of DeskConfig::directory in that role and the ticket's
                   ///< department when there is one: 组长 tl-wang / team lead tl-wang.
    level,         ///< Its escalation level, 1 = team lead.
    stage,         ///< The SLA stage in words: 首次响应 / first response.
    due,           ///< A due time in the calendar's zone: 今日18:00, 5月21日18:00 / 18:00 today.
    reason,        ///< The reason given.
    resolution,    ///< The resolution text.
    note,          ///< A note given with the command (may be empty).
    primary,       ///< The ticket a duplicate was merged into.
    reply_promise, ///< The rendered `reply_promise` message, or empty when not timed.
    message,       ///< The text an agent wrote to the customer.
    description,   ///< The ticket's description, or the task's.
    number,        ///< The number of the task or approval on its ticket.
    solution,      ///< A proposed solution: kind in words, amount and description.
    decision,      ///< 已批准 / 未获批准, approved / not approved.
    count,         ///< How many times the ticket was reopened.
    coverage,      ///< The dates the calendar's holiday data covers, or unknown.
    owner,         ///< A collaboration task's owner.
};

/// @brief Number of Placeholder enumerators.
inline constexpr int placeholder_count = static_cast<int>(Placeholder::owner) + 1;

/// @brief Stable lower-case name, e.g. `"due"`, as written in braces.
TICKETFLOW_API const char* to_string(Placeholder placeholder) noexcept;

/// @brief The values to render a template with, indexed by Placeholder. Views only: they
/// must outlive the call to MessageTemplates::render().
using PlaceholderValues = std::array<std::string_view, placeholder_count>;

/// @brief The templates of every message in one language: a value type, copied into
/// DeskConfig::templates.
///
/// Thread-safety: const members may be called from any number of threads; set() needs
/// the caller to own the object exclusively (the desk's copy is never changed).
///
/// Built-in English with one message reworded, and one read from a file
/// (tests/header_examples_test.cpp):
/// @snippet header_examples_test.cpp message-templates
class TICKETFLOW_API MessageTemplates {
public:
    /// @brief The built-in Chinese set, the SOPs' wording (the desk's default).
    static MessageTemplates zh_CN();
    /// @brief The built-in English set.
    static MessageTemplates en();
    /// @brief The built-in set of @p language.
    static MessageTemplates builtin(Language language);

    /// @brief Reads a set from JSON: an object whose optional `"language"` (`"zh-CN"`,
    /// the default, or `"en"`) picks the built-in set to start from, and whose other keys
    /// are message names (to_string(MessageId)) with their template text; messages not
    /// named keep the built-in wording.
    /// @throws ValidationError naming the key and, for a bad template, the placeholder,
    ///         when the JSON is malformed, a key is not a message name, a value is not
    ///         text, or a template is refused as by set(); @p source_name is in the message.
    static MessageTemplates from_json(std::string_view json, const std::string& source_name = "templates");
    /// @brief from_json() on the contents of the file at @p path.
    /// @throws ValidationError when the file cannot be read, or as from_json().
    static MessageTemplates from_json_file(const std::string& path);

    /// @brief The language placeholders are worded in.
    Language language() const noexcept { return language_; }

    /// @brief Replaces the template of @p id with @p text; on error the set is unchanged.
    /// @throws ValidationError on field `templates.<name>` when @p text names a placeholder
    ///         @p id does not offer (naming it), has an unbalanced `{` or `}`, or an
    ///         empty `{}`.
    MessageTemplates& set(MessageId id, std::string_view text);

    /// @brief The template text of @p id, as set.
    const std::string& text(MessageId id) const { return compiled_[index(id)].text; }

    /// @brief The placeholders @p id offers, in Placeholder order.
    /// @throws ValidationError (field `template`) for an @p id beyond the messages.
    static std::vector<Placeholder> placeholders(MessageId id);

    /// @brief The template of @p id with each placeholder replaced by its value in
    /// @p values (values of placeholders it does not use are ignored). One allocation.
    std::string render(MessageId id, const PlaceholderValues& values) const;

private:
    // A run of literal text in `text`, or a placeholder (literal_piece = none).
    struct Piece {
        std::uint32_t begin = 0;
        std::uint32_t size = 0;
        std::uint8_t placeholder = 0;
    };
    struct Compiled {
        std::string text;
        std::vector<Piece> pieces;
    };
    static constexpr std::uint8_t literal_piece = 0xff;
    static std::size_t index(MessageId id) { return static_cast<std::size_t>(id); }
    static Compiled compile(MessageId id, std::string_view text);

    explicit MessageTemplates(Language language) : language_(language) {}

    Language language_;
    std::array<Compiled, message_id_count> compiled_;
};

} // namespace ticketflow
