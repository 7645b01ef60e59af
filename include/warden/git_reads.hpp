// The seam between git and everything above it: the reads the
// verification engine and the policy layer make of a repository, as one
// small interface. `Repository` (repository.hpp) is the real one, over
// libgit2; tests wrap it (tests/support/faulty_reads.hpp) to make an
// object missing or unreadable and show that every such error on a
// verification path is a refusal. Nothing here writes: refs, config and
// signed statements are written through Repository itself, by the trust
// layer and the front ends.
//
// Threads: an implementation is used by one thread at a time, including
// its const members; another thread reads through its own handle,
// reader(). Lifetimes: CommitData, TreeChanges and the like are values,
// valid after the handle is gone; between release_objects() and
// reopen_objects() no read may be made (each returns an error, never
// stale data).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden {

// One commit as the engine sees it.
struct CommitData {
  ObjectId id;
  ObjectId tree;
  std::vector<ObjectId> parents;
  std::string summary;          // first line of the message
  std::string signature;        // the gpgsig header's value ("" if none)
  std::string signed_payload;   // what the signature covers, as git extracts it
  int signature_headers = 0;    // how many "gpgsig " headers
  int other_signature_headers = 0;  // other headers starting with "gpgsig" (gpgsig-sha256, ...)
  int64_t committer_time = 0;   // seconds since the epoch
  std::string committer_name, committer_email;
};

// A file read from a tree.
struct Blob {
  ObjectId id;
  std::string content;
};

// What changed between two trees.
struct TreeChanges {
  std::vector<std::string> paths;  // every changed path, deletions included
  // The first path of the new tree that git refuses to check out
  // (checkout_path.hpp), and why; nullopt if there is none.
  std::optional<std::string> refused_path;
  std::string refused_why;
};

// The clean merge of a merge commit's parents.
struct CleanMerge {
  std::optional<ObjectId> tree;            // empty if no merge could be computed
  std::vector<std::string> conflicted;     // paths git could not merge
  std::string why_not;                     // reason when tree is empty
};

// What a two-parent merge is measured against: the tree of its merge
// base, or for a criss-cross merge of two bases the virtual base libgit2's
// recursive merge makes (the bases merged one by one, oldest first, over
// their own merge bases) where those merges are clean; `none` for
// unrelated histories; `recursive` where only libgit2's recursive merge
// can say (more bases than warden merges, or a merge libgit2 refused).
struct MergeBaseTree {
  enum Kind { tree, none, recursive } kind = none;
  ObjectId id;  // the tree, for `tree`
};

// An annotated tag object.
struct TagData {
  ObjectId id;
  ObjectId target;
  std::string target_type;     // "commit", "tree", ...
  std::string name;
  std::string signature;       // armored signature appended to the message ("" if none)
  std::string signed_payload;  // the tag object up to the signature
};

// Something that makes git show another history than the objects hold: a
// replace ref, or a graft.
struct HistoryAlteration {
  std::string source;  // "refs/replace/<id>", or the graft file and line
  ObjectId object;     // the object git shows something else for
};

// A ref and what it points at.
struct RefTip {
  std::string name;
  ObjectId target;  // the object the ref points at (direct refs only)
};

class GitReads {
 public:
  virtual ~GitReads() = default;

  // Objects.
  virtual Result<ObjectId> resolve_commit(const std::string& rev) const = 0;
  virtual Result<CommitData> read_commit(const ObjectId& id) const = 0;
  // The type of an object ("commit", "tag", "tree", "blob"), or an error
  // if it is missing.
  virtual Result<std::string> object_type(const ObjectId& id) const = 0;
  // Follows tags down to a commit.
  virtual Result<ObjectId> peel_to_commit(const ObjectId& id) const = 0;
  virtual Result<TagData> read_tag(const ObjectId& id) const = 0;

  // Trees and files.
  // The file at `path` in `tree`, or nullopt if there is none (or it is
  // not a regular file). Files larger than `max_size` are an error.
  virtual Result<std::optional<Blob>> read_file(const ObjectId& tree, const std::string& path,
                                                size_t max_size) const = 0;
  // The id of whatever is at `path` in `tree` (blob or tree), or nullopt.
  virtual Result<std::optional<ObjectId>> entry_id(const ObjectId& tree, const std::string& path) const = 0;
  // The blob `id`, named `path` in messages. Larger than `max_size` is an error.
  virtual Result<Blob> read_blob(const ObjectId& id, size_t max_size, const std::string& path) const = 0;
  // Every regular file under `tree`, at any depth, whose name ends with
  // `suffix`: its path and blob id, in tree order.
  virtual Result<std::vector<std::pair<std::string, ObjectId>>> list_files(const ObjectId& tree,
                                                                           const std::string& suffix) const = 0;

  // Changes and merges.
  // Paths whose entries differ between two trees, and the first path of
  // `to` that git would refuse to check out (see tree_diff.cpp).
  virtual Result<TreeChanges> changed_paths(const std::optional<ObjectId>& from, const ObjectId& to) const = 0;
  // The clean merge of `parents` (see clean_merge.cpp).
  virtual Result<CleanMerge> clean_merge(const std::vector<ObjectId>& parents) const = 0;
  // The same, measured against `base` (merge_base_tree of the parents),
  // for a caller that has it already.
  virtual Result<CleanMerge> clean_merge(const std::vector<ObjectId>& parents, const MergeBaseTree& base) const = 0;
  // The tree a merge of `a` and `b` is measured against (see
  // MergeBaseTree); a virtual base is written to memory, like a clean merge.
  virtual Result<MergeBaseTree> merge_base_tree(const ObjectId& a, const ObjectId& b) const = 0;
  // The same from their merge bases (merge_bases(a, b)), already found.
  virtual Result<MergeBaseTree> merge_base_tree(const std::vector<ObjectId>& bases) const = 0;
  // A two-parent merge's own changes (against the clean merge of `ours`
  // and `theirs` from `base`, all trees), where the clean merge is decided
  // by object ids alone; nullopt where a content merge would be needed
  // (see merge_walk.cpp). Agrees with changed_paths(clean_merge(...)).
  virtual Result<std::optional<TreeChanges>> merge_changes_by_ids(const ObjectId& base, const ObjectId& ours,
                                                                  const ObjectId& theirs,
                                                                  const ObjectId& merge) const = 0;
  // The same for a criss-cross merge, with the trees of all its merge
  // bases: decided where every entry the walk needs is the same in all of
  // them (then the virtual base libgit2 would make of them has it too).
  virtual Result<std::optional<TreeChanges>> merge_changes_by_ids(const std::vector<ObjectId>& bases,
                                                                  const ObjectId& ours, const ObjectId& theirs,
                                                                  const ObjectId& merge) const = 0;
  // Forgets the objects a merge computation wrote into memory (they are
  // never written to disk); a long run does not keep them.
  virtual void drop_written_objects() const = 0;

  // Ancestry: by generation numbers, never by commit dates (see
  // commit_graph.hpp).
  // The best merge bases of two commits (several for a criss-cross
  // merge), highest generation first (one generation: by id).
  virtual Result<std::vector<ObjectId>> merge_bases(const ObjectId& a, const ObjectId& b) const = 0;
  // True if `commit` is a strict descendant of `ancestor`.
  virtual Result<bool> descendant_of(const ObjectId& commit, const ObjectId& ancestor) const = 0;
  // Commits reachable from `tips` and not from `hidden`, parents first:
  // each commit's parents in order, first parent first, then the commit.
  virtual Result<std::vector<ObjectId>> walk(const std::vector<ObjectId>& tips,
                                             const std::vector<ObjectId>& hidden) const = 0;
  // The replace refs git honours here and the grafts git reads (see
  // history_alterations.cpp).
  virtual Result<std::vector<HistoryAlteration>> history_alterations() const = 0;
  // True for a shallow clone (commits past its boundary are missing).
  virtual bool is_shallow() const = 0;

  // Refs, notes and settings.
  // The object a ref points at, or nullopt if the ref does not exist.
  virtual Result<std::optional<ObjectId>> ref_target(const std::string& name) const = 0;
  // Every note of a notes commit: annotated object -> the note's blob.
  virtual Result<std::unordered_map<ObjectId, ObjectId, ObjectIdHash>> notes_of(
      const ObjectId& notes_commit) const = 0;
  // The text of the note blob `blob` on `annotated`. Over `max_size` is an error.
  virtual Result<std::string> note_text(const ObjectId& blob, const ObjectId& annotated, size_t max_size) const = 0;
  virtual std::optional<std::string> config_string(const std::string& key) const = 0;

  // Handles.
  // Another handle on the same objects, for reading on another thread.
  virtual Result<std::unique_ptr<GitReads>> reader() const = 0;
  // Lets go of the object store, then opens it again (see
  // Repository::release_objects). Reading between the two is an error.
  virtual void release_objects() const = 0;
  virtual Status reopen_objects() const = 0;
};

// True if `name` is a valid full ref name ("refs/heads/main"), by git's rules.
bool is_valid_ref_name(const std::string& name);

// The non-empty lines of a note.
std::vector<std::string> note_lines(std::string_view text);

}  // namespace warden
