// SSH signatures made in the test process: an SSHSIG (the armored format
// `ssh-keygen -Y sign` writes, sha512) with an unencrypted OpenSSH private
// key file, as git's gpg.format=ssh puts it in a commit's gpgsig header.
// Ed25519 and ECDSA keys only; for others (RSA) this says so and the
// caller runs ssh-keygen. tests/git/in_process_commit_test.cpp checks
// what this makes against ssh-keygen and `git verify-commit`.
#pragma once

#include <optional>
#include <string>

namespace test {

// The armored signature of `message` in namespace `ns`, without a final
// newline; nullopt if the key file is not an unencrypted Ed25519 or
// ECDSA OpenSSH key.
std::optional<std::string> ssh_sign(const std::string& private_key_path, const std::string& ns,
                                    const std::string& message);

}  // namespace test
