// The password logins: the JWT login (/v1/login), the session login (/v1/sessions) and the
// provider's login page share one path, the password check (rate limit, then Argon2id, counted in
// the metrics), then start what the login gives: a token pair or a session.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "server/auth/account_service.hpp"
#include "server/auth/session_service.hpp"
#include "server/auth/token_service.hpp"
#include "server/http/metrics.hpp"

namespace signet::server {

struct SessionLogin {
    LoginStatus status = LoginStatus::invalid_credentials;
    std::int64_t retry_after = 0;  // when rate_limited
    User user;                     // when ok
    StartedSession session;        // when ok
};

struct TokenLogin {
    LoginStatus status = LoginStatus::invalid_credentials;
    std::int64_t retry_after = 0;
    User user;
    TokenPair tokens;
};

class LoginService {
  public:
    LoginService(AccountService& accounts, SessionService& sessions, TokenService& tokens,
                 http::Metrics& metrics);

    // A new session; the session the browser had (`previous_session_id`) ends.
    SessionLogin start_session(std::string_view email, std::string_view password,
                               std::string_view client_address,
                               std::optional<std::string_view> previous_session_id,
                               std::int64_t now);
    // A fresh access token and refresh family for the first-party API.
    TokenLogin issue_tokens(std::string_view email, std::string_view password,
                            std::string_view client_address, std::int64_t now);

  private:
    LoginCheck check(std::string_view email, std::string_view password,
                     std::string_view client_address, std::int64_t now);

    AccountService& accounts_;
    SessionService& sessions_;
    TokenService& tokens_;
    http::Metrics& metrics_;
};

}  // namespace signet::server
