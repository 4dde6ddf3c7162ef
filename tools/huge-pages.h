// Native tools only: large buffers on transparent huge pages.
//
// A million-row file means a few hundred megabytes of fresh buffers, and on 4 KiB pages the
// kernel's page faults cost as much as the parsing itself (on the 1 M-row city, the CLI's
// whole run went from 7.8 s to 5.3 s with huge pages, reading alone from 1.2 s to 0.5 s).
// glibc hands large allocations to the kernel as huge pages when the tunable
// glibc.malloc.hugetlb=1 is set — but reads GLIBC_TUNABLES only when a process starts. So a
// tool calls useHugePages(argv) first thing in main(): unless the tunable is already there, it
// adds it and starts the same program again with the same arguments. Where that cannot be done
// (not Linux with glibc, no /proc, exec fails) the tool carries on as it is — the results are
// the same, only slower. Memory use is unchanged (the kernel's THP mode "madvise" is enough).
#pragma once

#if defined(__linux__) && defined(__GLIBC__)
#include <unistd.h>

#include <cstdlib>
#include <string>

inline void useHugePages(char** argv) {
  const char* marker = "PSEUDOCITIZEN_HUGE_PAGES";
  if (std::getenv(marker) != nullptr) return;  // this is the restarted process (or opted out)
  setenv(marker, "1", 1);
  const char* current = std::getenv("GLIBC_TUNABLES");
  std::string tunables = current != nullptr ? current : "";
  if (tunables.find("glibc.malloc.hugetlb") != std::string::npos) return;
  tunables += (tunables.empty() ? "" : ":") + std::string("glibc.malloc.hugetlb=1");
  setenv("GLIBC_TUNABLES", tunables.c_str(), 1);
  execv("/proc/self/exe", argv);  // returns only on failure: carry on
}
#else
inline void useHugePages(char**) {}
#endif
