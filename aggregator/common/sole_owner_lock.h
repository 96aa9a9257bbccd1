// One onlookerd per shared file (the ring, the viewers table): an
// open-file-description record lock on its first byte, not flock: nginx
// flocks these files while it (re)configures, and the two kinds of lock do
// not interact. Held until the descriptor is closed.
#pragma once

#include <fcntl.h>

namespace onlooker {

// False when another process holds it.
inline bool take_sole_owner_lock(int fd) {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 1;
  return ::fcntl(fd, F_OFD_SETLK, &lock) == 0;
}

}  // namespace onlooker
