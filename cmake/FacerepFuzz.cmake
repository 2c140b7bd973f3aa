# FACEREP_FUZZ=ON (scripts/fuzz.sh): a clang build in its own folder with one fuzz_<target>
# executable per harness in tests/fuzz/, under libFuzzer, ASan and UBSan. The default build never
# includes this file.
#
# Instrumented (coverage + sanitizers): the layers that read untrusted files, core (YAML, config),
# runtime (checkpoints, pickles, zips) and data (lists, packed, RecordIO, .bin), plus the pair-list
# reader. The config harness also needs every component registered to validate a whole config: it
# links the upper layers (models ... cli) from the normal gcc build in build/, uninstrumented,
# rather than compiling them all again with clang (an hour on 2 cores).
#
# Included before the libraries are declared, so the flags reach every target (the precompiled
# headers too, which must be compiled with the same flags as the files that use them).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "FACEREP_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
endif()
# vptr is left out: it checks dynamic types through typeinfo, and LibTorch's classes (built by
# another compiler, some with hidden visibility) report mismatches that are not bugs.
set(FACEREP_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
add_compile_options(-fsanitize=fuzzer-no-link ${FACEREP_SANITIZE_FLAGS})
add_link_options(${FACEREP_SANITIZE_FLAGS})
set(FACEREP_FUZZ_PLAIN_BUILD ${CMAKE_SOURCE_DIR}/build CACHE PATH
    "gcc build whose upper-layer libraries the config harness links (scripts/build.sh makes it)")

function(facerep_add_fuzz_targets)
  set(_dir ${CMAKE_SOURCE_DIR}/tests/fuzz)
  add_library(facerep_fuzz_support STATIC ${_dir}/fuzz_support.cpp ${CMAKE_SOURCE_DIR}/src/eval/pair_list.cpp)
  target_include_directories(facerep_fuzz_support PUBLIC ${CMAKE_SOURCE_DIR}/tests)
  target_link_libraries(facerep_fuzz_support PUBLIC facerep_data torch)
  facerep_reuse_pch(facerep_fuzz_support)

  # The upper layers, highest first, as the gcc build made them.
  set(_plain)
  foreach(layer cli trainers eval losses models dist)
    set(_lib ${FACEREP_FUZZ_PLAIN_BUILD}/libfacerep_${layer}.a)
    add_library(facerep_plain_${layer} STATIC IMPORTED)
    set_target_properties(facerep_plain_${layer} PROPERTIES IMPORTED_LOCATION ${_lib})
    list(APPEND _plain facerep_plain_${layer})
  endforeach()

  set(_all)
  foreach(t IN LISTS FACEREP_FUZZ_TARGETS)
    add_executable(fuzz_${t} ${_dir}/libfuzzer/entry.cpp ${_dir}/fuzz_${t}.cpp)
    target_compile_definitions(fuzz_${t} PRIVATE FACEREP_FUZZ_TARGET=${t})
    target_compile_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
    if(t STREQUAL "config")
      # The gcc libraries refer to each other and to core/runtime/data: one link group.
      target_link_libraries(fuzz_${t} PRIVATE -Wl,--start-group ${_plain} facerep_fuzz_support -Wl,--end-group
                            opencv_imgproc opencv_imgcodecs)
      if(FACEREP_GLOO_LIBRARY)
        target_link_libraries(fuzz_${t} PRIVATE ${FACEREP_GLOO_LIBRARY})
      endif()
    else()
      target_link_libraries(fuzz_${t} PRIVATE facerep_fuzz_support)
    endif()
    list(APPEND _all fuzz_${t})
  endforeach()
  add_custom_target(facerep_fuzz DEPENDS ${_all})
endfunction()

set(FACEREP_FUZZ_TARGETS config list packed recordio pair_list verification_bin checkpoint)
