// The WebSocket to onlookerd's /ws: reconnects with exponential backoff and
// jitter (0.5 s doubling to 15 s) after onlookerd restarts or the network
// drops, and tells the page what it is doing through onState.
//   state: {phase: "connecting" | "live" | "waiting", attempt, retryAt}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;
// A connection that stays up this long resets the backoff.
const STABLE_MS = 5000;

export class LiveConnection {
  constructor({ onSnapshot, onState }) {
    this.onSnapshot = onSnapshot;
    this.onState = onState;
    this.host = "";
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = 0;
    this.openedAt = 0;
  }

  // Relative to the page, so that it works at / and under /onlooker/.
  url() {
    const url = new URL("ws", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    url.search = this.host ? `?host=${encodeURIComponent(this.host)}` : "";
    return url;
  }

  start(host = "") {
    this.host = host;
    this.stop();
    this.connect();
  }

  stop() {
    clearTimeout(this.retryTimer);
    if (this.ws) {
      this.ws.onclose = this.ws.onmessage = this.ws.onerror = null;
      this.ws.close();
      this.ws = null;
    }
  }

  connect() {
    this.onState({ phase: "connecting", attempt: this.attempt });
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = () => {
      this.openedAt = Date.now();
      this.onState({ phase: "live", attempt: this.attempt });
    };
    ws.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "snapshot") this.onSnapshot(message);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.openedAt && Date.now() - this.openedAt > STABLE_MS) this.attempt = 0;
      this.openedAt = 0;
      const base = Math.min(FIRST_DELAY_MS * 2 ** this.attempt, MAX_DELAY_MS);
      const delay = Math.round(base * (0.75 + Math.random() * 0.5));
      this.attempt += 1;
      this.onState({ phase: "waiting", attempt: this.attempt, retryAt: Date.now() + delay });
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }
}
