// The main of the fuzz targets in the normal build: replays files through LLVMFuzzerTestOneInput
// exactly as libFuzzer would run them, so ctest checks every committed seed and every kept crash
// input on each run. Never generates input: that is libFuzzer's job (./ops/fuzz).
// Usage: fuzz_<target> PATH... [--optional PATH...]
//   PATH is a file or a directory (its regular files, in name order). A required directory that
//   is missing or empty fails the run, so a mistyped path cannot pass by replaying nothing;
//   paths after --optional may be missing or empty (crashes/<target>/ usually is).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// The files at `path`: itself if it is a file, else its regular files sorted by name.
std::vector<fs::path> inputs_at(const fs::path& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return {path};
  std::vector<fs::path> files;
  if (!fs::is_directory(path, ec)) return files;
  for (const auto& item : fs::directory_iterator(path, ec)) {
    if (item.is_regular_file(ec)) files.push_back(item.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool run_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", file.c_str());
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Like libFuzzer, hand over a buffer of exactly the input's size, so ASan sees an overread.
  std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
  std::fprintf(stderr, "running %s (%zu bytes)\n", file.c_str(), data.size());
  LLVMFuzzerTestOneInput(data.data(), data.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool optional = false;
  std::size_t total = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--optional") {
      optional = true;
      continue;
    }
    std::vector<fs::path> files = inputs_at(arg);
    if (files.empty() && !optional) {
      std::fprintf(stderr, "no inputs at %s\n", arg.c_str());
      return 1;
    }
    for (const fs::path& file : files) {
      if (!run_file(file)) return 1;
      ++total;
    }
  }
  if (total == 0) {
    std::fprintf(stderr, "usage: %s PATH... [--optional PATH...]\n", argv[0]);
    return 1;
  }
  std::printf("replayed %zu inputs\n", total);
  return 0;
}
