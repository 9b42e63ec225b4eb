# The Debian packages, built by CPack's DEB generator from the `package` preset:
#   signet         /usr/bin/signet, its manual pages and bash completion, signet.service,
#                  /etc/signet/signet.toml (a conffile); maintainer scripts create the signet
#                  system user and /var/lib/signet (0700) and enable the service.
#   libsignet-dev  the headers, the static libraries, the CMake package and signet.pc.
# Descriptions: the first line is the synopsis; CPack indents the others and turns an empty one
# into " .".
# Depends: of signet come from dpkg-shlibdeps; libsignet-dev names the -dev packages its static
# libraries need at link time.

# The service's files: absolute Debian paths, whatever the install prefix.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/signet.service DESTINATION /lib/systemd/system
        COMPONENT signet)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/signet.toml DESTINATION /etc/signet
        COMPONENT signet)
# Debian policy 12.5 and 12.7: a copyright file and a changelog in /usr/share/doc/<package>.
find_program(GZIP_EXECUTABLE gzip REQUIRED)
set(signet_changelog ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz)
add_custom_command(
  OUTPUT ${signet_changelog}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/packaging
  COMMAND ${GZIP_EXECUTABLE} -9nc ${PROJECT_SOURCE_DIR}/packaging/debian/changelog > ${signet_changelog}
  DEPENDS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
  VERBATIM)
add_custom_target(signet_package_docs ALL DEPENDS ${signet_changelog})
foreach(component signet dev)
  if(component STREQUAL "dev")
    set(package libsignet-dev)
  else()
    set(package signet)
  endif()
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/copyright ${signet_changelog}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
endforeach()

set(CPACK_GENERATOR DEB)
# Each package's description below starts with its own synopsis. CPack 3.25 would put the project's
# one summary above both unless the summary is CPack's default, "<project> built using CMake",
# which it then leaves out.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_NAME signet)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Signet")
set(CPACK_PACKAGE_CONTACT "Signet maintainers <maintainers@signet.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL signet dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Signet maintainers <maintainers@signet.invalid>")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The package's own files, not the build machine's umask.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_SIGNET_PACKAGE_NAME signet)
set(CPACK_DEBIAN_SIGNET_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SIGNET_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_SIGNET_DESCRIPTION
    "JSON Web Token auth server and JOSE command line
Signet issues and verifies JSON Web Tokens (RFC 7519) and the JOSE family:
JWS, JWE and JWK. The signet command creates and converts keys, signs,
verifies, encrypts and decrypts tokens, and manages the users of a
deployment. signet serve is the auth server: email and password login
(Argon2id), RFC 9068 access tokens with rotating refresh tokens, server-side
sessions, JWKS and OpenID discovery, on SQLite or on PostgreSQL and Redis.

This package runs it as signet.service, with its data in /var/lib/signet.")
set(CPACK_DEBIAN_SIGNET_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_SIGNET_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libsignet-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# What a program linking the static libraries needs: the headers and libraries of OpenSSL, zlib
# and Boost (JSON, URL, and Beast/Asio headers for the remote JWKS source), and pkg-config's data.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libssl-dev (>= 3.0), zlib1g-dev, libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev")
set(CPACK_DEBIAN_DEV_DESCRIPTION
    "JSON Web Token and JOSE library for C++20 (development files)
Signet is a C++20 library for JSON Web Tokens (RFC 7519) and the JOSE family:
JWS, JWE, JWK and JWK Sets, with the algorithms of RFC 7518, EdDSA (RFC 8037)
and ES256K. It verifies a token only after full validation: signature,
an algorithm allow-list bound to keys, and the registered claims.

This package holds the headers, the static libraries (libsignet and
libsignet-jwks-client, a remote JWKS key source), the CMake package
(find_package(signet)) and the pkg-config files signet.pc and
signet-jwks-client.pc.")

include(CPack)
