// Processes a helper leaves behind. A helper may start processes in their
// own session or group (`setsid sleep 600 &`, a daemon it double-forks), and
// the process-group kill that ends a case misses those. So cph makes itself
// a child subreaper (prctl PR_SET_CHILD_SUBREAPER): whatever a helper leaves
// when its parent dies is re-parented to cph instead of init, and can be
// found as a child of cph. Every helper's environment carries
// CPH_HELPER_TAG=<cph pid>-<n>, inherited by its descendants; when a Child
// ends, the children of cph carrying its tag are SIGKILLed and reaped, and
// again for theirs (each kill re-parents the next generation to cph), until
// none is left. At cph's exit (normal or by a signal) every child is killed.
//
// Why not a cgroup: cgroup v2 delegation or root is needed to make one, and
// CI runners and containers often have neither; a subreaper needs no
// privilege (Linux 3.4+). What it misses: a descendant that clears its
// environment is not attributed to its case; it is killed at cph's exit.
// Docs: docs/bounds.md.
#pragma once
#include <string>
#include <string_view>

#include "proc/fd_io.hpp"

namespace cph::proc {

inline constexpr const char* kHelperTagVariable = "CPH_HELPER_TAG";

// Makes this process a child subreaper; false if the kernel refuses.
bool become_subreaper();
bool is_subreaper();  // become_subreaper() succeeded

// A tag for the next helper: "<our pid>-<n>".
std::string next_helper_tag();

// SIGKILLs and reaps every child of this process whose environment holds
// CPH_HELPER_TAG=`tag` (every child at all when `tag` is empty), generation
// after generation, until none is left or the deadline passes. Returns how
// many were killed. Cheap when this process has no children at all.
size_t kill_tagged_children(std::string_view tag, Deadline deadline);

}  // namespace cph::proc
