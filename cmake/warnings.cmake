# SPDX-License-Identifier: Apache-2.0
# Project-wide warning flags, applied per target by warden_add_* so third-party code is untouched.
set(WARDEN_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion)
if(WARDEN_WERROR)
  list(APPEND WARDEN_WARNING_FLAGS -Werror)
endif()
# GCC 12 at -O2/-O3 reports -Wrestrict and -Wstringop-overflow inside libstdc++ for
# `"literal" + std::string` and vector::assign (GCC bugs 105329, 105651): false positives in
# library code, so they are warnings, not errors, there.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND WARDEN_WARNING_FLAGS -Wno-error=restrict -Wno-error=stringop-overflow)
endif()
