# cmake -P script behind the install.find_package_from_prefix test: installs the build at
# SIGNET_BUILD_DIR into a fresh prefix, configures and builds the consumer project against that
# prefix only, and runs it; then does the same for examples/resource_server (EXAMPLE_SOURCE_DIR),
# which links signet::jwks_client, and checks that it reports an unreachable issuer.
# Any failing step fails the test.
cmake_minimum_required(VERSION 3.25)

foreach(var SIGNET_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR CONSUMER_GENERATOR CONSUMER_CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: ${var} is not set")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/consumer-build")
# Start clean so nothing from an earlier run can satisfy find_package.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run_step name)
  list(JOIN ARGN " " command_line)
  message(STATUS "[${name}] ${command_line}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "[${name}] failed (${rc}):\n${out}")
  endif()
  message(STATUS "[${name}] ok")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

set(install_args --install "${SIGNET_BUILD_DIR}" --prefix "${prefix}")
if(SIGNET_CONFIG)
  list(APPEND install_args --config "${SIGNET_CONFIG}")
endif()
run_step(install "${CMAKE_COMMAND}" ${install_args})

set(configure_args
  -G "${CONSUMER_GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${CONSUMER_CXX_COMPILER}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  # Only the prefix may provide signet: no user or system package registry.
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(CONSUMER_MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${CONSUMER_MAKE_PROGRAM}")
endif()
if(CONSUMER_BUILD_TYPE)
  list(APPEND configure_args "-DCMAKE_BUILD_TYPE=${CONSUMER_BUILD_TYPE}")
endif()
if(CONSUMER_SANITIZE)
  # A sanitized static library needs the sanitizer runtime in the final link as well.
  set(san "-fsanitize=${CONSUMER_SANITIZE} -fno-omit-frame-pointer")
  list(APPEND configure_args "-DCMAKE_CXX_FLAGS=${san}" "-DCMAKE_EXE_LINKER_FLAGS=${san}")
endif()
run_step(configure "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${consumer_build}"
         ${configure_args})

# The package must have come from the prefix, not from the build tree or the system.
file(STRINGS "${consumer_build}/CMakeCache.txt" signet_dir_line REGEX "^signet_DIR:")
string(REGEX REPLACE "^signet_DIR:[A-Z]+=" "" signet_dir "${signet_dir_line}")
file(REAL_PATH "${prefix}" real_prefix)
if(EXISTS "${signet_dir}")
  file(REAL_PATH "${signet_dir}" signet_dir)
endif()
string(FIND "${signet_dir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "signet was found at '${signet_dir}', not under the prefix '${real_prefix}'")
endif()

run_step(build "${CMAKE_COMMAND}" --build "${consumer_build}")
run_step(run "${consumer_build}/signet_consumer")
message(STATUS "consumer output: ${step_output}")

if(EXAMPLE_SOURCE_DIR)
  set(example_build "${WORK_DIR}/example-build")
  run_step(configure-example "${CMAKE_COMMAND}" -S "${EXAMPLE_SOURCE_DIR}" -B "${example_build}"
           ${configure_args})
  run_step(build-example "${CMAKE_COMMAND}" --build "${example_build}")
  # Nothing listens on port 1: the example must start, try discovery, and exit 1 saying why.
  execute_process(COMMAND "${example_build}/resource_server" --issuer http://127.0.0.1:1
                          --allow-http
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 60)
  if(NOT rc EQUAL 1 OR NOT out MATCHES "fetch_failed")
    message(FATAL_ERROR "[run-example] expected exit 1 with fetch_failed, got ${rc}:\n${out}")
  endif()
  message(STATUS "[run-example] ok: ${out}")
endif()
