# Install.cmake: what `cmake --install BUILD --prefix P` puts under P.
#   bin/snnc                        the compiler
#   lib/libsnnrt.a                  the runtime, for native binaries and embedding
#   lib/libsnnrt_main.a             main() of native binaries (snnc build)
#   lib/pkgconfig/snnrt.pc          pkg-config --cflags --libs snnrt
#   include/snn/snnrt*.h            the runtime's public headers
#   share/snn/stdlib/               the stdlib's .snn files
#   share/man/man1/snnc.1           the manual page
# Every destination is relative, so --prefix at install time decides where;
# snnc finds the stdlib and the runtime relative to itself
# (compiler/driver/paths.c) and snnrt.pc its folders relative to itself, so
# the installed tree may be moved as a whole.
install(TARGETS snnc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS snnrt snnrt_main ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# The headers a program that embeds a model (snnrt_sim.h) or an environment
# library (snnrt_env.h) includes, with those they include.
install(FILES runtime/snnrt.h runtime/snnrt_layout.h runtime/snnrt_sim.h runtime/snnrt_env.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/snn)
install(DIRECTORY stdlib/ DESTINATION ${SNN_INSTALL_STDLIB_DIR} FILES_MATCHING PATTERN "*.snn")
install(FILES docs/snnc.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# snnrt.pc: prefix from the file's own folder (${pcfiledir}), not an
# absolute path.  The runtime is a static archive, so its dependencies go
# in Libs and Requires (not their .private forms): `pkg-config --libs`
# without --static must link.  A sanitized runtime needs the sanitizers'
# runtimes at link time too.
file(RELATIVE_PATH SNN_PC_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" SNN_PC_PREFIX "${SNN_PC_PREFIX}")
file(RELATIVE_PATH SNN_PC_LIBDIR ${CMAKE_INSTALL_PREFIX} ${CMAKE_INSTALL_FULL_LIBDIR})
file(RELATIVE_PATH SNN_PC_INCLUDEDIR ${CMAKE_INSTALL_PREFIX} ${CMAKE_INSTALL_FULL_INCLUDEDIR})
set(SNN_PC_EXTRA_LIBS "")
foreach(lib ${CMAKE_DL_LIBS})
  string(APPEND SNN_PC_EXTRA_LIBS " -l${lib}")
endforeach()
if(SNN_SANITIZE)
  string(APPEND SNN_PC_EXTRA_LIBS " -fsanitize=address,undefined")
endif()
configure_file(cmake/snnrt.pc.in ${CMAKE_BINARY_DIR}/snnrt.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/snnrt.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
