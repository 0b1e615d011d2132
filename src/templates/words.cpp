// The words of each language for what the desk fills into templates.
#include "templates/words.hpp"

#include "core/enum_names.hpp"

#include <charconv>
#include <string_view>

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

// Appends to a fixed buffer without printf machinery (snprintf cost a thousand
// instructions a call, and every intake and deadline notice writes a due time).
class Writer {
public:
    explicit Writer(std::array<char, 64>& buffer) : buffer_(buffer) {}
    Writer& text(std::string_view s) {
        for (char c : s) put(c);
        return *this;
    }
    Writer& number(int n) {
        char digits[12];
        return text(std::string_view(
            digits, static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, n).ptr - digits)));
    }
    Writer& two_digits(int n) { return n < 10 ? put('0').number(n) : number(n); }
    Writer& clock(int hours, int minutes) { return two_digits(hours).text(":").two_digits(minutes); }

private:
    Writer& put(char c) { // always NUL-terminated; what does not fit is dropped
        if (size_ + 1 < buffer_.size()) buffer_[size_++] = c;
        buffer_[size_] = '\0';
        return *this;
    }
    std::array<char, 64>& buffer_;
    std::size_t size_ = 0;
};

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
    Writer out(result.text);
    if (language == Language::en) {
        out.clock(hours, minutes);
        if (today)
            out.text(" today");
        else
            out.text(" on ").number(mday).text(" ").text(months[(month + 11) % 12]);
    } else if (today) {
        out.text("今日").clock(hours, minutes);
    } else {
        out.number(month).text("月").number(mday).text("日").clock(hours, minutes);
    }
    return result;
}

std::string_view range_words(Language language) { return coverage[of(language)][0]; }
std::string_view unknown_words(Language language) { return coverage[of(language)][1]; }

} // namespace ticketflow::detail
