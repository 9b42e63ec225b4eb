// How long a fetched document may be used: Cache-Control (RFC 9111 §5.2.2) and Age (§5.1).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace signet::jwks_client {

// The freshness lifetime the response states: max-age less Age; zero for no-store or no-cache
// (revalidate every time, which the caller's floor turns into its minimum); nullopt when the
// response states none.
std::optional<std::chrono::seconds> stated_lifetime(std::string_view cache_control,
                                                    std::string_view age);

}  // namespace signet::jwks_client
