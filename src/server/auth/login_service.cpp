// Password logins.
#include "server/auth/login_service.hpp"

#include <utility>

namespace signet::server {

LoginService::LoginService(AccountService& accounts, SessionService& sessions, TokenService& tokens,
                           http::Metrics& metrics)
    : accounts_(accounts), sessions_(sessions), tokens_(tokens), metrics_(metrics) {}

LoginCheck LoginService::check(std::string_view email, std::string_view password,
                               std::string_view client_address, std::int64_t now) {
    LoginCheck check = accounts_.check_password(email, password, client_address, now);
    metrics_.login(check.status == LoginStatus::ok);
    return check;
}

SessionLogin LoginService::start_session(std::string_view email, std::string_view password,
                                         std::string_view client_address,
                                         std::optional<std::string_view> previous_session_id,
                                         std::int64_t now) {
    LoginCheck checked = check(email, password, client_address, now);
    SessionLogin login;
    login.status = checked.status;
    login.retry_after = checked.retry_after;
    if (checked.status != LoginStatus::ok) return login;
    login.user = std::move(*checked.user);
    login.session = sessions_.start(login.user, previous_session_id, now);
    return login;
}

TokenLogin LoginService::issue_tokens(std::string_view email, std::string_view password,
                                      std::string_view client_address, std::int64_t now) {
    LoginCheck checked = check(email, password, client_address, now);
    TokenLogin login;
    login.status = checked.status;
    login.retry_after = checked.retry_after;
    if (checked.status != LoginStatus::ok) return login;
    login.user = std::move(*checked.user);
    login.tokens = tokens_.issue(login.user, now);
    return login;
}

}  // namespace signet::server
