// Routes by exact path (the query string is ignored) and method. A known path with another method
// gets 405 with an Allow header; an unknown path 404.
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
    // Runs on the worker pool rather than an I/O thread: password hashing and database writes.
    bool blocking = false;
};

class Router {
  public:
    void add(Verb method, std::string path, Handler handler, bool blocking = false);

    struct Match {
        const Route* route = nullptr;  // null: not routable, see status
        Status status = Status::ok;    // not_found or method_not_allowed when route is null
        std::string allow;             // the Allow header value for 405
    };
    Match match(Verb method, std::string_view target) const;

    const std::vector<Route>& routes() const noexcept { return routes_; }

  private:
    std::vector<Route> routes_;
};

// The JSON 404, or 405 with Allow, for a request that match() could not route.
Response unroutable(const Request& request, const Router::Match& match);

}  // namespace signet::server::http
