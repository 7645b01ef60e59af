// The loop both engines (warden's rules and Guix mode) run over the
// commits to check: parents first, one verdict each, stopping at the first
// refusal unless asked to keep going.
#pragma once

#include <functional>
#include <vector>

#include "warden/verifier.hpp"

namespace warden::verify {

// Appends check(c)'s verdict for each commit to report.verdicts and sets
// report.total and report.authenticated. An Error from `check` ends it.
template <class Check>
Status check_in_order(const std::vector<ObjectId>& commits, Check check, bool keep_going,
                      const std::function<void(size_t done, size_t total)>& progress, VerifyReport& report) {
  report.total = commits.size();
  for (const ObjectId& c : commits) {
    Result<Verdict> v = check(c);
    if (!v) return v.error();
    report.verdicts.push_back(std::move(*v));
    if (progress) progress(report.verdicts.size(), report.total);
    if (!report.verdicts.back().ok && !keep_going) break;
  }
  report.authenticated = report.verdicts.size() == report.total;
  for (const auto& v : report.verdicts) report.authenticated = report.authenticated && v.ok;
  return Status::success();
}

}  // namespace warden::verify
