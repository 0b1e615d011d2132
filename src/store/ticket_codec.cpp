#include "store/ticket_codec.hpp"

#include "ticketflow/ticket_fields.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

namespace ticketflow {
namespace {

// Unsigned LEB128 varints; signed values are zigzag-encoded first. Bytes go to a buffer
// on the stack that moves to the heap only for a large ticket; each write makes room
// once and then stores through a local pointer. `Local` bytes live on the stack.
template <std::size_t Local>
class Writer {
public:
    Writer() = default;
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    void u(std::uint64_t v) {
        if (v < 0x80 && pos_ != end_) { // most fields: one byte, kept small enough to inline
            *pos_++ = static_cast<char>(v);
            return;
        }
        long_u(v);
    }
    void s(std::int64_t v) { u((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)); }
    void text(std::string_view t) {
        u(t.size());
        char* p = room(t.size());
        if (!t.empty()) std::memcpy(p, t.data(), t.size());
        pos_ = p + t.size();
    }
    void time(Instant t) { s(t.time_since_epoch().count()); }
    void time(const std::optional<Instant>& t, Instant base) {
        u(t.has_value());
        if (t) s((*t - base).count());
    }
    void texts(const std::vector<std::string>& list) {
        u(list.size());
        for (const auto& item : list) text(item);
    }
    void number(double d) { // the bits, so every double comes back exactly
        std::uint64_t bits = 0;
        std::memcpy(&bits, &d, sizeof bits);
        u(bits);
    }

    std::string_view bytes() const { return {begin_, static_cast<std::size_t>(pos_ - begin_)}; }

private:
    static constexpr std::size_t max_varint = 10;

    void long_u(std::uint64_t v) {
        char* p = room(max_varint);
        while (v >= 0x80) {
            *p++ = static_cast<char>(v | 0x80);
            v >>= 7;
        }
        *p++ = static_cast<char>(v);
        pos_ = p;
    }

    // Where the next `n` bytes go, growing the buffer when they do not fit.
    char* room(std::size_t n) {
        if (static_cast<std::size_t>(end_ - pos_) >= n) return pos_;
        const std::size_t used = static_cast<std::size_t>(pos_ - begin_);
        const std::size_t size = std::max(2 * static_cast<std::size_t>(end_ - begin_), used + n);
        auto bigger = std::make_unique<char[]>(size);
        std::memcpy(bigger.get(), begin_, used);
        heap_ = std::move(bigger);
        begin_ = heap_.get();
        pos_ = begin_ + used;
        end_ = begin_ + size;
        return pos_;
    }

    char local_[Local];
    std::unique_ptr<char[]> heap_;
    char* begin_ = local_;
    char* pos_ = local_;
    char* end_ = local_ + sizeof local_;
};

// `v` as an enumerator of E: its bound is the field list's (ticketflow/ticket_fields.hpp).
template <class E>
E checked(std::uint64_t v) {
    static_assert(enum_count<E> > 0, "an enum without an enum_count");
    if (v >= enum_count<E>) throw DamagedEncoding("damaged ticket encoding: enum out of range");
    return static_cast<E>(v);
}

// The layout below; see the header before changing it. Format 1 is the same fields
// without the checksum: [format 1][fields]. Format 2 is [format 2][fields][CRC-32C].
constexpr std::uint64_t ticket_format_unchecked = 1;
constexpr std::uint64_t ticket_format = ticket_encoding_format;
constexpr std::size_t checksum_size = 4;

// The layout has a place for every field of the field lists (ticketflow/ticket_fields.hpp),
// counted here. A field added to a list stops the build here until it has one: append it at
// the end of encode_ticket(), decode it only when the payload goes on (payloads written
// before it end earlier), then count it below. The round-trip test over every field
// (tests/ticket_fields_test.cpp) checks that it comes back.
template <class S>
constexpr bool encoded_fields(std::size_t count) {
    return field_count<S> == count;
}
static_assert(encoded_fields<Ticket>(34) && encoded_fields<CustomerRef>(4) && encoded_fields<StageTimes>(9) &&
                  encoded_fields<Satisfaction>(6) && encoded_fields<SatisfactionRound>(3) &&
                  encoded_fields<TicketLink>(2) && encoded_fields<SlaClock>(12) && encoded_fields<SlaPause>(2) &&
                  encoded_fields<ResultNotice>(3) && encoded_fields<VisitDetails>(7) &&
                  encoded_fields<ContactAttempt>(3) && encoded_fields<VisitAnswer>(3) &&
                  encoded_fields<CollaborationTask>(9) && encoded_fields<Approval>(13) &&
                  encoded_fields<WorkOrder>(3) && encoded_fields<AuditEvent>(8),
              "a listed field has no place in the binary layout");
// Enums packed with flags in one varint (approval state, work order kind) keep 4 bits.
static_assert(enum_count<ApprovalState> <= 16 && enum_count<ProblemKind> <= 16, "an enum outgrew its 4 bits");

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of iSCSI, ext4 and
// LevelDB. It detects every error burst of up to 32 bits, so any damaged byte is caught.
constexpr std::array<std::uint32_t, 256> make_crc32c_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t crc = i;
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
        table[i] = crc;
    }
    return table;
}
constexpr std::array<std::uint32_t, 256> crc32c_table = make_crc32c_table();

std::uint32_t crc32c_portable(std::string_view bytes) noexcept {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (char c : bytes) crc = crc32c_table[(crc ^ static_cast<unsigned char>(c)) & 0xFFu] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// The same CRC with SSE 4.2's crc32 instruction, eight bytes at a time: every command that
// closes a ticket encodes it, so the checksum is on the write path.
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::string_view bytes) noexcept {
    std::uint64_t crc = 0xFFFFFFFFu;
    const char* p = bytes.data();
    std::size_t n = bytes.size();
    for (; n >= 8; p += 8, n -= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        crc = __builtin_ia32_crc32di(crc, word);
    }
    auto crc32 = static_cast<std::uint32_t>(crc);
    for (; n > 0; ++p, --n) crc32 = __builtin_ia32_crc32qi(crc32, static_cast<unsigned char>(*p));
    return crc32 ^ 0xFFFFFFFFu;
}

std::uint32_t crc32c(std::string_view bytes) noexcept {
    static const bool hardware = __builtin_cpu_supports("sse4.2");
    return hardware ? crc32c_sse42(bytes) : crc32c_portable(bytes);
}
#else
std::uint32_t crc32c(std::string_view bytes) noexcept { return crc32c_portable(bytes); }
#endif

void append_le32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
}

std::uint32_t read_le32(std::string_view bytes) noexcept {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
    return v;
}

class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}
    bool done() const { return pos_ >= in_.size(); }
    std::uint64_t u() {
        std::uint64_t v = 0;
        for (int shift = 0;; shift += 7) {
            if (pos_ >= in_.size() || shift > 63) throw DamagedEncoding("truncated ticket encoding");
            auto byte = static_cast<unsigned char>(in_[pos_++]);
            v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
            if (!(byte & 0x80)) return v;
        }
    }
    std::int64_t s() {
        auto v = u();
        return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
    }
    std::string text() {
        auto n = u();
        if (n > in_.size() - pos_) throw DamagedEncoding("truncated ticket encoding");
        std::string t(in_.substr(pos_, n));
        pos_ += n;
        return t;
    }
    Instant time() { return Instant{Duration{s()}}; }
    // `base` plus a stored offset; an offset that overflows the clock is damage.
    Instant at(Instant base) {
        const std::int64_t from = base.time_since_epoch().count();
        const std::int64_t offset = s();
        const bool overflows = offset > 0 ? from > std::numeric_limits<std::int64_t>::max() - offset
                                          : from < std::numeric_limits<std::int64_t>::min() - offset;
        if (overflows) throw DamagedEncoding("damaged ticket encoding: time out of range");
        return Instant{Duration{from + offset}};
    }
    std::optional<Instant> time(Instant base) {
        if (!u()) return std::nullopt;
        return at(base);
    }
    // A number of list elements: each takes at least one byte, so a count beyond the bytes
    // left is damage, refused before anything is allocated for it.
    std::size_t count() {
        auto n = u();
        if (n > in_.size() - pos_) throw DamagedEncoding("damaged ticket encoding: list longer than the data");
        return static_cast<std::size_t>(n);
    }
    std::vector<std::string> texts() {
        std::vector<std::string> list(count());
        for (auto& item : list) item = text();
        return list;
    }
    double number() {
        const std::uint64_t bits = u();
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        return d;
    }
    // An enumerator of E.
    template <class E>
    E as() {
        return checked<E>(u());
    }

private:
    std::string_view in_;
    std::size_t pos_ = 0;
};

template <std::size_t Local>
void encode_satisfaction(Writer<Local>& w, const Satisfaction& s) {
    w.u(static_cast<std::uint64_t>(s.grade));
    w.u(static_cast<std::uint64_t>(s.score.value_or(0)));
    w.text(s.comment);
    w.u(static_cast<std::uint64_t>(s.efficiency.value_or(0)));
    w.u(static_cast<std::uint64_t>(s.attitude.value_or(0)));
    w.u(static_cast<std::uint64_t>(s.outcome.value_or(0)));
}

Satisfaction decode_satisfaction(Reader& r) {
    Satisfaction s;
    s.grade = r.as<SatisfactionGrade>();
    auto score = [&r]() -> std::optional<int> {
        if (auto v = static_cast<int>(r.u())) return v;
        return std::nullopt;
    };
    s.score = score();
    s.comment = r.text();
    s.efficiency = score();
    s.attitude = score();
    s.outcome = score();
    return s;
}

} // namespace

std::string encode_ticket(const Ticket& t) {
    Writer<1024> w;
    w.u(ticket_format);
    w.text(t.id);
    w.u(t.version);
    w.u(static_cast<std::uint64_t>(t.status));
    w.text(t.channel);
    w.text(t.type);
    w.text(t.priority);
    w.text(t.customer.id);
    w.text(t.customer.nickname);
    w.u(static_cast<std::uint64_t>(t.customer.tier));
    w.text(t.customer.contact_token);
    w.text(t.description);
    w.text(t.order_number);
    w.texts(t.attachments);
    w.text(t.department);
    w.text(t.assignee);
    // Stage times are stored relative to `received`: small numbers, short varints.
    const Instant base = t.times.received;
    w.time(base);
    w.s((t.times.recorded - base).count());
    w.time(t.times.classified, base);
    w.time(t.times.assigned, base);
    w.time(t.times.first_response, base);
    w.time(t.times.started, base);
    w.time(t.times.resolved, base);
    w.time(t.times.closed, base);
    w.time(t.estimated_completion, base);
    w.text(t.resolution);
    w.u(static_cast<std::uint64_t>(t.responsibility));
    w.u(t.satisfaction.has_value());
    if (t.satisfaction) encode_satisfaction(w, *t.satisfaction);
    w.u(t.close_reason ? static_cast<std::uint64_t>(*t.close_reason) + 1 : 0);
    w.text(t.remarks);
    w.texts(t.tags);
    w.u(t.links.size());
    for (const auto& link : t.links) {
        w.u(static_cast<std::uint64_t>(link.kind));
        w.text(link.target);
    }
    w.u(t.reopen_count);
    w.u(t.escalation_level);
    w.u(t.waiting_for_customer);
    w.text(t.wait_reason);
    w.time(t.resume_at, base);
    w.u(t.sla.size());
    for (const auto& clock : t.sla) {
        w.u(static_cast<std::uint64_t>(clock.stage));
        w.s((clock.started - base).count());
        w.time(clock.stopped, base);
        w.u(clock.pauses.size());
        for (const auto& pause : clock.pauses) {
            w.s((pause.from - base).count());
            w.s((pause.to - base).count());
        }
        w.time(clock.paused_since, base);
        w.s((clock.warn_at - base).count());
        w.s((clock.due - base).count());
        w.u(clock.warned | (clock.breached << 1));
        w.u(clock.escalations);
        w.text(clock.overdue_reason);
    }
    w.u(t.result_notice.has_value());
    if (t.result_notice) {
        w.s((t.result_notice->at - base).count());
        w.text(t.result_notice->channel);
        w.text(t.result_notice->summary);
    }
    w.u(t.visit.has_value());
    if (t.visit) {
        const auto& v = *t.visit;
        w.u(static_cast<std::uint64_t>(v.reason));
        w.text(v.plan);
        w.s((v.window_from - base).count());
        w.s((v.window_until - base).count());
        w.u(v.attempts.size());
        for (const auto& a : v.attempts) {
            w.s((a.at - base).count());
            w.u(static_cast<std::uint64_t>(a.outcome));
            w.text(a.note);
        }
        w.u(v.answers.size());
        for (const auto& a : v.answers) {
            w.text(a.question);
            w.u(static_cast<std::uint64_t>(a.score));
            w.text(a.reason);
        }
        w.text(v.comment);
    }
    w.u(t.identity_verified);
    w.u(t.tasks.size());
    for (const auto& task : t.tasks) {
        w.u(task.number);
        w.text(task.department);
        w.text(task.owner);
        w.text(task.description);
        w.s((task.due - base).count());
        w.u(task.mandatory | (task.overdue_notified << 1));
        w.time(task.completed, base);
        w.text(task.outcome);
    }
    w.u(t.approvals.size());
    for (const auto& a : t.approvals) {
        w.u(a.number);
        w.u(static_cast<std::uint64_t>(a.kind));
        w.number(a.amount);
        w.text(a.description);
        w.text(a.requested_by);
        w.u(a.approver ? static_cast<std::uint64_t>(*a.approver) + 1 : 0);
        w.s((a.requested_at - base).count());
        w.s((a.due - base).count());
        w.u(static_cast<std::uint64_t>(a.state) | (static_cast<std::uint64_t>(a.overdue_notified) << 4));
        w.text(a.decided_by);
        w.time(a.decided_at, base);
        w.text(a.note);
    }
    // Fields added after format 1, at the end: a payload written before them ends here
    // and decodes with their defaults (updated = recorded, no history, no work order).
    w.s((t.times.updated - base).count());
    w.u(t.satisfaction_history.size());
    for (const auto& round : t.satisfaction_history) {
        w.u(round.round);
        w.s((round.at - base).count());
        encode_satisfaction(w, round.satisfaction);
    }
    w.u(t.work_order.has_value());
    if (t.work_order) {
        w.u(static_cast<std::uint64_t>(t.work_order->kind) |
            (static_cast<std::uint64_t>(t.work_order->by_priority) << 4));
        w.text(t.work_order->problem_type);
    }
    // Provisional deadlines (SlaClock::provisional): bit i for clock i; a payload written
    // before this field ends at the work order and decodes with none provisional.
    std::uint64_t provisional = 0;
    for (std::size_t i = 0; i < t.sla.size() && i < 64; ++i)
        if (t.sla[i].provisional) provisional |= std::uint64_t{1} << i;
    w.u(provisional);
    std::string out; // exact size: an archived ticket keeps no spare capacity
    out.reserve(w.bytes().size() + checksum_size);
    out.assign(w.bytes());
    append_le32(out, crc32c(w.bytes()));
    return out;
}

namespace {

// The fields after the format number, the same in formats 1 and 2.
Ticket decode_fields(Reader& r) {
    Ticket t;
    t.id = r.text();
    t.version = r.u();
    t.status = r.as<Status>();
    t.channel = r.text();
    t.type = r.text();
    t.priority = r.text();
    t.customer.id = r.text();
    t.customer.nickname = r.text();
    t.customer.tier = r.as<CustomerTier>();
    t.customer.contact_token = r.text();
    t.description = r.text();
    t.order_number = r.text();
    t.attachments = r.texts();
    t.department = r.text();
    t.assignee = r.text();
    const Instant base = r.time();
    t.times.received = base;
    t.times.recorded = r.at(base);
    t.times.classified = r.time(base);
    t.times.assigned = r.time(base);
    t.times.first_response = r.time(base);
    t.times.started = r.time(base);
    t.times.resolved = r.time(base);
    t.times.closed = r.time(base);
    t.estimated_completion = r.time(base);
    t.resolution = r.text();
    t.responsibility = r.as<Responsibility>();
    if (r.u()) t.satisfaction = decode_satisfaction(r);
    if (auto reason = r.u()) t.close_reason = checked<CloseReason>(reason - 1);
    t.remarks = r.text();
    t.tags = r.texts();
    t.links.resize(r.count());
    for (auto& link : t.links) {
        link.kind = r.as<LinkKind>();
        link.target = r.text();
    }
    t.reopen_count = static_cast<std::uint32_t>(r.u());
    t.escalation_level = static_cast<std::uint32_t>(r.u());
    t.waiting_for_customer = r.u() != 0;
    t.wait_reason = r.text();
    t.resume_at = r.time(base);
    t.sla.resize(r.count());
    for (auto& clock : t.sla) {
        clock.stage = r.as<SlaStage>();
        clock.started = r.at(base);
        clock.stopped = r.time(base);
        clock.pauses.resize(r.count());
        for (auto& pause : clock.pauses) {
            pause.from = r.at(base);
            pause.to = r.at(base);
        }
        clock.paused_since = r.time(base);
        clock.warn_at = r.at(base);
        clock.due = r.at(base);
        auto flags = r.u();
        clock.warned = flags & 1;
        clock.breached = (flags >> 1) & 1;
        clock.escalations = static_cast<std::uint32_t>(r.u());
        clock.overdue_reason = r.text();
    }
    if (r.u()) {
        ResultNotice notice;
        notice.at = r.at(base);
        notice.channel = r.text();
        notice.summary = r.text();
        t.result_notice = std::move(notice);
    }
    if (r.u()) {
        VisitDetails v;
        v.reason = r.as<VisitReason>();
        v.plan = r.text();
        v.window_from = r.at(base);
        v.window_until = r.at(base);
        v.attempts.resize(r.count());
        for (auto& a : v.attempts) {
            a.at = r.at(base);
            a.outcome = r.as<ContactOutcome>();
            a.note = r.text();
        }
        v.answers.resize(r.count());
        for (auto& a : v.answers) {
            a.question = r.text();
            a.score = static_cast<int>(r.u());
            a.reason = r.text();
        }
        v.comment = r.text();
        t.visit = std::move(v);
    }
    t.identity_verified = r.u() != 0;
    t.tasks.resize(r.count());
    for (auto& task : t.tasks) {
        task.number = static_cast<std::uint32_t>(r.u());
        task.department = r.text();
        task.owner = r.text();
        task.description = r.text();
        task.due = r.at(base);
        auto flags = r.u();
        task.mandatory = flags & 1;
        task.overdue_notified = (flags >> 1) & 1;
        task.completed = r.time(base);
        task.outcome = r.text();
    }
    t.approvals.resize(r.count());
    for (auto& a : t.approvals) {
        a.number = static_cast<std::uint32_t>(r.u());
        a.kind = r.as<SolutionKind>();
        a.amount = r.number();
        a.description = r.text();
        a.requested_by = r.text();
        if (auto approver = r.u()) a.approver = checked<Role>(approver - 1);
        a.requested_at = r.at(base);
        a.due = r.at(base);
        const auto state = r.u();
        a.state = checked<ApprovalState>(state & 0xF);
        a.overdue_notified = (state >> 4) & 1;
        a.decided_by = r.text();
        a.decided_at = r.time(base);
        a.note = r.text();
    }
    t.times.updated = t.times.recorded;
    if (!r.done()) { // fields added after format 1 (see encode_ticket())
        t.times.updated = r.at(base);
        t.satisfaction_history.resize(r.count());
        for (auto& round : t.satisfaction_history) {
            round.round = static_cast<std::uint32_t>(r.u());
            round.at = r.at(base);
            round.satisfaction = decode_satisfaction(r);
        }
        if (r.u()) {
            WorkOrder order;
            const auto flags = r.u();
            order.kind = checked<ProblemKind>(flags & 0xF);
            order.by_priority = (flags >> 4) & 1;
            order.problem_type = r.text();
            t.work_order = std::move(order);
        }
        if (!r.done()) {
            const std::uint64_t provisional = r.u();
            if (t.sla.size() < 64 && (provisional >> t.sla.size()) != 0)
                throw DamagedEncoding("damaged ticket encoding: provisional mark of a clock that does not exist");
            for (std::size_t i = 0; i < t.sla.size() && i < 64; ++i) t.sla[i].provisional = (provisional >> i) & 1;
        }
    }
    if (!r.done()) throw DamagedEncoding("damaged ticket encoding: bytes after the ticket");
    return t;
}

} // namespace

Ticket decode_ticket(std::string_view bytes) {
    const std::uint64_t format = Reader(bytes).u();
    if (format == ticket_format_unchecked) { // written before checksums: read as it is
        Reader r(bytes);
        r.u();
        return decode_fields(r);
    }
    if (format != ticket_format) throw DamagedEncoding("unknown ticket encoding format " + std::to_string(format));
    if (bytes.size() < 1 + checksum_size) throw DamagedEncoding("truncated ticket encoding");
    const std::string_view checked_bytes = bytes.substr(0, bytes.size() - checksum_size);
    const std::uint32_t stored = read_le32(bytes.substr(checked_bytes.size()));
    if (crc32c(checked_bytes) != stored)
        throw DamagedEncoding("damaged ticket encoding: checksum mismatch (the stored bytes were changed)");
    Reader r(checked_bytes);
    r.u();
    return decode_fields(r);
}

namespace detail {

void append_event(std::string& log, const AuditEvent& e) {
    Writer<128> w;
    w.u(e.version);
    w.time(e.at);
    w.u(static_cast<std::uint64_t>(e.action));
    w.u(static_cast<std::uint64_t>(e.from));
    w.u(static_cast<std::uint64_t>(e.to));
    w.text(e.actor);
    w.text(e.note);
    log.append(w.bytes()); // whole or, when out of memory, not at all
}

std::vector<AuditEvent> decode_events(std::string_view log, const TicketId& ticket) {
    std::vector<AuditEvent> events;
    Reader r(log);
    while (!r.done()) {
        AuditEvent e;
        e.ticket = ticket;
        e.version = r.u();
        e.at = r.time();
        e.action = r.as<Action>();
        e.from = r.as<Status>();
        e.to = r.as<Status>();
        e.actor = r.text();
        e.note = r.text();
        events.push_back(std::move(e));
    }
    return events;
}

} // namespace detail
} // namespace ticketflow
