// The dashboard for keyboards, screen readers and small screens: names and
// roles, a live region for the count, keyboard filters with visible focus,
// WCAG AA contrast in light and dark, and no sideways scrolling at 360 px.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Stack } from "./stack.mjs";
import { DEMO_PAGES, VISITORS, eventually, launch, openDashboard, screenshot, visit } from "./helpers.mjs";

// Contrast of every visible text element against the first opaque background
// behind it, and of the design's colour pairs that are drawn over others.
function contrastReport() {
  const rgb = (text) => {
    if (text.startsWith("#")) {
      const hex = text.length === 4 ? [...text.slice(1)].map((c) => c + c).join("") : text.slice(1);
      return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
    }
    const parts = text.match(/[\d.]+/g).map(Number);
    return parts.length === 4 ? parts : [...parts, 1];
  };
  const luminance = ([r, g, b]) => {
    const channel = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  // Translucent backgrounds are blended over what is behind them.
  const background = (node) => {
    const layers = [];
    for (let e = node; e; e = e.parentElement) {
      const color = rgb(getComputedStyle(e).backgroundColor);
      if (color[3] > 0) layers.push(color);
      if (color[3] === 1) break;
    }
    return layers.reduceRight((under, [r, g, b, a]) =>
      [r * a + under[0] * (1 - a), g * a + under[1] * (1 - a), b * a + under[2] * (1 - a)], [255, 255, 255]);
  };
  const low = [];
  const selectors = ["h1", "h2", ".tabs a", "label", "#connection-text", "#active", "#active-detail",
                     "#sparkline-caption", ".map-card p", ".map-card a", ".top .name", ".top .count", ".top .detail",
                     ".top .empty", "#visitors th", "#visitors td span", "footer", "footer a", ".chip", "select"];
  for (const selector of selectors) {
    for (const node of document.querySelectorAll(selector)) {
      if (!node.getClientRects().length) continue;
      const value = ratio(rgb(getComputedStyle(node).color).slice(0, 3), background(node));
      if (value < 4.5) low.push(`${selector} "${node.textContent.trim().slice(0, 20)}": ${value.toFixed(2)}`);
    }
  }
  const token = (name) => rgb(getComputedStyle(document.documentElement).getPropertyValue(name).trim());
  for (const [fg, bg] of [["--fg", "--bar"], ["--muted", "--bar"], ["--accent-fg", "--accent"],
                          ["--warn-fg", "--warn-bg"], ["--bad", "--bg"], ["--muted", "--bg"]]) {
    const value = ratio(token(fg).slice(0, 3), token(bg).slice(0, 3));
    if (value < 4.5) low.push(`${fg} on ${bg}: ${value.toFixed(2)}`);
  }
  return low;
}

describe("accessibility and small screens", { timeout: 60000 }, () => {
  let stack, browser;
  const people = [];

  before(async () => {
    stack = await Stack.start({ pages: DEMO_PAGES, activeWindow: 60 });
    browser = await launch();
    people.push(await visit(browser, stack, VISITORS.london, "/about.html", { referer: "https://www.google.com/" }));
    people.push(await visit(browser, stack, VISITORS.berlin, "/pricing.html"));
    people.push(await visit(browser, stack, VISITORS.tokyo, "/"));
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("names every control, announces the count, and marks up regions, lists and tables", async () => {
    const { page, problems } = await openDashboard(browser, stack);
    await eventually("three people", async () => (await page.textContent("#active")) === "3");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.equal(await page.getAttribute("#active", "aria-live"), "polite");
    assert.equal(await page.getAttribute("#connection-text", "role"), "status");
    const unnamed = await page.$$eval("a[href], button, select, input, [role=button], [tabindex]", (nodes) =>
      nodes.filter((node) => node.getClientRects().length).filter((node) => {
        const labelledBy = node.getAttribute("aria-labelledby");
        const name = node.getAttribute("aria-label") ||
          (labelledBy && document.getElementById(labelledBy)?.textContent) ||
          [...(node.labels ?? [])].map((label) => label.textContent).join("") || node.textContent;
        return !name.trim();
      }).map((node) => node.outerHTML.slice(0, 80)));
    assert.deepEqual(unnamed, []);
    for (const id of ["pages", "countries", "cities", "referrers", "devices", "browsers", "os"]) {
      const label = await page.$eval(`#${id}`, (list) => document.getElementById(list.getAttribute("aria-labelledby"))?.textContent);
      assert.ok(label, `#${id} is labelled`);
    }
    assert.equal(await page.$$eval("#visitors", (body) => body[0].closest("table").querySelectorAll("th[scope=col]").length), 5);
    assert.ok(await page.$("header.masthead") && await page.$("nav[aria-label]") && await page.$("main") && await page.$("footer"));
    assert.equal(await page.textContent('footer a[href="https://db-ip.com"]'), "IP geolocation by DB-IP");
    assert.deepEqual(problems, []);
  });

  it("reaches the filters by keyboard, with a visible focus", async () => {
    const { page } = await openDashboard(browser, stack);
    await eventually("three people", async () => (await page.textContent("#active")) === "3");
    const seen = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const node = document.activeElement;
        return { text: (node.getAttribute("aria-label") || node.textContent).trim().slice(0, 40),
                 list: node.closest("ol")?.id ?? (node.closest("svg") ? "map" : ""),
                 outline: getComputedStyle(node).outlineStyle };
      });
      seen.push(focused);
      if (focused.list === "countries") break;
    }
    assert.equal(seen[0].text, "Skip to content");
    assert.ok(seen.some((f) => f.text === "History"), "the History tab");
    assert.ok(seen.some((f) => f.list === "map" && /: 1 viewer$/.test(f.text)), "countries on the map");
    assert.ok(seen.some((f) => f.list === "pages"), "the pages");
    const country = seen[seen.length - 1];
    assert.equal(country.list, "countries", JSON.stringify(seen));
    assert.notEqual(country.outline, "none", "focus is visible");
    await page.keyboard.press("Enter");
    await eventually("filtered by keyboard", async () => (await page.textContent("#active")) === "1");
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-pressed")), "true");
  });

  for (const colorScheme of ["light", "dark"]) {
    it(`keeps text contrast at 4.5:1 or more in ${colorScheme} mode`, async () => {
      const { page } = await openDashboard(browser, stack, { colorScheme });
      await eventually("three people", async () => (await page.textContent("#active")) === "3");
      await page.click("#countries button >> nth=0");  // a filter chip shows
      assert.deepEqual(await page.evaluate(contrastReport), []);
      await page.click("#tab-history");
      await page.waitForSelector("#history-chart svg");
      assert.deepEqual(await page.evaluate(contrastReport), []);
    });
  }

  it("fits 360 px without sideways scrolling, in both views and both schemes", async () => {
    for (const colorScheme of ["light", "dark"]) {
      const { page } = await openDashboard(browser, stack, { viewport: { width: 360, height: 800 }, colorScheme });
      await eventually("three people", async () => (await page.textContent("#active")) === "3");
      await page.waitForTimeout(1800);  // the arrival highlight fades
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360);
      await screenshot(page, `dashboard-360px-${colorScheme}`);
      await page.click("#tab-history");
      await page.waitForSelector("#history-chart svg");
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360);
      if (colorScheme === "light") await screenshot(page, "history-360px-light");
    }
  });
});
