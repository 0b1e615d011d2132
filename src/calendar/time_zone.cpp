#include "calendar/time_zone.hpp"

#include "calendar/posix_tz.hpp"
#include "ticketflow/error.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace ticketflow::detail {

namespace {

std::string tz_directory() {
    const char* dir = std::getenv("TZDIR");
    return dir && *dir ? dir : "/usr/share/zoneinfo";
}

// IANA names are paths below the tz directory; anything else must not reach the file system.
bool is_zone_name(const std::string& name) {
    if (name.empty() || name.front() == '/') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
    });
}

struct Damaged : std::runtime_error {
    Damaged() : std::runtime_error("damaged TZif data") {}
};

// Big-endian reader over the bytes of a TZif file.
class TzifReader {
public:
    explicit TzifReader(const std::string& bytes) : bytes_(bytes) {}

    std::int64_t read(std::size_t size) {
        require(size);
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < size; ++i) value = value << 8 | static_cast<unsigned char>(bytes_[pos_++]);
        // Sign-extend 4-byte values.
        if (size == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
        return static_cast<std::int64_t>(value);
    }
    std::string_view take(std::size_t size) {
        require(size);
        std::string_view taken(bytes_.data() + pos_, size);
        pos_ += size;
        return taken;
    }
    void skip(std::size_t size) { take(size); }
    bool at_end() const { return pos_ == bytes_.size(); }

private:
    void require(std::size_t size) const {
        if (size > bytes_.size() - pos_) throw Damaged();
    }

    const std::string& bytes_;
    std::size_t pos_ = 0;
};

struct TzifHeader {
    char version = 0;
    std::size_t ut_count = 0, std_count = 0, leap_count = 0, time_count = 0, type_count = 0, char_count = 0;

    // Bytes of the data block that follows, with transition times of `time_size` bytes.
    std::size_t block_size(std::size_t time_size) const {
        return time_count * (time_size + 1) + type_count * 6 + char_count + leap_count * (time_size + 4) + std_count +
               ut_count;
    }
};

TzifHeader read_header(TzifReader& in) {
    if (in.take(4) != "TZif") throw Damaged();
    TzifHeader h;
    h.version = static_cast<char>(in.read(1));
    in.skip(15);
    for (std::size_t* count : {&h.ut_count, &h.std_count, &h.leap_count, &h.time_count, &h.type_count, &h.char_count}) {
        const auto value = in.read(4);
        if (value < 0) throw Damaged();
        *count = static_cast<std::size_t>(value);
    }
    if (h.type_count == 0) throw Damaged();
    return h;
}

struct TzifData {
    std::vector<std::int64_t> times;
    std::vector<int> offset_after; // of each transition
    int initial_offset = 0;
    std::string footer;
};

TzifData read_block(TzifReader& in, const TzifHeader& h, std::size_t time_size) {
    TzifData data;
    for (std::size_t i = 0; i < h.time_count; ++i) data.times.push_back(in.read(time_size));
    std::vector<std::size_t> type_of;
    for (std::size_t i = 0; i < h.time_count; ++i) type_of.push_back(static_cast<std::size_t>(in.read(1)));
    std::vector<int> utc_offset;
    for (std::size_t i = 0; i < h.type_count; ++i) {
        utc_offset.push_back(static_cast<int>(in.read(4)));
        in.skip(2); // is_dst, abbreviation index
    }
    in.skip(h.char_count + h.leap_count * (time_size + 4) + h.std_count + h.ut_count);

    const auto not_increasing = [](std::int64_t a, std::int64_t b) { return a >= b; };
    if (std::adjacent_find(data.times.begin(), data.times.end(), not_increasing) != data.times.end()) throw Damaged();
    for (std::size_t type : type_of) {
        if (type >= utc_offset.size()) throw Damaged();
        data.offset_after.push_back(utc_offset[type]);
    }
    // RFC 8536: time type 0 applies before the first transition.
    data.initial_offset = utc_offset[0];
    return data;
}

// Version 2+ files repeat the data with 64-bit times and end with "\n<POSIX TZ rule>\n".
TzifData parse_tzif(const std::string& bytes) {
    TzifReader in(bytes);
    TzifHeader header = read_header(in);
    if (header.version < '2') return read_block(in, header, 4);
    in.skip(header.block_size(4));
    header = read_header(in);
    TzifData data = read_block(in, header, 8);
    if (in.read(1) != '\n') throw Damaged();
    while (!in.at_end()) {
        const char c = in.take(1).front();
        if (c == '\n') return data;
        data.footer += c;
    }
    throw Damaged();
}

// Zones whose UTC offset has not changed since `since` (no DST, no change of standard
// time), for hosts without a tz database. Since-years from the tz database's history.
struct FixedZone {
    const char* name;
    int offset; // seconds east of Greenwich
    int since;  // first year of the offset throughout
};

constexpr FixedZone fixed_zones[] = {
    {"Asia/Shanghai", 8 * 3600, 1992},       // DST last in 1991
    {"PRC", 8 * 3600, 1992},                 // alias of Asia/Shanghai
    {"Asia/Hong_Kong", 8 * 3600, 1980},      // DST last in 1979
    {"Asia/Taipei", 8 * 3600, 1980},         // DST last in 1979
    {"Asia/Singapore", 8 * 3600, 1982},      // UTC+7:30 until 1981
    {"Asia/Tokyo", 9 * 3600, 1952},          // DST last in 1951
    {"Asia/Kolkata", 5 * 3600 + 1800, 1946}, // war time until 1945
    {"UTC", 0, 1900},
    {"Etc/UTC", 0, 1900},
};

const FixedZone* fixed_zone(const std::string& name) {
    for (const FixedZone& zone : fixed_zones)
        if (name == zone.name) return &zone;
    return nullptr;
}

bool exists(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return static_cast<bool>(file);
}

// A directory holds a tz database when it has the files every tzdata install has.
bool has_tz_database(const std::string& dir) {
    return exists(dir + "/UTC") || exists(dir + "/Etc/UTC") || exists(dir + "/zone1970.tab") ||
           exists(dir + "/tzdata.zi");
}

std::string read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream bytes;
    if (file) bytes << file.rdbuf();
    return bytes.str();
}

} // namespace

TimeZone TimeZone::load(const std::string& name, int first_year, int last_year) {
    const std::string dir = tz_directory();
    const std::string path = dir + "/" + name;
    const bool valid_name = is_zone_name(name);
    const bool file_exists = valid_name && exists(path);
    TimeZone zone;
    zone.name_ = name;
    if (!file_exists && valid_name) {
        if (const FixedZone* fixed = fixed_zone(name)) {
            if (first_year >= fixed->since) {
                zone.initial_offset_ = fixed->offset;
                return zone;
            }
            if (!has_tz_database(dir))
                throw CalendarError("time zone '" + name + "': no tz database in " + dir +
                                    " (install tzdata or set TZDIR), and the built-in rule holds only from " +
                                    std::to_string(fixed->since) + ", not from " + std::to_string(first_year));
        }
        if (!has_tz_database(dir))
            throw CalendarError("time zone '" + name + "': no tz database in " + dir +
                                " (install tzdata or set TZDIR to one) and no built-in rule for this zone");
    }
    const std::string bytes = file_exists ? read_file(path) : std::string();
    if (bytes.compare(0, 4, "TZif") != 0)
        throw CalendarError("unknown time zone '" + name + "' (no such zone in " + dir + ")");

    try {
        const TzifData data = parse_tzif(bytes);
        zone.initial_offset_ = data.initial_offset;
        for (std::size_t i = 0; i < data.times.size(); ++i) zone.append(data.times[i], data.offset_after[i]);
        if (!data.footer.empty()) zone.extend_with_footer(data.footer, last_year);
    } catch (const Damaged&) {
        throw CalendarError("time zone '" + name + "': damaged tz file " + path);
    } catch (const std::invalid_argument& e) {
        throw CalendarError("time zone '" + name + "': " + e.what() + " in " + path);
    }
    return zone;
}

void TimeZone::append(Seconds at, int offset) {
    const int current = transitions_.empty() ? initial_offset_ : transitions_.back().offset;
    if (offset != current) transitions_.push_back({at, offset});
}

// After its last transition a zone follows the footer's rule; unroll that rule into
// transitions up to the year after `last_year` so every lookup is one binary search.
void TimeZone::extend_with_footer(const std::string& footer, int last_year) {
    const PosixTimeZone rule(footer);
    const Seconds last_listed = transitions_.empty() ? std::numeric_limits<Seconds>::min() : transitions_.back().at;
    const int first_year = transitions_.empty() ? 1900 : static_cast<int>(date_of_seconds(last_listed).year());
    std::vector<Seconds> changes;
    for (int year = first_year; year <= last_year + 1; ++year) {
        const auto in_year = rule.changes_in(year);
        changes.insert(changes.end(), in_year.begin(), in_year.end());
    }
    std::sort(changes.begin(), changes.end());
    for (Seconds at : changes)
        if (at > last_listed && (transitions_.empty() || at > transitions_.back().at)) append(at, rule.offset_at(at));
}

int TimeZone::offset_at(Seconds utc) const {
    const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), utc,
                                        [](Seconds t, const Transition& tr) { return t < tr.at; });
    return after == transitions_.begin() ? initial_offset_ : std::prev(after)->offset;
}

Seconds TimeZone::first_reaching(Seconds local) const {
    // No UTC offset reaches a day, so before `search_from` the clock always reads less.
    const Seconds search_from = local - 2 * seconds_per_day;
    auto next = std::upper_bound(transitions_.begin(), transitions_.end(), search_from,
                                 [](Seconds t, const Transition& tr) { return t < tr.at; });
    // Walk the stretches of constant offset from there; the first one whose clock passes
    // `local` holds the answer.
    for (;; ++next) {
        const bool first_stretch = next == transitions_.begin();
        const int offset = first_stretch ? initial_offset_ : std::prev(next)->offset;
        const Seconds begins = first_stretch ? std::numeric_limits<Seconds>::min() : std::prev(next)->at;
        const Seconds candidate = std::max(begins, local - offset);
        if (next == transitions_.end() || candidate < next->at) return candidate;
    }
}

} // namespace ticketflow::detail
