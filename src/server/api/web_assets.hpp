// The web page's files (web/), compiled into the binary by cmake/embed_files.cmake, so that
// `signet serve` serves them wherever it is installed, with nothing to configure.
#pragma once

#include <span>
#include <string_view>

namespace signet::server::api {

struct WebAsset {
    std::string_view path;  // relative to web/, e.g. "index.html"
    std::string_view body;
};

std::span<const WebAsset> web_assets() noexcept;

}  // namespace signet::server::api
