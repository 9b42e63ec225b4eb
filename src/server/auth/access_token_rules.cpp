// Access token rules shared by every kind of node.
#include "server/auth/access_token_rules.hpp"

#include <utility>

#include "server/auth/scopes.hpp"

namespace signet::server {

VerifierOptions access_token_verifier_options(const std::string& issuer,
                                              const std::string& audience,
                                              std::chrono::seconds leeway) {
    VerifierOptions options;
    options.issuers = {issuer};
    options.audiences = {audience};
    options.type = "at+jwt";
    options.required_claims = {"iss", "sub", "aud", "exp", "iat", "jti"};
    options.leeway = leeway;
    return options;
}

std::optional<CachedToken> token_identity(const Claims& verified) {
    const std::optional<std::string_view> sub = verified.subject();
    const std::optional<std::string_view> jti = verified.jwt_id();
    const std::optional<NumericDate> exp = verified.expires_at();
    const std::optional<NumericDate> iat = verified.issued_at();
    if (!sub || !jti || !exp || !iat) return std::nullopt;
    const std::optional<NumericDate> nbf = verified.not_before();
    return CachedToken{std::string(*sub),
                       std::string(verified.get_string("email").value_or("")),
                       std::string(*jti),
                       exp->time_since_epoch().count(),
                       nbf ? nbf->time_since_epoch().count() : 0,
                       iat->time_since_epoch().count()};
}

bool grants_scope(const Claims& verified, std::string_view required) {
    return scopes_within(required, verified.get_string("scope").value_or(""));
}

Principal access_token_principal(CachedToken identity, bool via_cookie) {
    Principal principal;
    principal.user_id = std::move(identity.user_id);
    principal.email = std::move(identity.email);
    principal.method = AuthMethod::jwt;
    principal.via_cookie = via_cookie;
    principal.jti = std::move(identity.jti);
    principal.expires_at = identity.expires_at;
    return principal;
}

}  // namespace signet::server
