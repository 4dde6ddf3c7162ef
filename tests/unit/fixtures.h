// Paths and file reading for the unit tests (native and wasm under Node alike).
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace pc::test {

/// Absolute path of a file under tests/fixtures/.
inline std::string fixturePath(const std::string& relative) {
  return std::string(PC_SOURCE_DIR) + "/tests/fixtures/" + relative;
}

/// The bytes of a fixture file; throws if it cannot be read.
inline std::string readFixture(const std::string& relative) {
  std::ifstream in(fixturePath(relative), std::ios::binary);
  if (!in) throw std::runtime_error("cannot read fixture " + relative);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace pc::test
