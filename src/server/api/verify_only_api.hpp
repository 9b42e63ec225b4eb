// The routes of a verify-only node (`signet serve --trust-issuer URL`): GET /v1/me and GET /v1/auth
// for the trusted issuer's access tokens, answered as an issuing node answers them, and /healthz
// and /metrics. Everything else (logins, users, sessions, discovery) is the issuer's: 404 here.
#pragma once

#include "server/auth/remote_token_authenticator.hpp"
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"

namespace signet::server::api {

void add_verify_only_routes(http::Router& router, const RemoteTokenAuthenticator& authenticator,
                            http::Metrics& metrics);

}  // namespace signet::server::api
