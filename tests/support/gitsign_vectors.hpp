// sigstore/gitsign's test commits and Sigstore's public-good trusted root
// (tests/vectors/gitsign), read as files, and a commit object's text split
// as git splits it for verification. Shared by tests and the x509 fuzz target.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <utility>

namespace test {

inline std::string gitsign_vector(const std::string& name) {
  std::ifstream in(std::string(WARDEN_GITSIGN_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The signature (its one gpgsig header, unfolded) and the payload (the
// object without that header) of a commit object's text.
inline std::pair<std::string, std::string> split_signed_commit(const std::string& raw) {
  std::string sig, payload;
  size_t end = raw.find("\n\n");
  std::istringstream in(raw.substr(0, end + 1));
  std::string line;
  bool in_sig = false;
  while (std::getline(in, line)) {
    if (line.starts_with("gpgsig ")) {
      in_sig = true;
      sig += line.substr(7) + "\n";
    } else if (in_sig && line.starts_with(" ")) {
      sig += line.substr(1) + "\n";
    } else {
      in_sig = false;
      payload += line + "\n";
    }
  }
  return {sig, payload + raw.substr(end + 1)};
}

}  // namespace test
