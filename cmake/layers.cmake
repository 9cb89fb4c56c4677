# cph_layer(NAME [DEPENDS layer...] [LINKS target...] [PRIVATE_LINKS target...]
#           [EXCLUDE file...] [INTERNAL header...])
# Declares the library cph_NAME from harness/NAME/*.cpp. DEPENDS names the
# layers below it that it uses (linked PUBLIC); LINKS and PRIVATE_LINKS other
# libraries. Its sources may include only "NAME/..." and the headers of the
# layers it depends on, directly or through them: a build step checks that
# (cmake/check_layer.cmake), so an upward include fails the build.
# INTERNAL names the layer's headers that are not its API: only the layer's
# own .cpp files may include them (not another layer, not one of its public
# headers; tests may), and they are not installed. The public headers are in
# the global property CPH_LAYER_PUBLIC_HEADERS_NAME.
set(CPH_CHECK_LAYER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/check_layer.cmake)
# Every directory under harness/ is a layer: an include of one of them is
# checked (a layer declared later than the includer is still one).
file(GLOB CPH_LAYER_DIRS LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_LIST_DIR}/../harness
     ${CMAKE_CURRENT_LIST_DIR}/../harness/*)
list(FILTER CPH_LAYER_DIRS EXCLUDE REGEX "\\.")

function(cph_layer name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINKS;PRIVATE_LINKS;EXCLUDE;INTERNAL" ${ARGN})
  set(dir ${CMAKE_CURRENT_SOURCE_DIR}/${name})
  file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  file(GLOB headers CONFIGURE_DEPENDS ${dir}/*.hpp)
  foreach(file ${ARG_EXCLUDE})
    list(REMOVE_ITEM sources ${dir}/${file})
  endforeach()
  set(public_headers ${headers})
  foreach(file ${ARG_INTERNAL})
    if(NOT EXISTS ${dir}/${file})
      message(FATAL_ERROR "cph_layer(${name}): INTERNAL ${file}: no such header in ${dir}")
    endif()
    list(REMOVE_ITEM public_headers ${dir}/${file})
    set_property(GLOBAL APPEND PROPERTY CPH_INTERNAL_HEADERS ${name}/${file})
  endforeach()
  set_property(GLOBAL PROPERTY CPH_LAYER_PUBLIC_HEADERS_${name} ${public_headers})
  add_library(cph_${name} STATIC ${sources})
  target_include_directories(cph_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/cph>)
  target_compile_features(cph_${name} PUBLIC cxx_std_20)
  set(deps)
  foreach(dep ${ARG_DEPENDS})
    list(APPEND deps cph_${dep})
  endforeach()
  target_link_libraries(cph_${name} PUBLIC ${deps} ${ARG_LINKS} PRIVATE ${ARG_PRIVATE_LINKS})
  set_target_properties(cph_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON EXPORT_NAME ${name})
  add_library(cph::${name} ALIAS cph_${name})
  set_property(GLOBAL APPEND PROPERTY CPH_LAYER_TARGETS cph_${name})

  # What it may include: itself and, transitively, what it depends on.
  set(allowed ${name})
  foreach(dep ${ARG_DEPENDS})
    get_property(below GLOBAL PROPERTY CPH_LAYER_ALLOWED_${dep})
    list(APPEND allowed ${below})
  endforeach()
  list(REMOVE_DUPLICATES allowed)
  set_property(GLOBAL PROPERTY CPH_LAYER_ALLOWED_${name} ${allowed})
  cph_check_includes(cph_${name} ${name} "${allowed}" ${sources} ${headers})
endfunction()

# cph_check_includes(TARGET LABEL "allowed;dirs" files...): TARGET builds only
# after every `#include "DIR/..."` in the files names an allowed DIR, and no
# internal header of another layer (nor, in a header, any internal header).
function(cph_check_includes target label allowed)
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${target}.layer-ok)
  get_property(internal GLOBAL PROPERTY CPH_INTERNAL_HEADERS)
  add_custom_command(OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DLAYER=${label} "-DALLOWED=${allowed}" "-DFILES=${ARGN}"
            "-DLAYER_DIRS=${CPH_LAYER_DIRS}" "-DINTERNAL=${internal}"
            -DSTAMP=${stamp} -P ${CPH_CHECK_LAYER_SCRIPT}
    DEPENDS ${ARGN} ${CPH_CHECK_LAYER_SCRIPT}
    COMMENT "Checking the includes of layer ${label}"
    VERBATIM)
  add_custom_target(${target}_layer_check DEPENDS ${stamp})
  add_dependencies(${target} ${target}_layer_check)
endfunction()
