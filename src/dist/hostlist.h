#pragma once
// Slurm's compressed host lists ("node[01-04,07],gpu5", "rack[1-2]-n[01-08]"): the first host is
// where rank 0 runs, so it is the rendezvous address when the job does not set MASTER_ADDR.
// Torch-free.
#include <string>
#include <vector>

namespace facerep::dist {

// Every host of `list` in order, zero padding kept ("node[08-10]" -> node08, node09, node10).
// Throws core::ConfigError naming `source` (the environment variable) on a malformed list.
std::vector<std::string> expand_hostlist(const std::string& list, const std::string& source);

// The first host of `list` (expand_hostlist(list)[0], without expanding the rest).
std::string first_host(const std::string& list, const std::string& source);

}  // namespace facerep::dist
