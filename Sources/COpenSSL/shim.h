// The parts of the system's libcrypto (OpenSSL 3) that OpenMTP uses: RSA signing of tokens and the random values
// that go into them.
// OpenSSL is used here rather than swift-crypto's BoringSSL because its RSA code is several times faster on
// current x86-64 (AVX-512 IFMA), and every token the server issues is one RSA-2048 signature.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/err.h>
