// Read throughput: how fast the core turns a file's bytes into a table (encoding detection and
// validation or decoding, then CSV parsing), natively or under Node (the same source compiled
// to wasm). A benchmark, not a test: it prints numbers.
//
//   bench_read FILE [RUNS]        (tools/bench.mjs runs both builds on a generated city)
//
// Prints one JSON line: bytes, rows, and the best of RUNS for each phase in seconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include "error.h"
#include "malloc-tuning.h"
#include "pipeline.h"

namespace {

std::string readAll(const char* path) {
  std::FILE* file = std::fopen(path, "rb");
  if (file == nullptr) throw std::runtime_error(std::string("cannot open ") + path);
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file);
    bytes.append(buffer, got);
    if (got < sizeof buffer) break;
  }
  std::fclose(file);
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  tuneMalloc(argv);  // as the CLI runs (no-op in the wasm build)
  if (argc < 2) {
    std::cerr << "usage: bench_read FILE [RUNS]\n";
    return 2;
  }
  const int runs = argc > 2 ? std::max(1, std::stoi(argv[2])) : 3;
  try {
    const std::string bytes = readAll(argv[1]);
    using Clock = std::chrono::steady_clock;
    double bestDecode = 1e300, bestParse = 1e300, bestTotal = 1e300;
    std::size_t rows = 0;
    std::string encoding;
    for (int run = 0; run < runs; ++run) {
      Clock::time_point start = Clock::now(), decoded = start;
      // loadTable reports "reading" 0.5 once the text is decoded (or validated) and before
      // the CSV parser starts.
      const pc::ProgressFn progress = [&](std::string_view, double fraction) {
        if (fraction == 0.5) decoded = Clock::now();
      };
      const pc::LoadedTable loaded = pc::loadTable(bytes, "auto", progress);
      const Clock::time_point end = Clock::now();
      rows = loaded.table.rows();
      encoding = pc::encodingName(loaded.encoding);
      bestDecode = std::min(bestDecode, std::chrono::duration<double>(decoded - start).count());
      bestParse = std::min(bestParse, std::chrono::duration<double>(end - decoded).count());
      bestTotal = std::min(bestTotal, std::chrono::duration<double>(end - start).count());
    }
    std::cout << "{\"bytes\": " << bytes.size() << ", \"rows\": " << rows << ", \"encoding\": \""
              << encoding << "\", \"runs\": " << runs << ", \"decode\": " << bestDecode
              << ", \"parse\": " << bestParse << ", \"total\": " << bestTotal << "}\n";
  } catch (const pc::InputError& e) {
    std::cerr << "bench_read: " << e.en() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "bench_read: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
