// RAII owners for RNP's handles and buffers (RNP is loaded on first use:
// signatures/rnp_library.hpp).
#pragma once

#include <memory>

#include "signatures/rnp_library.hpp"

namespace warden::rnp {

template <class T, auto Member>
struct Freer {
  void operator()(T* p) const { (void)(loaded().*Member)(p); }
};

using Ffi = std::unique_ptr<rnp_ffi_st, Freer<rnp_ffi_st, &Library::ffi_destroy>>;
using Input = std::unique_ptr<rnp_input_st, Freer<rnp_input_st, &Library::input_destroy>>;
using Output = std::unique_ptr<rnp_output_st, Freer<rnp_output_st, &Library::output_destroy>>;
using Key = std::unique_ptr<rnp_key_handle_st, Freer<rnp_key_handle_st, &Library::key_handle_destroy>>;
using Signature =
    std::unique_ptr<rnp_signature_handle_st, Freer<rnp_signature_handle_st, &Library::signature_handle_destroy>>;
using IdIterator =
    std::unique_ptr<rnp_identifier_iterator_st, Freer<rnp_identifier_iterator_st, &Library::identifier_iterator_destroy>>;
using Uid = std::unique_ptr<rnp_uid_handle_st, Freer<rnp_uid_handle_st, &Library::uid_handle_destroy>>;
using Buffer = std::unique_ptr<char, Freer<char, &Library::buffer_destroy>>;

}  // namespace warden::rnp
