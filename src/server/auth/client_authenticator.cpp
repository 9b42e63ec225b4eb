// Client authentication.
#include "server/auth/client_authenticator.hpp"

#include <sodium.h>

#include <boost/beast/http/field.hpp>

#include "server/auth/identity.hpp"
#include "server/http/text.hpp"

namespace signet::server {
namespace {

struct BasicCredentials {
    std::string client_id;
    std::string secret;
};

// nullopt: no Basic credentials; an empty client_id: a header that does not decode.
std::optional<BasicCredentials> basic_credentials(const http::Request& request) {
    const auto header = request.find(boost::beast::http::field::authorization);
    if (header == request.end()) return std::nullopt;
    const std::string_view value = header->value();
    constexpr std::string_view kScheme = "basic ";
    if (!http::iequals_ascii(value.substr(0, kScheme.size()), kScheme)) return std::nullopt;
    const std::string_view encoded = http::trim_ows(value.substr(kScheme.size()));
    BasicCredentials credentials;
    if (encoded.size() > 1024) return credentials;
    std::string decoded(encoded.size(), '\0');
    std::size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                          encoded.data(), encoded.size(), nullptr, &length, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        return credentials;
    }
    decoded.resize(length);
    const std::size_t colon = decoded.find(':');
    if (colon == std::string::npos) return credentials;
    // RFC 6749 §2.3.1: the id and the secret are form-urlencoded before Basic encodes them.
    auto id = http::form_decode(std::string_view(decoded).substr(0, colon));
    auto secret = http::form_decode(std::string_view(decoded).substr(colon + 1));
    if (!id || !secret) return credentials;
    credentials.client_id = std::move(*id);
    credentials.secret = std::move(*secret);
    return credentials;
}

ClientAuthentication failed(ClientAuthFailure failure, std::string description) {
    ClientAuthentication result;
    result.failure = failure;
    result.description = std::move(description);
    return result;
}

}  // namespace

bool client_secret_matches(std::string_view secret, std::string_view secret_hash) {
    const std::string hash = sha256_hex(secret);
    return hash.size() == secret_hash.size() &&
           sodium_memcmp(hash.data(), secret_hash.data(), hash.size()) == 0;
}

ClientAuthentication ClientAuthenticator::authenticate(const http::Request& request,
                                                       const http::FormParams& params) const {
    const std::optional<BasicCredentials> basic = basic_credentials(request);
    const auto body_id = params.find("client_id");
    const auto body_secret = params.find("client_secret");
    if (basic && basic->client_id.empty()) {
        return failed(ClientAuthFailure::invalid_client,
                      "The Basic credentials do not decode as client_id:client_secret.");
    }
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request.
    if (basic && body_secret) {
        return failed(ClientAuthFailure::invalid_request,
                      "Send the client secret in the Authorization header or in the body, not "
                      "both.");
    }
    if (basic && body_id && *body_id != basic->client_id) {
        return failed(ClientAuthFailure::invalid_request,
                      "\"client_id\" differs from the authenticated client.");
    }
    const std::string client_id = basic ? basic->client_id : std::string(body_id.value_or(""));
    if (client_id.empty()) {
        return failed(ClientAuthFailure::invalid_client, "The client is not identified.");
    }
    std::optional<Client> client = clients_.find(client_id);
    const std::optional<std::string_view> secret =
        basic ? std::optional<std::string_view>(basic->secret) : body_secret;
    constexpr std::string_view kFailed = "Client authentication failed.";
    if (!client) return failed(ClientAuthFailure::invalid_client, std::string(kFailed));
    if (client->is_public()) {
        // A public client holds no secret; one that sends a secret is not who it says.
        if (secret && !secret->empty()) {
            return failed(ClientAuthFailure::invalid_client, std::string(kFailed));
        }
    } else if (!secret || !client_secret_matches(*secret, client->secret_hash)) {
        return failed(ClientAuthFailure::invalid_client, std::string(kFailed));
    }
    ClientAuthentication result;
    result.client = std::move(client);
    result.failure = ClientAuthFailure::none;
    return result;
}

}  // namespace signet::server
