// Says on the page when the dashboard is not protected by a token (see
// GET api/access): open to anyone who can reach it, or listening beyond
// this machine without a token; and, signed in with a site key, which
// sites it opens (onlookerd shows no other).
const banner = document.getElementById("access-warning");
const fix = "sudo dpkg-reconfigure onlooker";

fetch("api/access", { cache: "no-store" })
  .then((response) => (response.ok ? response.json() : null))
  .then((access) => {
    if (access?.sites) {
      const sites = document.getElementById("access-sites");
      sites.textContent = `Signed in with a site key: this dashboard shows ${access.sites.join(", ")} only.`;
      sites.hidden = false;
    }
    if (!access || access.token) return;
    const where = access.network ? "onlookerd listens beyond this machine and has no token"
                                 : "no access token is set";
    const who = access.open ? "anyone who can reach this address sees who is on your site"
                            : "only this machine may open it";
    banner.textContent = `Open dashboard: ${where}; ${who}. To require a sign-in, run: ${fix} ` +
                         "(or start onlookerd with --token).";
    banner.hidden = false;
  })
  .catch(() => {});
