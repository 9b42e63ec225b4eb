// JSON lines on stderr, each written by one write(2) so lines from several threads never
// interleave.
#include "server/http/access_log.hpp"

#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <string>

namespace signet::server::http {
namespace {

void write_stderr_line(const std::string& line) {
    const char* data = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const ssize_t n = ::write(STDERR_FILENO, data, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
}

// RFC 3339 UTC with milliseconds: 2024-05-01T12:00:00.123Z.
std::string rfc3339_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[40];
    const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
    std::string out(buffer, n);
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(millis));
    out.append(fraction);
    return out;
}

}  // namespace

void AccessLog::request(const RequestContext& context, std::string_view method,
                        std::string_view path, unsigned status,
                        std::chrono::duration<double> elapsed, std::size_t bytes_out) const {
    if (!log_requests_) return;
    // Strings go through Boost.JSON's serializer (escaping); numbers are formatted here so
    // the duration reads 0.350 rather than Boost.JSON 1.81's 3.5E-1.
    std::string line;
    line.reserve(256);
    const auto field = [&line](std::string_view name, std::string_view value) {
        line.append(line.empty() ? "{\"" : ",\"").append(name).append("\":");
        line.append(boost::json::serialize(boost::json::string_view(value.data(), value.size())));
    };
    char number[64];
    field("time", rfc3339_now());
    field("level", "info");
    field("request_id", context.request_id);
    field("method", method);
    field("path", path);
    field("route", context.route);
    std::snprintf(number, sizeof number, ",\"status\":%u,\"duration_ms\":%.3f", status,
                  elapsed.count() * 1e3);
    line.append(number);
    field("client", context.client_address);
    std::snprintf(number, sizeof number, ",\"bytes_out\":%zu}\n", bytes_out);
    line.append(number);
    write_stderr_line(line);
}

void AccessLog::error(std::string_view request_id, std::string_view message) const {
    boost::json::object line;
    line["time"] = rfc3339_now();
    line["level"] = "error";
    if (!request_id.empty()) line["request_id"] = request_id;
    line["message"] = message;
    write_stderr_line(boost::json::serialize(line) + "\n");
}

}  // namespace signet::server::http
