# Finds the build's dependencies: flex, bison, LLVM (14 to 19, via llvm-config),
# libffi, cairo and libedit (via pkg-config).
find_package(FLEX 2.6 REQUIRED)
find_package(BISON 3.6 REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(FFI REQUIRED IMPORTED_TARGET libffi)
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)
pkg_check_modules(EDIT REQUIRED IMPORTED_TARGET libedit)

# LLVM: take the newest llvm-config from 19 down to 14 unless one is given.
if(NOT LLVM_CONFIG)
  find_program(LLVM_CONFIG NAMES llvm-config-19 llvm-config-18 llvm-config-17
               llvm-config-16 llvm-config-15 llvm-config-14 llvm-config)
endif()
if(NOT LLVM_CONFIG)
  message(FATAL_ERROR "llvm-config not found: install llvm-dev (LLVM 14 to 19)")
endif()
execute_process(COMMAND ${LLVM_CONFIG} --version OUTPUT_VARIABLE LLVM_VERSION
                OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX MATCH "^[0-9]+" LLVM_MAJOR "${LLVM_VERSION}")
if(LLVM_MAJOR LESS 14 OR LLVM_MAJOR GREATER 19)
  message(FATAL_ERROR "LLVM ${LLVM_VERSION} found at ${LLVM_CONFIG}; need 14 to 19")
endif()
execute_process(COMMAND ${LLVM_CONFIG} --includedir OUTPUT_VARIABLE LLVM_INCLUDE_DIR
                OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${LLVM_CONFIG} --libdir OUTPUT_VARIABLE LLVM_LIB_DIR
                OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${LLVM_CONFIG} --libs OUTPUT_VARIABLE LLVM_LIBS
                OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${LLVM_CONFIG} --system-libs OUTPUT_VARIABLE LLVM_SYSTEM_LIBS
                OUTPUT_STRIP_TRAILING_WHITESPACE)
separate_arguments(LLVM_LIBS UNIX_COMMAND "${LLVM_LIBS}")
separate_arguments(LLVM_SYSTEM_LIBS UNIX_COMMAND "${LLVM_SYSTEM_LIBS}")
add_library(snn_llvm INTERFACE)
target_include_directories(snn_llvm SYSTEM INTERFACE ${LLVM_INCLUDE_DIR})
target_link_directories(snn_llvm INTERFACE ${LLVM_LIB_DIR})
target_link_libraries(snn_llvm INTERFACE ${LLVM_LIBS} ${LLVM_SYSTEM_LIBS})
message(STATUS "LLVM ${LLVM_VERSION} from ${LLVM_CONFIG}")
