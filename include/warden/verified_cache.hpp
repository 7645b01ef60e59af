// The verified-commit cache (DESIGN section 4): tips already authenticated
// under one anchor, so that repeated runs only check what is new. Every
// ancestor of such a tip is authenticated or pre-anchor history, so the
// tips are enough. Kept in GIT_DIR/warden/verified/, one file per anchor,
// written atomically with a checksum. A damaged, foreign or writable-by-
// others file is ignored (and rebuilt on the next save), never trusted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "warden/repository.hpp"
#include "warden/verifier.hpp"

namespace warden {

class VerifiedCache {
 public:
  static constexpr size_t kMaxTips = 256;

  // Never fails: an unusable file gives an empty cache and a warning.
  static VerifiedCache load(const Repository& repo, const Anchor& anchor);

  // The tips a cache file's text lists, or why it cannot be used
  // (damaged, or made for another anchor). `anchor_line` is
  // "anchor <commit>:<fingerprint>".
  static Result<std::vector<ObjectId>> parse_cache_file(std::string_view text, std::string_view anchor_line);

  const std::vector<ObjectId>& tips() const { return tips_; }
  // True if a valid cache file for this anchor was read: a run that
  // authenticated from this anchor wrote it, so its signature was checked.
  bool loaded() const { return loaded_; }
  // Why the file on disk was ignored ("" if it was fine or absent).
  const std::string& warning() const { return warning_; }
  const std::string& path() const { return path_; }

  // Records an authenticated commit (the newest tips are kept).
  void add(const ObjectId& tip);
  // Writes the cache atomically (temporary file, then rename).
  Status save() const;

 private:
  std::string path_;
  std::string anchor_line_;
  std::vector<ObjectId> tips_;
  std::string warning_;
  bool loaded_ = false;
};

}  // namespace warden
