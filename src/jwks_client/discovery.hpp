// Finding an issuer's jwks_uri from its metadata: OpenID Connect Discovery 1.0 §4, then
// RFC 8414 §3 (OAuth 2.0 Authorization Server Metadata) when the first is not there.
#pragma once

#include <string>

#include "http_fetch.hpp"
#include "signet/error.hpp"
#include "url.hpp"

namespace signet::jwks_client {

// The metadata URLs for `issuer`, in the order they are tried: OpenID Connect appends
// "/.well-known/openid-configuration" to the issuer; RFC 8414 §3.1 inserts
// "/.well-known/oauth-authorization-server" between the host and the issuer's path.
std::vector<std::string> metadata_urls(const HttpUrl& issuer);

// The jwks_uri the issuer's metadata names. The document must state exactly `issuer` as its
// "issuer" (OpenID Connect Discovery 1.0 §4.3, RFC 8414 §3.3), so that a document served for
// one issuer cannot hand out keys for another.
Result<HttpUrl> discover_jwks_uri(const HttpFetcher& fetcher, const HttpUrl& issuer,
                                  bool allow_http);

}  // namespace signet::jwks_client
