/**
 * The search-as-you-type page (self-contained HTML; results are built with DOM APIs, never
 * innerHTML). An ARIA combobox: ↑/↓ move through the suggestions, Enter picks one, Escape
 * closes the list. Each suggestion shows the region and country that tell same-named cities
 * apart ("Springfield · Illinois, United States").
 */

/** Queries the placeholder suggests: each finds cities in the demo's data (the browser test checks). */
export const PLACEHOLDER_QUERIES = ["sao pa", "zurihc", "springfield", "new yo"] as const;

/** The page's icon (also served at /favicon.ico): a narwhal-blue disc with a tusk. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="14" cy="18" r="11" fill="#0969da"/>' +
  '<path d="M20 10 30 1" stroke="#1b1f24" stroke-width="2.5" stroke-linecap="round"/><circle cx="10" cy="16" r="1.8" fill="#fff"/></svg>';

export function page(info: { count: number; backend: string }): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const icon = `data:image/svg+xml,${encodeURIComponent(FAVICON_SVG)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>narwhal autocomplete: world cities</title>
<link rel="icon" type="image/svg+xml" href="${escape(icon)}">
<style>
  body { font: 16px/1.4 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
  h1 { font-size: 1.4rem; margin-bottom: .2rem; }
  p.meta { color: #57606a; margin-top: 0; font-size: .9rem; }
  input { width: 100%; box-sizing: border-box; font-size: 1.2rem; padding: .6rem .8rem; border: 2px solid #0969da; border-radius: 8px; }
  ol { list-style: none; padding: 0; margin: .5rem 0; }
  li { display: flex; justify-content: space-between; padding: .45rem .8rem; border-bottom: 1px solid #d8dee4; cursor: pointer; }
  li[aria-selected="true"] { background: #ddf4ff; outline: 2px solid #0969da; outline-offset: -2px; }
  li .title mark { background: #fff3b0; color: inherit; font-weight: 600; }
  li .place { color: #57606a; margin-left: .5rem; font-size: .85rem; }
  li .population { color: #57606a; font-variant-numeric: tabular-nums; }
  #status { color: #57606a; font-size: .85rem; min-height: 1.2rem; }
  #picked { min-height: 1.4rem; font-weight: 600; }
</style>
</head>
<body>
<h1>World cities</h1>
<p class="meta">${info.count.toLocaleString("en-US")} cities · ${escape(info.backend)} · narwhal autocomplete · ↑/↓ to move, Enter to pick</p>
<input id="q" type="search" placeholder="Type a city: ${escape(PLACEHOLDER_QUERIES.join(", "))}…" autocomplete="off" autofocus
  role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="results">
<div id="status" aria-live="polite"></div>
<ol id="results" role="listbox" aria-label="Cities"></ol>
<div id="picked" aria-live="polite"></div>
<script>
const input = document.getElementById("q");
const list = document.getElementById("results");
const status = document.getElementById("status");
const picked = document.getElementById("picked");
let seq = 0;
let active = -1;
let shown = [];
// A readable region ("Illinois") is always shown; a bare GeoNames code ("27") only when two
// suggestions share a title and a country, as "region 27".
function place(r, ambiguous) {
  const region = /^[0-9]+$/.test(r.region) ? (ambiguous ? "region " + r.region : "") : r.region;
  return [region, r.countryName || r.country].filter(Boolean).join(", ");
}
function setActive(i) {
  const items = list.children;
  if (items.length === 0) { active = -1; input.removeAttribute("aria-activedescendant"); return; }
  active = (i + items.length) % items.length;
  for (let k = 0; k < items.length; k++) items[k].setAttribute("aria-selected", String(k === active));
  input.setAttribute("aria-activedescendant", items[active].id);
  items[active].scrollIntoView({ block: "nearest" });
}
function pick(i) {
  const r = shown[i];
  if (!r) return;
  input.value = r.title;
  picked.textContent = "Picked: " + r.title + " · " + r.place + " · population " + r.population.toLocaleString("en-US");
  picked.dataset.id = r.id;
  status.textContent = "";
  close();
}
function close() {
  list.replaceChildren();
  shown = [];
  active = -1;
  input.setAttribute("aria-expanded", "false");
  input.removeAttribute("aria-activedescendant");
}
// data-query names the query the list shows, so a reader (or a test) can tell stale from current.
function render(data, q) {
  close();
  list.dataset.query = q;
  shown = data.results;
  const seen = new Map();
  for (const r of data.results) seen.set(r.title + "\0" + r.country, (seen.get(r.title + "\0" + r.country) || 0) + 1);
  data.results.forEach((r, i) => {
    r.place = place(r, seen.get(r.title + "\0" + r.country) > 1);
    const li = document.createElement("li");
    li.id = "result-" + i;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    const left = document.createElement("span");
    const title = document.createElement("span");
    title.className = "title";
    let at = 0;
    for (const [s, e] of r.highlight) {
      if (s < at) continue;
      title.append(r.title.slice(at, s));
      const mark = document.createElement("mark");
      mark.textContent = r.title.slice(s, e);
      title.append(mark);
      at = e;
    }
    title.append(r.title.slice(at));
    const where = document.createElement("span");
    where.className = "place";
    where.textContent = r.place;
    where.title = r.country;
    left.append(title, where);
    const pop = document.createElement("span");
    pop.className = "population";
    pop.textContent = r.population.toLocaleString("en-US");
    li.append(left, pop);
    li.addEventListener("mousedown", (e) => { e.preventDefault(); pick(i); });
    list.append(li);
  });
  input.setAttribute("aria-expanded", String(data.results.length > 0));
  status.textContent = data.results.length === 0 ? "no match" : data.results.length + " shown · search " + data.micros + " µs";
}
async function search() {
  const q = input.value;
  const mine = ++seq;
  if (q.trim() === "") { close(); list.dataset.query = ""; status.textContent = ""; return; }
  try {
    const res = await fetch("/api/search?limit=10&q=" + encodeURIComponent(q));
    const data = await res.json();
    if (mine !== seq) return;
    if (!res.ok) { close(); list.dataset.query = q; status.textContent = data.error; return; }
    render(data, q);
  } catch (e) {
    if (mine === seq) status.textContent = "error: " + e;
  }
}
input.addEventListener("input", search);
input.addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown" && list.children.length > 0) { e.preventDefault(); setActive(active + 1); }
  else if (e.key === "ArrowUp" && list.children.length > 0) { e.preventDefault(); setActive(active < 0 ? -1 : active - 1); }
  else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pick(active); }
  else if (e.key === "Escape") { close(); }
});
</script>
</body>
</html>
`;
}
