// OpenSSH's allowed signers file (ssh-keygen(1), "ALLOWED SIGNERS"), the
// file gpg.ssh.allowedSignersFile names for git:
//   principals [options] keytype base64 [comment]
// principals: comma-separated; options: comma-separated cert-authority,
// namespaces="...", valid-after="...", valid-before="..."; '#' comments.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "warden/result.hpp"

namespace warden {

struct AllowedSigner {
  int line = 0;
  std::vector<std::string> principals;
  std::string key_line;  // "keytype base64", the key checked by SshPublicKey
  std::string comment;   // what follows the key on the line, "" if nothing
  bool cert_authority = false;
  std::vector<std::string> namespaces;  // empty: any namespace
  std::string valid_after, valid_before;  // as written, "" if absent
  // Whether git's commit signatures ("git" namespace) may be made by it.
  bool signs_git() const;
};

// Every entry, or "line N: problem" for the first line that is none.
Result<std::vector<AllowedSigner>> parse_allowed_signers(std::string_view text);

}  // namespace warden
