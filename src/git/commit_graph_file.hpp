// git's commit-graph file (objects/info/commit-graph, written by
// `git commit-graph write`, `git gc` or `git maintenance`): each commit's
// parents and generation number (topological level, the same number
// commit_graph.hpp computes), so that a walk deep into history need not
// inflate every commit it passes. libgit2 reads the file for its own
// walks but does not expose what it holds.
//
// warden writes the same format for itself (write(), read()) where git
// wrote none, so that what one long walk numbered spares the next.
//
// Read only when it is whole: version 1, SHA-1, a single file (not a
// split chain), its checksum right, every position and count in bounds.
// Anything else and warden reads the commits themselves, as it does for
// commits the file does not hold (those made since it was written). Not
// read in a shallow repository, whose parents .git/shallow changes (git
// ignores the file there too).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "warden/object_id.hpp"
#include "warden/result.hpp"

namespace warden::git {

class CommitGraphFile {
 public:
  // The file in the object directory `objects_dir`; nullopt if there is
  // none that warden can read.
  static std::optional<CommitGraphFile> open(const std::string& objects_dir);
  // A file in this format at `path` (warden's own, <git common dir>/warden/
  // commit-graph); the caller rules out a shallow repository.
  static std::optional<CommitGraphFile> read(const std::string& path);

  struct Entry {
    ObjectId id;
    std::vector<ObjectId> parents;
    uint32_t generation = 0;  // above each parent's
  };
  // Writes `entries` as a file of this format at `path`, atomically (a
  // temporary file renamed over it): warden's own record of what a long
  // walk numbered, for repositories git wrote no file for. Every parent
  // must be an entry, each commit once, generations from 1 and above
  // their parents' (else an Error). Trees and dates are not recorded
  // (zeros): warden reads neither from the file, and git never reads it.
  static Status write(const std::string& path, std::vector<Entry> entries);
  // Every commit the file holds whole (one whose record is inconsistent
  // is left out, with every commit above it).
  std::vector<Entry> entries() const;

  struct Commit {
    uint32_t generation = 0;  // 0: not recorded
    std::vector<ObjectId> parents;
    std::vector<uint32_t> parent_generations;  // each below `generation` where that is recorded
  };
  // What the file holds of `id`; nullopt if it does not hold it.
  std::optional<Commit> find(const ObjectId& id) const;

  size_t size() const { return count_; }

 private:
  // The commit at `pos` (< count_); nullopt where the file is inconsistent.
  std::optional<Commit> at(uint32_t pos) const;
  uint32_t u32(size_t offset) const;

  std::vector<unsigned char> data_;
  uint32_t count_ = 0;
  size_t fanout_ = 0, oids_ = 0, commits_ = 0;  // chunk offsets
  std::optional<size_t> edges_;                   // octopus parents
  size_t edges_end_ = 0;
};

}  // namespace warden::git
