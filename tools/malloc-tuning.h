// Native tools only: how glibc's malloc should treat a run's large buffers.
//
// A million-row file means a few hundred megabytes of fresh buffers. Two glibc tunables matter:
//   * glibc.malloc.hugetlb=1: large allocations go to the kernel as transparent huge pages. On
//     4 KiB pages the kernel's page faults cost as much as the parsing itself (the 1 M-row city:
//     the CLI's whole run 7.8 → 4.9 s, reading alone 0.96 → 0.43 s).
//   * glibc.malloc.mmap_threshold=4194304: buffers of 4 MiB and more are mapped on their own and
//     given back to the kernel when freed. By default glibc raises this threshold as big blocks
//     are freed, then keeps the freed memory of later ones: the same run's peak resident memory
//     was 422 MB (UTF-8, 2.6× the file) and 389 MB (Shift_JIS, 3.1×) with it, 354 MB (2.2×) and
//     359 MB (2.8×) without, in the same time.
// glibc reads GLIBC_TUNABLES only when a process starts. So a tool calls tuneMalloc(argv) first
// thing in main(): unless the variable already sets them, it adds both and starts the same
// program again with the same arguments. Where that cannot be done (not Linux with glibc, no
// /proc, exec fails) the tool carries on as it is — the results are the same.
#pragma once

#if defined(__linux__) && defined(__GLIBC__)
#include <unistd.h>

#include <cstdlib>
#include <string>

inline void tuneMalloc(char** argv) {
  const char* marker = "PSEUDOCITIZEN_MALLOC_TUNED";
  if (std::getenv(marker) != nullptr) return;  // the restarted process (or opted out)
  setenv(marker, "1", 1);
  const char* current = std::getenv("GLIBC_TUNABLES");
  std::string tunables = current != nullptr ? current : "";
  const std::string before = tunables;
  for (const char* setting : {"glibc.malloc.hugetlb=1", "glibc.malloc.mmap_threshold=4194304"}) {
    const std::string name = std::string(setting).substr(0, std::string(setting).find('='));
    if (tunables.find(name) != std::string::npos) continue;  // the caller's choice stands
    tunables += (tunables.empty() ? "" : ":") + std::string(setting);
  }
  if (tunables == before) return;
  setenv("GLIBC_TUNABLES", tunables.c_str(), 1);
  execv("/proc/self/exe", argv);  // returns only on failure: carry on
}
#else
inline void tuneMalloc(char**) {}
#endif
