// Whole files read and written as bytes, for tests that export a log, edit it and verify it.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace pardner::testing {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace pardner::testing
