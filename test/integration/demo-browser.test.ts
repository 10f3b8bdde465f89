/**
 * The demo end to end: its HTTP API (including hostile queries) and the search-as-you-type page
 * driven by Debian's chromium through playwright-core. Loads the cities with a population of at
 * least 50,000 (a few thousand) to stay fast; `npm run demo` loads all of them.
 * Chromium missing is a FAILURE, not a skip: install it with `apt-get install -y chromium`.
 */
import { existsSync, mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { Database } from "../../src/database";
import { loadCities } from "../../examples/demo/cities";
import type { CityData } from "../../examples/demo/cities";
import { startServer } from "../../examples/demo/server";
import type { DemoServer } from "../../examples/demo/server";
import { highlightRanges } from "../../examples/demo/highlight";
import { PLACEHOLDER_QUERIES } from "../../examples/demo/page";
import { backends } from "../support/backends";

const CHROMIUM = "/usr/bin/chromium";
const standalone = backends().find((b) => b.name === "standalone")!;
const suite = standalone.unavailable ? describe.skip : describe;

suite(`demo (standalone${standalone.unavailable ? `: not run, ${standalone.unavailable}` : ""})`, () => {
  let db: Database;
  let server: DemoServer;
  let count = 0;
  const prefix = `t${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    db = new Database(standalone.client(), { prefix });
    const ac = db.autocomplete<CityData>("cities");
    ({ count } = await loadCities(ac, { minPopulation: 50_000 }));
    server = await startServer(ac, { count, backend: "test" });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    if (db) {
      await db.autocomplete("cities").clear();
      await db.close();
      db.client.disconnect();
    }
  });

  const api = async (query: string) => {
    const res = await fetch(`${server.url}api/search?${query}`);
    return {
      status: res.status,
      body: (await res.json()) as { error?: string; results?: Array<{ title: string; country: string; countryName: string; region: string; population: number }> },
    };
  };

  it("answers JSON searches", async () => {
    expect(count).toBeGreaterThan(3000);
    const { status, body } = await api("q=sao%20pa&limit=3");
    expect(status).toBe(200);
    expect(body.results?.[0]).toMatchObject({ title: "São Paulo", country: "BR" });
    expect((await api("q=san&limit=3")).body.results).toHaveLength(3);
    expect((await api("q=zur")).body.results?.[0]?.title).toBe("Zürich");
    expect((await api("q=%E6%9D%B1%E4%BA%AC")).status).toBe(200); // 東京, no crash
  });

  it("every query the placeholder suggests finds something; typos are forgiven; same-named cities are told apart", async () => {
    for (const q of PLACEHOLDER_QUERIES) expect((await api(`q=${encodeURIComponent(q)}`)).body.results?.length, q).toBeGreaterThan(0);
    expect((await api("q=zurihc")).body.results?.[0]).toMatchObject({ title: "Zürich", country: "CH", countryName: "Switzerland" }); // fuzzy
    const springfields = (await api("q=springfield&limit=20")).body.results!.filter((r) => r.title === "Springfield");
    expect(springfields.length).toBeGreaterThanOrEqual(3);
    expect(springfields.map((r) => r.region)).toContain("Illinois");
    const places = springfields.map((r) => `${r.region}, ${r.countryName}`);
    expect(new Set(places).size).toBe(places.length);
    expect((await fetch(`${server.url}favicon.ico`)).headers.get("content-type")).toBe("image/svg+xml");
  });

  it("rejects hostile queries with 400 and a message, and keeps serving", async () => {
    const hostile = [
      "",
      "q=",
      "q=%20%20",
      `q=${"a".repeat(10 * 1024)}`,
      `q=${"%E2%9C%93".repeat(300)}`,
      "q=a%00b",
      "q=%07%1b%5B31m",
      "q=%FF",
      "q=%E0%A4",
      "q=%ED%A0%80",
      "q=%",
      "q=%zz",
      "q=x&limit=0",
      "q=x&limit=-1",
      "q=x&limit=1e3",
      "q=x&limit=abc",
      "q=x&limit=51",
    ];
    for (const query of hostile) {
      const { status, body } = await api(query);
      expect(status, query.slice(0, 40)).toBe(400);
      expect(body.error, query.slice(0, 40)).toMatch(/\w/);
    }
    const notFound = await fetch(`${server.url}nope`);
    expect(notFound.status).toBe(404);
    expect((await api("q=paris")).status).toBe(200);
  });

  it("highlights the matched prefixes", () => {
    expect(highlightRanges("São Paulo", "sao pa")).toEqual([
      [0, 3],
      [4, 6],
    ]);
    expect(highlightRanges("Zürich", "zur")).toEqual([[0, 3]]);
    expect(highlightRanges("東京都", "京都")).toEqual([[1, 3]]);
  });

  describe("in chromium", () => {
    let browser: Browser;

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does)`);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
    });

    it("shows São Paulo for 'sao pa' and Zürich for 'zur', with highlighted prefixes", async () => {
      const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
      try {
        await page.goto(server.url);
        const box = page.locator("#q");
        await box.pressSequentially("sao pa", { delay: 20 });
        // Wait for the list to show the last query typed: earlier keystrokes ("sao") also put São Paulo first.
        await page.locator('#results[data-query="sao pa"]').waitFor({ state: "attached", timeout: 10_000 });
        const first = page.locator("#results li").first();
        await expect.poll(async () => first.textContent(), { timeout: 10_000 }).toContain("São Paulo");
        expect(await first.locator("mark").allTextContents()).toEqual(["São", "Pa"]);
        expect(await first.locator(".place").textContent()).toBe("Brazil"); // the country (a numeric region code only when needed)
        expect(await page.locator("#results li").count()).toBeLessThanOrEqual(10);
        mkdirSync("test-results", { recursive: true });
        await page.screenshot({ path: "test-results/demo-sao-pa.png" });

        await box.fill("");
        await box.pressSequentially("zur", { delay: 20 });
        await page.locator('#results[data-query="zur"]').waitFor({ state: "attached", timeout: 10_000 });
        await expect.poll(async () => first.textContent(), { timeout: 10_000 }).toContain("Zürich");
        expect(await first.locator("mark").allTextContents()).toEqual(["Zür"]);
        await page.screenshot({ path: "test-results/demo-zur.png" });
      } finally {
        await page.close();
      }
    }, 60_000);

    it("fuzzy typing, region and country, keyboard navigation, a favicon and a clean console", async () => {
      const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("response", (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
      });
      page.on("requestfailed", (r) => problems.push(`failed ${r.url()}`));
      try {
        await page.goto(server.url);
        expect(await page.locator('link[rel="icon"]').getAttribute("href")).toMatch(/^data:image\/svg\+xml,/);
        const placeholder = (await page.locator("#q").getAttribute("placeholder")) ?? "";
        for (const q of PLACEHOLDER_QUERIES) expect(placeholder).toContain(q);
        expect(placeholder).not.toContain("東京");

        const box = page.locator("#q");
        const first = page.locator("#results li").first();
        await box.pressSequentially("zurihc", { delay: 20 });
        await page.locator('#results[data-query="zurihc"]').waitFor({ state: "attached", timeout: 10_000 });
        await expect.poll(async () => first.textContent(), { timeout: 10_000 }).toContain("Zürich");
        expect(await first.locator(".place").textContent()).toContain("Switzerland");

        await box.fill("");
        await box.pressSequentially("springfield", { delay: 20 });
        await page.locator('#results[data-query="springfield"]').waitFor({ state: "attached", timeout: 10_000 });
        const rows = page.locator("#results li");
        const titles = await rows.locator(".title").allTextContents();
        const places = await rows.locator(".place").allTextContents();
        const same = places.filter((_p, i) => titles[i] === "Springfield");
        expect(same.length).toBeGreaterThanOrEqual(3);
        expect(new Set(same).size).toBe(same.length); // each Springfield shows a different region, country
        expect(same).toContain("Illinois, United States");

        await box.press("ArrowDown");
        await box.press("ArrowDown");
        expect(await rows.nth(1).getAttribute("aria-selected")).toBe("true");
        expect(await box.getAttribute("aria-activedescendant")).toBe("result-1");
        await box.press("ArrowUp");
        expect(await rows.nth(0).getAttribute("aria-selected")).toBe("true");
        expect(await rows.nth(1).getAttribute("aria-selected")).toBe("false");
        await box.press("ArrowUp"); // wraps to the last suggestion
        expect(await rows.last().getAttribute("aria-selected")).toBe("true");
        await box.press("ArrowDown"); // and back to the first
        const chosen = `${titles[0]}`;
        await box.press("Enter");
        expect(await box.inputValue()).toBe(chosen);
        expect(await page.locator("#picked").textContent()).toContain(`Picked: ${chosen} · ${places[0]}`);
        expect(await rows.count()).toBe(0);
        await page.screenshot({ path: "test-results/demo-keyboard.png" });
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    }, 60_000);
  });
});
