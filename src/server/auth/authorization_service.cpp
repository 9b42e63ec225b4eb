// Authorization requests.
#include "server/auth/authorization_service.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <charconv>
#include <utility>

#include "server/auth/identity.hpp"
#include "server/auth/scopes.hpp"

namespace signet::server {
namespace {

constexpr std::size_t kMaxEchoedLength = 512;  // state, nonce, login_hint

AuthorizeDecision shown(std::string error, std::string description) {
    AuthorizeDecision decision;
    decision.step = AuthorizeStep::show_error;
    decision.error = std::move(error);
    decision.description = std::move(description);
    return decision;
}

// A PKCE S256 challenge is the base64url of a SHA-256: 43 characters (RFC 7636 §4.2).
bool plausible_challenge(std::string_view challenge) {
    return challenge.size() == 43 && std::all_of(challenge.begin(), challenge.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
           });
}

// `requested` is `registered`, or (RFC 8252 §7.3) both are http:// on the same loopback IP literal
// and differ only in the port, which a native app picks when it starts listening.
bool redirect_uri_matches(std::string_view registered, std::string_view requested) {
    if (registered == requested) return true;
    const auto a = boost::urls::parse_absolute_uri(registered);
    const auto b = boost::urls::parse_absolute_uri(requested);
    if (!a || !b || a->scheme() != "http" || b->scheme() != "http") return false;
    const std::string_view host = a->encoded_host();
    if (host != "127.0.0.1" && host != "[::1]") return false;
    return a->encoded_host() == b->encoded_host() && !a->has_userinfo() && !b->has_userinfo() &&
           a->encoded_path() == b->encoded_path() && a->has_query() == b->has_query() &&
           a->encoded_query() == b->encoded_query() && !b->has_fragment();
}

}  // namespace

AuthorizationService::AuthorizationService(ClientStore& clients, AuthorizationCodeStore& codes,
                                           std::string issuer, std::vector<std::string> scopes)
    : clients_(clients), codes_(codes), issuer_(std::move(issuer)), scopes_(std::move(scopes)) {}

AuthorizeDecision AuthorizationService::decide(const http::FormParams& params,
                                               const std::optional<Session>& session,
                                               bool just_logged_in, std::int64_t now,
                                               const IdTokenHint& hint) {
    // Until the client and its redirect URI are known good, nothing is redirected (RFC 6749
    // §4.1.2.1, RFC 9700 §4.11: no open redirector).
    const auto client_id = params.find("client_id");
    if (!client_id) return shown("invalid_request", "The request has no client_id.");
    const std::optional<Client> client = clients_.find(*client_id);
    if (!client) return shown("invalid_request", "No client is registered under this client_id.");
    const auto redirect_uri = params.find("redirect_uri");
    if (!redirect_uri) return shown("invalid_request", "The request has no redirect_uri.");
    // Exact string comparison with a registered URI (RFC 9700 §4.1.3), any port on loopback.
    if (std::none_of(client->redirect_uris.begin(), client->redirect_uris.end(),
                     [&](const std::string& registered) {
                         return redirect_uri_matches(registered, *redirect_uri);
                     })) {
        return shown("invalid_request", "The redirect_uri is not registered for this client.");
    }

    const std::string_view state = params.find("state").value_or("");
    const auto to_client = [&](std::string error, std::string description) {
        AuthorizeDecision decision;
        decision.step = AuthorizeStep::redirect_error;
        std::vector<std::pair<std::string_view, std::string_view>> query{
            {"error", error}, {"error_description", description}};
        if (!state.empty()) query.emplace_back("state", state);
        query.emplace_back("iss", issuer_);  // RFC 9207 §2
        decision.location = http::with_query(*redirect_uri, query);
        decision.error = std::move(error);
        decision.description = std::move(description);
        return decision;
    };
    if (state.size() > kMaxEchoedLength) {
        return to_client("invalid_request", "The state is longer than 512 characters.");
    }
    // OIDC Core §6: request objects are not implemented.
    if (params.find("request")) {
        return to_client("request_not_supported", "Request objects are not supported.");
    }
    if (params.find("request_uri")) {
        return to_client("request_uri_not_supported", "request_uri is not supported.");
    }
    const auto response_type = params.find("response_type");
    if (!response_type) return to_client("invalid_request", "The request has no response_type.");
    if (*response_type != "code") {
        return to_client("unsupported_response_type", "Only response_type=code is supported.");
    }
    if (const auto mode = params.find("response_mode"); mode && *mode != "query") {
        return to_client("invalid_request", "Only response_mode=query is supported.");
    }
    // PKCE for every client (RFC 9700 §2.1.1), S256 only: "plain" protects nothing once the
    // request is seen (RFC 7636 §4.2), and an absent method means plain (§4.3).
    const auto challenge = params.find("code_challenge");
    if (!challenge) {
        return to_client("invalid_request", "PKCE is required: send code_challenge with S256.");
    }
    if (params.find("code_challenge_method").value_or("plain") != "S256") {
        return to_client("invalid_request", "code_challenge_method must be S256.");
    }
    if (!plausible_challenge(*challenge)) {
        return to_client("invalid_request", "code_challenge is not an S256 challenge.");
    }
    const std::string_view requested_scope = params.find("scope").value_or("");
    if (has_scope(requested_scope, "openid") &&
        std::find(scopes_.begin(), scopes_.end(), "openid") == scopes_.end()) {
        return to_client("invalid_scope",
                         "This provider signs with a shared secret and issues no ID tokens.");
    }
    // Scopes the provider does not know are left out of the grant (RFC 6749 §3.3).
    const std::string scope = supported_scopes(requested_scope, scopes_);
    if (scope.empty()) return to_client("invalid_scope", "No requested scope is supported.");
    const std::string_view nonce = params.find("nonce").value_or("");
    if (nonce.size() > kMaxEchoedLength) {
        return to_client("invalid_request", "The nonce is longer than 512 characters.");
    }
    const std::string_view login_hint = params.find("login_hint").value_or("");
    if (login_hint.size() > kMaxEchoedLength) {
        return to_client("invalid_request", "The login_hint is longer than 512 characters.");
    }

    // OIDC Core §3.1.2.1: prompt is a list; "none" stands alone.
    const std::string_view prompt = params.find("prompt").value_or("");
    const bool prompt_none = has_scope(prompt, "none");
    const bool prompt_login = has_scope(prompt, "login");
    if (prompt_none && split_scopes(prompt).size() > 1) {
        return to_client("invalid_request", "prompt=none cannot be combined with other values.");
    }
    std::optional<std::int64_t> max_age;
    if (const auto text = params.find("max_age")) {
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
        if (error != std::errc() || end != text->data() + text->size() || value < 0) {
            return to_client("invalid_request", "max_age must be a non-negative integer.");
        }
        max_age = value;
    }

    if (hint.present && !hint.valid) {
        return to_client("invalid_request", "id_token_hint is not an ID token of this provider.");
    }
    // OIDC Core §3.1.2.1: the hint names who must be logged in; someone else's session is none.
    const bool other_user = session && hint.present && session->user_id != hint.subject;
    const bool too_old = session && max_age && now - session->created_at > *max_age;
    if (!just_logged_in && (!session || other_user || prompt_login || too_old)) {
        if (prompt_none) {
            return to_client("login_required", "The user is not logged in.");
        }
        AuthorizeDecision decision;
        decision.step = AuthorizeStep::login;
        decision.client_name = client->name.empty() ? client->id : client->name;
        decision.login_hint = std::string(login_hint);
        return decision;
    }

    const std::string code = random_token(32);
    AuthorizationCode record;
    record.client_id = client->id;
    record.redirect_uri = std::string(*redirect_uri);
    record.user_id = session->user_id;
    record.scope = scope;
    record.nonce = std::string(nonce);
    record.code_challenge = std::string(*challenge);
    record.auth_time = session->created_at;
    record.expires_at = now + kAuthorizationCodeLifetime;
    record.family_id = random_token(16);
    record.access_token_jti = random_token(16);
    codes_.put(sha256_hex(code), record, now);

    AuthorizeDecision decision;
    decision.step = AuthorizeStep::redirect_code;
    std::vector<std::pair<std::string_view, std::string_view>> query{{"code", code}};
    if (!state.empty()) query.emplace_back("state", state);
    query.emplace_back("iss", issuer_);
    decision.location = http::with_query(*redirect_uri, query);
    return decision;
}

}  // namespace signet::server
