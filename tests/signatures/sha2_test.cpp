// SHA-256 and SHA-512 (libsodium) against FIPS 180-2's examples, on the
// empty string, "abc" and a message longer than one block.
#include <catch2/catch.hpp>

#include <string>

#include "common/text_forms.hpp"
#include "signatures/sha2.hpp"

TEST_CASE("SHA-256 and SHA-512 give FIPS 180-2's digests", "[sha2]") {
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(warden::hex_of(warden::sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(warden::hex_of(warden::sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(warden::hex_of(warden::sha256(two_blocks)) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(warden::sha256("abc").size() == warden::kSha256Bytes);
  CHECK(warden::hex_of(warden::sha512("abc")) ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e"
        "2a9ac94fa54ca49f");
  CHECK(warden::hex_of(warden::sha512("")) ==
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81"
        "a538327af927da3e");
  // A NUL byte is part of the message, not its end.
  CHECK(warden::sha256(std::string("a\0b", 3)) != warden::sha256("a"));
}
