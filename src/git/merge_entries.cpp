// Shared by the merges of trees (see merge_entries.hpp).
#include "git/merge_entries.hpp"

#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "git/tree_diff.hpp"

namespace warden::git {

Result<TreeHandle> subtree(git_repository* repo, const git_tree_entry* e, const std::string& path) {
  if (e == nullptr) return TreeHandle();
  return lookup_tree(repo, ObjectId::from(git_tree_entry_id(e)), path);
}

namespace {

Status reshape_into(git_repository* repo, const git_tree* before, const git_tree* after, const std::string& prefix,
                    Reshape& out) {
  auto eb = entries_of(before), ea = entries_of(after);
  size_t i = 0, j = 0;
  while ((i < eb.size() || j < ea.size()) && !(out.deletes && out.adds)) {
    int cmp = i == eb.size() ? 1 : j == ea.size() ? -1 : eb[i].key.compare(ea[j].key);
    if (cmp < 0) {
      out.deletes = true;
      ++i;
    } else if (cmp > 0) {
      out.adds = true;
      ++j;
    } else {
      const git_tree_entry* b = eb[i++].entry;
      const git_tree_entry* a = ea[j++].entry;
      if (!is_tree_entry(b) || same_entry(b, a)) continue;
      std::string path = prefix + git_tree_entry_name(b);
      auto bt = subtree(repo, b, path);
      if (!bt) return bt.error();
      auto at = subtree(repo, a, path);
      if (!at) return at.error();
      WARDEN_TRY_STATUS(reshape_into(repo, bt->get(), at->get(), path + "/", out));
    }
  }
  return Status::success();
}

}  // namespace

Result<Reshape> reshape_of(git_repository* repo, const git_tree* before, const git_tree* after,
                           const std::string& prefix) {
  Reshape out;
  WARDEN_TRY_STATUS(reshape_into(repo, before, after, prefix, out));
  return out;
}

Result<Reshape> reshape_of(git_repository* repo, const git_tree_entry* before, const git_tree_entry* after,
                           const std::string& path) {
  auto bt = subtree(repo, before, path);
  if (!bt) return bt.error();
  auto at = subtree(repo, after, path);
  if (!at) return at.error();
  return reshape_of(repo, bt->get(), at->get(), path + "/");
}

Result<bool> alike_on_both_sides(git_repository* repo, const git_tree_entry* b, const git_tree_entry* o,
                                 const std::string& prefix, bool& added_alike) {
  // Absent on both sides: deleted on both gives up (a rename on each?);
  // absent from the base too, only the merge holds it: nothing to guard.
  if (o == nullptr) return b == nullptr;
  if (b == nullptr) added_alike = true;
  // The same directory on both sides may still hide a path both deleted
  // (one side renamed it elsewhere, the other deleted it: a conflict for
  // libgit2), or both added.
  if (is_tree_entry(b) && is_tree_entry(o) && !same_entry(b, o)) {
    auto reshape = reshape_of(repo, b, o, prefix + git_tree_entry_name(o));
    if (!reshape) return reshape.error();
    if (reshape->deletes) return false;
    if (reshape->adds) added_alike = true;
  }
  return true;
}

Result<bool> a_side_deletes(git_repository* repo, const git_tree* base, const git_tree* ours, const git_tree* theirs) {
  for (const git_tree* side : {ours, theirs}) {
    auto reshape = reshape_of(repo, base, side, "");
    if (!reshape) return reshape.error();
    if (reshape->deletes) return true;
  }
  return false;
}

Result<FileMerge> merge_file(git_repository* repo, const git_tree_entry* base, const git_tree_entry* ours,
                             const git_tree_entry* theirs, const std::string& path, bool virtual_base) {
  BlobHandle blobs[3];
  git_merge_file_input inputs[3];
  const git_tree_entry* entries[3] = {base, ours, theirs};
  for (int i = 0; i < 3; ++i) {
    git_merge_file_input_init(&inputs[i], GIT_MERGE_FILE_INPUT_VERSION);
    if (entries[i] == nullptr) continue;
    git_blob* raw_blob = nullptr;
    if (int rc = git_blob_lookup(&raw_blob, repo, git_tree_entry_id(entries[i])); rc != 0)
      return object_error(rc, "blob", ObjectId::from(git_tree_entry_id(entries[i])));
    blobs[i].reset(raw_blob);
    inputs[i].ptr = static_cast<const char*>(git_blob_rawcontent(raw_blob));
    inputs[i].size = static_cast<size_t>(git_blob_rawsize(raw_blob));
    inputs[i].path = path.c_str();
    inputs[i].mode = git_tree_entry_filemode_raw(entries[i]);
  }
  git_merge_file_options options = GIT_MERGE_FILE_OPTIONS_INIT;
  if (virtual_base) {
    // As libgit2's merge of trees sets them with GIT_MERGE_VIRTUAL_BASE.
    options.ancestor_label = "merged common ancestors";
    options.our_label = "Temporary merge branch 1";
    options.their_label = "Temporary merge branch 2";
    options.flags |= GIT_MERGE_FILE_ACCEPT_CONFLICTS;
    options.marker_size = GIT_MERGE_CONFLICT_MARKER_SIZE + 2;
  }
  git_merge_file_result result{};
  if (git_merge_file(&result, &inputs[0], &inputs[1], &inputs[2], &options) != 0)
    return make_error(git_error_text(fmt::format("cannot merge {}", path)));
  struct Free {
    git_merge_file_result* r;
    ~Free() { git_merge_file_result_free(r); }
  } free_result{&result};
  FileMerge out;
  out.automergeable = result.automergeable != 0;
  out.mode = result.mode;
  if (result.ptr != nullptr) out.content.assign(result.ptr, result.len);
  return out;
}

Status drop_file_directory_clashes(git_index* index, std::set<std::string>* clashing_paths) {
  // libgit2's git_index_write_tree_to would write a tree holding only the
  // directory (the file's entry replaced, and leaked).
  std::vector<std::string> files;
  const size_t n = git_index_entrycount(index);
  for (size_t i = 0; i + 1 < n; ++i) {
    std::string_view path = git_index_get_byindex(index, i)->path;
    for (size_t j = i + 1; j < n; ++j) {
      std::string_view next = git_index_get_byindex(index, j)->path;
      if (!next.starts_with(path)) break;
      if (next.size() > path.size() && next[path.size()] == '/') {
        files.emplace_back(path);
        if (clashing_paths != nullptr) {
          clashing_paths->emplace(path);
          clashing_paths->emplace(next);
        }
        break;
      }
    }
  }
  for (const auto& path : files)
    if (git_index_remove(index, path.c_str(), 0) != 0) return make_error(git_error_text("cannot resolve merge index"));
  return Status::success();
}

}  // namespace warden::git
