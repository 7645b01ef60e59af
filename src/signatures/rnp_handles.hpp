// RAII owners for RNP's handles and buffers.
#pragma once

#include <rnp/rnp.h>
#include <rnp/rnp_err.h>

#include <memory>

namespace warden::rnp {

template <class T, auto Free>
struct Freer {
  void operator()(T* p) const { (void)Free(p); }
};

using Ffi = std::unique_ptr<rnp_ffi_st, Freer<rnp_ffi_st, rnp_ffi_destroy>>;
using Input = std::unique_ptr<rnp_input_st, Freer<rnp_input_st, rnp_input_destroy>>;
using Output = std::unique_ptr<rnp_output_st, Freer<rnp_output_st, rnp_output_destroy>>;
using Key = std::unique_ptr<rnp_key_handle_st, Freer<rnp_key_handle_st, rnp_key_handle_destroy>>;
using Signature = std::unique_ptr<rnp_signature_handle_st, Freer<rnp_signature_handle_st, rnp_signature_handle_destroy>>;
using IdIterator =
    std::unique_ptr<rnp_identifier_iterator_st, Freer<rnp_identifier_iterator_st, rnp_identifier_iterator_destroy>>;
using OpVerify = std::unique_ptr<rnp_op_verify_st, Freer<rnp_op_verify_st, rnp_op_verify_destroy>>;

inline void free_buffer(char* p) { rnp_buffer_destroy(p); }
using Buffer = std::unique_ptr<char, Freer<char, free_buffer>>;

}  // namespace warden::rnp
