/** The search-as-you-type page (self-contained HTML; results are built with DOM APIs, never innerHTML). */
export function page(info: { count: number; backend: string }): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>narwhal autocomplete: world cities</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
  h1 { font-size: 1.4rem; margin-bottom: .2rem; }
  p.meta { color: #57606a; margin-top: 0; font-size: .9rem; }
  input { width: 100%; box-sizing: border-box; font-size: 1.2rem; padding: .6rem .8rem; border: 2px solid #0969da; border-radius: 8px; }
  ol { list-style: none; padding: 0; margin: .5rem 0; }
  li { display: flex; justify-content: space-between; padding: .45rem .8rem; border-bottom: 1px solid #d8dee4; }
  li .title mark { background: #fff3b0; color: inherit; font-weight: 600; }
  li .country { color: #57606a; margin-left: .5rem; font-size: .85rem; }
  li .population { color: #57606a; font-variant-numeric: tabular-nums; }
  #status { color: #57606a; font-size: .85rem; min-height: 1.2rem; }
</style>
</head>
<body>
<h1>World cities</h1>
<p class="meta">${info.count.toLocaleString("en-US")} cities · ${escape(info.backend)} · narwhal autocomplete</p>
<input id="q" type="search" placeholder="Type a city: sao pa, zur, new yo, 東京…" autocomplete="off" autofocus>
<div id="status"></div>
<ol id="results"></ol>
<script>
const input = document.getElementById("q");
const list = document.getElementById("results");
const status = document.getElementById("status");
let seq = 0;
// data-query names the query the list shows, so a reader (or a test) can tell stale from current.
function render(data, q) {
  list.replaceChildren();
  list.dataset.query = q;
  for (const r of data.results) {
    const li = document.createElement("li");
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
    const country = document.createElement("span");
    country.className = "country";
    country.textContent = r.country;
    left.append(title, country);
    const pop = document.createElement("span");
    pop.className = "population";
    pop.textContent = r.population.toLocaleString("en-US");
    li.append(left, pop);
    list.append(li);
  }
  status.textContent = data.results.length === 0 ? "no match" : data.results.length + " shown · search " + data.micros + " µs";
}
async function search() {
  const q = input.value;
  const mine = ++seq;
  if (q.trim() === "") { list.replaceChildren(); list.dataset.query = ""; status.textContent = ""; return; }
  try {
    const res = await fetch("/api/search?limit=10&q=" + encodeURIComponent(q));
    const data = await res.json();
    if (mine !== seq) return;
    if (!res.ok) { list.replaceChildren(); list.dataset.query = q; status.textContent = data.error; return; }
    render(data, q);
  } catch (e) {
    if (mine === seq) status.textContent = "error: " + e;
  }
}
input.addEventListener("input", search);
</script>
</body>
</html>
`;
}
