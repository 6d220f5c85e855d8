# SPDX-License-Identifier: Apache-2.0
# cmake -DINPUT=rules.yaml -DOUTPUT=builtin_rules.cpp [-DNAME=kBuiltinRules] -P embed_text.cmake
# Writes a C++ file defining warden::identify::<NAME> (a std::string_view) with INPUT's bytes, as
# a char array (no raw-string delimiter can clash with the text, and no compiler string-length
# limit applies).
if(NOT NAME)
  set(NAME kBuiltinRules)
endif()
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" hex_length)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
math(EXPR size "${hex_length} / 2")
file(WRITE ${OUTPUT}
  "// Generated from ${INPUT} by cmake/embed_text.cmake. Do not edit.\n"
  "#include <string_view>\n"
  "namespace warden::identify {\n"
  "namespace {\n"
  "const char kBytes[] = {${bytes}0};\n"
  "}  // namespace\n"
  "extern const std::string_view ${NAME};\n"
  "const std::string_view ${NAME}(kBytes, ${size});\n"
  "}  // namespace warden::identify\n")
