#include "postgres/connection.hpp"

#include "ticketflow/error.hpp"

#include <algorithm>
#include <charconv>

#include <poll.h>

namespace ticketflow::detail::pg {

std::int64_t Result::integer(int row, int col) const {
    const auto v = view(row, col);
    if (binary(col)) { // network byte order, 2, 4 or 8 bytes, signed
        if (v.size() != 2 && v.size() != 4 && v.size() != 8)
            throw StorageError("PostgreSQL: not an integer in column " + std::to_string(col));
        std::uint64_t u = static_cast<unsigned char>(v[0]) & 0x80 ? ~std::uint64_t{0} : 0;
        for (char c : v) u = (u << 8) | static_cast<unsigned char>(c);
        return static_cast<std::int64_t>(u);
    }
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc{} || end != v.data() + v.size())
        throw StorageError("PostgreSQL: not an integer in column " + std::to_string(col) + ": " + std::string(v));
    return out;
}

namespace {
int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
} // namespace

std::string Result::bytes(int row, int col) const {
    const auto v = view(row, col);
    if (binary(col)) return std::string(v);
    if (v.size() < 2 || v[0] != '\\' || v[1] != 'x' || v.size() % 2 != 0)
        throw StorageError("PostgreSQL: a bytea value is not in hex output (bytea_output must be 'hex')");
    std::string out((v.size() - 2) / 2, '\0');
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_digit(v[2 + 2 * i]);
        const int lo = hex_digit(v[3 + 2 * i]);
        if (hi < 0 || lo < 0) throw StorageError("PostgreSQL: malformed bytea value");
        out[i] = static_cast<char>(hi * 16 + lo);
    }
    return out;
}

std::uint64_t Result::affected() const {
    const char* n = PQcmdTuples(r_.get());
    return n && *n ? std::stoull(n) : 0;
}

// libpq passes text parameters NUL-terminated, so a NUL byte would silently cut the value
// short (and PostgreSQL text cannot hold one): refused before anything is sent.
Params& Params::push(std::string value, bool binary, bool null) {
    if (!binary && value.find('\0') != std::string::npos)
        throw ValidationError("text", "contains a NUL byte, which PostgreSQL text cannot hold");
    values_.push_back(std::move(value));
    nulls_.push_back(null);
    formats_.push_back(binary ? 1 : 0);
    return *this;
}

Params& Params::array(const std::vector<std::uint64_t>& values) {
    std::string literal = "{";
    for (std::size_t i = 0; i < values.size(); ++i) literal += (i ? "," : "") + std::to_string(values[i]);
    return add(literal + "}");
}

Params& Params::array(const std::vector<std::string>& values) {
    std::string literal = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        literal += i ? ",\"" : "\"";
        for (char c : values[i]) {
            if (c == '"' || c == '\\') literal += '\\';
            literal += c;
        }
        literal += '"';
    }
    return add(literal + "}");
}

void Params::seal() {
    pointers_.clear();
    lengths_.clear();
    for (std::size_t i = 0; i < values_.size(); ++i) {
        pointers_.push_back(nulls_[i] ? nullptr : values_[i].data());
        lengths_.push_back(static_cast<int>(values_[i].size()));
    }
}

Connection::Connection(const std::string& conninfo, const std::string& schema) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (!conn_) throw StorageError("PostgreSQL: out of memory while connecting");
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string message = PQerrorMessage(conn_);
        PQfinish(conn_);
        conn_ = nullptr;
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        throw StorageError("PostgreSQL: cannot connect: " + message);
    }
    // The server's notices, and errors that arrive outside a query (a terminated
    // connection's goodbye), would go to stderr: a library keeps quiet, the errors reach
    // the caller as StorageError.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    // The schema name was checked by the store: letters, digits and '_' only.
    exec("SET search_path TO \"" + schema +
         "\", pg_catalog; SET bytea_output TO hex; SET client_min_messages TO warning");
    auto r = run("SELECT pg_backend_pid(), backend_start::text FROM pg_stat_activity WHERE pid = pg_backend_pid()");
    if (r.rows() == 1) backend_ = {static_cast<int>(r.integer(0, 0)), r.text(0, 1)};
}

Connection::~Connection() {
    if (conn_) PQfinish(conn_);
}

bool Connection::broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

void Connection::fail(const PGresult* r, const std::string& what) {
    std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state ? state : "";
    if (PQstatus(conn_) != CONNECTION_OK || sqlstate.empty() || sqlstate.rfind("08", 0) == 0 ||
        sqlstate.rfind("57P", 0) == 0)
        broken_ = true; // lost, or the server is going away: the next call reconnects
    if (sqlstate == "TF409") {
        const char* detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
        throw NotWritten("PostgreSQL: " + what + ": " + message, detail ? detail : "");
    }
    // A deadlock or serialization failure: another transaction won; retrying may succeed.
    if (sqlstate == "40001" || sqlstate == "40P01") throw ConcurrencyConflict("PostgreSQL: " + what + ": " + message);
    throw StorageError("PostgreSQL: " + what + ": " + message + (sqlstate.empty() ? "" : " [" + sqlstate + "]"));
}

const std::string& Connection::statement_name(const std::string& sql) {
    auto found = prepared_.find(sql);
    if (found == prepared_.end()) {
        const std::string name = "tf" + std::to_string(prepared_.size() + 1);
        Result prepared(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
        const auto status = PQresultStatus(prepared.raw());
        if (status != PGRES_COMMAND_OK) fail(prepared.raw(), "preparing a statement");
        found = prepared_.emplace(sql, name).first;
    }
    return found->second;
}

Result Connection::run(const std::string& sql, Params params, bool binary_result) {
    const std::string& name = statement_name(sql);
    params.seal();
    Result r(PQexecPrepared(conn_, name.c_str(), params.count(), params.values(), params.lengths(), params.formats(),
                            binary_result ? 1 : 0));
    const auto status = PQresultStatus(r.raw());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r.raw(), "a statement failed");
    return r;
}

// Sent in parts of at most `part` statements, each read back before the next is sent: a
// part and its results fit the socket buffers both ways, so neither end can block the
// other. Inside a transaction a failing part aborts it, and no later part is sent.
std::vector<Result> Connection::run_all(std::vector<Statement> statements) {
    constexpr std::size_t part = 256;
    std::vector<const std::string*> names;
    names.reserve(statements.size());
    for (auto& s : statements) names.push_back(s.prepare ? &statement_name(s.sql) : nullptr);
    std::vector<Result> results;
    results.reserve(statements.size());
    for (std::size_t first = 0; first < statements.size(); first += part) {
        const std::size_t last = std::min(statements.size(), first + part);
        for (auto& r : run_part(statements, names, first, last)) results.push_back(std::move(r));
    }
    return results;
}

std::vector<Result> Connection::run_part(std::vector<Statement>& statements,
                                         const std::vector<const std::string*>& names, std::size_t first,
                                         std::size_t last) {
    if (PQenterPipelineMode(conn_) != 1) fail(nullptr, "entering pipeline mode");
    for (std::size_t i = first; i < last; ++i) {
        Params& p = statements[i].params;
        p.seal();
        const int sent =
            names[i] ? PQsendQueryPrepared(conn_, names[i]->c_str(), p.count(), p.values(), p.lengths(), p.formats(), 0)
                     : PQsendQueryParams(conn_, statements[i].sql.c_str(), p.count(), nullptr, p.values(), p.lengths(),
                                         p.formats(), 0);
        if (sent != 1) {
            broken_ = true; // the pipeline's state is unknown: never reuse the connection
            fail(nullptr, "sending a statement");
        }
    }
    if (PQpipelineSync(conn_) != 1) {
        broken_ = true;
        fail(nullptr, "sending a pipeline");
    }
    return collect_pipeline(last - first);
}

// Reads one result per statement and the closing sync, leaves pipeline mode, and only
// then throws for the first failure, so the connection is usable for the rollback.
std::vector<Result> Connection::collect_pipeline(std::size_t count) {
    std::vector<Result> results;
    results.reserve(count);
    std::optional<Result> failure;
    for (std::size_t i = 0; i < count; ++i) {
        Result r(PQgetResult(conn_));
        if (!r.raw()) {
            broken_ = true;
            fail(nullptr, "reading a pipeline");
        }
        while (PGresult* extra = PQgetResult(conn_)) PQclear(extra); // up to the statement's end
        const auto status = PQresultStatus(r.raw());
        if (!failure && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            failure.emplace(std::move(r));
        else
            results.push_back(std::move(r));
    }
    Result sync(PQgetResult(conn_));
    if (!sync.raw() || PQresultStatus(sync.raw()) != PGRES_PIPELINE_SYNC || PQexitPipelineMode(conn_) != 1) {
        broken_ = true;
        fail(failure ? failure->raw() : nullptr, "ending a pipeline");
    }
    if (failure) fail(failure->raw(), "a statement failed");
    return results;
}

void Connection::exec(const std::string& sql) {
    Result r(PQexec(conn_, sql.c_str()));
    const auto status = PQresultStatus(r.raw());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r.raw(), "a command failed");
}

void Connection::rollback_quietly() noexcept {
    if (broken()) {
        broken_ = true;
        return;
    }
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
    PGresult* r = PQexec(conn_, "ROLLBACK");
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) broken_ = true;
    PQclear(r);
}

// Only while the process is in a transaction running one of the store's write statements:
// an idle one has finished the transaction, and behind a connection pooler it may since
// serve another client, whose work must not be ended.
bool Connection::end_backend(const Backend& b) {
    if (b.pid == 0) return false; // never known: cannot be told apart
    auto r = run("SELECT pg_terminate_backend(pid, $3) FROM pg_stat_activity WHERE pid = $1 AND "
                 "backend_start::text = $2 AND state <> 'idle' AND (query IN ('BEGIN', 'COMMIT') OR "
                 "query LIKE 'WITH written AS (%' OR query LIKE 'INSERT INTO %' OR query LIKE 'UPDATE %')",
                 Params().add(static_cast<std::int64_t>(b.pid)).add(b.started).add(std::int64_t{10000}));
    return r.rows() == 0 || r.view(0, 0) == "t";
}

int Connection::socket() const { return PQsocket(conn_); }

std::vector<std::string> Connection::notifications(const std::string& channel) {
    if (PQconsumeInput(conn_) != 1 || broken()) {
        broken_ = true;
        fail(nullptr, "waiting for notifications");
    }
    std::vector<std::string> payloads;
    while (PGnotify* n = PQnotifies(conn_)) {
        if (channel == n->relname) payloads.emplace_back(n->extra);
        PQfreemem(n);
    }
    return payloads;
}

Pool::Lease Pool::borrow() {
    {
        std::lock_guard lock(mutex_);
        while (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            if (c->alive()) return Lease(*this, std::move(c));
        }
    }
    return Lease(*this, std::make_unique<Connection>(conninfo_, schema_));
}

void Pool::give(std::unique_ptr<Connection> c) noexcept {
    if (c->broken()) return;
    std::lock_guard lock(mutex_);
    if (idle_.size() < keep_) idle_.push_back(std::move(c));
}

bool Connection::alive() {
    // An idle connection has nothing to read. Anything waiting on its socket is the
    // server's goodbye (a shutdown, a restart, a terminated backend: an error message,
    // then end of file) or unsolicited chatter: either way a fresh connection is safer.
    if (broken()) return false;
    pollfd fd{PQsocket(conn_), POLLIN, 0};
    if (fd.fd < 0 || ::poll(&fd, 1, 0) != 0) broken_ = true;
    return !broken_;
}

} // namespace ticketflow::detail::pg
