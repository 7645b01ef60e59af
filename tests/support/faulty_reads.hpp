// A GitReads that stands between the engine and a real repository and
// makes chosen objects missing (as in a shallow or damaged clone) or
// unreadable (as a corrupt object is), to show that every such error on a
// verification path is a refusal, never a pass. Reads of other objects go
// to the real repository unchanged. Handles made by reader() share the
// faults and the count of faults met.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "warden/git_reads.hpp"

namespace test {

class FaultyReads final : public warden::GitReads {
 public:
  enum class Fault { missing, unreadable };

  explicit FaultyReads(const warden::GitReads& real);

  // Every read of `id` (as a commit, tree, blob, tag or note) fails so.
  void inject(const warden::ObjectId& id, Fault fault);
  // How many reads met a fault: a test that injects one checks that the
  // engine did read it, so that its refusal is for that fault.
  int faults_met() const { return shared_->met.load(); }

  warden::Result<warden::ObjectId> resolve_commit(const std::string& rev) const override;
  warden::Result<warden::CommitData> read_commit(const warden::ObjectId& id) const override;
  warden::Result<std::string> object_type(const warden::ObjectId& id) const override;
  warden::Result<warden::ObjectId> peel_to_commit(const warden::ObjectId& id) const override;
  warden::Result<warden::TagData> read_tag(const warden::ObjectId& id) const override;
  warden::Result<std::optional<warden::Blob>> read_file(const warden::ObjectId& tree, const std::string& path,
                                                        size_t max_size) const override;
  warden::Result<std::optional<warden::ObjectId>> entry_id(const warden::ObjectId& tree,
                                                           const std::string& path) const override;
  warden::Result<warden::Blob> read_blob(const warden::ObjectId& id, size_t max_size,
                                         const std::string& path) const override;
  warden::Result<std::vector<std::pair<std::string, warden::ObjectId>>> list_files(
      const warden::ObjectId& tree, const std::string& suffix) const override;
  warden::Result<warden::TreeChanges> changed_paths(const std::optional<warden::ObjectId>& from,
                                                    const warden::ObjectId& to) const override;
  warden::Result<warden::CleanMerge> clean_merge(const std::vector<warden::ObjectId>& parents) const override;
  warden::Result<warden::CleanMerge> clean_merge(const std::vector<warden::ObjectId>& parents,
                                                 const warden::MergeBaseTree& base) const override;
  warden::Result<warden::MergeBaseTree> merge_base_tree(const warden::ObjectId& a,
                                                        const warden::ObjectId& b) const override;
  warden::Result<warden::MergeBaseTree> merge_base_tree(const std::vector<warden::ObjectId>& bases) const override;
  warden::Result<std::optional<warden::TreeChanges>> merge_changes_by_ids(const warden::ObjectId& base,
                                                                          const warden::ObjectId& ours,
                                                                          const warden::ObjectId& theirs,
                                                                          const warden::ObjectId& merge) const override;
  warden::Result<std::optional<warden::TreeChanges>> merge_changes_by_ids(const std::vector<warden::ObjectId>& bases,
                                                                          const warden::ObjectId& ours,
                                                                          const warden::ObjectId& theirs,
                                                                          const warden::ObjectId& merge) const override;
  void drop_written_objects() const override;
  warden::Result<std::vector<warden::ObjectId>> merge_bases(const warden::ObjectId& a,
                                                            const warden::ObjectId& b) const override;
  warden::Result<bool> descendant_of(const warden::ObjectId& commit, const warden::ObjectId& ancestor) const override;
  warden::Result<std::vector<warden::ObjectId>> walk(const std::vector<warden::ObjectId>& tips,
                                                     const std::vector<warden::ObjectId>& hidden) const override;
  warden::Result<std::vector<warden::HistoryAlteration>> history_alterations() const override;
  bool is_shallow() const override;
  warden::Result<std::optional<warden::ObjectId>> ref_target(const std::string& name) const override;
  warden::Result<std::unordered_map<warden::ObjectId, warden::ObjectId, warden::ObjectIdHash>> notes_of(
      const warden::ObjectId& notes_commit) const override;
  warden::Result<std::string> note_text(const warden::ObjectId& blob, const warden::ObjectId& annotated,
                                        size_t max_size) const override;
  std::optional<std::string> config_string(const std::string& key) const override;
  warden::Result<std::unique_ptr<warden::GitReads>> reader() const override;
  void release_objects() const override;
  warden::Status reopen_objects() const override;

 private:
  struct Shared {
    std::mutex lock;
    std::unordered_map<warden::ObjectId, Fault, warden::ObjectIdHash> faults;
    std::atomic<int> met{0};
  };
  FaultyReads(std::unique_ptr<warden::GitReads> owned, std::shared_ptr<Shared> shared);
  // The error a read of `id` (a `kind`) meets, if it has a fault.
  std::optional<warden::Error> fault_of(const warden::ObjectId& id, const char* kind) const;
  std::optional<warden::Error> fault_of(const std::vector<warden::ObjectId>& ids, const char* kind) const;

  std::unique_ptr<warden::GitReads> owned_;  // a reader()'s own handle
  const warden::GitReads& real_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace test
