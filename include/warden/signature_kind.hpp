// What kind of signature a commit or tag carries, as a verdict reports it.
// How signatures are read and checked is private to src/signatures/.
#pragma once

#include <string_view>

namespace warden {

enum class SignatureKind {
  none,         // no gpgsig header
  ssh,          // valid SSHSIG in namespace "git"; `key` says by whom
  openpgp,      // well-formed OpenPGP signature; `openpgp` holds it, unverified
  unsupported,  // a kind warden does not verify (X.509)
  bad,          // malformed, wrong namespace, weak hash, does not verify
};

std::string_view to_string(SignatureKind kind);

}  // namespace warden
