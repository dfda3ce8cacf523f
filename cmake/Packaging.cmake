# Installing racelint like a tool (README, "Installing"; tests/package/deb.sh):
# a CPack .deb of what `cmake --install` installs: the binary, the API
# models, the man page and the bash and zsh completions.
#
#   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
#   cmake --build build-release --target racelint racelint_docs && (cd build-release && cpack -G DEB)
#
# The binary finds its models at ../share/racelint/models beside bin/
# (driver.c, rl_default_models_dir), and libclang's resource folder (clang's
# own headers) where the build found it: libclang-common-NN-dev provides it,
# libc6-dev the system headers, so the package depends on both.

# CMakeLists.txt installs the binary, the models, and the man page and
# completions racelint writes from its option table; this adds the README.
install(FILES README.md DESTINATION share/doc/racelint)

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
# libclang itself is opened at run time, not linked (frontend/libclang.h):
# shlibdeps cannot see it, so it is named here.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libclang1-${RACELINT_LLVM_MAJOR}, libclang-common-${RACELINT_LLVM_MAJOR}-dev, libc6-dev")
set(CPACK_GENERATOR DEB)
include(CPack)
