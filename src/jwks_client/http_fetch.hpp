// One HTTP GET with hard limits, over plain TCP or TLS (Boost.Beast): the only network code of
// the remote key source. Each fetch opens its own connection and runs its own io_context, so
// nothing is shared with the caller's event loops; fetches are rare (once per max-age).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "signet/error.hpp"
#include "url.hpp"

namespace signet::jwks_client {

struct FetchSettings {
    bool allow_http = false;
    std::string ca_file;  // empty: the system trust store
    std::size_t max_response_bytes = 1024 * 1024;
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds request_timeout{10000};  // the whole fetch, redirects included
    unsigned max_redirects = 0;
};

struct FetchedResponse {
    unsigned status = 0;
    std::string body;
    std::string etag;
    std::string cache_control;
    std::string age;
    HttpUrl url;  // where the answer came from, after redirects
};

class HttpFetcher {
  public:
    // Fails when the CA file cannot be loaded.
    static Result<HttpFetcher> create(FetchSettings settings);

    // GET `url` with the given request headers. Any answer is returned, whatever its status,
    // except a redirect, which is followed up to max_redirects times or refused. Fails with
    // fetch_failed on a network, TLS or protocol error, a timeout, or a body over the limit.
    Result<FetchedResponse> get(
        const HttpUrl& url, const std::vector<std::pair<std::string, std::string>>& headers) const;

    // Aborts the fetch in flight, if any, and every later one (they fail at once): for a prompt
    // shutdown. Safe from any thread.
    void cancel() const;

    struct Cancellation;

  private:
    HttpFetcher(FetchSettings settings, std::shared_ptr<boost::asio::ssl::context> tls);
    FetchSettings settings_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    std::shared_ptr<Cancellation> cancellation_;
};

}  // namespace signet::jwks_client
