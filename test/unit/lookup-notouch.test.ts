/**
 * Redis's LOOKUP_NOTOUCH: EXISTS, TYPE, TTL, PTTL, EXPIRETIME and PEXPIRETIME read a key
 * without refreshing its OBJECT IDLETIME (TCL introspection-2 "TTL, TYPE and EXISTS do not
 * alter the last access time of a key"); TOUCH and GET refresh it.
 */
import { expect, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";

it("EXISTS, TYPE and the TTL family leave OBJECT IDLETIME alone; TOUCH and GET reset it", () => {
  const engine = createEngine();
  try {
    const session = engine.createSession();
    const run = (...args: string[]) => engine.dispatch(session, args.map((a) => Buffer.from(a)));
    run("SET", "k", "v");
    engine.dbs[0]!.accessClock += 5000; // the key clock moves on, as the 100 ms tick does
    for (const cmd of ["EXISTS", "TYPE", "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]) run(cmd, "k");
    expect(run("OBJECT", "IDLETIME", "k")).toBe(5);
    run("TOUCH", "k");
    expect(run("OBJECT", "IDLETIME", "k")).toBe(0);
    engine.dbs[0]!.accessClock += 5000;
    run("GET", "k");
    expect(run("OBJECT", "IDLETIME", "k")).toBe(0);
  } finally {
    engine.close();
  }
});
