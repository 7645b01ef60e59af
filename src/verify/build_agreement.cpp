#include "verify/build_agreement.hpp"

#include <fmt/format.h>

namespace warden::verify {

namespace {

// Who signed which digest of one output, and in which envelope lines:
// person -> digest -> lines.
using Claims = std::map<std::string, std::map<std::string, std::set<size_t>>>;

OutputVerdict judge_output(const std::string& name, const std::string& asked, const Claims* claims, int threshold) {
  OutputVerdict out{name, asked, {}, {}, "", false};
  if (claims)
    for (const auto& [person, digests] : *claims) {
      if (digests.size() > 1) {
        out.contradicting.insert(person);
        continue;
      }
      out.digests[digests.begin()->first].insert(person);
    }
  auto enough = [&](const std::string& d) {
    auto it = out.digests.find(d);
    return it != out.digests.end() && it->second.size() >= static_cast<size_t>(threshold);
  };
  if (!asked.empty()) {
    out.met = enough(asked);
  } else {
    // Nothing asked: the digest enough builders agree on, if exactly one.
    std::vector<std::string> agreed;
    for (const auto& [digest, people] : out.digests)
      if (enough(digest)) agreed.push_back(digest);
    out.met = agreed.size() == 1;
    if (out.met) out.agreed = agreed.front();
  }
  if (out.met && out.agreed.empty()) out.agreed = asked;
  return out;
}

}  // namespace

BuildReport agree_on_builds(const StatementList& read, const ObjectId& commit, const Policy& policy, CommitFacts& facts,
                            const BuildQuery& query, const std::function<bool(const std::string&)>& revoked) {
  const BuilderRule& rule = *policy.builders;
  BuildReport report;
  report.commit = commit;
  report.threshold = query.threshold > 0 ? query.threshold : rule.threshold;
  report.builders = rule.who;
  report.ignored = read.malformed;

  std::map<std::string, Claims> claims;  // by output name
  std::vector<std::string> attested;     // output names, first seen first
  for (const SignedStatement& st : read.statements) {
    if (!st.statement.build) {
      report.ignored.push_back("a statement that is not a build attestation");
      continue;
    }
    const attest::Build& build = *st.statement.build;
    CountedSigner signer = counted_signer(st, policy, facts, revoked, {"a build attestation", "build attestation"});
    if (build.commit != commit) {
      report.ignored.push_back(fmt::format("{}'s build attestation is of commit {}, not of {}", signer.who,
                                           build.commit.short_hex(), commit.short_hex()));
    } else if (!signer.person) {
      report.ignored.push_back(signer.problem);
    } else if (!rule.people.count(*signer.person)) {
      report.ignored.push_back(fmt::format("{}'s build attestation: {} is not in builders.who ({})", *signer.person,
                                           *signer.person, fmt::join(rule.who, ", ")));
    } else {
      for (const auto& o : build.outputs) {
        auto [it, fresh] = claims.try_emplace(o.name);
        if (fresh) attested.push_back(o.name);
        it->second[*signer.person][o.digest()].insert(st.line);
      }
    }
  }

  trim_reasons(report.ignored);
  std::vector<std::pair<std::string, std::string>> asked = query.outputs;
  if (asked.empty())
    for (const auto& name : attested) asked.emplace_back(name, "");
  std::set<size_t> evidence;
  for (const auto& [name, digest] : asked) {
    auto it = claims.find(name);
    OutputVerdict v = judge_output(name, digest, it == claims.end() ? nullptr : &it->second, report.threshold);
    if (v.met)
      for (const auto& person : v.digests[v.agreed])
        for (size_t line : it->second[person][v.agreed]) evidence.insert(line);
    report.outputs.push_back(std::move(v));
  }
  for (size_t line : evidence) report.evidence.push_back(read.lines[line]);
  return report;
}

}  // namespace warden::verify
