# Compiles, links and runs consumer.cpp with nothing but the flags
# `pkg-config --cflags --libs ticketflow` gives for an installed prefix.
# Usage: cmake -DPREFIX=<prefix> -DLIBDIR=<libdir> -DCXX=<compiler> -DWORK=<dir> [-DEXTRA_LDFLAGS=...] -P run.cmake
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} "${PREFIX}/${LIBDIR}/pkgconfig")
set(ENV{PKG_CONFIG_LIBDIR} "${PREFIX}/${LIBDIR}/pkgconfig") # only this prefix's files

function(pkg_config out)
  execute_process(COMMAND "${PKG_CONFIG}" ${ARGN} ticketflow
    OUTPUT_VARIABLE value OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "pkg-config ${ARGN} ticketflow failed")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()
pkg_config(version --modversion)
pkg_config(cflags --cflags)
pkg_config(libs --libs)
message(STATUS "pkg-config ticketflow ${version}: ${cflags} ${libs}")

separate_arguments(cflags UNIX_COMMAND "${cflags}")
separate_arguments(libs UNIX_COMMAND "${libs}")
separate_arguments(extra UNIX_COMMAND "${EXTRA_LDFLAGS}")
file(MAKE_DIRECTORY "${WORK}")
set(program "${WORK}/pkg-config-consumer")
execute_process(
  COMMAND "${CXX}" -std=c++17 ${cflags} "${CMAKE_CURRENT_LIST_DIR}/consumer.cpp" -o "${program}" ${libs} ${extra}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "compiling with pkg-config's flags failed")
endif()
execute_process(COMMAND "${program}" "${version}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the pkg-config consumer failed: ${result}")
endif()

# The guides are installed with the headers.
foreach(page CHANGELOG.md storage.md mainpage.md)
  file(GLOB found "${PREFIX}/share/doc/*/${page}")
  if(NOT found)
    message(FATAL_ERROR "${page} is not installed under ${PREFIX}/share/doc")
  endif()
endforeach()
