// The built-in template sets: zh-CN in the SOPs' wording, and en.
#include "ticketflow/templates.hpp"

namespace ticketflow {
namespace {

// Indexed by MessageId.
constexpr std::array<const char*, message_id_count> zh_cn_texts{
    // received: 首次安抚与告知 (seed 000): thanks, the recorded level and reply time, what happens next.
    "感谢您的反馈，我们会尽快为您处理。您的工单号为 {ticket}，已记录为【{priority}】级别，{reply_promise}"
    "处理过程中如有进展，我们将主动与您联系。",
    "预计{due}前给您初步答复。",
    "工单 {ticket} 已分配给您（{priority}）：{description}",
    "{message}",
    "工单 {ticket} 已升级至第 {level} 级（{department} {person}）：{reason}",
    "工单 {ticket} 的{stage}已超时，升级至{department} {person}。",
    // resolved: 向客户反馈结果 (seed 000): the result, then the satisfaction question.
    "您反馈的问题（工单 {ticket}）已处理完成：{resolution}。请问您对处理结果是否满意？如有其他需求，欢迎随时告知。",
    "工单 {ticket} 客户不满意，需启动第 {count} 次二次处理：{reason}",
    "感谢您的理解与支持，工单 {ticket} 已关闭。",
    "您的工单 {ticket} 已取消：{note}",
    "您的工单 {ticket} 与工单 {primary} 为同一问题，已合并至工单 {primary} 继续处理，处理进展将通过该工单告知您。",
    "工单 {ticket} 的{stage}时限即将到期（{due}），请尽快处理。",
    "工单 {ticket} 的{stage}已超时，请在系统中备注超时原因。",
    "工单 {ticket} 处理已超过预计时长，请主动向客户同步进度。",
    "工单 {ticket} 需要{department}协作：{description}",
    "工单 {ticket} 的协作任务 #{number} 已超过协作节点：{description}",
    "工单 {ticket} 的方案 #{number} 超出处理人权限，请{role}审批：{solution}",
    "工单 {ticket} 的方案 #{number} {decision}。{note}",
    "工单 {ticket} 的方案 #{number} 已超过审批时限：{solution}",
    "工单 {ticket} 的时限超出了节假日数据的范围（现有数据：{coverage}），已按每周工作时间暂定。"
    "请加载新的节假日安排，加载后时限将自动重算。",
};

constexpr std::array<const char*, message_id_count> en_texts{
    "Thank you for contacting us; we are on it. Your ticket number is {ticket}, recorded with priority "
    "{priority}. {reply_promise}We will keep you posted as it progresses.",
    "We will reply by {due}. ",
    "Ticket {ticket} is assigned to you ({priority}): {description}",
    "{message}",
    "Ticket {ticket} escalated to level {level} ({person}, {department}): {reason}",
    "Ticket {ticket}: {stage} overdue, escalated to {person} ({department}).",
    "Your request (ticket {ticket}) has been handled: {resolution}. Are you satisfied with the result? "
    "Let us know if there is anything else we can do.",
    "Ticket {ticket}: the customer is not satisfied; second handling no. {count} is needed: {reason}",
    "Thank you for your patience. Ticket {ticket} is closed.",
    "Your ticket {ticket} was cancelled: {note}",
    "Your ticket {ticket} is the same issue as ticket {primary} and was merged into it; we will keep you posted "
    "through ticket {primary}.",
    "Ticket {ticket}: {stage} due {due}. Please act soon.",
    "Ticket {ticket}: {stage} overdue (due {due}). Please record the reason for the delay.",
    "Ticket {ticket} is taking longer than estimated. Please update the customer on its progress.",
    "Ticket {ticket} needs {department}: {description}",
    "Ticket {ticket}: collaboration task #{number} is overdue: {description}",
    "Ticket {ticket}: solution #{number} is beyond the handler's limit and awaits {role} approval: {solution}",
    "Ticket {ticket}: solution #{number} {decision}. {note}",
    "Ticket {ticket}: solution #{number} is past its approval deadline: {solution}",
    "Ticket {ticket}: a deadline lies beyond the holiday data ({coverage}) and was set provisionally by the "
    "weekly schedule. Load the new holiday schedule; deadlines are then recomputed.",
};

MessageTemplates filled(MessageTemplates set, const std::array<const char*, message_id_count>& texts) {
    for (int id = 0; id < message_id_count; ++id) set.set(static_cast<MessageId>(id), texts[id]);
    return set;
}

} // namespace

MessageTemplates MessageTemplates::builtin(Language language) {
    // Compiled once: every desk config copies the built-in set.
    static const MessageTemplates zh = filled(MessageTemplates(Language::zh_CN), zh_cn_texts);
    static const MessageTemplates english = filled(MessageTemplates(Language::en), en_texts);
    return language == Language::en ? english : zh;
}

MessageTemplates MessageTemplates::zh_CN() { return builtin(Language::zh_CN); }
MessageTemplates MessageTemplates::en() { return builtin(Language::en); }

} // namespace ticketflow
