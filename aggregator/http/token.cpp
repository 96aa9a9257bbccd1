#include "token.h"

#include <algorithm>

namespace onlooker {

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Length is not secret; the content is, so every byte is compared.
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

bool valid_token(std::string_view token) {
  return token.size() >= 16 && std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '~' || c == '-';
         });
}

}  // namespace onlooker
