#include "postgres/outbox_wakeups.hpp"

#include "postgres/connection.hpp"

#include "ticketflow/error.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace ticketflow::detail::pg {

Announcer::Announcer(std::string conninfo, std::string schema)
    : conninfo_(std::move(conninfo)), schema_(std::move(schema)) {}

Announcer::~Announcer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    signal_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void Announcer::announce() noexcept {
    std::lock_guard lock(mutex_);
    pending_ = true;
    if (!thread_.joinable()) {
        try {
            thread_ = std::thread([this] { run(); });
        } catch (const std::system_error&) {
            pending_ = false; // no thread: the listeners poll
            return;
        }
    }
    signal_.notify_one();
}

void Announcer::run() {
    std::unique_lock lock(mutex_);
    while (true) {
        signal_.wait(lock, [this] { return pending_ || stopping_; });
        if (!pending_) return; // stopping, nothing left to announce
        // The commits of the next moment share this announcement: on a durable server each
        // NOTIFY is a transaction of its own, with its own flush of the log.
        signal_.wait_for(lock, gather, [this] { return stopping_; });
        pending_ = false;
        lock.unlock();
        send();
        lock.lock();
    }
}

void Announcer::send() noexcept {
    try {
        if (!connection_ || connection_->broken()) connection_ = std::make_unique<Connection>(conninfo_, schema_);
        connection_->run("SELECT pg_notify($1, $2)", Params().add(outbox_channel).add(schema_));
    } catch (...) {
        connection_.reset(); // the listeners' dispatchers poll; the next announcement reconnects
    }
}

namespace {

constexpr auto reconnect_delay = std::chrono::seconds(1);

class Listener final : public OutboxWatch {
public:
    Listener(std::string conninfo, std::string schema, std::function<void()> on_rows)
        : conninfo_(std::move(conninfo)), schema_(std::move(schema)), on_rows_(std::move(on_rows)) {
        if (::pipe2(stop_, O_CLOEXEC | O_NONBLOCK) != 0)
            throw StorageError("PostgreSQL: cannot make a pipe for LISTEN");
        try {
            connection_ = listening();
        } catch (...) {
            // Not reachable now: the thread keeps trying.
        }
        try {
            thread_ = std::thread([this] { run(); });
        } catch (const std::system_error& e) {
            close_pipe();
            throw StorageError(std::string("PostgreSQL: cannot start the LISTEN thread: ") + e.what());
        }
    }

    ~Listener() override {
        const char stop = 1;
        while (::write(stop_[1], &stop, 1) < 0 && errno == EINTR) {}
        thread_.join();
        close_pipe();
    }

private:
    std::unique_ptr<Connection> listening() const {
        auto c = std::make_unique<Connection>(conninfo_, schema_);
        c->exec(std::string("LISTEN ") + outbox_channel);
        return c;
    }

    void tell() noexcept {
        try {
            on_rows_();
        } catch (...) {
            // A hint only: a throwing callback must not end the watch.
        }
    }

    // Waits for `fd` (or only for stop when it is negative) up to `timeout_ms` (-1: no
    // limit); false once the watch is ending.
    bool wait(int fd, int timeout_ms) const {
        pollfd fds[2] = {{stop_[0], POLLIN, 0}, {fd, POLLIN, 0}};
        const int n = ::poll(fds, fd < 0 ? 1 : 2, timeout_ms);
        return !(n > 0 && fds[0].revents != 0);
    }

    void run() {
        while (true) {
            if (!connection_) {
                if (!wait(-1, static_cast<int>(std::chrono::milliseconds(reconnect_delay).count()))) return;
                try {
                    connection_ = listening();
                } catch (...) {
                    continue;
                }
                tell(); // rows may have come while nobody listened
            }
            const int fd = connection_->socket();
            if (fd >= 0 && !wait(fd, -1)) return;
            try {
                const auto payloads = connection_->notifications(outbox_channel);
                if (std::find(payloads.begin(), payloads.end(), schema_) != payloads.end()) tell();
            } catch (...) {
                connection_.reset(); // lost: reconnect after a pause
            }
        }
    }

    void close_pipe() noexcept {
        ::close(stop_[0]);
        ::close(stop_[1]);
    }

    const std::string conninfo_;
    const std::string schema_;
    const std::function<void()> on_rows_;
    std::unique_ptr<Connection> connection_; // the thread's once it runs
    int stop_[2] = {-1, -1};
    std::thread thread_;
};

} // namespace

std::unique_ptr<OutboxWatch> listen_for_rows(const std::string& conninfo, const std::string& schema,
                                             std::function<void()> on_rows) {
    return std::make_unique<Listener>(conninfo, schema, std::move(on_rows));
}

} // namespace ticketflow::detail::pg
