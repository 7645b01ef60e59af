// x509: and sigstore: identities (DESIGN section 2): how a policy writes
// them, and which of them made an x509 signature.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/text_forms.hpp"
#include "warden/policy.hpp"

namespace warden {

namespace {

// "k1=v1,k2=v2" with keys from `known`: a value runs to the next
// ",KNOWN=" or to the end, so that a subject or a URL may hold commas.
Result<std::map<std::string, std::string>> fields(std::string_view text, const std::vector<std::string>& known) {
  std::map<std::string, std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t eq = text.find('=', at);
    if (eq == std::string_view::npos) return make_error(fmt::format("'{}' is not key=value", text.substr(at)));
    std::string key(text.substr(at, eq - at));
    if (std::find(known.begin(), known.end(), key) == known.end())
      return make_error(fmt::format("unknown field '{}'", key));
    size_t end = text.size();
    for (const auto& k : known)
      for (size_t c = text.find("," + k + "=", eq + 1); c != std::string_view::npos && c < end;
           c = text.find("," + k + "=", c + 1))
        end = std::min(end, c);
    std::string value(text.substr(eq + 1, end - eq - 1));
    if (value.empty()) return make_error(fmt::format("'{}' is empty", key));
    if (!out.emplace(key, value).second) return make_error(fmt::format("'{}' given twice", key));
    at = end == text.size() ? end : end + 1;
  }
  return out;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string x509_ca_path(const std::string& file) { return ".warden/keys/" + file; }

std::string revocation_key(const X509Identity& id) {
  return id.email.empty() ? "x509:subject=" + id.subject : "x509:email=" + id.email;  // in lower case already
}

std::string revocation_key(const SigstoreIdentity& id) { return id.text; }

std::vector<std::string> x509_revocation_names(const X509Signature& sig) {
  std::vector<std::string> out;
  for (const auto& e : sig.emails()) out.push_back("x509:email=" + lower(e));
  if (!sig.subject().empty()) out.push_back("x509:subject=" + sig.subject());
  if (!sig.oidc_issuer().empty() && !sig.san_identity().empty())
    out.push_back("sigstore:issuer=" + sig.oidc_issuer() + ",identity=" + sig.san_identity());
  return out;
}

Result<X509Identity> parse_x509_identity(std::string_view text) {
  auto f = fields(text, {"ca", "email", "subject"});
  if (!f) return make_error(fmt::format("an x509 key is 'x509:ca=FILE,email=ADDRESS' (or subject=DN): {}", f.error().message));
  X509Identity id;
  auto get = [&](const char* k) { return f->count(k) ? f->at(k) : std::string(); };
  id.ca_file = get("ca");
  id.email = get("email");
  id.subject = get("subject");
  if (!is_plain_name(id.ca_file, 128))
    return make_error("an x509 key names its CA certificate, a file in .warden/keys/: 'x509:ca=FILE,...'");
  if (id.email.empty() == id.subject.empty())
    return make_error("an x509 key names exactly one of 'email=ADDRESS' and 'subject=DN'");
  id.email = lower(id.email);  // addresses are compared without case
  id.text = "x509:ca=" + id.ca_file + (id.email.empty() ? ",subject=" + id.subject : ",email=" + id.email);
  return id;
}

Result<SigstoreIdentity> parse_sigstore_identity(std::string_view text) {
  auto f = fields(text, {"issuer", "identity"});
  if (!f || f->size() != 2)
    return make_error(fmt::format("a sigstore key is 'sigstore:issuer=OIDC-ISSUER-URL,identity=EMAIL-OR-URI'{}",
                                  f ? "" : ": " + f.error().message));
  SigstoreIdentity id;
  id.issuer = f->at("issuer");
  id.identity = f->at("identity");
  id.text = "sigstore:issuer=" + id.issuer + ",identity=" + id.identity;
  return id;
}

namespace {

// `made(identity)` of the x509: or sigstore: key `text`.
template <class Made>
std::optional<Result<std::string>> of_identity(std::string_view text, Made made) {
  if (text.starts_with("x509:")) {
    auto id = parse_x509_identity(text.substr(5));
    if (!id) return Result<std::string>(id.error());
    return Result<std::string>(made(*id));
  }
  if (text.starts_with("sigstore:")) {
    auto id = parse_sigstore_identity(text.substr(9));
    if (!id) return Result<std::string>(id.error());
    return Result<std::string>(made(*id));
  }
  return std::nullopt;
}

}  // namespace

std::optional<Result<std::string>> identity_text(std::string_view text) {
  return of_identity(text, [](const auto& id) { return id.text; });
}

std::optional<Result<std::string>> identity_revocation_key(std::string_view text) {
  return of_identity(text, [](const auto& id) { return revocation_key(id); });
}

X509Signer Policy::owner_of_x509(const X509Signature& sig) const {
  X509Signer out;
  auto has_email = [&](const std::string& e) {
    return std::any_of(sig.emails().begin(), sig.emails().end(), [&](const std::string& x) { return iequal(x, e); });
  };
  // Identities that name this certificate; the first whose chain (and
  // log entry) verifies is the signer.
  for (const auto& [name, person] : people) {
    for (const auto& id : person.x509) {
      if (!(id.email.empty() ? sig.subject() == id.subject : has_email(id.email))) continue;
      auto ca = x509_cas.find(id.ca_file);
      Status s = make_error(fmt::format("the policy has no CA certificate {}", x509_ca_path(id.ca_file)));
      if (ca != x509_cas.end()) {
        if (!sig.signing_time()) s = make_error("the signature has no signing time to check its certificate at");
        else s = sig.chains_to(*ca->second, *sig.signing_time());
      }
      if (s) {
        out = X509Signer{&name, id.text, revocation_key(id), "", false, ""};
        return out;
      }
      out.bad = true;
      out.identity = id.text;
      out.problem = fmt::format("{}: {}", id.text, s.error().message);
    }
    for (const auto& id : person.sigstore) {
      // Exactly, and only the one identity Sigstore reads from the
      // certificate (sigstore-go's: the first SAN URI, else e-mail).
      if (sig.san_identity().empty() || sig.san_identity() != id.identity || sig.oidc_issuer() != id.issuer) continue;
      Result<int64_t> when = make_error(fmt::format("the policy has no Sigstore trust root ({})", kSigstoreRootPath));
      if (sigstore_root) when = sig.logged_in(*sigstore_root);
      if (when) {
        out = X509Signer{&name, id.text, revocation_key(id), id.issuer, false, ""};
        return out;
      }
      out.bad = true;
      out.identity = id.text;
      out.problem = fmt::format("{}: {}", id.text, when.error().message);
    }
  }
  if (out.bad) return out;
  std::string names;
  for (const auto& e : sig.emails()) names += (names.empty() ? "" : ", ") + e;
  for (const auto& u : sig.uris()) names += (names.empty() ? "" : ", ") + u;
  out.problem = fmt::format("x509 certificate {}{}{}", names.empty() ? sig.subject() : names,
                            sig.oidc_issuer().empty() ? "" : " from issuer " + sig.oidc_issuer(),
                            sig.issuer().empty() ? "" : ", issued by " + sig.issuer());
  return out;
}

}  // namespace warden
