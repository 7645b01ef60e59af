#include "support/in_process_git.hpp"

#include <git2.h>

#include <cctype>
#include <filesystem>
#include <vector>

#include "git/handles.hpp"
#include "support/ssh_signer.hpp"

namespace test {

namespace {

using namespace warden::git;
using SignatureHandle = warden::Handle<git_signature, git_signature_free>;

// Hooks git would run on a commit: any hook that is not a sample, or
// hooks somewhere else (core.hooksPath).
bool has_hooks(git_repository* repo) {
  ConfigHandle config;
  {
    git_config* raw = nullptr;
    if (git_repository_config(&raw, repo) != 0) return true;
    config.reset(raw);
  }
  Buf path;
  if (git_config_get_string_buf(&path.buf, config.get(), "core.hooksPath") == 0) return true;
  std::error_code ec;
  std::filesystem::path hooks = std::filesystem::path(git_repository_path(repo)) / "hooks";
  for (const auto& entry : std::filesystem::directory_iterator(hooks, ec))
    if (entry.path().extension() != ".sample") return true;
  return false;
}

std::optional<std::string> config_value(git_repository* repo, const char* key) {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) != 0) return std::nullopt;
  ConfigHandle config(raw);
  const char* value = nullptr;
  if (git_config_get_string(&value, config.get(), key) != 0) return std::nullopt;
  return std::string(value);
}

}  // namespace

std::optional<std::string> commit_in_process(const std::string& repo_path, const std::string& message,
                                             const Key* signer) {
  LibraryGuard library;
  git_repository* raw_repo = nullptr;
  if (git_repository_open(&raw_repo, repo_path.c_str()) != 0) return std::nullopt;
  RepositoryHandle repo(raw_repo);
  if (has_hooks(repo.get()) || git_repository_state(repo.get()) != GIT_REPOSITORY_STATE_NONE) return std::nullopt;
  auto name = config_value(repo.get(), "user.name"), email = config_value(repo.get(), "user.email");
  if (!name || !email) return std::nullopt;

  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repo.get()) != 0) return std::nullopt;
  IndexHandle index(raw_index);
  git_oid tree;
  if (git_index_add_all(index.get(), nullptr, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) != 0 ||
      git_index_update_all(index.get(), nullptr, nullptr, nullptr) != 0 || git_index_write(index.get()) != 0 ||
      git_index_write_tree(&tree, index.get()) != 0)
    return std::nullopt;
  TreeHandle tree_object;
  {
    git_tree* t = nullptr;
    if (git_tree_lookup(&t, repo.get(), &tree) != 0) return std::nullopt;
    tree_object.reset(t);
  }

  std::vector<CommitHandle> parents;
  git_oid head;
  if (git_reference_name_to_id(&head, repo.get(), "HEAD") == 0) {
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo.get(), &head) != 0) return std::nullopt;
    parents.emplace_back(c);
  }
  std::vector<const git_commit*> parent_ptrs;
  for (const auto& p : parents) parent_ptrs.push_back(p.get());

  git_signature* raw_sig = nullptr;
  if (git_signature_new(&raw_sig, name->c_str(), email->c_str(), kSandboxDate, 0) != 0) return std::nullopt;
  SignatureHandle who(raw_sig);
  // `git commit -m` cleans a message up to whitespace only (no comments
  // stripped): what git_message_prettify does without strip_comments.
  // An "encoding" header where i18n.commitEncoding names another than UTF-8.
  auto encoding = config_value(repo.get(), "i18n.commitEncoding");
  if (encoding) {
    std::string lower;
    for (char c : *encoding) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "utf-8" || lower == "utf8") encoding.reset();
  }
  Buf text, body;
  if (git_message_prettify(&text.buf, message.c_str(), 0, '#') != 0 ||
      git_commit_create_buffer(&body.buf, repo.get(), who.get(), who.get(), encoding ? encoding->c_str() : nullptr,
                               text.buf.ptr, tree_object.get(),
                               parent_ptrs.size(), parent_ptrs.data()) != 0)
    return std::nullopt;
  std::string commit_text(body.buf.ptr, body.buf.size);
  std::optional<std::string> signature;
  if (signer != nullptr) {
    signature = ssh_sign(signer->private_path, "git", commit_text);
    if (!signature) return std::nullopt;
  }
  git_oid id;
  if (git_commit_create_with_signature(&id, repo.get(), commit_text.c_str(),
                                       signature ? signature->c_str() : nullptr, nullptr) != 0)
    return std::nullopt;

  // Moves the branch HEAD names (or a detached HEAD) to the new commit.
  git_reference* raw_head = nullptr;
  if (git_reference_lookup(&raw_head, repo.get(), "HEAD") != 0) return std::nullopt;
  ReferenceHandle head_ref(raw_head);
  std::string reflog = "commit: " + message.substr(0, message.find('\n'));
  if (git_reference_type(head_ref.get()) == GIT_REFERENCE_SYMBOLIC) {
    git_reference* moved = nullptr;
    if (git_reference_create(&moved, repo.get(), git_reference_symbolic_target(head_ref.get()), &id, 1,
                             reflog.c_str()) != 0)
      return std::nullopt;
    ReferenceHandle owned(moved);
  } else if (git_repository_set_head_detached(repo.get(), &id) != 0) {
    return std::nullopt;
  }
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &id);
  return std::string(hex);
}

}  // namespace test
