// Routes by exact path (the query string is ignored) and method; HEAD goes to the GET route of
// the path (RFC 9110 §9.3.2). A known path with another method gets 405 with an Allow header
// (listing HEAD wherever GET is); an unknown path 404.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/http/types.hpp"

namespace signet::server::http {

struct Route {
    Verb method;
    std::string path;
    Handler handler;
    // Runs on the worker pool rather than an I/O thread: password hashing and store calls.
    bool blocking = false;
    // Tried first on the I/O thread when set; nullopt hands the request to `handler` on the
    // worker pool. For routes whose common case needs no store (a JWT) but whose other case does
    // (a session).
    InlineHandler try_inline;
};

class Router {
  public:
    void add(Verb method, std::string path, Handler handler, bool blocking = false);
    // `try_inline` on the I/O thread; when it declines, `handler` on the worker pool.
    void add_split(Verb method, std::string path, InlineHandler try_inline, Handler handler);

    struct Match {
        const Route* route = nullptr;  // null: not routable, see status
        Status status = Status::ok;    // not_found or method_not_allowed when route is null
        std::string allow;             // the Allow header value for 405
    };
    Match match(Verb method, std::string_view target) const;

    const std::vector<Route>& routes() const noexcept { return routes_; }

  private:
    static void allow(std::string& list, Verb method);  // appends when not yet listed
    std::vector<Route> routes_;
};

// The JSON 404, or 405 with Allow, for a request that match() could not route.
Response unroutable(const Request& request, const Router::Match& match);

}  // namespace signet::server::http
