// A commit's own authorization, and tree approvals (see tree_approvals.hpp).
#include "verify/tree_approvals.hpp"

#include <fmt/format.h>

namespace warden::verify {

ApprovalContext approvals_of(ApprovalBook& book, const ObjectId& c, const Policy& policy) {
  return ApprovalContext{[&book, c, &policy]() -> const FoundApprovals& { return book.of_commit(c, policy); },
                         {},
                         [&book, c, &policy]() -> const FoundApprovals& { return book.reviews_of(c, policy); }};
}

MaybeRefusal authorize_commit(ApprovalBook& book, const Policy& policy, const Signer& signer, const CommitData& data,
                              const std::vector<std::string>& paths, Verdict* v) {
  auto ctx = approvals_of(book, data.id, policy);
  auto refused = authorize(policy, signer, paths, &ctx);
  if (!refused) {
    if (v) v->approved_by.assign(ctx.counted.begin(), ctx.counted.end());
    return refused;
  }
  if (data.parents.size() != 1 || book.empty() || refused->rule == Rule::signature) return refused;
  const FoundApprovals& tree = book.of_tree(data.parents[0], data.tree, policy);
  if (tree.found == 0 && tree.rejected.empty()) return refused;
  std::string why_not;
  const FoundApprovals& commit_approvals = ctx.approvals();
  for (const std::string& approver : tree.people) {
    // The approver as the signer; the other tree approvers and the
    // commit's own approvers as approvals.
    FoundApprovals others = commit_approvals;
    for (const auto& p : tree.people)
      if (p != approver) others.people.insert(p);
    ApprovalContext with{[&others]() -> const FoundApprovals& { return others; }, {}, ctx.reviews};
    auto r = may_change(policy, &approver, paths, "unsigned change", &with);
    if (!r) {
      if (v) {
        v->tree_approved_by = approver;
        v->approved_by.assign(with.counted.begin(), with.counted.end());
        v->signer = fmt::format("{} (tree approval; commit {})", approver, v->signer);
      }
      return std::nullopt;
    }
    if (why_not.empty()) why_not = r->reason;
  }
  std::string note = tree.people.empty()
                         ? "none counts"
                         : fmt::format("by {}, which does not authorize it: {}", names(tree.people), why_not);
  for (const auto& r : tree.rejected) note += fmt::format("; rejected: {}", r);
  refused->reason += fmt::format(" (tree approvals of parent {} and this tree: {})", data.parents[0].short_hex(), note);
  return refused;
}

}  // namespace warden::verify
