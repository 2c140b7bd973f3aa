#pragma once
// Every result file facerep writes goes through here: written to `<path>.tmp.<pid>`, flushed to
// the disk (fsync) and renamed into place, so a reader (or a rerun after a crash, kill -9 or a
// full disk) sees the previous file or the new one, never half of one and never an empty one.
#include <cstddef>
#include <string>

namespace facerep::core {

// The temporary name this process writes `path` under.
std::string temporary_path(const std::string& path);

// Creates the parent folders, writes, fsyncs and renames. On failure the temporary is removed,
// `path` is left as it was, and a RuntimeError names the path and the reason (e.g. "No space
// left on device").
// `durable` = false skips the fsync: still never half a file after a kill, only a power cut may
// lose it (for bulk outputs that are cheap to remake, e.g. thousands of exported images).
void write_file_atomic(const std::string& path, const char* data, size_t size, bool durable = true);
void write_file_atomic(const std::string& path, const std::string& text, bool durable = true);

// Removes the temporaries that processes which are gone left in `dir` (not recursive): files
// named "<name>.tmp.<pid>" whose pid is not running. Returns how many were removed.
int remove_stale_temporaries(const std::string& dir);

}  // namespace facerep::core
