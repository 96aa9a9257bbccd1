// What one stream entry carries: the enriched hits of one drain batch, as
// far as the live set needs them (no client address, no ring position).
#pragma once

#include <string>
#include <vector>

#include "hit.h"

namespace onlooker {

std::string encode_live_hits(const std::vector<Hit>& hits);
// Entries from other nodes are untrusted input: malformed ones give false.
bool decode_live_hits(const std::string& text, std::vector<Hit>& hits);

}  // namespace onlooker
