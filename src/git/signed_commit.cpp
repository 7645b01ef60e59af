#include "git/signed_commit.hpp"

namespace warden::git {

SignedCommit split_signed_commit(std::string_view raw, std::string_view header) {
  SignedCommit out;
  bool in_signature = false, other_signature = false;
  size_t line = 0;
  while (line < raw.size()) {
    size_t eol = raw.find('\n', line);
    size_t next = eol == std::string_view::npos ? raw.size() : eol + 1;
    std::string_view text = raw.substr(line, next - line);
    std::string_view sig;
    bool is_sig = false;
    if (in_signature && text[0] == ' ') {
      sig = text.substr(1);
      is_sig = true;
    } else if (text.starts_with(header) && text.size() > header.size() && text[header.size()] == ' ') {
      sig = text.substr(header.size() + 1);
      is_sig = true;
      other_signature = false;
      ++out.signature_headers;
    } else if (text.starts_with("gpgsig")) {
      other_signature = true;
      ++out.other_signature_headers;
    } else if (other_signature && text[0] != ' ') {
      other_signature = false;
    }
    if (is_sig) {
      out.signature.append(sig);
      in_signature = true;
    } else {
      // The empty line ends the header: the rest is the message, whole.
      if (text[0] == '\n') next = raw.size();
      if (!other_signature) out.payload.append(raw.substr(line, next - line));
      in_signature = false;
    }
    line = next;
  }
  return out;
}

}  // namespace warden::git
