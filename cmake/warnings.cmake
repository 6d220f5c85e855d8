# SPDX-License-Identifier: Apache-2.0
# Project-wide warning flags, applied per target by warden_add_* so third-party code is untouched.
set(WARDEN_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion)
if(WARDEN_WERROR)
  list(APPEND WARDEN_WARNING_FLAGS -Werror)
endif()
