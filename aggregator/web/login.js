// The sign-in link `…/login#token=TOKEN` (onlookerd --login-url): fill the
// form from the fragment, forget the fragment, and post the form, so that
// nobody copies the token by hand and it never appears in a server's log.
// Signed in already, the page says which sites the key opens (login/key
// tells a stranger only {"signed_in": false}).
"use strict";
const match = /^#token=([A-Za-z0-9._~-]+)$/.exec(location.hash);
if (match) {
  history.replaceState(null, "", location.pathname + location.search);
  document.getElementById("token").value = match[1];
  document.getElementById("login").submit();
} else {
  fetch("login/key", { cache: "no-store" })
    .then((response) => (response.ok ? response.json() : null))
    .then((access) => {
      if (!access?.signed_in) return;
      const said = document.getElementById("signed-in");
      said.textContent = access.sites
        ? `Signed in. This key opens ${access.sites.join(", ")} only.`
        : "Signed in. This key opens every site.";
      const link = document.createElement("a");
      link.href = "./";
      link.textContent = " Open the dashboard";
      said.append(link);
      said.hidden = false;
    })
    .catch(() => {});
}
