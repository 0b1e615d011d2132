# Compile settings for ticketflow's own targets. They are attached per target and never
# exported, so consumers don't inherit our warning flags or sanitizers.

# ticketflow_project_settings(<target>): warnings (as errors when TICKETFLOW_WERROR) and
# the sanitizers chosen by TICKETFLOW_SANITIZE.
function(ticketflow_project_settings target)
  target_compile_options(${target} PRIVATE
    $<BUILD_INTERFACE:-Wall -Wextra -Wpedantic $<$<BOOL:${TICKETFLOW_WERROR}>:-Werror>>)
  if(TICKETFLOW_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${TICKETFLOW_SANITIZE} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${TICKETFLOW_SANITIZE})
  endif()
endfunction()
