// The KeyManager options the auth service tests share: access tokens of https://issuer.example
// for the audience "api".
#pragma once

#include "server/auth/key_manager.hpp"

namespace signet::server::test {

inline KeyManager::Options access_token_key_options() {
    KeyManager::Options options;
    options.verifier_options.issuers = {"https://issuer.example"};
    options.verifier_options.audiences = {"api"};
    options.verifier_options.type = "at+jwt";
    return options;
}

}  // namespace signet::server::test
