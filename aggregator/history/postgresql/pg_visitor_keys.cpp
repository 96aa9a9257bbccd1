#include "pg_visitor_keys.h"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "pg_connection.h"

namespace onlooker::pg {

ValueKey value_key(std::string_view host, std::string_view value) {
  std::string text = valid_utf8(host);
  text += '\0';
  text += valid_utf8(value);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  ValueKey key;
  std::copy(digest, digest + key.size(), key.begin());
  return key;
}

}  // namespace onlooker::pg
