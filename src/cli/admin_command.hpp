// What the commands that change a deployment through the server's admin services (`user`,
// `client`) share: their failure lines and the admin service they run with.
#pragma once

#include <iostream>
#include <string>
#include <string_view>
#include <utility>

#include "cli/args.hpp"
#include "cli/deployment_options.hpp"
#include "server/admin/admin_service.hpp"
#include "server/store/store_error.hpp"

namespace signet::cli {

// "<code>: <message>" on stderr, like report().
inline int fail(std::string_view code, std::string_view message) {
    std::cerr << code << ": " << message << '\n';
    return kExitFailure;
}

// Runs `body` with the deployment's admin service, turning engine failures into "store_error"
// lines. Commands that only read or change a deployment pass `create` false, so they never create
// an empty one; `first_step` tells the user how a deployment begins ("create users with 'signet
// user add'").
template <typename Body>
int with_admin(const Args& args, bool create, std::string_view first_step, Body&& body) {
    const server::ServerConfig config = deployment_config(args);
    try {
        server::AdminService admin(config, create);
        return std::forward<Body>(body)(admin);
    } catch (const server::DeploymentNotFound&) {
        return fail("data_dir_not_found", "no data dir at " + config.data_dir.string() +
                                              " (use --data-dir or SIGNET_DATA_DIR, or " +
                                              std::string(first_step) + ")");
    } catch (const server::StoreError& error) {
        return fail("store_error", error.what());
    }
}

}  // namespace signet::cli
