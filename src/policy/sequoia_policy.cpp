// openpgp-policy.toml, read with toml++ (the only file that includes it:
// it is a large header) into warden's terms, and the difference between
// two such policies as sq-git's `Policy::diff` lists it.
#include "warden/sequoia_policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

// Header-only (CMakeLists.txt says why); this is toml++'s own switch.
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

namespace warden {

std::string_view name_of(SequoiaCapability c) {
  switch (c) {
    case SequoiaCapability::sign_commit: return "sign_commit";
    case SequoiaCapability::sign_tag: return "sign_tag";
    case SequoiaCapability::sign_archive: return "sign_archive";
    case SequoiaCapability::add_user: return "add_user";
    case SequoiaCapability::retire_user: return "retire_user";
    case SequoiaCapability::audit: return "audit";
  }
  return "?";
}

bool SequoiaUser::holds(const std::string& primary) const {
  return std::any_of(certs.begin(), certs.end(), [&](const auto& c) { return c->fingerprint() == primary; });
}

const SequoiaUser* SequoiaPolicy::user(std::string_view name) const {
  for (const auto& u : users)
    if (u.name == name) return &u;
  return nullptr;
}

const OpenPgpCert* SequoiaPolicy::openpgp_cert_for(const std::string& issuer) const {
  for (const auto& u : users)
    for (const auto& c : u.certs)
      if (c->has_key(issuer)) return c.get();
  return nullptr;
}

std::vector<const SequoiaUser*> SequoiaPolicy::users_of(const std::string& primary) const {
  std::vector<const SequoiaUser*> out;
  for (const auto& u : users)
    if (u.holds(primary)) out.push_back(&u);
  return out;
}

namespace {

std::string where(const toml::node& n) {
  const auto& s = n.source();
  return s.begin.line > 0 ? fmt::format("line {}: ", s.begin.line) : std::string();
}

Result<SequoiaUser> read_user(const std::string& name, const toml::node& node, std::vector<std::string>& unknown) {
  const toml::table* t = node.as_table();
  if (t == nullptr) return make_error(fmt::format("{}authorization.\"{}\" is not a table", where(node), name));
  SequoiaUser u;
  u.name = name;
  std::string keyring;
  bool has_keyring = false;
  for (const auto& [key, value] : *t) {
    std::string field(key.str());
    bool known = false;
    for (SequoiaCapability c : kSequoiaCapabilities) {
      if (field != name_of(c)) continue;
      known = true;
      auto b = value.value<bool>();
      if (!value.is_boolean() || !b)
        return make_error(fmt::format("{}authorization.\"{}\".{} must be true or false", where(value), name, field));
      u.can[static_cast<size_t>(c)] = *b;
    }
    if (field == "keyring") {
      known = true;
      if (!value.is_string())
        return make_error(fmt::format("{}authorization.\"{}\".keyring must be a string", where(value), name));
      keyring = *value.value<std::string>();
      has_keyring = true;
    }
    if (!known) unknown.push_back(fmt::format("authorization.\"{}\".{}", name, field));
  }
  if (!has_keyring) return make_error(fmt::format("{}authorization.\"{}\" has no keyring", where(node), name));
  // An empty keyring: the user holds no certificate, and so signs nothing.
  if (keyring.find_first_not_of(" \t\r\n") == std::string::npos) return u;
  auto certs = OpenPgpCert::parse_all(keyring);
  if (!certs) return make_error(fmt::format("authorization.\"{}\".keyring: {}", name, certs.error().message));
  for (auto& c : *certs)
    if (!u.holds(c->fingerprint())) u.certs.push_back(std::move(c));
  return u;
}

}  // namespace

Result<SequoiaPolicy> parse_sequoia_policy(std::string_view text) {
  if (text.size() > kMaxSequoiaPolicyBytes) return make_error("larger than 4 MiB");
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& e) {
    return make_error(fmt::format("line {}: {}", e.source().begin.line, e.description()));
  }
  SequoiaPolicy p;
  for (const auto& [key, value] : root) {
    std::string field(key.str());
    if (field == "version") {
      auto v = value.value<int64_t>();
      if (!value.is_integer() || !v || *v < 0)
        return make_error(fmt::format("{}version must be a non-negative integer", where(value)));
      p.version = static_cast<uint64_t>(*v);
    } else if (field == "commit_goodlist") {
      const toml::array* a = value.as_array();
      if (a == nullptr) return make_error(fmt::format("{}commit_goodlist must be an array of commit ids", where(value)));
      for (const auto& e : *a) {
        if (!e.is_string()) return make_error(fmt::format("{}commit_goodlist holds something other than a string", where(e)));
        p.goodlist.insert(*e.value<std::string>());
      }
    } else if (field == "authorization") {
      const toml::table* t = value.as_table();
      if (t == nullptr) return make_error(fmt::format("{}authorization must be a table", where(value)));
      for (const auto& [name, entry] : *t) {
        auto u = read_user(std::string(name.str()), entry, p.unknown);
        if (!u) return u.error();
        p.users.push_back(std::move(*u));
      }
    } else {
      p.unknown.push_back(field);
    }
  }
  std::sort(p.users.begin(), p.users.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return p;
}

std::string SequoiaChange::describe() const {
  switch (kind) {
    case Kind::version: return fmt::format("changes the policy version {}", detail);
    case Kind::goodlist_commit: return fmt::format("goodlists commit {}", detail);
    case Kind::ungoodlist_commit: return fmt::format("removes commit {} from the goodlist", detail);
    case Kind::add_user: return fmt::format("adds user \"{}\"", user);
    case Kind::retire_user: return fmt::format("retires user \"{}\"", user);
    case Kind::add_right: return fmt::format("gives \"{}\" {}", user, detail);
    case Kind::remove_right: return fmt::format("takes {} from \"{}\"", detail, user);
    case Kind::add_certificate: return fmt::format("adds certificate {} to \"{}\"", detail, user);
    case Kind::remove_certificate: return fmt::format("removes certificate {} from \"{}\"", detail, user);
    case Kind::remove_self_signature:
      return fmt::format("removes self-signatures from certificate {} in \"{}\"'s keyring", detail, user);
  }
  return "?";
}

std::vector<SequoiaChange> sequoia_changes(const SequoiaPolicy& parent, const SequoiaPolicy& child) {
  using K = SequoiaChange::Kind;
  using C = SequoiaCapability;
  std::vector<SequoiaChange> out;
  if (parent.version != child.version)
    out.push_back({K::version, "", fmt::format("from {} to {}", parent.version, child.version), {C::audit}});
  for (const auto& id : child.goodlist)
    if (!parent.goodlist.count(id)) out.push_back({K::goodlist_commit, "", id, {C::audit}});
  for (const auto& id : parent.goodlist)
    if (!child.goodlist.count(id)) out.push_back({K::ungoodlist_commit, "", id, {C::audit}});

  auto certificates = [](const SequoiaUser* u) {
    std::set<std::string> out;
    if (u != nullptr)
      for (const auto& c : u->certs) out.insert(c->fingerprint());
    return out;
  };
  // Every user of either side, by name.
  std::map<std::string, std::pair<const SequoiaUser*, const SequoiaUser*>> names;
  for (const auto& u : parent.users) names[u.name].first = &u;
  for (const auto& u : child.users) names[u.name].second = &u;
  for (const auto& [name, sides] : names) {
    const auto& [before, after] = sides;
    if (before == nullptr) out.push_back({K::add_user, name, "", {C::add_user}});
    for (C c : kSequoiaCapabilities) {
      bool had = before != nullptr && before->has(c), has = after != nullptr && after->has(c);
      if (has && !had) out.push_back({K::add_right, name, std::string(name_of(c)), {C::add_user, c}});
      if (had && !has) out.push_back({K::remove_right, name, std::string(name_of(c)), {C::retire_user, c}});
    }
    auto old_certs = certificates(before), new_certs = certificates(after);
    for (const auto& f : new_certs)
      if (!old_certs.count(f)) out.push_back({K::add_certificate, name, f, {C::add_user}});
    for (const auto& f : old_certs)
      if (!new_certs.count(f)) out.push_back({K::remove_certificate, name, f, {C::retire_user}});
    // sq-git diffs the packets of a certificate both copies hold: a
    // removed signature the certificate made itself (a self-signature, a
    // binding, a revocation) needs retire_user; anything added needs nothing.
    if (before != nullptr && after != nullptr)
      for (const auto& old_cert : before->certs)
        for (const auto& new_cert : after->certs) {
          if (old_cert->fingerprint() != new_cert->fingerprint()) continue;
          const auto& kept = new_cert->self_signatures();
          std::vector<std::string> lost;
          for (const auto& sig : old_cert->self_signatures())
            if (!std::binary_search(kept.begin(), kept.end(), sig)) {
              // "subkey FPR|subkey revocation|SHA256|1780272000": its part and type.
              auto first = sig.find('|'), second = sig.find('|', first + 1);
              lost.push_back(sig.substr(first + 1, second - first - 1) + " of " + sig.substr(0, first));
            }
          if (!lost.empty())
            out.push_back({K::remove_self_signature, name,
                           fmt::format("{} ({})", old_cert->fingerprint(), fmt::join(lost, ", ")),
                           {C::retire_user}});
        }
    if (after == nullptr) out.push_back({K::retire_user, name, "", {C::retire_user}});
  }
  return out;
}

}  // namespace warden
