# parvis_embed(TARGET NAME [BASE DIR] FILES...) compiles the given files into TARGET as
# a table `parvis::embedded::NAME` of {path, bytes}, so the one binary carries
# its templates, styles and defaults. Each path is the file's path relative to
# DIR (default: the current source folder); FILES are given relative to it too.
# BASE lets a table hold generated files (under the binary folder).
function(parvis_embed target name)
  set(base "${CMAKE_CURRENT_SOURCE_DIR}")
  set(files ${ARGN})
  if(files)
    list(GET files 0 first)
    if(first STREQUAL "BASE")
      list(GET files 1 base)
      list(REMOVE_AT files 0 1)
    endif()
  endif()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_${name}.cc")
  set(script "${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake")
  set(depends "")
  foreach(file IN LISTS files)
    list(APPEND depends "${base}/${file}")
  endforeach()
  # A list on a command line would split at ';': pass it with '|' instead.
  string(REPLACE ";" "|" joined "${files}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAME=${name}
            -DBASE=${base} "-DFILES=${joined}" -P ${script}
    DEPENDS ${depends} ${script}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    COMMENT "Embedding ${name}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
