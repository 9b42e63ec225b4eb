// The one exception a store throws: the engine failed (disk full, database locked beyond the busy
// timeout, connection lost). Expected outcomes (email taken, token unknown) are return values.
#pragma once

#include <stdexcept>

namespace signet::server {

class StoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// open_stores() was told not to create a deployment, and the embedded database does not exist.
class DeploymentNotFound : public StoreError {
  public:
    using StoreError::StoreError;
};

}  // namespace signet::server
