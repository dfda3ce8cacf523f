# Installing racelint like a tool (README, "Installing"; tests/package/deb.sh):
# `cmake --install` and a CPack .deb with the binary, the API models, and
# the man page and shell completions when the build has them.
#
#   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
#   cmake --build build-release && (cd build-release && cpack -G DEB)
#
# The binary finds its models at ../share/racelint/models beside bin/
# (driver.c, rl_default_models_dir), and libclang's resource folder (clang's
# own headers) where the build found it: libclang-common-NN-dev provides it,
# libc6-dev the system headers, so the package depends on both.

install(TARGETS racelint RUNTIME DESTINATION bin)
install(DIRECTORY models/ DESTINATION share/racelint/models FILES_MATCHING PATTERN "*.yaml")
install(FILES README.md DESTINATION share/doc/racelint)

# The man page and the completions, from the option table (generated into
# the build folder, or kept in the source tree); whichever exist.
set(RACELINT_MAN_PAGE "" CACHE FILEPATH "racelint.1 to install (default: the generated one, if any)")
foreach(candidate ${RACELINT_MAN_PAGE} ${CMAKE_BINARY_DIR}/racelint.1 ${CMAKE_SOURCE_DIR}/docs/racelint.1)
  if(EXISTS ${candidate})
    install(FILES ${candidate} DESTINATION share/man/man1)
    break()
  endif()
endforeach()
foreach(dir ${CMAKE_BINARY_DIR}/completions ${CMAKE_SOURCE_DIR}/completions)
  if(EXISTS ${dir}/racelint.bash)
    install(FILES ${dir}/racelint.bash DESTINATION share/bash-completion/completions RENAME racelint)
  endif()
  if(EXISTS ${dir}/_racelint)
    install(FILES ${dir}/_racelint DESTINATION share/zsh/vendor-completions)
  endif()
endforeach()

# libclang's major version, from its resource folder (.../clang/19): the
# package's dependency, and what `racelint --version` must name.
get_filename_component(RACELINT_LLVM_MAJOR "${RACELINT_CLANG_RESOURCE_DIR}" NAME)

set(CPACK_PACKAGE_NAME racelint)
set(CPACK_PACKAGE_VENDOR "racelint")
set(CPACK_PACKAGE_CONTACT "racelint maintainers <racelint@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "static data-race and lock-discipline checker for C")
set(CPACK_PACKAGE_DESCRIPTION
    "racelint reads C programs that use threads through libclang and reports shared memory that two threads touch without a common lock, and misused locks.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libclang-common-${RACELINT_LLVM_MAJOR}-dev, libc6-dev")
set(CPACK_GENERATOR DEB)
include(CPack)
