// The walks of history the engine asks for, answered by the handle's
// commit graph (generation numbers, never commit dates): the commits to
// check, ancestry, merge bases.
#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <memory>

#include "git/commit_graph.hpp"
#include "git/commit_parent_reader.hpp"
#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {

namespace {

// warden's own commit-graph file, <git common dir>/warden/commit-graph ("" if
// libgit2 cannot say where that is).
std::string own_graph_path(git_repository* repo) {
  const char* common = git_repository_commondir(repo);
  return common == nullptr ? "" : std::string(common) + "warden/commit-graph";
}

// Below this many new numbers, reading the commits again costs less than
// rewriting the file.
constexpr size_t kWorthKeeping = 512;

// Writes warden's commit-graph file at `path`: what it held and `learnt`,
// each commit once (the file's record first), in id order; kept only
// where every parent is kept too (git's file may have given a commit's
// number without its parents'). Sorted vectors and binary search, not
// hash tables: this runs during a push check that numbered the history.
Status write_generations(const std::string& path, std::vector<git::CommitGraphFile::Entry> learnt) {
  std::vector<git::CommitGraphFile::Entry> all;
  if (auto old = git::CommitGraphFile::read(path)) all = old->entries();
  for (auto& e : learnt) all.push_back(std::move(e));
  auto by_id = [](const auto& a, const auto& b) { return a.id < b.id; };
  std::stable_sort(all.begin(), all.end(), by_id);
  all.erase(std::unique(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id == b.id; }), all.end());
  std::vector<uint32_t> order(all.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return all[a].generation < all[b].generation; });
  std::vector<char> kept(all.size(), 0);
  auto is_kept = [&](const ObjectId& p) {
    auto it = std::lower_bound(all.begin(), all.end(), p, [](const auto& e, const ObjectId& id) { return e.id < id; });
    return it != all.end() && it->id == p && kept[static_cast<size_t>(it - all.begin())];
  };
  for (uint32_t i : order) kept[i] = std::all_of(all[i].parents.begin(), all[i].parents.end(), is_kept);
  std::vector<git::CommitGraphFile::Entry> entries;
  entries.reserve(all.size());
  for (size_t i = 0; i < all.size(); ++i)
    if (kept[i]) entries.push_back(std::move(all[i]));
  return git::CommitGraphFile::write(path, std::move(entries));
}

}  // namespace

git::CommitGraph& Repository::graph() const {
  if (!graph_) {
    // The libgit2 handle, not `this`: it stays where it is when the
    // Repository is moved (the graph moves with it).
    git_repository* repo = raw();
    // The commits themselves, not parsed ones: a walk over a long history
    // reads each commit once, and libgit2's parsed-object cache (bounded,
    // see handles.hpp) would only churn.
    auto reader = std::make_shared<git::CommitParentReader>(repo);
    auto read = [reader](const ObjectId& id) { return reader->parents(id); };
    auto gits_file = [repo]() -> std::optional<git::CommitGraphFile> {
      const char* common = git_repository_commondir(repo);
      if (common == nullptr) return std::nullopt;
      return git::CommitGraphFile::open(std::string(common) + "objects");
    };
    auto wardens_file = [repo]() -> std::optional<git::CommitGraphFile> {
      std::string path = own_graph_path(repo);
      // Like git's file: a shallow repository's parents are not the commits' own.
      if (path.empty() || git_repository_is_shallow(repo) != 0) return std::nullopt;
      return git::CommitGraphFile::read(path);
    };
    graph_ = std::make_unique<git::CommitGraph>(read, gits_file, wardens_file, [reader] { return reader->settle(); });
  }
  return *graph_;
}

Status Repository::number_history(const std::vector<ObjectId>& tips) const {
  for (const ObjectId& t : tips) WARDEN_TRY_STATUS(graph().number(t));
  return save_generations();
}

Status Repository::save_generations() const {
  if (saving_.valid()) WARDEN_TRY_STATUS(saving_.get());
  return keep_generations(true);
}

Status Repository::keep_generations(bool wait) const {
  if (!graph_ || graph_->computed() < generations_kept_ + kWorthKeeping || git_repository_is_shallow(raw()) != 0)
    return Status::success();
  std::string path = own_graph_path(raw());
  if (path.empty()) return Status::success();
  auto known = graph_->known();
  if (!known) return known.error();  // nothing read unsound is kept
  generations_kept_ = graph_->computed();
  auto learnt = std::make_shared<std::vector<git::CommitGraphFile::Entry>>(std::move(*known));
  if (!wait) {
    try {
      saving_ = std::async(std::launch::async, [path, learnt] { return write_generations(path, std::move(*learnt)); });
      return Status::success();
    } catch (...) {  // no thread to be had: save here
    }
  }
  return write_generations(path, std::move(*learnt));
}

Result<std::vector<ObjectId>> Repository::walk(const std::vector<ObjectId>& tips,
                                               const std::vector<ObjectId>& hidden) const {
  auto commits = graph().range(tips, hidden);
  // A walk that numbered a long history (a server's first check of a
  // merge of an old branch) saves the numbers while the run checks the
  // commits; a failure to save costs only time. One that fails here is
  // not tried again: the front end's save_generations() says it.
  if (commits && !saving_.valid()) {
    if (auto s = keep_generations(false); !s) saving_ = std::async(std::launch::deferred, [s] { return s; });
  }
  return commits;
}

Result<bool> Repository::descendant_of(const ObjectId& commit, const ObjectId& ancestor) const {
  return graph().descendant_of(commit, ancestor);
}

Result<std::vector<ObjectId>> Repository::merge_bases(const ObjectId& a, const ObjectId& b) const {
  return graph().merge_bases(a, b);
}

}  // namespace warden
