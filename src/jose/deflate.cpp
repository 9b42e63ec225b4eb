// zlib in raw mode (negative window bits: no zlib header or trailer, as RFC 7516 §4.1.3 requires).
#include "deflate.hpp"

#include <zlib.h>

#include <memory>

namespace signet::detail {

Result<std::string> deflate_raw(std::string_view data) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return Error(Errc::crypto_failure, "deflate could not start");
    }
    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) return Error(Errc::crypto_failure, "deflate failed");
    return out;
}

Result<std::string> inflate_raw(std::string_view data, std::size_t max_size) {
    z_stream zs{};
    if (inflateInit2(&zs, -15) != Z_OK)
        return Error(Errc::decompression_failed, "inflate could not start");
    std::unique_ptr<z_stream, int (*)(z_streamp)> guard(&zs, &inflateEnd);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char chunk[16384];
    for (;;) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk);
        zs.avail_out = sizeof(chunk);
        const int rc = inflate(&zs, Z_NO_FLUSH);
        const std::size_t produced = sizeof(chunk) - zs.avail_out;
        if (out.size() + produced > max_size) {
            return Error(Errc::decompressed_too_large,
                         "the plaintext inflates beyond " + std::to_string(max_size) + " bytes");
        }
        out.append(chunk, produced);
        if (rc == Z_STREAM_END) break;
        if (rc != Z_OK || (produced == 0 && zs.avail_in == 0)) {
            return Error(Errc::decompression_failed,
                         "the compressed plaintext is not valid DEFLATE");
        }
    }
    if (zs.avail_in != 0) return Error(Errc::decompression_failed, "data after the DEFLATE stream");
    return out;
}

}  // namespace signet::detail
