// The people `git warden init` finds (cli/init_command.cpp): one per
// holder, each with every key found for them, what each key signed, and a
// policy name made from what the history and the key files say of them.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::cli {

struct Signer {
  std::string name;                  // given by Draft::name_people
  std::vector<std::string> name_hints;  // what to name them from, best first
  std::vector<std::string> keys;     // key lines as the policy writes them
  std::vector<std::string> key_origins;  // where each key was found
  std::vector<std::string> key_fingerprints;  // each key's, for trust --anchor
  std::vector<size_t> key_commits;   // how many commits each key signed
  std::vector<std::string> origins;  // where they were found, for the comment
  // How many commits they signed, with any of their keys.
  size_t commits() const {
    size_t n = 0;
    for (size_t k : key_commits) n += k;
    return n;
  }
  std::set<std::string> touched;     // top-level paths their signed commits changed
};

// A policy name made of `text` (a person's name, a key comment, an
// e-mail address's local part): lower case, words joined by '-'; "" when
// nothing of it fits or it has letters a policy name cannot hold.
std::string person_name_from(std::string_view text);

// What an e-mail address (or a bare name) says of its holder: the local
// part, or the domain's first label where the local part names no one and
// the domain is the holder's own ("me@tionis.dev": tionis).
std::string address_name(const std::string& address);

// The people found so far, one per key; the first source to name a key names its person.
class Draft {
 public:
  // The person holding `key_id` ("type base64" or "openpgp:FPR"), found by
  // `person` (an e-mail address, or a name) if new; `name_hints` are
  // what to name them from, best first (a person's name, a key comment),
  // after the name the history gives `person` and before its local part.
  Signer& by_key(const std::string& key_id, const std::string& key_line, const std::string& fingerprint,
                 const std::string& person, const std::vector<std::string>& name_hints, const std::string& origin);
  // One more commit signed with `key_id` (held).
  void signed_with(const std::string& key_id);
  // Names everyone: from the name the history gives their e-mail address
  // (`names`, committer e-mail -> name), else their first usable hint,
  // else what their address says (address_name), else "signer"; each
  // name once.
  void name_people(const std::map<std::string, std::string>& names);
  bool holds(const std::string& key_id) const { return by_key_.count(key_id) > 0; }
  const std::vector<Signer>& signers() const { return signers_; }
  bool empty() const { return signers_.empty(); }

 private:
  std::vector<Signer> signers_;
  std::map<std::string, std::pair<size_t, size_t>> by_key_;  // -> person, key
  std::map<std::string, size_t> by_person_;
};

}  // namespace warden::cli
