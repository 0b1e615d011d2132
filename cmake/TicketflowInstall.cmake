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
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/ticketflowConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMajorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/ticketflowConfig.cmake"
  "${PROJECT_BINARY_DIR}/ticketflowConfigVersion.cmake"
  DESTINATION "${TICKETFLOW_CONFIG_INSTALL_DIR}")

install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" "${PROJECT_SOURCE_DIR}/README.md"
  DESTINATION "${CMAKE_INSTALL_DOCDIR}")
