# Cross-compile paddock for 64-bit Windows with mingw-w64 (Debian package
# mingw-w64). Use: cmake -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake
# or tools/windows-build.sh.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(PADDOCK_MINGW_PREFIX x86_64-w64-mingw32)
# Debian ships a -win32 and a -posix threading variant; the win32 one needs
# no winpthreads DLL beside the program: only Windows's own libraries.
find_program(CMAKE_C_COMPILER NAMES ${PADDOCK_MINGW_PREFIX}-gcc-win32
  ${PADDOCK_MINGW_PREFIX}-gcc REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${PADDOCK_MINGW_PREFIX}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${PADDOCK_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
