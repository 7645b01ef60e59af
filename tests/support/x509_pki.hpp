// A throwaway PKI for git's x509 signature format: CAs made by the real
// openssl, people whose keys live in a gpgsm home of their own (GNUPGHOME
// inside the sandbox) and whose certificates those CAs issue, and commits
// signed by the real git with gpg.format=x509 through gpgsm. For
// certificates gpgsm will not sign with (expired, no signing usage), a
// signing program made of `openssl cms` stands in, as a stolen key would.
#pragma once

#include <string>

#include "support/history.hpp"
#include "support/sandbox.hpp"

namespace test {

struct X509Person {
  std::string email;
  std::string cert;     // PEM file
  std::string program;  // what git's gpg.x509.program runs
  // git -c flags that make `git commit -S` sign as this person.
  std::string git_flags() const;
};

class Pki {
 public:
  explicit Pki(Sandbox& sb) : sb_(sb) {}
  // A self-signed CA certificate: returns its PEM file (key beside it).
  std::string ca(const std::string& name);
  // A person whose key gpgsm made and whose certificate `ca` issued (valid
  // from yesterday for a year; S/MIME and signing usages), signing with gpgsm.
  X509Person gpgsm_person(const std::string& ca, const std::string& email);
  // A person whose certificate `ca` issued with these openssl extensions and
  // validity (openssl ca -startdate/-enddate, YYYYMMDDHHMMSSZ), signing
  // with `openssl cms`.
  X509Person openssl_person(const std::string& ca, const std::string& email, const std::string& extensions,
                            const std::string& start, const std::string& end);
  // Commits everything staged in `repo`, signed as `who`; returns the id.
  std::string commit(const Repo& repo, const std::string& message, const X509Person& who) const;

 private:
  Sandbox& sb_;
  int people_ = 0;
};

}  // namespace test
