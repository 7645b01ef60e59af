#include "verify/commit_facts.hpp"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

namespace warden::verify {

namespace {

// Runs work(i, t) for i in [0, n) on up to `threads` threads, t being
// the thread's number, each thread taking `chunk` consecutive indexes at a
// time.
template <class F>
void parallel_for(size_t n, unsigned threads, F work, size_t chunk = 1) {
  std::atomic<size_t> next{0};
  auto loop = [&](unsigned t) {
    for (size_t from = next.fetch_add(chunk); from < n; from = next.fetch_add(chunk))
      for (size_t i = from; i < std::min(n, from + chunk); ++i) work(i, t);
  };
  std::vector<std::jthread> pool;
  for (unsigned t = 1; t < threads && t < n; ++t) pool.emplace_back(loop, t);
  loop(0);
}

// `changes` with each path listed once, in order.
TreeChanges each_path_once(TreeChanges changes) {
  std::set<std::string> unique(changes.paths.begin(), changes.paths.end());
  changes.paths.assign(unique.begin(), unique.end());
  return changes;
}

// A merge's bound (see CommitFacts::changes_at_most): the union of its
// diffs against each parent.
template <class ParentTree>
Result<TreeChanges> change_bound_in(const GitReads& repo, const CommitData& c, ParentTree parent_tree) {
  std::set<std::string> paths;
  TreeChanges out;
  for (const auto& p : c.parents) {
    auto t = parent_tree(p);
    if (!t) return t.error();
    auto diff = repo.changed_paths(*t, c.tree);
    if (!diff) return diff.error();
    paths.insert(diff->paths.begin(), diff->paths.end());
    if (!out.refused_path && diff->refused_path) {
      out.refused_path = std::move(diff->refused_path);
      out.refused_why = std::move(diff->refused_why);
    }
  }
  out.paths.assign(paths.begin(), paths.end());
  return out;
}

// The paths `c` changes against its parent, or for a merge against the
// clean merge of its parents, plus every conflicted path, reading from
// `repo`; parent_tree(p) gives a parent's tree.
template <class ParentTree>
Result<TreeChanges> merge_changes_in(const GitReads& repo, const CommitData& c, ParentTree parent_tree) {
  std::vector<ObjectId> parent_trees;
  for (const auto& p : c.parents) {
    auto t = parent_tree(p);
    if (!t) return t.error();
    parent_trees.push_back(*t);
  }
  if (parent_trees.empty()) return repo.changed_paths(std::nullopt, c.tree);
  if (parent_trees.size() == 1) return repo.changed_paths(parent_trees[0], c.tree);

  // What a merge computation writes (a virtual base, a clean merge) is
  // not needed once its tree has been compared.
  struct Drop {
    const GitReads& r;
    ~Drop() { r.drop_written_objects(); }
  } drop{repo};
  // Where the clean merge is decided by ids alone (every entry the walk
  // needs the same in all merge bases, no entry changed differently by
  // both parents but files merged alone), without computing it. What is
  // learnt of the base on the way serves the clean merge if it comes to it.
  std::optional<MergeBaseTree> base;
  if (parent_trees.size() == 2) {
    auto bases = repo.merge_bases(c.parents[0], c.parents[1]);
    if (!bases) return bases.error();
    if (!bases->empty() && bases->size() <= 16) {
      std::vector<ObjectId> base_trees;
      for (const ObjectId& b : *bases) {
        auto tree = parent_tree(b);
        if (!tree) return tree.error();
        base_trees.push_back(*tree);
      }
      auto walked = repo.merge_changes_by_ids(base_trees, parent_trees[0], parent_trees[1], c.tree);
      if (!walked) return walked.error();
      if (*walked) return each_path_once(std::move(**walked));
      if (base_trees.size() == 1) base = MergeBaseTree{MergeBaseTree::tree, base_trees.front()};
    }
    if (bases->empty()) base = MergeBaseTree{MergeBaseTree::none, {}};
    // A criss-cross merge whose bases differ where the walk looks: against
    // the virtual base, where warden can make it.
    if (bases->size() >= 2) {
      auto virtual_base = repo.merge_base_tree(*bases);
      if (!virtual_base) return virtual_base.error();
      base = *virtual_base;
      if (virtual_base->kind == MergeBaseTree::tree) {
        auto walked = repo.merge_changes_by_ids(virtual_base->id, parent_trees[0], parent_trees[1], c.tree);
        if (!walked) return walked.error();
        if (*walked) return each_path_once(std::move(**walked));
      }
    }
  }
  auto merge = base ? repo.clean_merge(c.parents, *base) : repo.clean_merge(c.parents);
  if (!merge) return merge.error();
  std::set<std::string> paths(merge->conflicted.begin(), merge->conflicted.end());
  TreeChanges out;
  auto add = [&](TreeChanges&& diff) {
    paths.insert(diff.paths.begin(), diff.paths.end());
    if (!out.refused_path && diff.refused_path) {
      out.refused_path = std::move(diff.refused_path);
      out.refused_why = std::move(diff.refused_why);
    }
  };
  if (merge->tree) {
    auto diff = repo.changed_paths(*merge->tree, c.tree);
    if (!diff) return diff.error();
    add(std::move(*diff));
  } else {
    for (const auto& t : parent_trees) {
      auto diff = repo.changed_paths(t, c.tree);
      if (!diff) return diff.error();
      add(std::move(*diff));
    }
  }
  out.paths.assign(paths.begin(), paths.end());
  return out;
}

// A merge's own changes are only where it differs from a parent (its
// bound): where it holds what every parent holds it changed nothing, even
// where libgit2's rename detection leaves a path conflicted (a rename to
// two names, or one both sides made alike while one deleted something).
// So the bound holds the own changes, and rules that pass on it pass on
// them (CommitFacts::changes_at_most). `bound`: the merge's, if known.
// (See CommitFacts::own_changes.)
template <class ParentTree>
Result<TreeChanges> own_changes_in(const GitReads& repo, const CommitData& c, ParentTree parent_tree,
                                   const TreeChanges* bound = nullptr) {
  if (c.parents.size() < 2) return merge_changes_in(repo, c, parent_tree);
  std::optional<TreeChanges> computed;
  if (bound == nullptr) {
    auto b = change_bound_in(repo, c, parent_tree);
    if (!b) return b.error();
    computed = std::move(*b);
    bound = &*computed;
  }
  auto own = merge_changes_in(repo, c, parent_tree);
  if (!own) return own.error();
  std::erase_if(own->paths, [&](const std::string& p) {
    return !std::binary_search(bound->paths.begin(), bound->paths.end(), p);
  });
  if (!bound->refused_path) {
    own->refused_path.reset();
    own->refused_why.clear();
  }
  return own;
}

}  // namespace

Result<CommitFacts::Entry*> CommitFacts::entry(const ObjectId& id) {
  if (auto it = entries_.find(id); it != entries_.end()) return &it->second;
  auto data = repo_.read_commit(id);
  if (!data) return data.error();
  auto [it, _] = entries_.emplace(id, Entry{std::move(*data), std::nullopt, std::nullopt, std::nullopt});
  return &it->second;
}

// The signature's text is not needed once checked: a long run keeps only
// what the rules need later.
void CommitFacts::check_signature(Entry& e) {
  e.signature = checker_.check(e.data);
  std::string().swap(e.data.signature);
  std::string().swap(e.data.signed_payload);
}

Result<const CommitData*> CommitFacts::commit(const ObjectId& id) {
  auto e = entry(id);
  if (!e) return e.error();
  return &(*e)->data;
}

Result<const CommitSignature*> CommitFacts::signature(const ObjectId& id) {
  auto e = entry(id);
  if (!e) return e.error();
  if (!(*e)->signature) check_signature(**e);
  return &*(*e)->signature;
}

void CommitFacts::forget(const ObjectId& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  if (it->second.signature) drop_openpgp_checks(*it->second.signature);
  entries_.erase(it);
}

void CommitFacts::drop_openpgp_checks(const CommitSignature& sig) {
  if (!sig.openpgp) return;
  std::lock_guard<std::mutex> lock(openpgp_mutex_);
  const OpenPgpSignature* s = sig.openpgp.get();
  for (auto c = openpgp_checks_.lower_bound({s, nullptr}); c != openpgp_checks_.end() && c->first.first == s;)
    c = openpgp_checks_.erase(c);
}

const OpenPgpCheck& CommitFacts::openpgp_check(const OpenPgpSignature& sig, const OpenPgpCert& cert) {
  OpenPgpPair key{&sig, &cert};
  {
    std::lock_guard<std::mutex> lock(openpgp_mutex_);
    if (auto it = openpgp_checks_.find(key); it != openpgp_checks_.end()) return it->second;
  }
  OpenPgpCheck check = cert.check(sig);
  ++openpgp_verifications_;
  std::lock_guard<std::mutex> lock(openpgp_mutex_);
  return openpgp_checks_.emplace(key, std::move(check)).first->second;
}

void CommitFacts::check_openpgp_pairs(const std::vector<OpenPgpPair>& pairs, unsigned threads) {
  parallel_for(pairs.size(), threads, [&](size_t i, unsigned) { openpgp_check(*pairs[i].first, *pairs[i].second); });
}

Result<const TreeChanges*> CommitFacts::own_changes(const ObjectId& id) {
  auto e = entry(id);
  if (!e) return e.error();
  if (!(*e)->own_changes) {
    auto paths = compute_own_changes((*e)->data, (*e)->change_bound ? &*(*e)->change_bound : nullptr);
    if (!paths) return paths.error();
    (*e)->own_changes = std::move(*paths);
    (*e)->change_bound.reset();
  }
  return &*(*e)->own_changes;
}

Result<CommitFacts::ChangesAtMost> CommitFacts::changes_at_most(const ObjectId& id) {
  auto e = entry(id);
  if (!e) return e.error();
  Entry& en = **e;
  if (en.own_changes || en.data.parents.size() < 2) {
    auto own = own_changes(id);
    if (!own) return own.error();
    return ChangesAtMost{*own, true};
  }
  if (!en.change_bound) {
    auto bound = change_bound_in(repo_, en.data, [&](const ObjectId& p) { return tree_of(p); });
    if (!bound) return bound.error();
    en.change_bound = std::move(*bound);
  }
  return ChangesAtMost{&*en.change_bound, false};
}

Result<TreeChanges> CommitFacts::compute_own_changes(const CommitData& c, const TreeChanges* bound) {
  return own_changes_in(repo_, c, [&](const ObjectId& p) { return tree_of(p); }, bound);
}

Result<ObjectId> CommitFacts::tree_of(const ObjectId& id) {
  auto data = commit(id);
  if (!data) return data.error();
  return (*data)->tree;
}

void CommitFacts::open_readers(unsigned threads) {
  while (readers_.size() < threads) {
    auto r = repo_.reader();
    if (!r) break;  // fewer threads ahead; the rules read what is missing
    readers_.push_back(std::move(*r));
  }
}

Status CommitFacts::reopen_object_stores() {
  for (const auto& r : readers_) r->release_objects();
  repo_.release_objects();
  WARDEN_TRY_STATUS(repo_.reopen_objects());
  std::erase_if(readers_, [](const auto& r) { return !r->reopen_objects(); });  // fewer threads ahead
  return Status::success();
}

void CommitFacts::prepare(bool with_changes, unsigned threads, const BoundEnough& bound_enough) {
  unsigned n = std::min<unsigned>(threads, static_cast<unsigned>(readers_.size()));
  if (n == 0) return;
  parallel_for(ahead_.size(), n, [&](size_t i, unsigned t) {
    const GitReads& reader = *readers_[t];
    Prepared& p = ahead_[i];
    auto data = reader.read_commit(p.id);
    if (!data) return;
    Entry e{std::move(*data), std::nullopt, std::nullopt, std::nullopt};
    check_signature(e);
    auto parent_tree = [&](const ObjectId& parent) -> Result<ObjectId> {
      auto pd = reader.read_commit(parent);
      if (!pd) return pd.error();
      return pd->tree;
    };
    std::optional<TreeChanges> bound;
    if (with_changes && e.data.parents.size() >= 2 && bound_enough) {
      auto b = change_bound_in(reader, e.data, parent_tree);
      if (b && bound_enough(*e.signature, *b)) {
        e.change_bound = std::move(*b);
      } else if (b) {
        bound = std::move(*b);
      }
    }
    if (with_changes && !e.change_bound) {
      auto changes = own_changes_in(reader, e.data, parent_tree, bound ? &*bound : nullptr);
      if (changes) e.own_changes = std::move(*changes);
    }
    p.entry = std::move(e);
  }, /*chunk=*/64);  // a commit's parent is usually the one before: its trees are in this thread's cache
}

void CommitFacts::adopt_ahead() {
  for (Prepared& p : ahead_) {
    if (!p.entry) continue;
    auto [it, fresh] = entries_.try_emplace(p.id, std::move(*p.entry));
    if (fresh) continue;
    // Read meanwhile by the rules: keep theirs, fill in what they lack.
    Entry& e = it->second;
    if (!e.signature) {
      e.signature = std::move(p.entry->signature);
    } else if (p.entry->signature) {
      drop_openpgp_checks(*p.entry->signature);
    }
    if (!e.own_changes) e.own_changes = std::move(p.entry->own_changes);
    if (!e.own_changes && !e.change_bound) e.change_bound = std::move(p.entry->change_bound);
  }
  ahead_.clear();
}

}  // namespace warden::verify
