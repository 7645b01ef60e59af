// Path patterns of the policy file: git tree paths, '/'-separated,
// byte-exact and case-sensitive. "/" covers every path; "a/b" and "a/b/"
// both cover a/b itself and everything under a/b/, never a/bc.
#pragma once

#include <string>
#include <string_view>

#include "warden/result.hpp"

namespace warden {

class PathPattern {
 public:
  // Refuses "", "..", "." segments, "//", a leading "/" (other than "/"
  // alone), NUL and backslashes.
  static Result<PathPattern> parse(std::string_view text);

  bool covers(std::string_view path) const;
  // True if some path is covered by both patterns.
  bool overlaps(const PathPattern& other) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;    // as written
  std::string prefix_;  // normalised: "" for "/", else "a/b" without trailing '/'
};

// True for paths inside the policy directory (".warden" and below).
bool is_policy_path(std::string_view path);

}  // namespace warden
