// What cph undoes when a signal ends it. Every child runs in its own process
// group (so a deadline can kill the whole group), which also means that a
// terminal's Ctrl-C reaches cph alone: a hung helper would outlive it, and
// cph's temp directories would stay behind. So live children's groups and
// temp directories are registered here, and cph's main() calls
// clean_up_on_exit_signals(): on SIGINT, SIGTERM or SIGHUP one thread SIGKILLs
// the groups and removes the directories, then the signal ends cph as usual.
// A library user that never calls it pays one uncontended lock per spawn.
#pragma once
#include <sys/types.h>

#include <mutex>
#include <string>

namespace cph::proc {

// Held while a child is forked and registered, so the clean-up never runs
// between the two (a child forked then would be missed).
std::unique_lock<std::mutex> lock_for_spawn();
// The caller holds lock_for_spawn().
void track_group_locked(pid_t pgid);
// Before the leader is reaped (while its pid cannot be reused).
void untrack_group(pid_t pgid);

void track_temp_dir(const std::string& path);
void untrack_temp_dir(const std::string& path);

// Blocks the three signals (call before any thread starts: threads inherit
// the mask) and starts the thread that takes them.
void clean_up_on_exit_signals();

// The same clean-up at a normal exit: the helpers of abandoned cases (whose
// threads never returned) are killed, with everything this process (a
// subreaper: proc/descendants.hpp) inherited from them, and the temp
// directories still registered are removed. Call last in main().
void clean_up_at_exit();

}  // namespace cph::proc
