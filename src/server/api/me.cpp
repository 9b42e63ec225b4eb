// GET /v1/me: the protected resource. It answers whoever the authentication middleware found.
#include <boost/json/object.hpp>

#include "server/api/api_common.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {

void add_me_routes(http::Router& router, Services& services) {
    router.add(http::Verb::get, "/v1/me",
               [&services](const http::Request& request, http::RequestContext&) {
                   const AuthOutcome outcome =
                       services.authenticator.authenticate(request, unix_now());
                   if (!outcome.principal) return unauthorized(request, outcome);
                   const Principal& principal = *outcome.principal;
                   return http::json_response(
                       request, http::Status::ok,
                       boost::json::object{
                           {"sub", principal.user_id},
                           {"email", principal.email},
                           {"auth", principal.method == AuthMethod::jwt ? "jwt" : "session"}});
               });
}

}  // namespace signet::server::api
