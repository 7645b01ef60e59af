// Paths git refuses to check out (DESIGN section 3). A port of git's own
// rules, read-cache.c verify_path() with core.protectHFS and
// core.protectNTFS both on, so that a commit whose tree git cannot check
// out is refused whoever signed it:
//   - an empty component, "." or "..", a trailing '/';
//   - ".git" in any case, and its NTFS aliases (".git " , ".git.", "git~1",
//     ".git:stream", after a backslash) and HFS+ aliases (".git" with
//     ignorable Unicode code points such as U+200C inside);
//   - for symbolic links, ".gitmodules" and its NTFS/HFS+ aliases.
// And, per tree entry: an empty name or a name containing '/'.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warden::git {

// Why git refuses to check out `path` (a '/'-separated path of an entry
// with `mode`, as in a tree), or nullopt if it does not.
std::optional<std::string> refused_path(std::string_view path, uint32_t mode);

// Why a tree entry's own name is malformed (empty, or containing '/'), or nullopt.
std::optional<std::string> refused_entry_name(std::string_view name);

}  // namespace warden::git
