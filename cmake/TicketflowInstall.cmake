# Install rules and the CMake package, so hosts can use
#   find_package(ticketflow CONFIG [COMPONENTS sqlite ...])
# Included by the top-level CMakeLists.txt after all subdirectories, so every component
# registered with ticketflow_add_component() is known here.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TICKETFLOW_CONFIG_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/ticketflow")

# --- the core library ---------------------------------------------------------------
install(TARGETS ticketflow EXPORT ticketflowTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")

# Public headers: the whole include/ticketflow tree (a component's headers live in its own
# subdirectory there) plus the export header generated into the build tree.
# install(DIRECTORY) is evaluated at install time, so new headers need no edit here.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/ticketflow"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  FILES_MATCHING PATTERN "*.hpp")
install(FILES "${PROJECT_BINARY_DIR}/include/ticketflow/export.hpp"
  "${PROJECT_BINARY_DIR}/include/ticketflow/version.hpp"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/ticketflow")

install(EXPORT ticketflowTargets
  NAMESPACE ticketflow::
  DESTINATION "${TICKETFLOW_CONFIG_INSTALL_DIR}")

# --- optional components ------------------------------------------------------------
# Each built component gets its own export set and targets file; the package config
# loads it (and finds its dependencies) only when a consumer asks for the component.
get_property(TICKETFLOW_COMPONENTS GLOBAL PROPERTY TICKETFLOW_COMPONENTS)
set(TICKETFLOW_COMPONENT_DEPENDENCIES "")
foreach(component IN LISTS TICKETFLOW_COMPONENTS)
  get_property(targets GLOBAL PROPERTY TICKETFLOW_COMPONENT_${component}_TARGETS)
  get_property(dependencies GLOBAL PROPERTY TICKETFLOW_COMPONENT_${component}_DEPENDENCIES)
  install(TARGETS ${targets} EXPORT ticketflow_${component}Targets
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
  install(EXPORT ticketflow_${component}Targets
    NAMESPACE ticketflow::
    DESTINATION "${TICKETFLOW_CONFIG_INSTALL_DIR}")
  # One line of CMake per component for the config file, e.g.
  #   set(_ticketflow_sqlite_dependencies "SQLite3")
  string(APPEND TICKETFLOW_COMPONENT_DEPENDENCIES
    "set(_ticketflow_${component}_dependencies \"${dependencies}\")\n")
endforeach()

# --- package config -----------------------------------------------------------------
configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/ticketflowConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/ticketflowConfig.cmake"
  INSTALL_DESTINATION "${TICKETFLOW_CONFIG_INSTALL_DIR}")
# While the major version is 0 a minor release may change the API (CHANGELOG.md,
# "Compatibility"): find_package(ticketflow 0.2) accepts 0.2.x only. From 1.0 on this
# becomes SameMajorVersion.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(TICKETFLOW_VERSION_COMPATIBILITY SameMinorVersion)
else()
  set(TICKETFLOW_VERSION_COMPATIBILITY SameMajorVersion)
endif()
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/ticketflowConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY ${TICKETFLOW_VERSION_COMPATIBILITY})
install(FILES
  "${PROJECT_BINARY_DIR}/ticketflowConfig.cmake"
  "${PROJECT_BINARY_DIR}/ticketflowConfigVersion.cmake"
  DESTINATION "${TICKETFLOW_CONFIG_INSTALL_DIR}")

# --- pkg-config ---------------------------------------------------------------------
# ticketflow.pc for hosts that do not use CMake: `pkg-config --cflags --libs ticketflow`.
# The core library only (components are CMake targets). Boost's and nlohmann-json's headers
# must be on the compiler's include path already, as they are for Debian's libboost-dev and
# nlohmann-json3-dev.
set(TICKETFLOW_PC_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
file(RELATIVE_PATH TICKETFLOW_PC_RELATIVE_PREFIX
  "${CMAKE_INSTALL_PREFIX}/${TICKETFLOW_PC_DIR}" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" TICKETFLOW_PC_RELATIVE_PREFIX "${TICKETFLOW_PC_RELATIVE_PREFIX}")
if(BUILD_SHARED_LIBS)
  set(TICKETFLOW_PC_CFLAGS "")
  set(TICKETFLOW_PC_LIBS "")
  set(TICKETFLOW_PC_LIBS_PRIVATE "-pthread")
else()
  set(TICKETFLOW_PC_CFLAGS " -DTICKETFLOW_STATIC_DEFINE")
  set(TICKETFLOW_PC_LIBS " -pthread")
  set(TICKETFLOW_PC_LIBS_PRIVATE "")
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/ticketflow.pc.in" "${PROJECT_BINARY_DIR}/ticketflow.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/ticketflow.pc" DESTINATION "${TICKETFLOW_PC_DIR}")

# --- documentation ------------------------------------------------------------------
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" "${PROJECT_SOURCE_DIR}/README.md"
  "${PROJECT_SOURCE_DIR}/CHANGELOG.md"
  DESTINATION "${CMAKE_INSTALL_DOCDIR}")
# The guides next to the headers' reference; the reference itself (HTML) when the docs
# target was built before installing.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/"
  DESTINATION "${CMAKE_INSTALL_DOCDIR}"
  FILES_MATCHING PATTERN "*.md")
install(DIRECTORY "${PROJECT_BINARY_DIR}/docs/html"
  DESTINATION "${CMAKE_INSTALL_DOCDIR}"
  OPTIONAL)
