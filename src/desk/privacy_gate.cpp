// 保密原则: every free text a transaction writes passes the privacy policy before it is
// written anywhere. A field whose policy rejects personal data throws, so nothing is
// written; what was masked is noted in the audit trail (kinds and counts only). Text still
// as it was in the stored ticket passed the policy when it was written, and is not
// scanned again.

#include "desk/transaction.hpp"

#include "ticketflow/ticket_fields.hpp"

#include <algorithm>

namespace ticketflow::detail {
namespace {

// Walks a ticket and its stored version side by side through the field list
// (ticketflow/ticket_fields.hpp), passing every free-text field the list marks with a
// privacy field name, when it changed, to the policy.
class TextScan {
public:
    TextScan(const PrivacyPolicy& policy, const std::string* skipped) : policy_(policy), skipped_(skipped) {}

    const PiiReport& found() const noexcept { return found_; }

    void operator()(const FieldInfo& field, std::string& text, const std::string& was) {
        if (field.privacy_field && &text != skipped_ && text != was)
            found_ += policy_.apply_in_place(field.privacy_field, text);
    }

    void operator()(const FieldInfo& field, std::vector<std::string>& texts, const std::vector<std::string>& was) {
        for (std::size_t i = 0; i < texts.size(); ++i) (*this)(field, texts[i], i < was.size() ? was[i] : none());
    }

    // Element i of a list against the same element before, when there was one.
    template <class S>
    void operator()(const FieldInfo& field, std::vector<S>& list, const std::vector<S>& was) {
        for (std::size_t i = 0; i < list.size(); ++i) (*this)(field, list[i], i < was.size() ? was[i] : nothing<S>());
    }

    template <class S>
    void operator()(const FieldInfo& field, std::optional<S>& value, const std::optional<S>& was) {
        if (value) (*this)(field, *value, was ? *was : nothing<S>());
    }

    // A struct's own fields; no other type holds free text.
    template <class T>
    void operator()(const FieldInfo&, T& value, const T& was) {
        if constexpr (has_fields<T>) Fields<T>::visit(*this, value, was);
    }

private:
    static const std::string& none() {
        static const std::string empty;
        return empty;
    }
    template <class S>
    static const S& nothing() {
        static const S empty{};
        return empty;
    }

    const PrivacyPolicy& policy_;
    const std::string* skipped_;
    PiiReport found_;
};

} // namespace

void protect_privacy(const PrivacyPolicy& policy, Commit& d, const Ticket* stored) {
    static const Ticket nothing_stored;
    const Ticket& before = stored ? *stored : nothing_stored;
    Ticket& t = d.ticket;
    const bool intake =
        std::any_of(d.events.begin(), d.events.end(), [](const AuditEvent& e) { return e.action == Action::open; });
    const std::string description = intake ? t.description : std::string(); // the intake's note repeats it
    // The latest answer is also the history's last round: scanned once, there, and its
    // masked text given to both, so one finding is not counted twice.
    std::string* latest_answer = nullptr;
    if (t.satisfaction && !t.satisfaction_history.empty() &&
        t.satisfaction->comment == t.satisfaction_history.back().satisfaction.comment &&
        (!before.satisfaction || t.satisfaction->comment != before.satisfaction->comment))
        latest_answer = &t.satisfaction->comment;
    TextScan scan(policy, latest_answer);
    Fields<Ticket>::visit(scan, t, before);
    if (latest_answer) *latest_answer = t.satisfaction_history.back().satisfaction.comment;
    PiiReport found = scan.found();
    auto clean = [&](std::string_view field, std::string& text) {
        if (!text.empty()) found += policy.apply_in_place(field, text);
    };
    for (auto& event : d.events) {
        if (intake && event.action == Action::open && event.note == description)
            event.note = t.description;
        else
            clean("note", event.note);
    }
    for (auto& n : d.notifications) clean("notification", n.text);
    if (!found.empty())
        d.events.push_back(AuditEvent{t.id, 0, d.events.empty() ? Instant{} : d.events.back().at,
                                      d.events.empty() ? std::string("system") : d.events.back().actor,
                                      Action::add_note, t.status, t.status, "privacy: masked " + found.summary()});
}

} // namespace ticketflow::detail
