/**
 * The engine's one glob matcher (KEYS, SCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS): Redis's
 * stringmatchlen, including its guard against exponential backtracking.
 */
import { describe, expect, it } from "vitest";
import { globMatch } from "../../src/memory/glob";
import { PubSubHub } from "../../src/memory/resp/pubsub";

const m = (pattern: string, subject: string, nocase = false) => globMatch(Buffer.from(pattern, "latin1"), Buffer.from(subject, "latin1"), nocase);

describe("globMatch", () => {
  it("matches as Redis does", () => {
    const cases: Array<[string, string, boolean]> = [
      ["*", "", false], // as Redis's stringmatchlen: the loop needs a non-empty subject
      ["*", "anything", true],
      ["h?llo", "hello", true],
      ["h?llo", "hllo", false],
      ["h*llo", "heeeello", true],
      ["h[ae]llo", "hallo", true],
      ["h[ae]llo", "hillo", false],
      ["h[^e]llo", "hallo", true],
      ["h[^e]llo", "hello", false],
      ["h[a-b]llo", "hbllo", true],
      ["h[b-a]llo", "hallo", true],
      ["h\\*llo", "h*llo", true],
      ["h\\*llo", "hello", false],
      ["a*b", "ab", true],
      ["a*b", "abc", false],
      ["[", "[", false],
      ["user:*:name", "user:42:name", true],
    ];
    for (const [pattern, subject, expected] of cases) expect(m(pattern, subject), `${pattern} ~ ${subject}`).toBe(expected);
    expect(m("HELLO", "hello", true)).toBe(true);
  });

  it("a pathological pattern is answered at once (no exponential backtracking)", () => {
    const started = performance.now();
    expect(m("*a*a*a*a*a*a*a*a*a*b", "a".repeat(40))).toBe(false);
    expect(m("*a*a*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(200))).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("PSUBSCRIBE matching uses the same matcher", () => {
    const pubsub = new PubSubHub();
    const received: unknown[] = [];
    const subscriber = { channels: new Set<string>(), patterns: new Set<string>(), deliver: (message: unknown) => received.push(message) };
    pubsub.subscribe(subscriber as never, Buffer.from("*a*a*a*a*a*a*a*a*a*b"), true);
    const started = performance.now();
    expect(pubsub.publish(Buffer.from("a".repeat(40)), Buffer.from("m"))).toBe(0);
    expect(performance.now() - started).toBeLessThan(100);
    pubsub.subscribe(subscriber as never, Buffer.from("news.*"), true);
    expect(pubsub.publish(Buffer.from("news.today"), Buffer.from("m"))).toBe(1);
    expect(received).toHaveLength(1);
  });
});
