// The cluster part of a snapshot: a banner while the link to the other nodes
// is down, and the nodes list (live people, hits/s, down when not heard).
import { setText, plural } from "./dom.js";

const $ = (id) => document.getElementById(id);

export function renderCluster(snap) {
  const cluster = snap.cluster ?? { link: "off" };
  const down = cluster.link === "down";
  setText($("cluster-link"), down
    ? `Cluster link down: showing only this node (${cluster.node}) until it reconnects.` : "");
  $("cluster-link").hidden = !down;
  const nodes = snap.nodes ?? [];
  const inCluster = cluster.link !== "off";
  $("nodes").hidden = !inCluster;
  if (!inCluster) return;
  setText($("nodes"), "Nodes: " + nodes.map((node) =>
    `${node.node}${node.node === cluster.node ? " (this one)" : ""} ` +
    `${plural(node.live, "person", "people")}, ${node.hits_per_second.toFixed(1)} hits/s` +
    (node.up ? "" : ", down")).join(" · ") + " ·");
}
