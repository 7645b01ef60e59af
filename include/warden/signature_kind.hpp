// What kind of signature a commit or tag carries, as a verdict reports it.
// How signatures are read and checked is private to src/signatures/.
#pragma once

#include <string_view>

namespace warden {

enum class SignatureKind {
  none,         // no gpgsig header
  ssh,          // valid SSHSIG in namespace "git"; `key` says by whom
  openpgp,      // well-formed OpenPGP signature; `openpgp` holds it, unverified
  x509,         // CMS (git's x509 format) that verifies with the certificate it carries; `x509` holds it
  unsupported,  // a kind or algorithm warden does not verify
  bad,          // malformed, wrong namespace, weak hash, does not verify
};

std::string_view to_string(SignatureKind kind);

}  // namespace warden
