// Writing a file so that readers see the old one or the new one, never a
// part: the bytes go to a temporary file of this process beside it
// (<path>.tmp-<pid>, so that two processes writing at once never share
// one), are flushed to disk, then renamed over `path`. The directory must
// exist. An Error names the file and why.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

#include "warden/result.hpp"

namespace warden {

Status write_file_atomically(const std::string& path, std::string_view bytes, mode_t mode);

}  // namespace warden
