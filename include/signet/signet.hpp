// Signet: JSON Web Tokens and JOSE for C++. One include for the whole public API.
#pragma once

#include "signet/algorithm.hpp"
#include "signet/base64url.hpp"
#include "signet/claims.hpp"
#include "signet/claims_view.hpp"
#include "signet/error.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"
#include "signet/jws.hpp"
#include "signet/jwt.hpp"
#include "signet/signature.hpp"
#include "signet/version.hpp"
