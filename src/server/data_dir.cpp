// The data directory: created private to the owner, since it holds private keys and password
// hashes.
#include "server/data_dir.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "server/store/store_error.hpp"

namespace signet::server {

SqliteStores open_data_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec) {
            throw StoreError("cannot create data dir " + dir.string() + ": " + ec.message());
        }
        // Mode 0700 regardless of the umask.
        if (::chmod(dir.c_str(), S_IRWXU) != 0) {
            throw StoreError("cannot set the mode of data dir " + dir.string() + ": " +
                             std::strerror(errno));
        }
    } else if (!std::filesystem::is_directory(dir, ec)) {
        throw StoreError("data dir " + dir.string() + " exists and is not a directory");
    }
    return open_sqlite_stores(dir / kDatabaseFileName);
}

}  // namespace signet::server
