// RNP, loaded the first time an OpenPGP certificate is read rather than at
// start-up: RNP brings Botan and half a dozen other libraries whose loading
// costs every hook run about 3 ms, and a repository whose policy lists only
// SSH keys never needs them.
#pragma once

#include <rnp/rnp.h>
#include <rnp/rnp_err.h>

#include "warden/result.hpp"

namespace warden::rnp {

// Every RNP function warden calls (without its rnp_ prefix).
#define WARDEN_RNP_FUNCTIONS(X)                                                                                    \
  X(buffer_destroy)                                                                                                \
  X(ffi_create) X(ffi_destroy) X(ffi_set_log_fd) X(identifier_iterator_create) X(identifier_iterator_destroy)    \
  X(identifier_iterator_next) X(import_keys) X(input_destroy) X(input_from_memory) X(key_allows_usage)           \
  X(key_export) X(key_get_creation) X(key_get_expiration) X(key_get_fprint) X(key_get_primary_uid)               \
  X(key_get_revocation_reason) X(key_get_revocation_signature) X(key_get_subkey_at) X(key_get_subkey_count)      \
  X(key_handle_destroy) X(key_is_primary) X(key_is_retired) X(key_is_revoked) X(key_is_superseded)               \
  X(key_to_json) X(key_valid_till64) X(locate_key) X(output_destroy) X(output_memory_get_buf)                    \
  X(output_to_memory) X(signature_get_creation) X(signature_handle_destroy) X(key_get_signature_count)            \
  X(key_get_signature_at) X(key_get_uid_count) X(key_get_uid_at) X(key_get_uid_handle_at) X(uid_get_signature_count) \
  X(uid_get_signature_at) X(uid_handle_destroy) X(signature_get_type) X(signature_get_keyid) X(signature_get_hash_alg)

struct Library {
#define WARDEN_RNP_POINTER(name) decltype(&::rnp_##name) name = nullptr;
  WARDEN_RNP_FUNCTIONS(WARDEN_RNP_POINTER)
#undef WARDEN_RNP_POINTER
};

// Loads RNP once (thread-safe); the error names the library and why it
// could not be loaded.
Result<const Library*> library();

// The library, once library() has succeeded (every RNP handle implies it).
const Library& loaded();

}  // namespace warden::rnp
