// The service manager's readiness protocol (sd_notify(3)): state lines such as "READY=1" sent as
// one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET. Written here in a few lines rather
// than linking libsystemd; without $NOTIFY_SOCKET (not under systemd) it does nothing.
#pragma once

#include <string_view>

namespace signet::server {

// Sends `state` ("READY=1", "STOPPING=1", ...; several separated by '\n') to $NOTIFY_SOCKET: a
// path, or an abstract socket when it starts with '@'. Returns false when the variable is unset
// or the datagram could not be sent (the service manager then judges by other means).
bool notify_service_manager(std::string_view state);

}  // namespace signet::server
