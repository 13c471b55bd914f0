# parvis_embed(TARGET NAME FILES...) compiles the given files into TARGET as
# a table `parvis::embedded::NAME` of {path, bytes}, so the one binary carries
# its templates, styles and defaults.
function(parvis_embed target name)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_${name}.cc")
  set(script "${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake")
  # A list on a command line would split at ';': pass it with '|' instead.
  string(REPLACE ";" "|" files "${ARGN}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAME=${name}
            -DBASE=${CMAKE_CURRENT_SOURCE_DIR} "-DFILES=${files}" -P ${script}
    DEPENDS ${ARGN} ${script}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    COMMENT "Embedding ${name}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
