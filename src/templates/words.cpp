// The words of each language for what the desk fills into templates.
#include "templates/words.hpp"

#include "core/enum_names.hpp"

#include <cstdio>

namespace ticketflow::detail {
namespace {

constexpr std::size_t languages = 2;
template <std::size_t N>
using Words = std::array<std::array<const char*, N>, languages>;

constexpr Words<sla_stage_count> stages{{
    {"登记", "分类定级", "首次响应", "启动处理", "问题解决", "结果反馈", "进度同步", "二次处理", "回访", "回访录入"},
    {"recording", "classification", "first response", "start of handling", "resolution", "result feedback",
     "progress update", "second handling", "follow-up visit", "visit entry"},
}};
constexpr Words<6> roles{{
    {"客服", "组长", "主管", "经理", "客户", "系统"},
    {"agent", "team lead", "supervisor", "manager", "customer", "system"},
}};
constexpr Words<3> solutions{{{"退款", "赔偿", "优惠券"}, {"refund", "compensation", "coupon"}}};
constexpr Words<2> decisions{{{"未获批准", "已批准"}, {"not approved", "approved"}}};
constexpr Words<2> nobody{{{"未分配", "未指定部门"}, {"unassigned", "no department"}}};
constexpr Words<2> coverage{{{"至", "未知"}, {"to", "unknown"}}};
constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::size_t of(Language language) { return static_cast<std::size_t>(language) % languages; }

} // namespace

std::string_view stage_words(Language language, SlaStage stage) { return enum_name(stages[of(language)], stage); }
std::string_view role_words(Language language, Role role) { return enum_name(roles[of(language)], role); }
std::string_view solution_words(Language language, SolutionKind kind) {
    return enum_name(solutions[of(language)], kind);
}
std::string_view decision_words(Language language, bool approved) { return decisions[of(language)][approved]; }
std::string_view nobody_words(Language language) { return nobody[of(language)][0]; }
std::string_view no_department_words(Language language) { return nobody[of(language)][1]; }

DueText due_words(Language language, const BusinessCalendar& calendar, Instant due, Instant now) {
    const auto local = calendar.to_local(due);
    const auto day = local.date();
    const int hours = static_cast<int>(local.time_of_day().hours());
    const int minutes = static_cast<int>(local.time_of_day().minutes());
    const bool today = day == calendar.local_date(now);
    const int month = static_cast<int>(day.month());
    const int mday = static_cast<int>(day.day());
    DueText result;
    auto* out = result.text.data();
    const auto size = result.text.size();
    if (language == Language::en) {
        if (today)
            std::snprintf(out, size, "%02d:%02d today", hours, minutes);
        else
            std::snprintf(out, size, "%02d:%02d on %d %s", hours, minutes, mday, months[(month + 11) % 12]);
    } else if (today) {
        std::snprintf(out, size, "今日%02d:%02d", hours, minutes);
    } else {
        std::snprintf(out, size, "%d月%d日%02d:%02d", month, mday, hours, minutes);
    }
    return result;
}

std::string_view range_words(Language language) { return coverage[of(language)][0]; }
std::string_view unknown_words(Language language) { return coverage[of(language)][1]; }

} // namespace ticketflow::detail
