# Run by `cmake --install` (make install): install and load paddock's
# AppArmor profile where AppArmor is present, so that full isolation works
# on Ubuntu 23.10+ without turning the user-namespace restriction off for
# the whole machine. Skipped, with a message, where there is no AppArmor or
# when installing into a staging directory (DESTDIR), where loading a
# profile would name the wrong path.
set(profile_dir "/etc/apparmor.d")
set(binary "${PADDOCK_BINARY}")

if(NOT EXISTS "${profile_dir}" OR NOT EXISTS "/sys/kernel/security/apparmor")
  message(STATUS "AppArmor not present: no profile installed")
  return()
endif()
if(DEFINED ENV{DESTDIR} AND NOT "$ENV{DESTDIR}" STREQUAL "")
  message(STATUS "DESTDIR set: AppArmor profile not installed; install dist/apparmor/paddock.in by hand")
  return()
endif()

file(READ "${PADDOCK_SOURCE_DIR}/dist/apparmor/paddock.in" text)
string(REPLACE "@PADDOCK_BINARY@" "${binary}" text "${text}")
file(WRITE "${profile_dir}/paddock" "${text}")
message(STATUS "Installing: ${profile_dir}/paddock")

find_program(APPARMOR_PARSER apparmor_parser PATHS /sbin /usr/sbin)
if(NOT APPARMOR_PARSER)
  message(WARNING "apparmor_parser not found: load ${profile_dir}/paddock by hand")
  return()
endif()
execute_process(COMMAND "${APPARMOR_PARSER}" -r "${profile_dir}/paddock"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(WARNING "apparmor_parser -r ${profile_dir}/paddock failed (${result})")
endif()
