# Precompiled headers. Most of a translation unit's compile time here is
# parsing gRPC, protobuf, Abseil and the contract's generated headers, the
# same in every file: they are parsed once into corridor_pch (and, with
# GoogleTest added, corridor_test_pch) and every target reuses that.
#
# GCC only: clang (scripts/fuzz.sh) refuses a precompiled header whose
# macros differ from the command line's. -DCORRIDOR_PCH=OFF turns it off.

option(CORRIDOR_PCH "Precompile the common headers (GCC)" ON)

set(CORRIDOR_PCH_HEADERS
  <algorithm> <functional> <map> <memory> <optional> <set> <string> <utility> <vector>
  <grpcpp/grpcpp.h>
  <google/protobuf/message.h>
  <google/protobuf/util/json_util.h>
  <google/protobuf/util/time_util.h>
  [["absl/container/flat_hash_map.h"]]
  [["absl/status/statusor.h"]]
  [["absl/strings/str_cat.h"]]
  [["absl/strings/str_format.h"]]
  [["absl/strings/str_join.h"]]
  [["absl/strings/str_split.h"]]
  [["absl/synchronization/mutex.h"]]
  [["absl/time/time.h"]])

# Adds the contract's generated headers and creates the two targets.
function(corridor_define_pch protos)
  if(NOT CORRIDOR_PCH OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    return()
  endif()
  set(headers ${CORRIDOR_PCH_HEADERS})
  foreach(proto ${protos})
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR}/proto ${proto})
    string(REGEX REPLACE "\\.proto$" ".grpc.pb.h" header ${rel})
    list(APPEND headers "\"${header}\"")
  endforeach()
  set(empty ${CMAKE_BINARY_DIR}/corridor_pch.cc)
  file(WRITE ${empty} "// The precompiled headers' own translation unit.\n")
  add_library(corridor_pch OBJECT ${empty})
  target_link_libraries(corridor_pch PRIVATE corridor_proto gRPC::grpc++ absl::status
                        absl::statusor absl::strings absl::str_format absl::synchronization
                        absl::flat_hash_map)
  target_precompile_headers(corridor_pch PRIVATE ${headers})
  if(CORRIDOR_BUILD_TESTS)
    add_library(corridor_test_pch OBJECT ${empty})
    target_link_libraries(corridor_test_pch PRIVATE corridor_proto gRPC::grpc++ absl::status
                          absl::statusor absl::strings absl::str_format absl::synchronization
                          absl::flat_hash_map GTest::gmock GTest::gtest)
    target_precompile_headers(corridor_test_pch PRIVATE ${headers}
                              [["gmock/gmock.h"]] [["gtest/gtest.h"]])
  endif()
endfunction()

# Every C++ target of `directory` (but the contract's own library, which
# the headers are generated for) reuses `pch`.
function(corridor_reuse_pch directory pch)
  if(NOT TARGET ${pch})
    return()
  endif()
  get_property(targets DIRECTORY ${directory} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target ${targets})
    get_target_property(type ${target} TYPE)
    if(target MATCHES "^corridor(_test)?_pch$" OR target STREQUAL "corridor_proto" OR
       NOT type MATCHES "^(STATIC_LIBRARY|EXECUTABLE|OBJECT_LIBRARY)$")
      continue()
    endif()
    target_precompile_headers(${target} REUSE_FROM ${pch})
  endforeach()
endfunction()
