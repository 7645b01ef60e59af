// RAII owners for libgit2 handles: each handle type gets a unique_ptr with
// the matching git_*_free as its deleter.
#pragma once

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include <string>

#include "common/handle.hpp"
#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden::git {

using warden::Handle;

using RepositoryHandle = Handle<git_repository, git_repository_free>;
using CommitHandle = Handle<git_commit, git_commit_free>;
using TreeHandle = Handle<git_tree, git_tree_free>;
using TreeEntryHandle = Handle<git_tree_entry, git_tree_entry_free>;
using BlobHandle = Handle<git_blob, git_blob_free>;
using IndexHandle = Handle<git_index, git_index_free>;
using ObjectHandle = Handle<git_object, git_object_free>;
using OdbHandle = Handle<git_odb, git_odb_free>;
using ConfigHandle = Handle<git_config, git_config_free>;
using ReferenceHandle = Handle<git_reference, git_reference_free>;
using ReferenceIteratorHandle = Handle<git_reference_iterator, git_reference_iterator_free>;
using TagHandle = Handle<git_tag, git_tag_free>;
using OdbObjectHandle = Handle<git_odb_object, git_odb_object_free>;
using ConflictIteratorHandle = Handle<git_index_conflict_iterator, git_index_conflict_iterator_free>;

// A git_buf that is disposed of when it goes out of scope.
struct Buf {
  git_buf buf = GIT_BUF_INIT;
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  ~Buf() { git_buf_dispose(&buf); }
  std::string str() const { return buf.ptr ? std::string(buf.ptr, buf.size) : std::string(); }
};

// Keeps libgit2 initialised for as long as one instance lives.
class LibraryGuard {
 public:
  LibraryGuard() {
    if (git_libgit2_init() == 1) bound_memory();
  }
  ~LibraryGuard() { git_libgit2_shutdown(); }
  LibraryGuard(const LibraryGuard&) = delete;
  LibraryGuard& operator=(const LibraryGuard&) = delete;

 private:
  // Memory follows the width of the work, not the length of the history.
  // libgit2's defaults: 256 MB of cached objects (counted raw: parsed
  // trees take about twice that), pack windows of 1 GB, 8 GB mapped in all.
  // A run reads most trees once or twice in a row, so 8 MB of cache loses
  // nothing measurable; 256 MB of mapped windows serve the handles of a run
  // (the rules' and those reading ahead) without remapping on a history as
  // long as git/git's (a 500 MB pack: at 128 MB, a fifth of the audit's
  // time went to unmapping and mapping windows again).
  static void bound_memory() {
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, static_cast<ssize_t>(8) << 20);
    // libgit2 caches no tree over 4 KB by default: git/git's root tree
    // (20 KB), its t/ and Documentation/ were read again, inflated and
    // hashed by every commit that compared them.
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, static_cast<size_t>(1) << 20);
    // No commit is cached: warden keeps what it needs of each commit (its
    // facts, its parents and generation in the commit graph) and reads it
    // once, so caching only churned. Numbering a 20,000-commit history on
    // a server without a commit-graph file took 15% less without it, and
    // audits of git/git took the same time.
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT, static_cast<size_t>(0));
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, static_cast<size_t>(32) << 20);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, static_cast<size_t>(256) << 20);
    // Strict object creation looks up every entry of a tree warden builds
    // (and every parent of a commit) to check that it exists: warden builds
    // trees only from entries of trees it has read (virtual merge bases, in
    // memory) or of objects it has just written, so the check finds nothing
    // and cost a tenth of an audit of git/git. What is read is still checked
    // against its id (strict hash verification stays on).
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
  }
};

// The tree `id`; an error says whether it is missing or malformed, naming
// `path` (where it sits in a larger tree) when given.
Result<TreeHandle> lookup_tree(git_repository* repo, const ObjectId& id, const std::string& path = "");

}  // namespace warden::git
