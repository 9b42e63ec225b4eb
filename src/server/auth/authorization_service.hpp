// The authorization endpoint's decisions (RFC 6749 §4.1.1-§4.1.2, OIDC Core §3.1.2): which client
// asks, where the answer may go, whether the user must log in first, and the single-use code
// bound to the client, the redirect URI and the PKCE challenge. No HTTP here: api/ renders each
// decision.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/http/form.hpp"
#include "server/store/authorization_code_store.hpp"
#include "server/store/client_store.hpp"
#include "server/store/session_store.hpp"

namespace signet::server {

// How long an authorization code may be exchanged (RFC 6749 §4.1.2 recommends at most 10 min).
inline constexpr std::int64_t kAuthorizationCodeLifetime = 60;
// How long a redeemed code is remembered, so that its replay revokes what it issued.
inline constexpr std::int64_t kRedeemedCodeMemory = 600;

enum class AuthorizeStep {
    show_error,      // unknown client or redirect URI: shown to the user, never redirected
    redirect_error,  // the error goes back to the client's redirect URI (§4.1.2.1)
    login,           // the user must log in first (no session, prompt=login, max_age exceeded)
    redirect_code,   // the code goes back to the client's redirect URI
};

struct AuthorizeDecision {
    AuthorizeStep step = AuthorizeStep::show_error;
    std::string error;        // RFC 6749 §4.1.2.1 / OIDC Core §3.1.2.6 code
    std::string description;  // for error steps
    std::string location;     // for redirect steps
    std::string client_name;  // for the login page
    std::string login_hint;   // for the login page
};

// The id_token_hint of a request (OIDC Core §3.1.2.1), as the caller verified it.
struct IdTokenHint {
    bool present = false;
    bool valid = false;   // signed by this provider, typ JWT, this issuer
    std::string subject;  // its "sub", when valid
};

class AuthorizationService {
  public:
    // `scopes`: the scopes the provider grants ("openid" only when it can sign ID tokens).
    AuthorizationService(ClientStore& clients, AuthorizationCodeStore& codes, std::string issuer,
                         std::vector<std::string> scopes);

    // The decision for the request's parameters. `session`: the user's live session, if any;
    // `just_logged_in`: that session began with this request, so prompt=login and max_age are
    // already satisfied. A session of another user than `hint` names counts as none.
    AuthorizeDecision decide(const http::FormParams& params, const std::optional<Session>& session,
                             bool just_logged_in, std::int64_t now, const IdTokenHint& hint = {});

    const std::vector<std::string>& scopes() const noexcept { return scopes_; }

  private:
    ClientStore& clients_;
    AuthorizationCodeStore& codes_;
    std::string issuer_;
    std::vector<std::string> scopes_;
};

}  // namespace signet::server
