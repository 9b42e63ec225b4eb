// The redis:// URL, hiredis connections with bounded timeouts, the pool and EVALSHA.
#include "server/store/redis/redis_connection.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

#include "server/store/store_error.hpp"

namespace signet::server::redis {
namespace {

[[noreturn]] void bad_url(std::string_view problem) {
    throw StoreError("redis: bad URL: " + std::string(problem));
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// RFC 3986 §2.1 percent-decoding of one URL component (user, password, key_prefix).
std::string percent_decode(std::string_view text, std::string_view component) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
        const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (high < 0 || low < 0) bad_url("bad percent-encoding in the " + std::string(component));
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

// A decimal number in [min, max], nothing else (no sign, no spaces).
std::optional<int> parse_number(std::string_view text, int min, int max) {
    if (text.empty() || text.size() > 10) return std::nullopt;
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text[0] == '-') {
        return std::nullopt;
    }
    if (value < min || value > max) return std::nullopt;
    return value;
}

bool valid_host_name(std::string_view host) {
    return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '-' || c == '_';
    });
}

bool valid_ipv6(std::string_view host) {
    return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
        return hex_value(c) >= 0 || c == ':' || c == '.';
    });
}

timeval to_timeval(std::chrono::milliseconds duration) {
    timeval tv{};
    tv.tv_sec = static_cast<decltype(tv.tv_sec)>(duration.count() / 1000);
    tv.tv_usec = static_cast<decltype(tv.tv_usec)>((duration.count() % 1000) * 1000);
    return tv;
}

// hiredis 0.14 sends with write(2), which raises SIGPIPE (killing the process by default) on a
// socket the server has closed. As libpq does, block it in this thread for the call and swallow
// a SIGPIPE the call caused; the write's EPIPE still reports the failure.
class SigpipeGuard {
  public:
    SigpipeGuard() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
        was_pending_ = pending();
    }
    SigpipeGuard(const SigpipeGuard&) = delete;
    SigpipeGuard& operator=(const SigpipeGuard&) = delete;
    ~SigpipeGuard() {
        if (!was_pending_ && pending()) {
            const timespec no_wait{};
            sigtimedwait(&pipe_, nullptr, &no_wait);
        }
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }

  private:
    static bool pending() {
        sigset_t set;
        sigemptyset(&set);
        return sigpending(&set) == 0 && sigismember(&set, SIGPIPE) == 1;
    }

    sigset_t pipe_{};
    sigset_t previous_{};
    bool was_pending_ = false;
};

}  // namespace

// --- URL ----------------------------------------------------------------------------------------

std::string RedisUrl::describe() const {
    std::string text = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    text += ":" + std::to_string(port);
    if (db) text += "/" + std::to_string(*db);
    return text;
}

RedisUrl parse_redis_url(std::string_view url) {
    constexpr std::string_view kScheme = "redis://";
    if (url.substr(0, 8) == "rediss:/") {
        bad_url("rediss:// (TLS) is not supported: this build's hiredis has no TLS");
    }
    if (url.substr(0, kScheme.size()) != kScheme) bad_url("the scheme must be redis://");
    std::string_view rest = url.substr(kScheme.size());
    if (rest.find('#') != std::string_view::npos) bad_url("a fragment (#) is not allowed");

    // RFC 3986 §3.2: the authority ends at the first '/', '?' or '#'.
    const std::size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
    std::string_view authority = rest.substr(0, authority_end);
    std::string_view tail = rest.substr(authority_end);
    if (tail.find('@') != std::string_view::npos) {
        bad_url("'@' after the host: percent-encode '/', '?', '#' and '@' in the password");
    }

    RedisUrl parsed;
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const std::size_t colon = userinfo.find(':');
        if (colon == std::string_view::npos) {
            bad_url(
                "credentials need a ':' before the password (redis://:password@host or "
                "redis://user:password@host)");
        }
        const std::string_view user = userinfo.substr(0, colon);
        const std::string_view password = userinfo.substr(colon + 1);
        if (password.empty()) bad_url("the password is empty");
        if (!user.empty()) parsed.user = percent_decode(user, "user name");
        parsed.password = percent_decode(password, "password");
    }

    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) bad_url("an IPv6 host needs its closing ']'");
        parsed.host = std::string(authority.substr(1, close - 1));
        if (!valid_ipv6(parsed.host)) bad_url("the IPv6 host is not an address");
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') bad_url("unexpected characters after the IPv6 host");
            port_text = after.substr(1);
            has_port = true;
        }
    } else {
        const std::size_t colon = authority.find(':');
        parsed.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
            has_port = true;
        }
        if (parsed.host.empty()) bad_url("the host is missing");
        if (!valid_host_name(parsed.host)) {
            bad_url("the host may only hold letters, digits, '.', '-' and '_'");
        }
    }
    if (has_port) {
        const auto port = parse_number(port_text, 1, 65535);
        if (!port) bad_url("the port must be a number from 1 to 65535");
        parsed.port = *port;
    }

    const std::size_t query_start = std::min(tail.find('?'), tail.size());
    std::string_view path = tail.substr(0, query_start);
    if (!path.empty()) path.remove_prefix(1);  // the '/'
    if (!path.empty()) {
        const auto db = parse_number(path, 0, std::numeric_limits<int>::max());
        if (!db) bad_url("the path must be a database number (/0, /1, ...)");
        parsed.db = *db;
    }

    if (query_start < tail.size()) {
        std::string_view query = tail.substr(query_start + 1);
        bool prefix_seen = false;
        while (true) {
            const std::size_t amp = std::min(query.find('&'), query.size());
            const std::string_view pair = query.substr(0, amp);
            const std::size_t eq = pair.find('=');
            if (pair.substr(0, eq) != "key_prefix" || eq == std::string_view::npos) {
                bad_url("the only query parameter is key_prefix=PREFIX");
            }
            if (prefix_seen) bad_url("key_prefix is given twice");
            prefix_seen = true;
            parsed.key_prefix = percent_decode(pair.substr(eq + 1), "key_prefix");
            if (parsed.key_prefix.empty()) bad_url("key_prefix is empty");
            if (amp == query.size()) break;
            query.remove_prefix(amp + 1);
        }
    }
    return parsed;
}

// --- replies ------------------------------------------------------------------------------------

void ReplyDeleter::operator()(redisReply* reply) const noexcept {
    freeReplyObject(reply);
}

bool is_error(const redisReply& reply) {
    return reply.type == REDIS_REPLY_ERROR;
}
bool is_nil(const redisReply& reply) {
    return reply.type == REDIS_REPLY_NIL;
}

std::string_view error_text(const redisReply& reply) {
    return is_error(reply) ? std::string_view(reply.str, reply.len) : std::string_view();
}

std::int64_t as_integer(const redisReply& reply, std::string_view what) {
    if (reply.type == REDIS_REPLY_INTEGER) return reply.integer;
    if (reply.type == REDIS_REPLY_STRING) {
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(reply.str, reply.str + reply.len, value);
        if (ec == std::errc() && end == reply.str + reply.len) return value;
    }
    throw StoreError("redis: unexpected reply for " + std::string(what) + " (not an integer)");
}

std::string_view as_string(const redisReply& reply, std::string_view what) {
    if (reply.type == REDIS_REPLY_STRING || reply.type == REDIS_REPLY_STATUS) {
        return {reply.str, reply.len};
    }
    throw StoreError("redis: unexpected reply for " + std::string(what) + " (not a string)");
}

std::size_t array_size(const redisReply& reply, std::string_view what) {
    if (reply.type == REDIS_REPLY_ARRAY) return reply.elements;
    throw StoreError("redis: unexpected reply for " + std::string(what) + " (not an array)");
}

const redisReply& element(const redisReply& reply, std::size_t index) {
    return *reply.element[index];
}

// --- connection ---------------------------------------------------------------------------------

Connection::Connection(const RedisUrl& url) : where_(url.describe()) {
    context_ = redisConnectWithTimeout(url.host.c_str(), url.port, to_timeval(kConnectTimeout));
    if (context_ == nullptr) throw StoreError("redis: cannot connect to " + where_ + ": no memory");
    if (context_->err != 0) {
        const std::string cause = context_->errstr;
        redisFree(context_);
        throw StoreError("redis: cannot connect to " + where_ + ": " + cause);
    }
    // Without a timeout a stopped (not dead) server would block the caller forever.
    if (redisSetTimeout(context_, to_timeval(kCommandTimeout)) != REDIS_OK) {
        redisFree(context_);
        throw StoreError("redis: cannot set the command timeout on " + where_);
    }
    try {
        if (url.password) {
            // AUTH [username] password (https://redis.io/commands/auth/): the two-argument form
            // is Redis 6's ACL login. The server's error never repeats the password.
            Reply reply = url.user ? command({"AUTH", *url.user, *url.password})
                                   : command({"AUTH", *url.password});
            if (is_error(*reply)) {
                throw StoreError("redis: authentication to " + where_ +
                                 " failed: " + std::string(error_text(*reply)));
            }
        }
        if (url.db)
            checked("SELECT " + std::to_string(*url.db), {"SELECT", std::to_string(*url.db)});
    } catch (...) {
        redisFree(context_);
        throw;
    }
}

Connection::~Connection() {
    redisFree(context_);
}

Reply Connection::command(std::initializer_list<std::string_view> args) {
    return command(std::vector<std::string_view>(args));
}

Reply Connection::command(const std::vector<std::string_view>& args) {
    if (broken_) throw StoreError("redis: connection to " + where_ + " is broken");
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    const SigpipeGuard no_sigpipe;
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (reply == nullptr) {
        // hiredis: a NULL reply means the context has an I/O or protocol error and is unusable.
        broken_ = true;
        const std::string cause = context_->err == REDIS_ERR_IO && context_->errstr[0] == '\0'
                                      ? "I/O error"
                                      : std::string(context_->errstr);
        const bool timed_out = cause.find("temporarily unavailable") != std::string::npos ||
                               cause.find("timed out") != std::string::npos;
        throw StoreError("redis: " + std::string(args.begin()->substr(0, 16)) + " on " + where_ +
                         " failed: " + (timed_out ? "no answer within the timeout" : cause));
    }
    return Reply(reply);
}

Reply Connection::checked(std::string_view what, std::initializer_list<std::string_view> args) {
    Reply reply = command(args);
    if (is_error(*reply)) {
        throw StoreError("redis: " + std::string(what) +
                         " failed: " + std::string(error_text(*reply)));
    }
    return reply;
}

bool Connection::idle_and_healthy() const {
    if (broken_) return false;
    // Nothing is owed to an idle connection, so anything readable is an EOF or a reset.
    pollfd fd{.fd = context_->fd, .events = POLLIN, .revents = 0};
    return ::poll(&fd, 1, 0) == 0;
}

// --- pool ---------------------------------------------------------------------------------------

ConnectionPool::ConnectionPool(RedisUrl url, unsigned size)
    : url_(std::move(url)), size_(std::max(1U, size)) {}

ConnectionPool::Lease::~Lease() {
    if (pool_ != nullptr && connection_) pool_->give_back(std::move(connection_));
}

ConnectionPool::Lease ConnectionPool::acquire() {
    std::unique_lock lock(mutex_);
    while (true) {
        if (!available_.wait_for(lock, kAcquireTimeout,
                                 [&] { return !idle_.empty() || open_ < size_; })) {
            throw StoreError("redis: no free connection to " + url_.describe() + " within " +
                             std::to_string(kAcquireTimeout.count()) + " ms (pool of " +
                             std::to_string(size_) + ")");
        }
        if (idle_.empty()) break;
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        if (connection->idle_and_healthy()) return Lease(*this, std::move(connection));
        --open_;  // closed by the server while idle: open a fresh one instead
        lock.unlock();
        connection.reset();
        lock.lock();
    }
    ++open_;
    lock.unlock();
    try {
        return Lease(*this, std::make_unique<Connection>(url_));
    } catch (...) {
        lock.lock();
        --open_;
        available_.notify_one();
        throw;
    }
}

void ConnectionPool::give_back(std::unique_ptr<Connection> connection) {
    std::unique_lock lock(mutex_);
    if (connection->broken()) {
        --open_;
        lock.unlock();
        connection.reset();
    } else {
        idle_.push_back(std::move(connection));
        lock.unlock();
    }
    available_.notify_one();
}

// --- scripts ------------------------------------------------------------------------------------

Script::Script(std::string_view name, std::string source)
    : name_(name), source_(std::move(source)) {}

std::string Script::sha1() const {
    std::lock_guard lock(mutex_);
    return sha1_;
}

void Script::remember(std::string sha1) const {
    std::lock_guard lock(mutex_);
    sha1_ = std::move(sha1);
}

Reply Script::run(Connection& connection, const std::vector<std::string_view>& keys,
                  const std::vector<std::string_view>& args) const {
    std::string sha1 = this->sha1();
    if (sha1.empty()) {
        Reply loaded = connection.checked("SCRIPT LOAD " + name_, {"SCRIPT", "LOAD", source_});
        sha1 = std::string(as_string(*loaded, "SCRIPT LOAD " + name_));
        remember(sha1);
    }
    const std::string key_count = std::to_string(keys.size());
    std::vector<std::string_view> argv{"EVALSHA", sha1, key_count};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    Reply reply = connection.command(argv);
    if (is_error(*reply) && error_text(*reply).starts_with("NOSCRIPT")) {
        argv[0] = "EVAL";
        argv[1] = source_;
        reply = connection.command(argv);
    }
    if (is_error(*reply)) {
        throw StoreError("redis: script " + name_ + " failed: " + std::string(error_text(*reply)));
    }
    return reply;
}

}  // namespace signet::server::redis
