#pragma once
// A unique database path in the temp directory, removed with its SQLite side files
// (-wal, -shm, -journal) when the object goes away.

#include <atomic>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace ticketflow::testing {

class TempDb {
public:
    explicit TempDb(const std::string& stem = "ticketflow-test") {
        static std::atomic<unsigned> counter{0};
        path_ = (std::filesystem::temp_directory_path() /
                 (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db"))
                    .string();
        remove_all();
    }
    ~TempDb() { remove_all(); }
    TempDb(const TempDb&) = delete;
    TempDb& operator=(const TempDb&) = delete;

    const std::string& path() const noexcept { return path_; }

private:
    void remove_all() const {
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix, ignored);
    }

    std::string path_;
};

} // namespace ticketflow::testing
