#include "support/x509_pki.hpp"

#include <catch2/catch.hpp>

namespace test {

namespace {

const char* kSigningExtensions =
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=emailProtection\n";

}  // namespace

std::string X509Person::git_flags() const {
  return "-c gpg.format=x509 -c gpg.x509.program=" + quote(program) + " -c user.signingkey=" + quote(email) + " ";
}

std::string Pki::ca(const std::string& name) {
  std::string dir = sb_.dir() + "/pki-" + name;
  sb_.sh("mkdir -p " + quote(dir) + " && cd " + quote(dir) +
         " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem"
         " -days 3650 -subj " + quote("/O=" + name + "/CN=" + name + " Root") +
         " -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null"
         " && : > index.txt && echo 1000 > serial"
         " && printf '[ca]\\ndefault_ca=d\\n[d]\\ndir=.\\ndatabase=index.txt\\nserial=serial\\nnew_certs_dir=.\\n"
         "certificate=ca.pem\\nprivate_key=ca.key\\ndefault_md=sha256\\npolicy=p\\nunique_subject=no\\n"
         "[p]\\ncommonName=supplied\\n' > ca.cnf");
  return dir + "/ca.pem";
}

X509Person Pki::gpgsm_person(const std::string& ca, const std::string& email) {
  std::string dir = sb_.dir() + "/x509-" + std::to_string(people_++);
  std::string home = dir + "/gnupg";
  std::string ca_dir = ca.substr(0, ca.rfind('/'));
  sb_.sh("mkdir -p " + quote(dir) + " && mkdir -m 700 " + quote(home) +
         " && printf 'disable-crl-checks\\ndisable-trusted-cert-crl-check\\ndisable-dirmngr\\n' > " +
         quote(home + "/gpgsm.conf"));
  // The CA is trusted (gpg-agent's trustlist: its SHA-1 fingerprint, "S"
  // for S/MIME), before the agent starts and reads it.
  sb_.sh("openssl x509 -noout -fingerprint -sha1 -in " + quote(ca) +
         " | sed 's/.*=//; s/://g; s/$/ S relax/' > " + quote(home + "/trustlist.txt"));
  std::string env = "GNUPGHOME=" + quote(home) + " ";
  sb_.write_file(dir + "/params", "Key-Type: RSA\nKey-Length: 2048\nKey-Usage: sign\nName-DN: CN=" + email +
                                      ",O=People\nName-Email: " + email + "\n");
  sb_.sh(env + "gpgsm --batch --pinentry-mode loopback --passphrase '' --armor --gen-key " + quote(dir + "/params") +
         " > " + quote(dir + "/req.csr") + " 2>/dev/null");
  sb_.write_file(dir + "/ext", std::string(kSigningExtensions) + "subjectAltName=email:" + email + "\n");
  sb_.sh("openssl x509 -req -in " + quote(dir + "/req.csr") + " -CA " + quote(ca) + " -CAkey " +
         quote(ca_dir + "/ca.key") + " -CAcreateserial -CAserial " + quote(dir + "/ca.srl") + " -out " +
         quote(dir + "/cert.pem") + " -days 365 -extfile " + quote(dir + "/ext") + " 2>/dev/null");
  sb_.sh(env + "gpgsm --batch --import " + quote(ca) + " " + quote(dir + "/cert.pem") + " 2>/dev/null");
  X509Person p{email, dir + "/cert.pem", dir + "/gpgsm"};
  sb_.write_file(p.program, "#!/bin/sh\nGNUPGHOME=" + quote(home) +
                                " exec gpgsm \"$@\"\n");
  sb_.sh("chmod +x " + quote(p.program));
  return p;
}

X509Person Pki::openssl_person(const std::string& ca, const std::string& email, const std::string& extensions,
                               const std::string& start, const std::string& end) {
  std::string dir = sb_.dir() + "/x509-" + std::to_string(people_++);
  std::string ca_dir = ca.substr(0, ca.rfind('/'));
  sb_.sh("mkdir -p " + quote(dir));
  sb_.write_file(dir + "/ext", "[x]\n" + extensions + "subjectAltName=email:" + email + "\n");
  sb_.sh("cd " + quote(dir) + " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem"
         " -out req.csr -subj " + quote("/O=People/CN=" + email) + " 2>/dev/null && cd " + quote(ca_dir) +
         " && openssl ca -batch -config ca.cnf -in " + quote(dir + "/req.csr") + " -out " + quote(dir + "/cert.pem") +
         " -startdate " + start + " -enddate " + end + " -extfile " + quote(dir + "/ext") + " -extensions x 2>/dev/null");
  X509Person p{email, dir + "/cert.pem", dir + "/cms-sign"};
  // What git runs: "PROGRAM --status-fd=2 -bsau KEY", the data on stdin,
  // the armored signature on stdout, SIG_CREATED on the status descriptor.
  sb_.write_file(p.program,
                 "#!/bin/sh\n"
                 "openssl cms -sign -binary -md sha256 -signer " + quote(dir + "/cert.pem") + " -inkey " +
                     quote(dir + "/key.pem") +
                     " -outform DER | base64 -w 64 | { echo '-----BEGIN SIGNED MESSAGE-----'; cat; "
                     "echo '-----END SIGNED MESSAGE-----'; }\n"
                     "echo '[GNUPG:] SIG_CREATED D 19 8 00 0 0' >&2\n");
  sb_.sh("chmod +x " + quote(p.program));
  return p;
}

std::string Pki::commit(const Repo& repo, const std::string& message, const X509Person& who) const {
  repo.git("add -A");
  repo.git(who.git_flags() + "commit -q --allow-empty -S -m " + quote(message));
  return repo.git("rev-parse HEAD");
}

}  // namespace test
