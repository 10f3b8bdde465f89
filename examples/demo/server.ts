/**
 * The demo's HTTP server: `GET /` serves the search-as-you-type page, `GET /api/search?q=…&limit=…`
 * answers JSON (fuzzy search; each result with its country and region), `GET /favicon.ico` the icon. Every request is validated (see query.ts); errors are JSON `{ error }` with
 * status 400/404/405/500, and nothing a client sends can crash the process.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Autocomplete } from "../../src/index";
import type { CityData } from "./cities";
import { highlightRanges } from "./highlight";
import { FAVICON_SVG, page } from "./page";
import { parseSearchQuery } from "./query";

export interface DemoServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

/** "BR" → "Brazil" (the code itself when Intl does not know it). */
function countryName(code: string): string {
  try {
    return code === "" ? "" : (regionNames.of(code) ?? code);
  } catch {
    return code;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end(text);
}

async function handle(ac: Autocomplete<CityData>, req: IncomingMessage, res: ServerResponse, info: { count: number; backend: string }): Promise<void> {
  const target = req.url ?? "/";
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { error: "only GET" });
  if (path === "/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(page(info));
    return;
  }
  if (path === "/favicon.ico" || path === "/favicon.svg") {
    // The page links its icon as a data: URL; this answers browsers that ask anyway.
    res.writeHead(200, { "content-type": "image/svg+xml", "cache-control": "max-age=86400" });
    res.end(FAVICON_SVG);
    return;
  }
  if (path !== "/api/search") return send(res, 404, { error: "not found" });
  const parsed = parseSearchQuery(q < 0 ? "" : target.slice(q + 1));
  if (!parsed.ok) return send(res, parsed.status, { error: parsed.error });
  const started = performance.now();
  // fuzzy: one typo in the last word still finds the city ("zurihc" → Zürich), ranked after exact prefixes.
  const results = await ac.search(parsed.q, { limit: parsed.limit, fuzzy: true });
  const micros = Math.round((performance.now() - started) * 1000);
  send(res, 200, {
    q: parsed.q,
    micros,
    results: results.map((r) => ({
      id: r.id,
      title: r.title,
      country: r.data?.country ?? "",
      countryName: countryName(r.data?.country ?? ""),
      region: r.data?.region ?? "",
      population: r.score,
      highlight: highlightRanges(r.title, parsed.q),
    })),
  });
}

/** Starts the server on `port` (0 = a free port) on loopback. */
export function startServer(ac: Autocomplete<CityData>, info: { count: number; backend: string }, port = 0): Promise<DemoServer> {
  const server = createServer((req, res) => {
    handle(ac, req, res, info).catch((error: unknown) => {
      console.error("request failed:", error);
      if (!res.headersSent) send(res, 500, { error: "internal error" });
      else res.end();
    });
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        server,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
