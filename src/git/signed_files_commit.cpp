// Writing a small signed commit (a snapshot of the refs): a tree of a few
// files, the commit text libgit2 builds, the caller's signature of that
// text as its gpgsig header, and a ref moved only from the parent.
#include <fmt/format.h>

#include "git/disk_writer.hpp"
#include "git/handles.hpp"
#include "warden/repository.hpp"

namespace warden {
namespace {

using TreeBuilderHandle = Handle<git_treebuilder, git_treebuilder_free>;

}  // namespace

Result<ObjectId> Repository::commit_signed_files(const std::string& ref, const std::optional<ObjectId>& parent,
                                                 const std::vector<std::pair<std::string, std::string>>& files,
                                                 const std::string& message,
                                                 const std::function<Result<std::string>(const std::string&)>& sign) {
  // This handle writes to memory only (see above): write through a plain one.
  auto writer = git::open_disk_writer(git_dir(), "write " + ref);
  if (!writer) return writer.error();
  git_repository* raw_writer = writer->get();

  git_treebuilder* raw_builder = nullptr;
  if (git_treebuilder_new(&raw_builder, raw_writer, nullptr) != 0) return make_error(git_error_text("cannot build a tree"));
  TreeBuilderHandle builder(raw_builder);
  for (const auto& [name, content] : files) {
    git_oid blob{};
    if (git_blob_create_from_buffer(&blob, raw_writer, content.data(), content.size()) != 0 ||
        git_treebuilder_insert(nullptr, raw_builder, name.c_str(), &blob, GIT_FILEMODE_BLOB) != 0)
      return make_error(git_error_text(fmt::format("cannot write {}", name)));
  }
  git_oid tree_id{};
  if (git_treebuilder_write(&tree_id, raw_builder) != 0) return make_error(git_error_text("cannot write a tree"));
  git_tree* raw_tree = nullptr;
  if (git_tree_lookup(&raw_tree, raw_writer, &tree_id) != 0) return make_error(git_error_text("cannot read a tree"));
  git::TreeHandle tree(raw_tree);

  git::CommitHandle parent_commit;
  if (parent) {
    git_commit* raw_parent = nullptr;
    if (int rc = git_commit_lookup(&raw_parent, raw_writer, &parent->raw); rc != 0)
      return object_error(rc, "commit", *parent);
    parent_commit.reset(raw_parent);
  }
  auto who = git::committer(raw_writer);
  if (!who) return who.error();
  const git_commit* parents[1] = {parent_commit.get()};
  git_buf text = GIT_BUF_INIT;
  if (git_commit_create_buffer(&text, raw_writer, who->get(), who->get(), nullptr, message.c_str(), raw_tree, parent ? 1 : 0,
                               parents) != 0)
    return make_error(git_error_text("cannot build the commit"));
  std::string content(text.ptr, text.size);
  git_buf_dispose(&text);
  auto signature = sign(content);
  if (!signature) return signature.error();
  git_oid commit_id{};
  if (git_commit_create_with_signature(&commit_id, raw_writer, content.c_str(), signature->c_str(), "gpgsig") != 0)
    return make_error(git_error_text("cannot write the signed commit"));
  ObjectId written = ObjectId::from(&commit_id);
  WARDEN_TRY_STATUS(git::move_ref_from(raw_writer, ref, written, parent, "warden: signed commit"));
  return written;
}

}  // namespace warden
