#include "desk/messages.hpp"

#include <cstdio>

namespace ticketflow::detail {

std::string join(std::initializer_list<std::string_view> pieces) {
    std::size_t size = 0;
    for (auto piece : pieces) size += piece.size();
    std::string text;
    text.reserve(size);
    for (auto piece : pieces) text.append(piece);
    return text;
}

std::string local_time_text(const BusinessCalendar& calendar, Instant t, Instant now) {
    auto local = calendar.to_local(t);
    auto day = local.date();
    char clock[16];
    std::snprintf(clock, sizeof clock, "%02d:%02d", static_cast<int>(local.time_of_day().hours()),
                  static_cast<int>(local.time_of_day().minutes()));
    if (day == calendar.local_date(now)) return join({"今日", clock});
    return join({std::to_string(static_cast<int>(day.month())), "月", std::to_string(static_cast<int>(day.day())), "日",
                 clock});
}

std::string date_text(boost::gregorian::date day) {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(day.year()), static_cast<int>(day.month()),
                  static_cast<int>(day.day()));
    return text;
}

std::string provisional_text(const Ticket& t, const std::string& covered) {
    return join({"工单 ", t.id, " 的时限超出了节假日数据的范围（", covered,
                 "），已按每周工作时间暂定。请加载新的节假日安排，加载后时限将自动重算。"});
}

// 首次安抚与告知 (seed 000): thanks, the recorded level and reply time, what happens next.
std::string received_text(const Ticket& t, const std::string& promise) {
    return join({"感谢您的反馈，我们会尽快为您处理。您的工单号为 ", t.id, "，已记录为【", t.priority, "】级别，",
                 promise, "处理过程中如有进展，我们将主动与您联系。"});
}

std::string assigned_text(const Ticket& t) {
    return join({"工单 ", t.id, " 已分配给您（", t.priority, "）：", t.description});
}

std::string escalated_text(const Ticket& t, const std::string& reason) {
    return join({"工单 ", t.id, " 已升级至第 ", std::to_string(t.escalation_level), " 级：", reason});
}

// 向客户反馈结果 (seed 000): the result, then the satisfaction question.
std::string resolved_text(const Ticket& t) {
    return join({"您反馈的问题（工单 ", t.id, "）已处理完成：", t.resolution,
                 "。请问您对处理结果是否满意？如有其他需求，欢迎随时告知。"});
}

std::string reopened_text(const Ticket& t, const std::string& reason) {
    return join({"工单 ", t.id, " 客户不满意，需启动第 ", std::to_string(t.reopen_count), " 次二次处理：", reason});
}

std::string closed_text(const Ticket& t) { return join({"感谢您的理解与支持，工单 ", t.id, " 已关闭。"}); }

std::string cancelled_text(const Ticket& t, const std::string& note) {
    return join({"您的工单 ", t.id, " 已取消：", note});
}

std::string merged_text(const Ticket& duplicate, const TicketId& primary) {
    return join({"您的工单 ", duplicate.id, " 与工单 ", primary, " 为同一问题，已合并至工单 ", primary,
                 " 继续处理，处理进展将通过该工单告知您。"});
}

} // namespace ticketflow::detail
