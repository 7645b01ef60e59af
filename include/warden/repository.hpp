// The git access layer: a repository opened with libgit2 and the few
// operations the verification engine needs. Nothing here knows about
// signatures or policies.
//
// A Repository never writes to the object database on disk: objects that
// the engine creates while computing clean merges go to an in-memory pack.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "warden/object_id.hpp"
#include "warden/result.hpp"

struct git_repository;

namespace warden {

// One commit as the engine sees it.
struct CommitData {
  ObjectId id;
  ObjectId tree;
  std::vector<ObjectId> parents;
  std::string summary;          // first line of the message
  std::string signature;        // the gpgsig header's value ("" if none)
  std::string signed_payload;   // the commit object without its gpgsig header
  int signature_headers = 0;    // how many gpgsig/gpgsig-sha256 headers
};

// A file read from a tree.
struct Blob {
  ObjectId id;
  std::string content;
};

// The clean merge of a merge commit's parents.
struct CleanMerge {
  std::optional<ObjectId> tree;            // empty if no merge could be computed
  std::vector<std::string> conflicted;     // paths git could not merge
  std::string why_not;                     // reason when tree is empty
};

class Repository {
 public:
  // Opens the repository at or above `path` (like git does).
  static Result<Repository> open(const std::string& path);
  // Opens a bare or non-bare repository at exactly `path`, without discovery.
  static Result<Repository> open_exact(const std::string& path);

  Repository(Repository&&) noexcept;
  Repository& operator=(Repository&&) noexcept;
  ~Repository();

  // Resolves a revision expression (sha, ref, HEAD~2, ...) to a commit.
  Result<ObjectId> resolve_commit(const std::string& rev) const;
  Result<CommitData> read_commit(const ObjectId& id) const;
  // The file at `path` in `tree`, or nullopt if there is none (or it is
  // not a regular file). Files larger than `max_size` are an error.
  Result<std::optional<Blob>> read_file(const ObjectId& tree, const std::string& path,
                                        size_t max_size) const;

  // Paths whose entries differ between two trees (see tree_diff.cpp).
  Result<std::vector<std::string>> changed_paths(const std::optional<ObjectId>& from,
                                                 const ObjectId& to) const;
  // The clean merge of `parents` (see clean_merge.cpp).
  Result<CleanMerge> clean_merge(const std::vector<ObjectId>& parents) const;

  // True if `commit` is a strict descendant of `ancestor`.
  Result<bool> descendant_of(const ObjectId& commit, const ObjectId& ancestor) const;
  // Commits reachable from `tips` and not from `hidden`, parents first
  // (see history_walk.cpp).
  Result<std::vector<ObjectId>> walk(const std::vector<ObjectId>& tips,
                                     const std::vector<ObjectId>& hidden) const;

  std::optional<std::string> config_string(const std::string& key) const;
  Status set_config_string(const std::string& key, const std::string& value);
  // The working directory, or nullopt for a bare repository.
  std::optional<std::string> workdir() const;

  git_repository* raw() const;

 private:
  struct Impl;
  explicit Repository(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The last libgit2 error as text, prefixed with `what`.
std::string git_error_text(const std::string& what);

}  // namespace warden
