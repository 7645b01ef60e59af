// The git access layer: a repository opened with libgit2. It is the real
// GitReads (git_reads.hpp: the reads the engine and the policy layer
// make), and it also writes what the trust layer and the front ends write
// (refs, config, signed statements, notes). Nothing here knows about
// signatures or policies.
//
// A Repository never writes to the object database on disk: objects that
// the engine creates while computing clean merges go to an in-memory pack.
//
// Threads: a Repository (a libgit2 handle) is used by one thread at a
// time, including its const members; another thread reads through its own
// handle, reader(). Lifetimes: CommitData, TreeDiff and the like are
// values, valid after the handle is gone; between release_objects() and
// reopen_objects() no read may be made on the handle (each returns an
// error, never stale data).
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "warden/git_reads.hpp"
#include "warden/object_id.hpp"
#include "warden/result.hpp"

struct git_repository;

namespace warden {

namespace git {
class CommitGraph;
struct VirtualBases;
}

class Repository final : public GitReads {
 public:
  // Opens the repository at or above `path` (like git does).
  static Result<Repository> open(const std::string& path);
  // Opens a bare or non-bare repository at exactly `path`, without discovery.
  static Result<Repository> open_exact(const std::string& path);

  // Clones `url` into `path` (which must not exist) without checking out
  // any files: nothing of the remote's content lands in a work tree before
  // it is verified. `first_refspecs` are fetched too, configured on the
  // remote before its default refspec (as `install --client` would place
  // them), so they arrive in the same fetch as the branches.
  static Result<Repository> clone_bare_checkout(const std::string& url, const std::string& path,
                                                const std::vector<std::string>& first_refspecs = {});
  // Checks out HEAD into the work tree (after verification). Returns false
  // if HEAD names a branch that does not exist (nothing to check out).
  Result<bool> checkout_head();

  Repository(Repository&&) noexcept;
  Repository& operator=(Repository&&) noexcept;
  ~Repository();

  // Resolves a revision expression (sha, ref, HEAD~2, ...) to a commit.
  Result<ObjectId> resolve_commit(const std::string& rev) const override;
  Result<CommitData> read_commit(const ObjectId& id) const override;
  // The file at `path` in `tree`, or nullopt if there is none (or it is
  // not a regular file). Files larger than `max_size` are an error.
  Result<std::optional<Blob>> read_file(const ObjectId& tree, const std::string& path,
                                        size_t max_size) const override;

  // The id of whatever is at `path` in `tree` (blob or tree), or nullopt.
  Result<std::optional<ObjectId>> entry_id(const ObjectId& tree, const std::string& path) const override;
  // The blob `id`, named `path` in messages. Larger than `max_size` is an error.
  Result<Blob> read_blob(const ObjectId& id, size_t max_size, const std::string& path) const override;
  // Every regular file under `tree`, at any depth, whose name ends with
  // `suffix`: its path and blob id, in tree order.
  Result<std::vector<std::pair<std::string, ObjectId>>> list_files(const ObjectId& tree,
                                                                   const std::string& suffix) const override;

  // Paths whose entries differ between two trees (see tree_diff.cpp).
  // Paths whose entries differ between two trees, and the first path of
  // `to` that git would refuse to check out (see tree_diff.cpp).
  Result<TreeChanges> changed_paths(const std::optional<ObjectId>& from, const ObjectId& to) const override;
  // The clean merge of `parents` (see clean_merge.cpp).
  Result<CleanMerge> clean_merge(const std::vector<ObjectId>& parents) const override;
  // The same, measured against `base` (merge_base_tree of the parents),
  // for a caller that has it already.
  Result<CleanMerge> clean_merge(const std::vector<ObjectId>& parents, const MergeBaseTree& base) const override;
  // The tree a merge of `a` and `b` is measured against (see
  // MergeBaseTree); a virtual base is written to memory, like a clean merge.
  Result<MergeBaseTree> merge_base_tree(const ObjectId& a, const ObjectId& b) const override;
  // The same from their merge bases (merge_bases(a, b)), already found.
  Result<MergeBaseTree> merge_base_tree(const std::vector<ObjectId>& bases) const override;
  // A two-parent merge's own changes (against the clean merge of `ours`
  // and `theirs` from `base`, all trees), where the clean merge is decided
  // by object ids alone; nullopt where a content merge would be needed
  // (see merge_walk.cpp). Agrees with changed_paths(clean_merge(...)).
  Result<std::optional<TreeChanges>> merge_changes_by_ids(const ObjectId& base, const ObjectId& ours,
                                                          const ObjectId& theirs, const ObjectId& merge) const override;
  // The same for a criss-cross merge, with the trees of all its merge
  // bases: decided where every entry the walk needs is the same in all of
  // them (then the virtual base libgit2 would make of them has it too).
  Result<std::optional<TreeChanges>> merge_changes_by_ids(const std::vector<ObjectId>& bases, const ObjectId& ours,
                                                          const ObjectId& theirs, const ObjectId& merge) const override;
  // The best merge bases of two commits (several for a criss-cross
  // merge), highest generation first (one generation: by id). This, descendant_of and walk go by
  // generation numbers, never by commit dates (see commit_graph.hpp).
  Result<std::vector<ObjectId>> merge_bases(const ObjectId& a, const ObjectId& b) const override;

  // True if `commit` is a strict descendant of `ancestor`.
  Result<bool> descendant_of(const ObjectId& commit, const ObjectId& ancestor) const override;
  // Commits reachable from `tips` and not from `hidden`, parents first:
  // each commit's parents in order, first parent first, then the commit.
  Result<std::vector<ObjectId>> walk(const std::vector<ObjectId>& tips,
                                     const std::vector<ObjectId>& hidden) const override;

  // The replace refs git honours here and the grafts git reads (see
  // history_alterations.cpp).
  Result<std::vector<HistoryAlteration>> history_alterations() const override;
  // True for a shallow clone (commits past its boundary are missing).
  bool is_shallow() const override;

  // Makes objects in these directories readable too: git passes a push's
  // quarantine directory this way (GIT_OBJECT_DIRECTORY and
  // GIT_ALTERNATE_OBJECT_DIRECTORIES), and libgit2 does not read them itself.
  Status add_object_directories(const std::vector<std::string>& dirs);
  // Reads GIT_OBJECT_DIRECTORY / GIT_ALTERNATE_OBJECT_DIRECTORIES from the
  // environment and adds them (see add_object_directories).
  Status add_object_directories_from_environment();

  // Another handle on the same objects (the same repository and object
  // directories), for reading on another thread: libgit2's handles are not
  // shared between threads.
  Result<std::unique_ptr<GitReads>> reader() const override;
  // Forgets the objects a merge computation wrote into memory (they are
  // never written to disk); a long run does not keep them.
  void drop_written_objects() const override;
  // Lets go of the object store, then opens it again (the same
  // directories, an empty in-memory store). libgit2 keeps up to 16 MB of
  // delta bases for every pack it has read, for as long as a handle holds
  // the pack, and all handles in the process share one copy of each pack:
  // a long run releases every handle it reads with, then reopens them, and
  // the packs behind it are freed. Reading between the two is an error.
  void release_objects() const override;
  Status reopen_objects() const override;
  // Keeps the parents and generation numbers this handle learnt by reading
  // commits in warden's own commit-graph file (<git common dir>/warden/
  // commit-graph, git's format: git/commit_graph_file.hpp), with what the
  // file held, when there are enough of them to spare the next run a long
  // read; else does nothing. For front ends, after a run. A walk that
  // numbered that many starts the same save on another thread, while the
  // run goes on; this waits for it (its error, if it failed), then saves
  // what was numbered since if that is as many.
  Status save_generations() const;
  // Numbers every commit reachable from `tips` and keeps the numbers as
  // save_generations() does: a server's first deep push check then reads
  // no history (install --server).
  Status number_history(const std::vector<ObjectId>& tips) const;

  // The note on `annotated` in the notes commit `notes_commit` (the tip of
  // a notes ref), or nullopt if it has none. Over `max_size` is an error.
  Result<std::optional<std::string>> note(const ObjectId& notes_commit, const ObjectId& annotated,
                                          size_t max_size) const;
  // Every note of a notes commit: annotated object -> the note's blob. One
  // walk of the notes tree, for callers that look up many notes (libgit2
  // reads and inflates the whole tree again for each note() it is asked).
  Result<std::unordered_map<ObjectId, ObjectId, ObjectIdHash>> notes_of(const ObjectId& notes_commit) const override;
  // The text of the note blob `blob` on `annotated`. Over `max_size` is an error.
  Result<std::string> note_text(const ObjectId& blob, const ObjectId& annotated, size_t max_size) const override;
  // Commits among the objects no ref may reach yet: loose objects and
  // packs a running fetch keeps (a .keep file beside them), at most
  // `max_objects` objects looked at. A fetch writes its objects before it
  // moves any ref, so its hooks find the approvals and snapshots it brings
  // here. Anything found is only a place to look: a statement counts for
  // its signature.
  std::vector<ObjectId> commits_in_flight(size_t max_objects) const;
  // Whether the commit's tree holds only notes (names that are object ids).
  bool is_notes_commit(const ObjectId& id) const;
  // Writes a commit whose tree holds the files `files` (name -> content),
  // with `parent` if given, signed with the armored signature `sign`
  // returns for the commit's text (as git's gpgsig header), and moves `ref`
  // to it only from `parent` (or creates it if there is none). Written to
  // disk, not to memory.
  Result<ObjectId> commit_signed_files(const std::string& ref, const std::optional<ObjectId>& parent,
                                       const std::vector<std::pair<std::string, std::string>>& files,
                                       const std::string& message,
                                       const std::function<Result<std::string>(const std::string&)>& sign);
  // Adds `lines` to the note on `annotated` under `notes_ref` (creating
  // either), combined as git's cat_sort_uniq merge does: the lines of both,
  // sorted, each once. A new notes commit on the ref's tip; the ref moves
  // only if nobody moved it meanwhile. Returns the new notes commit.
  Result<ObjectId> add_note_lines(const std::string& notes_ref, const ObjectId& annotated,
                                  const std::vector<std::string>& lines);

  // The object a ref points at, or nullopt if the ref does not exist.
  Result<std::optional<ObjectId>> ref_target(const std::string& name) const override;
  // The ref HEAD points at ("refs/heads/main"), even if it has no commit yet.
  std::optional<std::string> head_ref_name() const;
  // The ref a symbolic ref names ("refs/remotes/origin/HEAD" ->
  // "refs/remotes/origin/main"), or nullopt if it is not symbolic.
  std::optional<std::string> symbolic_target(const std::string& name) const;
  // Points `name` at `id` atomically (lock file and rename), creating it if
  // needed, with `message` in its reflog.
  Status set_ref(const std::string& name, const ObjectId& id, const std::string& message);
  // Every direct ref under refs/ (symbolic refs are skipped).
  // Those matching `glob` (libgit2's ref globbing) only.
  Result<std::vector<RefTip>> list_refs(const std::string& glob = "refs/*") const;
  // The type of an object ("commit", "tag", "tree", "blob"), or an error if
  // it is missing.
  Result<std::string> object_type(const ObjectId& id) const override;
  // Follows tags down to a commit.
  Result<ObjectId> peel_to_commit(const ObjectId& id) const override;
  Result<TagData> read_tag(const ObjectId& id) const override;

  std::optional<std::string> config_string(const std::string& key) const override;
  // All values of a multi-valued config key.
  std::vector<std::string> config_strings(const std::string& key) const;
  // The directory git keeps the repository in (".git/" or the bare repo).
  std::string git_dir() const;
  Status set_config_string(const std::string& key, const std::string& value);
  // Adds `value` as the first value of the multi-valued `key` in the
  // repository's own config (git reads them in order); nothing if it is
  // there already.
  Status add_first_config_value(const std::string& key, const std::string& value);
  // The names of the configured remotes.
  std::vector<std::string> remote_names() const;
  // The working directory, or nullopt for a bare repository.
  std::optional<std::string> workdir() const;

  git_repository* raw() const;

 private:
  struct Impl;
  // This handle's ancestry index (made on first use).
  git::CommitGraph& graph() const;
  // The virtual base of merge bases `bases` (see MergeBaseTree); those
  // made on the way are kept in `made`.
  Result<MergeBaseTree> virtual_base(const std::vector<ObjectId>& bases, git::VirtualBases& made) const;
  // open and open_exact: git_repository_open_ext with `flags`.
  static Result<Repository> open_with(const std::string& path, unsigned flags);
  explicit Repository(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  mutable std::unique_ptr<git::CommitGraph> graph_;
  // Saves generation numbers when enough are new (save_generations), on
  // this thread or (`wait` false) on another, as saving_.
  Status keep_generations(bool wait) const;
  mutable size_t generations_kept_ = 0;  // graph_->computed() when last saved
  mutable std::future<Status> saving_;   // last: its destructor waits for the save
};

// The last libgit2 error as text, prefixed with `what`.
std::string git_error_text(const std::string& what);

// The error for libgit2's return code `rc` reading the `kind` ("commit",
// "object") `id`: "missing ..." of kind missing_object when the
// repository does not have it, "cannot read ..." otherwise.
Error object_error(int rc, const std::string& kind, const ObjectId& id);

}  // namespace warden
