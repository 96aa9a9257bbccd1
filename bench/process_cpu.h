// CPU time for the ingest benches: this process's (every thread), and a
// server's (a process and its children, as PostgreSQL's postmaster and its
// backends), read from /proc.
#pragma once

#include <sys/types.h>

namespace onlooker::bench {

double process_cpu_seconds();
// User + system time of `root` and of every live process whose parent it is.
double process_tree_cpu_seconds(pid_t root);

}  // namespace onlooker::bench
