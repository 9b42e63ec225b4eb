// JSON lines on stderr.
#include "server/event_log.hpp"

#include <boost/json/serialize.hpp>
#include <iostream>
#include <string>

namespace signet::server {

void log_event(const boost::json::object& fields) {
    std::string line = boost::json::serialize(fields);
    line.push_back('\n');
    std::cerr << line << std::flush;
}

}  // namespace signet::server
