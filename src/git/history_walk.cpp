// The walks of history the engine asks for, answered by the handle's
// commit graph (generation numbers, never commit dates): the commits to
// check, ancestry, merge bases.
#include <fmt/format.h>

#include <algorithm>

#include "git/commit_graph.hpp"
#include "git/commit_parents.hpp"
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

}  // namespace

git::CommitGraph& Repository::graph() const {
  if (!graph_) {
    // The libgit2 handle, not `this`: it stays where it is when the
    // Repository is moved (the graph moves with it).
    git_repository* repo = raw();
    graph_ = std::make_unique<git::CommitGraph>([repo](const ObjectId& id) -> Result<std::vector<ObjectId>> {
      // The object itself, not a parsed commit: a walk over a long history
      // reads each commit once, and libgit2's parsed-object cache (bounded,
      // see handles.hpp) would only churn.
      git_odb* raw_odb = nullptr;
      if (git_repository_odb(&raw_odb, repo) != 0) return make_error(git_error_text("cannot open object database"));
      git::OdbHandle odb(raw_odb);
      git_odb_object* raw_obj = nullptr;
      if (int rc = git_odb_read(&raw_obj, raw_odb, &id.raw); rc != 0) return object_error(rc, "commit", id);
      git::OdbObjectHandle obj(raw_obj);
      if (git_odb_object_type(raw_obj) != GIT_OBJECT_COMMIT)
        return make_error(fmt::format("{} is a {}, not a commit", id.hex(), git_object_type2string(git_odb_object_type(raw_obj))));
      return git::commit_parents(
          std::string_view(static_cast<const char*>(git_odb_object_data(raw_obj)), git_odb_object_size(raw_obj)), id);
    }, [repo]() -> std::optional<git::CommitGraphFile> {
      const char* common = git_repository_commondir(repo);
      if (common == nullptr) return std::nullopt;
      return git::CommitGraphFile::open(std::string(common) + "objects");
    }, [repo]() -> std::optional<git::CommitGraphFile> {
      std::string path = own_graph_path(repo);
      // Like git's file: a shallow repository's parents are not the commits' own.
      if (path.empty() || git_repository_is_shallow(repo) != 0) return std::nullopt;
      return git::CommitGraphFile::read(path);
    });
  }
  return *graph_;
}

Status Repository::number_history(const std::vector<ObjectId>& tips) const {
  for (const ObjectId& t : tips) WARDEN_TRY_STATUS(graph().number(t));
  return save_generations();
}

Status Repository::save_generations() const {
  // Below this, reading the commits again costs less than rewriting the file.
  constexpr size_t kWorthKeeping = 512;
  if (!graph_ || graph_->computed() < kWorthKeeping || git_repository_is_shallow(raw()) != 0)
    return Status::success();
  std::string path = own_graph_path(raw());
  if (path.empty()) return Status::success();
  // What the file held and what this handle learnt, each commit once (the
  // file's record first), in id order; kept only where every parent is
  // kept too (git's file may have given a commit's number without its
  // parents'). Sorted vectors and binary search, not hash tables: this
  // runs at the end of a push check that numbered the history.
  std::vector<git::CommitGraphFile::Entry> all;
  if (auto old = git::CommitGraphFile::read(path)) all = old->entries();
  for (auto& e : graph_->known()) all.push_back(std::move(e));
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

Result<std::vector<ObjectId>> Repository::walk(const std::vector<ObjectId>& tips,
                                               const std::vector<ObjectId>& hidden) const {
  return graph().range(tips, hidden);
}

Result<bool> Repository::descendant_of(const ObjectId& commit, const ObjectId& ancestor) const {
  return graph().descendant_of(commit, ancestor);
}

Result<std::vector<ObjectId>> Repository::merge_bases(const ObjectId& a, const ObjectId& b) const {
  return graph().merge_bases(a, b);
}

}  // namespace warden
