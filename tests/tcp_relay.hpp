#pragma once
// A TCP relay between a client and a server on 127.0.0.1, for tests that lose a
// connection at a chosen moment: it forwards both ways until armed; then, on the first
// connection whose client sends the armed text, it either drops that send and cuts the
// connection at once (cut_on()), or forwards it and holds back everything the server
// answers until the test calls cut() (hold_on()).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ticketflow::testing {

class TcpRelay {
public:
    explicit TcpRelay(int server_port) : server_port_(server_port) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in at = loopback(0);
        if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 ||
            ::listen(listener_, 16) != 0)
            throw std::runtime_error("relay: cannot listen");
        socklen_t size = sizeof at;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&at), &size);
        port_ = ntohs(at.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~TcpRelay() {
        ::shutdown(listener_, SHUT_RDWR); // wakes accept()
        acceptor_.join();
        {
            std::lock_guard lock(mutex_);
            for (auto& link : links_) shut(*link);
        }
        for (auto& pump : pumps_) pump.join();
        for (auto& link : links_) {
            ::close(link->client);
            ::close(link->server);
        }
        ::close(listener_);
    }
    TcpRelay(const TcpRelay&) = delete;
    TcpRelay& operator=(const TcpRelay&) = delete;

    int port() const { return port_; }

    // The next client send that contains `text` is dropped and its connection cut.
    void cut_on(std::string text) { arm(std::move(text), Mode::cut); }
    // The next client send that contains `text` is forwarded; from then on the server's
    // answers on that connection are read and thrown away, until cut().
    void hold_on(std::string text) { arm(std::move(text), Mode::hold); }
    // True once an armed connection met its text.
    bool triggered() const { return triggered_; }
    // Cuts the held connection (both sides see it closed).
    void cut() {
        std::lock_guard lock(mutex_);
        for (auto& link : links_)
            if (link->held) shut(*link);
    }

private:
    enum class Mode { none, cut, hold };
    struct Link {
        int client = -1;
        int server = -1;
        bool held = false;
    };

    static sockaddr_in loopback(int port) {
        sockaddr_in at{};
        at.sin_family = AF_INET;
        at.sin_port = htons(static_cast<std::uint16_t>(port));
        at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return at;
    }
    static void shut(Link& link) {
        ::shutdown(link.client, SHUT_RDWR);
        ::shutdown(link.server, SHUT_RDWR);
    }
    void arm(std::string text, Mode mode) {
        std::lock_guard lock(mutex_);
        text_ = std::move(text);
        mode_ = mode;
        triggered_ = false;
    }

    void accept_loop() {
        for (;;) {
            const int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) return;
            const int server = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in at = loopback(server_port_);
            if (::connect(server, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
                ::close(client);
                ::close(server);
                continue;
            }
            std::lock_guard lock(mutex_);
            links_.push_back(std::make_unique<Link>(Link{client, server, false}));
            Link* link = links_.back().get();
            pumps_.emplace_back([this, link] { pump(*link); });
        }
    }

    // What the client sent: forwarded, unless it meets the armed text.
    bool from_client(Link& link, const char* data, std::size_t size) {
        std::lock_guard lock(mutex_);
        if (mode_ != Mode::none && std::string(data, size).find(text_) != std::string::npos) {
            const Mode mode = mode_;
            mode_ = Mode::none;
            triggered_ = true;
            if (mode == Mode::cut) {
                shut(link);
                return false;
            }
            link.held = true;
        }
        return send_all(link.server, data, size);
    }

    void pump(Link& link) {
        char buffer[65536];
        pollfd fds[2] = {{link.client, POLLIN, 0}, {link.server, POLLIN, 0}};
        for (bool open = true; open;) {
            if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
            for (int side = 0; side < 2 && open; ++side) {
                if (!(fds[side].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                const ssize_t n = ::recv(fds[side].fd, buffer, sizeof buffer, 0);
                if (n <= 0) {
                    open = false;
                } else if (side == 0) {
                    open = from_client(link, buffer, static_cast<std::size_t>(n));
                } else {
                    bool held;
                    {
                        std::lock_guard lock(mutex_);
                        held = link.held;
                    }
                    if (!held) open = send_all(link.client, buffer, static_cast<std::size_t>(n));
                }
            }
        }
        std::lock_guard lock(mutex_);
        shut(link);
    }

    static bool send_all(int fd, const char* data, std::size_t size) {
        while (size > 0) {
            const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
            if (n <= 0) return false;
            data += n;
            size -= static_cast<std::size_t>(n);
        }
        return true;
    }

    int server_port_;
    int listener_ = -1;
    int port_ = 0;
    std::thread acceptor_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Link>> links_;
    std::vector<std::thread> pumps_;
    std::string text_;
    Mode mode_ = Mode::none;
    std::atomic<bool> triggered_{false};
};

} // namespace ticketflow::testing
