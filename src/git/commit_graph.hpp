// Ancestry that no commit date can mislead (DESIGN section 3): every
// commit a question reaches gets a generation number (1 for a root, one
// more than its highest parent otherwise), and "is X an ancestor of Y",
// "what is reachable from these and not from those" and "what are the
// merge bases" are answered by walks bounded by generation, never by the
// committer dates libgit2's and git's own date-ordered walks go by.
//
// A graph belongs to one Repository handle (not shared between threads).
// It remembers every commit it has read (its parents and generation, about
// 60 bytes each); commits never change, so nothing it holds goes stale.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <utility>
#include <unordered_map>
#include <vector>

#include "git/commit_graph_file.hpp"
#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden::git {

class CommitGraph {
 public:
  // Reads a commit's parents (in order); an Error for a missing commit.
  using ReadParents = std::function<Result<std::vector<ObjectId>>(const ObjectId&)>;
  // git's commit-graph file, if there is one (opened the first time a
  // generation must be computed: a walk near the tips needs none).
  using OpenFile = std::function<std::optional<CommitGraphFile>()>;
  // Says whether everything `read` returned so far can be relied on (a
  // reader that checks objects later, commit_parent_reader.hpp): every
  // question below asks it before it answers, and fails with its error.
  using Settle = std::function<Status()>;
  // `open_own`: warden's own file of the same format, if there is one
  // (commit_graph_file.hpp), opened at the same time as git's.
  explicit CommitGraph(ReadParents read, OpenFile open_file = {}, OpenFile open_own = {}, Settle settle = {})
      : read_(std::move(read)), open_file_(std::move(open_file)), open_own_(std::move(open_own)),
        settle_(std::move(settle)) {}

  // Numbers `commit` and every ancestor of it (reading what no file holds).
  Status number(const ObjectId& commit);
  // How many generation numbers were computed by reading commits (neither
  // file held them): what warden's file would spare the next run.
  size_t computed() const { return computed_; }
  // Every commit whose parents and generation number are known, once
  // what was read is settled (an Error if it is not sound).
  Result<std::vector<CommitGraphFile::Entry>> known();

  // True if `commit` is a strict descendant of `ancestor`.
  Result<bool> descendant_of(const ObjectId& commit, const ObjectId& ancestor);
  // Commits reachable from `tips` and not from `hidden`, parents before
  // children (each commit's parents in order, first parent first).
  Result<std::vector<ObjectId>> range(const std::vector<ObjectId>& tips, const std::vector<ObjectId>& hidden);
  // The best common ancestors of `a` and `b` (none of them an ancestor of
  // another; several for a criss-cross merge), highest generation first.
  Result<std::vector<ObjectId>> merge_bases(const ObjectId& a, const ObjectId& b);
  // The same for `a` and a merge of all of `others` (git's merge_bases_many).
  Result<std::vector<ObjectId>> merge_bases(const ObjectId& a, const std::vector<ObjectId>& others);

 private:
  using Index = uint32_t;
  struct Node {
    ObjectId id;
    uint32_t generation = 0;       // 0: not known yet
    uint32_t first_parent = 0;     // into parents_
    uint32_t parent_count = 0;
    bool parents_read = false;
  };

  // `r`, once what was read is settled (else the reader's error).
  template <class T>
  Result<T> settled(Result<T> r);
  Status settled(Status s);
  // The walks behind the questions above, before settling.
  Status number_walk(const ObjectId& commit);
  Result<bool> descendant_walk(const ObjectId& commit, const ObjectId& ancestor);
  Result<std::vector<ObjectId>> range_walk(const std::vector<ObjectId>& tips, const std::vector<ObjectId>& hidden);
  Result<std::vector<ObjectId>> merge_bases_walk(const ObjectId& a, const std::vector<ObjectId>& others);

  Result<Index> node(const ObjectId& id);
  Status read_parents(Index n);
  Status set_parents(Index n, const std::vector<ObjectId>& parents);
  // Sets n's generation number (1 for a root, else 1 + the highest of its
  // parents'), reading every ancestor not read before (once).
  Status compute_generation(Index n);
  // Reads n's parents, each with its generation (a walk bounded by
  // generation expands each commit it takes with this: a commit whose
  // generation came from git's file may not have had its parents read).
  Status expand(Index n);
  // The parents of a node whose parents were read.
  const Index* parents_begin(Index n) const { return parents_.data() + nodes_[n].first_parent; }
  const Index* parents_end(Index n) const { return parents_begin(n) + nodes_[n].parent_count; }
  // A fresh mark for a walk (marks_[n] == mark: visited in this walk).
  uint32_t new_mark();
  // Adds to `found` the commits reachable from `tips` without passing
  // `stop` (not added; `*hit_stop` set if reached). False if that gave up:
  // more than `budget` commits, or a root with `give_up_at_root`.
  Result<bool> collect(const std::vector<Index>& tips, std::optional<Index> stop, size_t budget,
                       bool give_up_at_root, std::vector<Index>& found, bool* hit_stop = nullptr);
  // A walk from the highest generation down (generations must be known),
  // each commit queued once, with scratch flags per commit.
  class Painter {
   public:
    explicit Painter(CommitGraph& graph);
    uint8_t& flags(Index x);
    // Adds `with` to x's flags and queues x if it was not; the flags before.
    uint8_t add(Index x, uint8_t with);
    // Takes the queued commit of highest generation (the queue must not be empty).
    Index take();

   private:
    CommitGraph& g_;
    uint32_t mark_;
    std::priority_queue<std::pair<uint32_t, Index>> queue_;  // generation, node
  };

  // `set`'s members in parents-first order, from `tips`.
  std::vector<ObjectId> parents_first(const std::vector<Index>& tips, uint32_t in_set_mark);

  // Takes n's parents and generation (and its parents' generations) from
  // git's file or warden's, if one holds n; false if neither does.
  Result<bool> from_file(Index n);

  // Opens both files, once.
  void open_files();

  ReadParents read_;
  OpenFile open_file_, open_own_;
  Settle settle_;
  std::optional<CommitGraphFile> file_, own_;
  bool file_tried_ = false;
  size_t computed_ = 0;
  std::vector<Node> nodes_;
  std::vector<Index> parents_;
  std::unordered_map<ObjectId, Index, ObjectIdHash> index_;
  std::vector<uint32_t> marks_;  // per node, the last walk that visited it
  std::vector<uint8_t> flags_;   // per node, scratch for one walk
  uint32_t mark_ = 0;
};

}  // namespace warden::git
