// JWS JSON serialization (RFC 7515 §7.2).
#include "signet/jws.hpp"
