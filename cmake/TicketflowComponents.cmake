# Optional components (sqlite, later postgres, ...): each is its own library target, in
# its own export set and targets file, installed and offered to find_package() only when
# it was built. Component CMake code registers itself here; TicketflowInstall.cmake reads
# the registrations after all subdirectories have been processed.
#
# Registrations live in global properties rather than variables because components are
# added from nested directories, whose variables would not reach the top-level scope.

# ticketflow_add_component(<name> TARGETS <target>... [DEPENDENCIES <package>...])
#
# <name>          the component name consumers pass to
#                 find_package(ticketflow COMPONENTS <name>).
# TARGETS         the component's library targets; give each an EXPORT_NAME, e.g.
#                 set_target_properties(ticketflow_sqlite PROPERTIES EXPORT_NAME sqlite)
#                 so it is imported as ticketflow::sqlite.
# DEPENDENCIES    package names the installed config must find_dependency() before the
#                 component's targets can be imported (its PUBLIC/INTERFACE links).
#
# Example (src/sqlite/CMakeLists.txt):
#   ticketflow_add_component(sqlite TARGETS ticketflow_sqlite DEPENDENCIES SQLite3)
function(ticketflow_add_component name)
  cmake_parse_arguments(ARG "" "" "TARGETS;DEPENDENCIES" ${ARGN})
  if(NOT ARG_TARGETS)
    message(FATAL_ERROR "ticketflow_add_component(${name}): TARGETS is required")
  endif()
  set_property(GLOBAL APPEND PROPERTY TICKETFLOW_COMPONENTS ${name})
  set_property(GLOBAL PROPERTY TICKETFLOW_COMPONENT_${name}_TARGETS ${ARG_TARGETS})
  set_property(GLOBAL PROPERTY TICKETFLOW_COMPONENT_${name}_DEPENDENCIES ${ARG_DEPENDENCIES})
endfunction()
