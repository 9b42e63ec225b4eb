// The server's own log: one JSON object per line on stderr, next to the request log, so that one
// collector reads both.
#pragma once

#include <boost/json/object.hpp>

namespace signet::server {

// Writes `fields` as one line, whole (a single write, so lines from threads do not interleave).
void log_event(const boost::json::object& fields);

}  // namespace signet::server
