# Build helpers: one function to add a library per src/ folder, one shared precompiled header,
# and ccache when it is installed.

function(facerep_enable_ccache)
  find_program(FACEREP_CCACHE ccache)
  if(FACEREP_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    # PCH + ccache needs these sloppiness settings, else every PCH user misses the cache.
    set(ENV{CCACHE_SLOPPINESS} "pch_defines,time_macros,include_file_mtime,include_file_ctime")
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
        "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
        ${FACEREP_CCACHE} PARENT_SCOPE)
    message(STATUS "facerep: using ccache at ${FACEREP_CCACHE}")
  endif()
endfunction()

# Two precompiled headers: one for torch-free code (std + yaml-cpp), one for LibTorch code.
function(facerep_setup_pch)
  file(WRITE ${CMAKE_BINARY_DIR}/pch/pch_stub.cpp "// translation unit that owns the precompiled headers\n")
  add_library(facerep_pch_plain OBJECT ${CMAKE_BINARY_DIR}/pch/pch_stub.cpp)
  target_link_libraries(facerep_pch_plain PUBLIC yaml-cpp)
  target_precompile_headers(facerep_pch_plain PRIVATE
      <string> <vector> <map> <unordered_map> <memory> <functional> <sstream> <stdexcept>
      <optional> <algorithm> <yaml-cpp/yaml.h>)
  add_library(facerep_pch_torch OBJECT ${CMAKE_BINARY_DIR}/pch/pch_stub.cpp)
  target_link_libraries(facerep_pch_torch PUBLIC torch yaml-cpp)
  target_precompile_headers(facerep_pch_torch PRIVATE
      <string> <vector> <map> <unordered_map> <memory> <functional> <sstream> <stdexcept>
      <optional> <algorithm> <yaml-cpp/yaml.h> <torch/torch.h>)
endfunction()

# The test binary compiles without optimisation and debug info (-O0 -g0): its own code is a few
# assertions around calls into the optimised libraries, and code generation is most of a test
# translation unit's compile time. So it gets its own precompiled header with those flags
# (a PCH is only used by compiles with the same flags), gtest included.
function(facerep_test_pch target)
  add_library(facerep_pch_tests OBJECT ${CMAKE_BINARY_DIR}/pch/pch_stub.cpp)
  target_link_libraries(facerep_pch_tests PUBLIC torch yaml-cpp GTest::gtest)
  foreach(t facerep_pch_tests ${target})
    target_compile_options(${t} PRIVATE -O0 -g0)
  endforeach()
  target_precompile_headers(facerep_pch_tests PRIVATE
      <string> <vector> <map> <unordered_map> <memory> <functional> <sstream> <stdexcept>
      <optional> <algorithm> <yaml-cpp/yaml.h> <torch/torch.h> <gtest/gtest.h>)
  target_precompile_headers(${target} REUSE_FROM facerep_pch_tests)
endfunction()

function(facerep_reuse_pch target)
  get_target_property(_torch_free ${target} FACEREP_TORCH_FREE)
  if(_torch_free)
    target_precompile_headers(${target} REUSE_FROM facerep_pch_plain)
  else()
    target_precompile_headers(${target} REUSE_FROM facerep_pch_torch)
  endif()
endfunction()

# facerep_add_library(<folder> [TORCH_FREE] DEPS ...): static library facerep_<folder> from
# src/<folder>/*.cpp. Headers are included as "folder/file.h" from src/.
function(facerep_add_library folder)
  cmake_parse_arguments(ARG "TORCH_FREE" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${folder}/*.cpp)
  set(_name facerep_${folder})
  add_library(${_name} STATIC ${_srcs})
  target_include_directories(${_name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(${_name} PUBLIC ${ARG_DEPS})
  target_compile_options(${_name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  set_target_properties(${_name} PROPERTIES FACEREP_TORCH_FREE "${ARG_TORCH_FREE}")
  facerep_reuse_pch(${_name})
  facerep_unity(${_name})
endfunction()

# Unity builds: with LibTorch every translation unit pays seconds of fixed cost (loading the
# precompiled header, code for the inline torch functions it uses) however small the file, so
# compiling a folder's files in batches cuts a clean build by more than half on 2 cores.
# FACEREP_UNITY_BATCH=0 turns it off (handy when iterating on one file of a big folder).
function(facerep_unity target)
  if(FACEREP_UNITY_BATCH GREATER 0)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${FACEREP_UNITY_BATCH})
  endif()
endfunction()
