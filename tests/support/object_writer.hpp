// Writes git objects in process with libgit2, into memory until flush()
// packs them into the repository: the history builder of the tests
// (random DAGs, histories of any shape in milliseconds, without a git
// process per commit) and of the benchmark generators (bench/gen/), which
// make 100,000-commit histories with it. It writes what git itself
// would; a commit's text and signature are the caller's.
//
// Errors throw std::runtime_error (a test fails with the message; a
// benchmark tool exits with it).
#pragma once

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace test {

inline void check_git(int rc, const char* what) {
  if (rc < 0) {
    const git_error* e = git_error_last();
    throw std::runtime_error(std::string(what) + ": " + (e != nullptr ? e->message : "libgit2 error"));
  }
}

class ObjectWriter {
 public:
  // Writes into the repository at `path` (made with git init, or
  // git_repository_init). With `objects_from_disk` the objects the
  // repository has are there to build on (a tree of existing blobs); then
  // each write also asks the repository's packs whether it has the object,
  // re-reading its pack directory (libgit2's freshen), which costs a
  // directory scan per object. Without it, objects are made in memory
  // alone, from nothing but what this writer made: a history written
  // from scratch, as the tests' random DAGs are.
  explicit ObjectWriter(const std::string& path, bool objects_from_disk = true) {
    git_libgit2_init();
    git_repository* r = nullptr;
    check_git(git_repository_open(&r, path.c_str()), "open");
    repo_.reset(r);
    git_odb* o = nullptr;
    if (objects_from_disk) {
      check_git(git_repository_odb(&o, repo_.get()), "odb");
      odb_.reset(o);
      writing_ = repo_.get();
    } else {
      check_git(git_odb_new(&o), "odb");
      odb_.reset(o);
      git_repository* m = nullptr;
      check_git(git_repository_wrap_odb(&m, o), "in-memory repository");
      memory_repo_.reset(m);
      writing_ = m;
    }
    check_git(git_mempack_new(&mempack_), "mempack");
    check_git(git_odb_add_backend(odb_.get(), mempack_, 1000), "add mempack");
  }
  ~ObjectWriter() {
    memory_repo_.reset();
    odb_.reset();
    repo_.reset();
    git_libgit2_shutdown();
  }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  git_oid blob(const std::string& content) {
    git_oid id;
    check_git(git_odb_write(&id, odb_.get(), content.data(), content.size(), GIT_OBJECT_BLOB), "blob");
    return id;
  }

  // A tree of `entries`: name -> (id, mode).
  git_oid tree(const std::vector<std::pair<std::string, std::pair<git_oid, git_filemode_t>>>& entries) {
    git_treebuilder* b = nullptr;
    check_git(git_treebuilder_new(&b, writing_, nullptr), "treebuilder");
    std::unique_ptr<git_treebuilder, void (*)(git_treebuilder*)> builder(b, git_treebuilder_free);
    for (const auto& [name, e] : entries)
      check_git(git_treebuilder_insert(nullptr, b, name.c_str(), &e.first, e.second), "tree insert");
    git_oid id;
    check_git(git_treebuilder_write(&id, b), "tree write");
    return id;
  }

  // The text of a commit as git writes it (no encoding header), with one
  // identity line for author and committer ("Name <mail> TIME +0000").
  static std::string commit_text(const git_oid& tree, const std::vector<git_oid>& parents, const std::string& who,
                                 long time, const std::string& message) {
    std::string text = "tree " + hex(tree) + "\n";
    for (const auto& p : parents) text += "parent " + hex(p) + "\n";
    std::string line = who + " " + std::to_string(time) + " +0000\n";
    return text + "author " + line + "committer " + line + "\n" + message + "\n";
  }

  // A commit from its text and armored signature (as its gpgsig header);
  // an empty signature writes it unsigned.
  git_oid signed_commit(const std::string& text, const std::string& signature) {
    git_oid id;
    check_git(git_commit_create_with_signature(&id, writing_, text.c_str(),
                                               signature.empty() ? nullptr : signature.c_str(), nullptr),
              "commit");
    return id;
  }

  git_repository* repo() const { return repo_.get(); }

  // Moves what is in memory into a pack file of the repository.
  void flush() {
    git_buf pack = GIT_BUF_INIT;
    std::unique_ptr<git_buf, void (*)(git_buf*)> guard(&pack, git_buf_dispose);
    check_git(git_mempack_dump(&pack, writing_, mempack_), "mempack dump");
    git_odb* disk = nullptr;
    check_git(git_repository_odb(&disk, repo_.get()), "odb");
    std::unique_ptr<git_odb, void (*)(git_odb*)> disk_odb(disk, git_odb_free);
    git_odb_writepack* wp = nullptr;
    check_git(git_odb_write_pack(&wp, disk, nullptr, nullptr), "write pack");
    git_indexer_progress stats{};
    int rc = wp->append(wp, pack.ptr, pack.size, &stats);
    if (rc >= 0) rc = wp->commit(wp, &stats);
    wp->free(wp);
    check_git(rc, "index pack");
    check_git(git_mempack_reset(mempack_), "mempack reset");
  }

  void set_ref(const std::string& name, const git_oid& id) {
    git_reference* ref = nullptr;
    check_git(git_reference_create(&ref, repo_.get(), name.c_str(), &id, 1, "object writer"), "ref");
    git_reference_free(ref);
  }

  static std::string hex(const git_oid& id) {
    char s[GIT_OID_HEXSZ + 1];
    git_oid_tostr(s, sizeof s, &id);
    return s;
  }

 private:
  std::unique_ptr<git_repository, void (*)(git_repository*)> repo_{nullptr, git_repository_free};
  std::unique_ptr<git_odb, void (*)(git_odb*)> odb_{nullptr, git_odb_free};  // where objects are written
  std::unique_ptr<git_repository, void (*)(git_repository*)> memory_repo_{nullptr, git_repository_free};
  git_repository* writing_ = nullptr;   // the repository objects are made in: repo_, or memory_repo_
  git_odb_backend* mempack_ = nullptr;  // owned by the odb once added
};

}  // namespace test
