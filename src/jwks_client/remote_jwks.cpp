// The remote JWKS key source. One background thread (the refresher) does every fetch, so
// fetches are single flight by construction; verifying threads read the current set from a
// per-thread copy, refreshed under a short lock only after the set changed, and never wait for a
// fetch, except a thread whose token names an unknown "kid", which may wait for the one fetch the
// cooldown allows.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "cache_control.hpp"
#include "discovery.hpp"
#include "http_fetch.hpp"
#include "signet/jwks_client.hpp"
#include "url.hpp"

namespace signet {

using SteadyClock = std::chrono::steady_clock;
using namespace jwks_client;

struct RemoteJwks::State {
    RemoteJwksOptions options;
    HttpFetcher fetcher;
    std::optional<HttpUrl> issuer;

    // The current set. Written by the refresher under keys_mutex, which also bumps keys_version;
    // readers keep a per-thread copy and take the lock only when the version moved.
    const std::uint64_t id;  // tells sources apart in the per-thread copy
    mutable std::mutex keys_mutex;
    std::shared_ptr<const KeySet> keys_held;
    std::atomic<std::uint64_t> keys_version{1};

    std::shared_ptr<const KeySet> keys() const;
    void set_keys(std::shared_ptr<const KeySet> keys);

    // Guarded by mutex: the refresher's schedule and the requests made to it.
    mutable std::mutex mutex;
    std::condition_variable changed;
    bool stopping = false;
    bool fetch_requested = false;
    bool requested_for_kid = false;
    bool in_flight = false;
    std::uint64_t attempts = 0;  // completed fetch attempts
    Result<void> last_outcome = Error(Errc::keys_unavailable, "no fetch has completed yet");
    std::optional<SteadyClock::time_point> last_attempt;
    SteadyClock::time_point next_refresh{};
    SteadyClock::time_point fresh_until{};
    SteadyClock::time_point stale_until{};
    unsigned consecutive_failures = 0;
    std::optional<HttpUrl> jwks_uri;
    std::string etag;
    RemoteJwksStats stats;

    std::thread refresher;

    State(RemoteJwksOptions o, HttpFetcher f, std::uint64_t id_in)
        : options(std::move(o)), fetcher(std::move(f)), id(id_in) {}

    void run();
    // One attempt: discovery when needed, then the JWKS. Runs without the mutex.
    struct Fetched {
        std::shared_ptr<const KeySet> keys;  // null for 304
        std::chrono::seconds lifetime{0};
        std::string etag;
        HttpUrl jwks_uri;
    };
    Result<Fetched> fetch(std::optional<HttpUrl> uri, std::string etag) const;
    std::chrono::seconds bounded(std::optional<std::chrono::seconds> stated) const;
    void wait_for_attempt(std::unique_lock<std::mutex>& lock, std::uint64_t after);
};

namespace {

std::atomic<std::uint64_t> next_source_id{1};

// A set fetched from a URL is public by nature: a symmetric or private key there means the
// issuer leaked it, and verifying with it would accept tokens anyone could have made.
Result<void> check_published(const KeySet& keys, std::size_t max_keys) {
    if (keys.size() > max_keys) {
        return Error(Errc::bad_document, "the JWKS holds " + std::to_string(keys.size()) +
                                             " keys, more than the limit of " +
                                             std::to_string(max_keys));
    }
    if (keys.empty()) return Error(Errc::bad_document, "the JWKS holds no usable key");
    for (const Jwk& key : keys) {
        if (key.is_symmetric()) {
            return Error(Errc::bad_document,
                         "the JWKS publishes a symmetric (oct) key; it is not used");
        }
        if (key.is_private()) {
            return Error(Errc::bad_document,
                         "the JWKS publishes private key material; it is not used");
        }
    }
    return {};
}

}  // namespace

std::shared_ptr<const KeySet> RemoteJwks::State::keys() const {
    struct Copy {
        std::uint64_t source = 0;
        std::uint64_t version = 0;
        std::shared_ptr<const KeySet> keys;
    };
    thread_local Copy copy;
    const std::uint64_t version = keys_version.load(std::memory_order_acquire);
    if (copy.source != id || copy.version != version) {
        std::lock_guard lock(keys_mutex);
        copy.source = id;
        copy.version = keys_version.load(std::memory_order_relaxed);
        copy.keys = keys_held;
    }
    return copy.keys;
}

void RemoteJwks::State::set_keys(std::shared_ptr<const KeySet> new_keys) {
    std::lock_guard lock(keys_mutex);
    keys_held = std::move(new_keys);
    keys_version.fetch_add(1, std::memory_order_release);
}

std::chrono::seconds RemoteJwks::State::bounded(std::optional<std::chrono::seconds> stated) const {
    const std::chrono::seconds lifetime = stated.value_or(options.default_max_age);
    return std::clamp(lifetime, options.min_max_age, options.max_max_age);
}

Result<RemoteJwks::State::Fetched> RemoteJwks::State::fetch(std::optional<HttpUrl> uri,
                                                            std::string known_etag) const {
    if (!uri) {
        auto discovered = discover_jwks_uri(fetcher, *issuer, options.allow_http);
        if (!discovered) return std::move(discovered).error();
        uri = std::move(*discovered);
        known_etag.clear();
    }
    std::vector<std::pair<std::string, std::string>> headers;
    if (!known_etag.empty()) headers.emplace_back("If-None-Match", known_etag);
    auto response = fetcher.get(*uri, headers);
    if (!response) return std::move(response).error();
    Fetched out;
    out.jwks_uri = *uri;
    out.lifetime = bounded(stated_lifetime(response->cache_control, response->age));
    if (response->status == 304 && !known_etag.empty()) {
        out.etag = known_etag;
        return out;
    }
    if (response->status != 200) {
        return Error(Errc::fetch_failed, "fetching " + uri->text + " failed: HTTP status " +
                                             std::to_string(response->status));
    }
    auto parsed = KeySet::parse(response->body);
    if (!parsed) {
        return Error(Errc::bad_document,
                     "the JWKS at " + uri->text + " is unusable: " + parsed.error().to_string());
    }
    if (auto ok = check_published(*parsed, options.max_keys); !ok) {
        return Error(Errc::bad_document, ok.error().message() + " (" + uri->text + ")");
    }
    out.keys = std::make_shared<const KeySet>(std::move(*parsed));
    out.etag = response->etag;
    return out;
}

void RemoteJwks::State::run() {
    std::unique_lock lock(mutex);
    while (!stopping) {
        auto now = SteadyClock::now();
        // Past its stale limit the last good set goes: better no key than a key the issuer may
        // have revoked long ago.
        if (now >= stale_until && keys()) {
            set_keys(nullptr);
        }
        if (!fetch_requested && now < next_refresh) {
            auto wake = next_refresh;
            if (keys()) wake = std::min(wake, stale_until);
            changed.wait_until(lock, wake);
            continue;
        }
        const bool for_kid = requested_for_kid;
        fetch_requested = false;
        requested_for_kid = false;
        in_flight = true;
        last_attempt = now;
        const std::optional<HttpUrl> uri = jwks_uri;
        const std::string known_etag = keys() ? etag : "";
        lock.unlock();
        Result<Fetched> fetched = fetch(uri, known_etag);
        lock.lock();
        in_flight = false;
        now = SteadyClock::now();
        if (for_kid) ++stats.unknown_kid_refreshes;
        if (fetched) {
            if (fetched->keys) {
                set_keys(fetched->keys);
                ++stats.fetches;
            } else {
                ++stats.not_modified;
            }
            jwks_uri = fetched->jwks_uri;
            etag = fetched->etag;
            fresh_until = now + fetched->lifetime;
            stale_until = fresh_until + options.max_stale;
            // Refresh in the background when three quarters of the lifetime are gone, so that
            // verification never finds the set expired; never more than once a second.
            next_refresh = now + std::max<SteadyClock::duration>(
                                     SteadyClock::duration(fetched->lifetime) * 3 / 4,
                                     std::chrono::seconds(1));
            consecutive_failures = 0;
            last_outcome = {};
        } else {
            ++stats.failures;
            // A failed fetch from a discovered URL rediscovers next time: the issuer may have
            // moved its keys.
            if (issuer) jwks_uri.reset();
            // Retries back off: 1 s, 2 s, 4 s ... up to the cooldown (at least a second).
            const auto ceiling = std::max<std::chrono::seconds>(options.unknown_kid_cooldown,
                                                                std::chrono::seconds(1));
            const auto backoff = std::min<std::chrono::seconds>(
                std::chrono::seconds(1LL << std::min(consecutive_failures, 16u)), ceiling);
            ++consecutive_failures;
            next_refresh = now + backoff;
            last_outcome = fetched.error();
        }
        ++attempts;
        changed.notify_all();
        // Not while stopping: a fetch aborted by the destructor is no failure of the issuer,
        // and the callback's owner may be going away.
        if (!fetched && options.on_fetch_error && !stopping) {
            const Error error = fetched.error();
            lock.unlock();
            options.on_fetch_error(error);
            lock.lock();
        }
    }
}

void RemoteJwks::State::wait_for_attempt(std::unique_lock<std::mutex>& lock, std::uint64_t after) {
    changed.wait(lock, [&] { return stopping || attempts > after; });
}

Result<std::shared_ptr<RemoteJwks>> RemoteJwks::create(RemoteJwksOptions options) {
    if (options.jwks_uri.empty() == options.issuer.empty()) {
        return Error(Errc::invalid_argument, "give either a jwks_uri or an issuer, not both");
    }
    if (options.min_max_age.count() < 0 || options.max_max_age < options.min_max_age ||
        options.default_max_age.count() < 0 || options.unknown_kid_cooldown.count() < 0 ||
        options.max_stale.count() < 0) {
        return Error(Errc::invalid_argument,
                     "cache durations must be non-negative, the floor below the ceiling");
    }
    if (options.max_response_bytes == 0 || options.max_keys == 0 ||
        options.connect_timeout.count() <= 0 || options.request_timeout.count() <= 0) {
        return Error(Errc::invalid_argument, "limits and timeouts must be positive");
    }
    std::optional<HttpUrl> issuer, jwks_uri;
    if (!options.issuer.empty()) {
        auto parsed = parse_http_url(options.issuer, options.allow_http, "the issuer");
        if (!parsed) return std::move(parsed).error();
        if (parsed->target.find('?') != std::string::npos) {
            return Error(Errc::invalid_argument, "the issuer must not have a query (RFC 8414 §2)");
        }
        issuer = std::move(*parsed);
    } else {
        auto parsed = parse_http_url(options.jwks_uri, options.allow_http, "the jwks_uri");
        if (!parsed) return std::move(parsed).error();
        jwks_uri = std::move(*parsed);
    }
    FetchSettings settings;
    settings.allow_http = options.allow_http;
    settings.ca_file = options.ca_file;
    settings.max_response_bytes = options.max_response_bytes;
    settings.connect_timeout = options.connect_timeout;
    settings.request_timeout = options.request_timeout;
    settings.max_redirects = options.max_redirects;
    auto fetcher = HttpFetcher::create(std::move(settings));
    if (!fetcher) return std::move(fetcher).error();

    auto state = std::make_shared<State>(std::move(options), std::move(*fetcher),
                                         next_source_id.fetch_add(1));
    state->issuer = std::move(issuer);
    state->jwks_uri = std::move(jwks_uri);
    state->fetch_requested = true;  // the first fetch starts at once
    state->refresher = std::thread([raw = state.get()] { raw->run(); });
    return std::shared_ptr<RemoteJwks>(new RemoteJwks(std::move(state)));
}

Result<std::shared_ptr<RemoteJwks>> RemoteJwks::load(RemoteJwksOptions options) {
    auto source = create(std::move(options));
    if (!source) return source;
    State& s = *(*source)->state_;
    std::unique_lock lock(s.mutex);
    s.wait_for_attempt(lock, 0);
    if (!s.last_outcome) return s.last_outcome.error();
    return source;
}

RemoteJwks::~RemoteJwks() {
    {
        std::lock_guard lock(state_->mutex);
        state_->stopping = true;
    }
    state_->fetcher.cancel();
    state_->changed.notify_all();
    if (state_->refresher.joinable()) state_->refresher.join();
}

std::shared_ptr<const KeySet> RemoteJwks::current() const {
    return state_->keys();
}

std::shared_ptr<const KeySet> RemoteJwks::refresh_for_kid(std::string_view kid) {
    State& s = *state_;
    // Another thread may have fetched the key since the caller looked.
    if (auto now_keys = current(); now_keys && now_keys->find(kid) != nullptr) return now_keys;
    std::unique_lock lock(s.mutex);
    if (s.stopping) return nullptr;
    const std::uint64_t seen = s.attempts;
    if (!s.in_flight && !s.fetch_requested) {
        if (s.last_attempt &&
            SteadyClock::now() - *s.last_attempt < s.options.unknown_kid_cooldown) {
            ++s.stats.cooldown_skips;
            return nullptr;
        }
        s.fetch_requested = true;
        s.requested_for_kid = true;
        s.changed.notify_all();
    }
    s.wait_for_attempt(lock, seen);
    return current();
}

Result<void> RemoteJwks::refresh() {
    State& s = *state_;
    std::unique_lock lock(s.mutex);
    // A fetch already running may have been sent before the caller's reason to refresh arose:
    // wait for the one after it.
    std::uint64_t after = s.attempts;
    if (s.in_flight) {
        s.wait_for_attempt(lock, after);
        after = s.attempts;
    }
    if (s.stopping) return Error(Errc::keys_unavailable, "the key source is stopping");
    s.fetch_requested = true;
    s.changed.notify_all();
    s.wait_for_attempt(lock, after);
    return s.last_outcome;
}

RemoteJwksStats RemoteJwks::stats() const {
    const State& s = *state_;
    std::lock_guard lock(s.mutex);
    RemoteJwksStats out = s.stats;
    const auto keys = current();
    out.keys = keys ? keys->size() : 0;
    out.stale = keys && SteadyClock::now() >= s.fresh_until;
    return out;
}

std::string RemoteJwks::jwks_uri() const {
    std::lock_guard lock(state_->mutex);
    return state_->jwks_uri ? state_->jwks_uri->text : std::string();
}

}  // namespace signet
