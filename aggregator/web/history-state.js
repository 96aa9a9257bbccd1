// A banner while the history store (SQLite file or PostgreSQL) does not
// answer: the live view goes on, the hits wait in the ring, and the ring's
// fill says how long that can last.
import { $, setText, formatNumber } from "./dom.js";

export function renderHistoryState(snap) {
  const down = snap.history === "down";
  const ring = snap.ring;
  setText($("history-down"), down
    ? "History store unreachable: the live view goes on and hits wait in the ring" +
      (ring ? ` (${formatNumber(ring.fill)} of ${formatNumber(ring.capacity)} slots)` : "") +
      " until it answers; history reports may fail meanwhile."
    : "");
  $("history-down").hidden = !down;
}
