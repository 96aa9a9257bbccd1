// The sign-in link `…/login#token=TOKEN` (onlookerd --login-url): fill the
// form from the fragment, forget the fragment, and post the form, so that
// nobody copies the token by hand and it never appears in a server's log.
"use strict";
const match = /^#token=([A-Za-z0-9._~-]+)$/.exec(location.hash);
if (match) {
  history.replaceState(null, "", location.pathname + location.search);
  document.getElementById("token").value = match[1];
  document.getElementById("login").submit();
}
