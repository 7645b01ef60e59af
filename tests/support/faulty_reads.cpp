#include "support/faulty_reads.hpp"

#include <fmt/format.h>

namespace test {

using namespace warden;

FaultyReads::FaultyReads(const GitReads& real) : real_(real), shared_(std::make_shared<Shared>()) {}

FaultyReads::FaultyReads(std::unique_ptr<GitReads> owned, std::shared_ptr<Shared> shared)
    : owned_(std::move(owned)), real_(*owned_), shared_(std::move(shared)) {}

void FaultyReads::inject(const ObjectId& id, Fault fault) {
  std::lock_guard guard(shared_->lock);
  shared_->faults[id] = fault;
}

std::optional<Error> FaultyReads::fault_of(const ObjectId& id, const char* kind) const {
  std::lock_guard guard(shared_->lock);
  auto it = shared_->faults.find(id);
  if (it == shared_->faults.end()) return std::nullopt;
  ++shared_->met;
  // The messages Repository gives (object_error in repository.hpp).
  if (it->second == Fault::missing)
    return make_error(fmt::format("missing {} {}: object not found (injected)", kind, id.hex()),
                      ErrorKind::missing_object);
  return make_error(fmt::format("cannot read {} {}: object corrupted (injected)", kind, id.hex()));
}

std::optional<Error> FaultyReads::fault_of(const std::vector<ObjectId>& ids, const char* kind) const {
  for (const auto& id : ids)
    if (auto e = fault_of(id, kind)) return e;
  return std::nullopt;
}

Result<ObjectId> FaultyReads::resolve_commit(const std::string& rev) const { return real_.resolve_commit(rev); }

Result<CommitData> FaultyReads::read_commit(const ObjectId& id) const {
  if (auto e = fault_of(id, "commit")) return *e;
  return real_.read_commit(id);
}

Result<std::string> FaultyReads::object_type(const ObjectId& id) const {
  if (auto e = fault_of(id, "object")) return *e;
  return real_.object_type(id);
}

Result<ObjectId> FaultyReads::peel_to_commit(const ObjectId& id) const {
  if (auto e = fault_of(id, "object")) return *e;
  return real_.peel_to_commit(id);
}

Result<TagData> FaultyReads::read_tag(const ObjectId& id) const {
  if (auto e = fault_of(id, "tag")) return *e;
  return real_.read_tag(id);
}

Result<std::optional<Blob>> FaultyReads::read_file(const ObjectId& tree, const std::string& path,
                                                   size_t max_size) const {
  if (auto e = fault_of(tree, "tree")) return *e;
  auto file = real_.read_file(tree, path, max_size);
  if (file && *file)
    if (auto e = fault_of((*file)->id, "blob")) return *e;
  return file;
}

Result<std::optional<ObjectId>> FaultyReads::entry_id(const ObjectId& tree, const std::string& path) const {
  if (auto e = fault_of(tree, "tree")) return *e;
  return real_.entry_id(tree, path);
}

Result<Blob> FaultyReads::read_blob(const ObjectId& id, size_t max_size, const std::string& path) const {
  if (auto e = fault_of(id, "blob")) return *e;
  return real_.read_blob(id, max_size, path);
}

Result<std::vector<std::pair<std::string, ObjectId>>> FaultyReads::list_files(const ObjectId& tree,
                                                                              const std::string& suffix) const {
  if (auto e = fault_of(tree, "tree")) return *e;
  return real_.list_files(tree, suffix);
}

Result<TreeChanges> FaultyReads::changed_paths(const std::optional<ObjectId>& from, const ObjectId& to) const {
  if (from)
    if (auto e = fault_of(*from, "tree")) return *e;
  if (auto e = fault_of(to, "tree")) return *e;
  return real_.changed_paths(from, to);
}

Result<CleanMerge> FaultyReads::clean_merge(const std::vector<ObjectId>& parents) const {
  if (auto e = fault_of(parents, "commit")) return *e;
  return real_.clean_merge(parents);
}

Result<CleanMerge> FaultyReads::clean_merge(const std::vector<ObjectId>& parents, const MergeBaseTree& base) const {
  if (auto e = fault_of(parents, "commit")) return *e;
  return real_.clean_merge(parents, base);
}

Result<MergeBaseTree> FaultyReads::merge_base_tree(const ObjectId& a, const ObjectId& b) const {
  if (auto e = fault_of({a, b}, "commit")) return *e;
  return real_.merge_base_tree(a, b);
}

Result<MergeBaseTree> FaultyReads::merge_base_tree(const std::vector<ObjectId>& bases) const {
  if (auto e = fault_of(bases, "commit")) return *e;
  return real_.merge_base_tree(bases);
}

Result<std::optional<TreeChanges>> FaultyReads::merge_changes_by_ids(const ObjectId& base, const ObjectId& ours,
                                                                     const ObjectId& theirs,
                                                                     const ObjectId& merge) const {
  if (auto e = fault_of({base, ours, theirs, merge}, "tree")) return *e;
  return real_.merge_changes_by_ids(base, ours, theirs, merge);
}

Result<std::optional<TreeChanges>> FaultyReads::merge_changes_by_ids(const std::vector<ObjectId>& bases,
                                                                     const ObjectId& ours, const ObjectId& theirs,
                                                                     const ObjectId& merge) const {
  if (auto e = fault_of(bases, "tree")) return *e;
  if (auto e = fault_of({ours, theirs, merge}, "tree")) return *e;
  return real_.merge_changes_by_ids(bases, ours, theirs, merge);
}

void FaultyReads::drop_written_objects() const { real_.drop_written_objects(); }

Result<std::vector<ObjectId>> FaultyReads::merge_bases(const ObjectId& a, const ObjectId& b) const {
  if (auto e = fault_of({a, b}, "commit")) return *e;
  return real_.merge_bases(a, b);
}

Result<bool> FaultyReads::descendant_of(const ObjectId& commit, const ObjectId& ancestor) const {
  if (auto e = fault_of({commit, ancestor}, "commit")) return *e;
  return real_.descendant_of(commit, ancestor);
}

Result<std::vector<ObjectId>> FaultyReads::walk(const std::vector<ObjectId>& tips,
                                                const std::vector<ObjectId>& hidden) const {
  // A walk reads every commit it returns: one with a fault fails it, as
  // a missing parent fails git's walk.
  auto commits = real_.walk(tips, hidden);
  if (!commits) return commits;
  if (auto e = fault_of(*commits, "commit")) return *e;
  if (auto e = fault_of(hidden, "commit")) return *e;
  return commits;
}

Result<std::vector<HistoryAlteration>> FaultyReads::history_alterations() const { return real_.history_alterations(); }

bool FaultyReads::is_shallow() const { return real_.is_shallow(); }

Result<std::optional<ObjectId>> FaultyReads::ref_target(const std::string& name) const {
  return real_.ref_target(name);
}

Result<std::unordered_map<ObjectId, ObjectId, ObjectIdHash>> FaultyReads::notes_of(const ObjectId& notes_commit) const {
  if (auto e = fault_of(notes_commit, "commit")) return *e;
  return real_.notes_of(notes_commit);
}

Result<std::string> FaultyReads::note_text(const ObjectId& blob, const ObjectId& annotated, size_t max_size) const {
  if (auto e = fault_of(blob, "blob")) return *e;
  return real_.note_text(blob, annotated, max_size);
}

std::optional<std::string> FaultyReads::config_string(const std::string& key) const {
  return real_.config_string(key);
}

Result<std::unique_ptr<GitReads>> FaultyReads::reader() const {
  auto other = real_.reader();
  if (!other) return other.error();
  return std::unique_ptr<GitReads>(new FaultyReads(std::move(*other), shared_));
}

void FaultyReads::release_objects() const { real_.release_objects(); }

Status FaultyReads::reopen_objects() const { return real_.reopen_objects(); }

}  // namespace test
