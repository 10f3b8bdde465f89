import { keySlot } from "../../src/slot";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors";
import { KeySpace, escapeGlob } from "../../src/keys";

/**
 * Redis's glob syntax (`*`, `?`, `\x`) as a RegExp. Character classes (`[`) are refused: the
 * patterns narwhal builds never contain an unescaped one.
 */
function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      const next = pattern[++i];
      if (next === undefined) throw new Error("dangling backslash");
      source += next.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
    } else if (c === "*") source += "[\\s\\S]*";
    else if (c === "?") source += "[\\s\\S]";
    else if (c === "[") throw new Error(`unescaped "[" in ${JSON.stringify(pattern)}`);
    else source += c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Text with plenty of glob and hash-tag metacharacters. */
const nasty = fc.string({ unit: fc.constantFrom("a", "b", ":", "*", "?", "[", "]", "\\", "^", "-", "{", "}", "é", "😀"), maxLength: 12 });
const prefix = nasty.filter((p) => !/[{}]/.test(p));

function validationPath(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues[0]?.path;
  }
  throw new Error("expected a ValidationError");
}

describe("escapeGlob", () => {
  it("turns any string into a pattern that matches exactly that string", () => {
    fc.assert(
      fc.property(nasty, fc.string({ maxLength: 3 }), (literal, other) => {
        const re = globToRegExp(escapeGlob(literal));
        expect(re.test(literal)).toBe(true);
        if (other !== literal) expect(re.test(other)).toBe(false);
        expect(re.test(`${literal}x`)).toBe(false);
      }),
    );
  });
  it("escapes every Redis glob metacharacter and leaves the rest alone", () => {
    expect(escapeGlob("a*b?c[d]e\\f^g-h")).toBe("a\\*b\\?c\\[d\\]e\\\\f\\^g\\-h");
    expect(escapeGlob("plain:text:é")).toBe("plain:text:é");
  });
});

describe("KeySpace", () => {
  it("validates the prefix: a string without braces", () => {
    expect(new KeySpace().prefix).toBe("");
    expect(new KeySpace("app").prefix).toBe("app");
    expect(validationPath(() => new KeySpace("a{b"))).toBe("prefix");
    expect(validationPath(() => new KeySpace("a}b"))).toBe("prefix");
    expect(validationPath(() => new KeySpace(5 as unknown as string))).toBe("prefix");
  });

  it("container keys: <prefix>:<name>, or the bare name without a prefix; names must be non-empty strings", () => {
    expect(new KeySpace("app").container("user:1")).toBe("app:user:1");
    expect(new KeySpace("").container("user:1")).toBe("user:1");
    expect(validationPath(() => new KeySpace("app").container(""))).toBe("key");
    expect(validationPath(() => new KeySpace("app").container(1 as unknown as string))).toBe("key");
  });

  it("a {tag} in a container name is the key's hash tag whatever the prefix", () => {
    fc.assert(
      fc.property(prefix, prefix, fc.string({ unit: fc.constantFrom("a", "b", ":"), minLength: 1, maxLength: 5 }), (p1, p2, tag) => {
        const a = new KeySpace(p1).container(`{${tag}}:a`);
        const b = new KeySpace(p2).container(`{${tag}}:b`);
        expect(keySlot(a)).toBe(keySlot(b));
      }),
    );
  });

  it("every key of one model or autocomplete index shares the tag's slot, temp keys included", () => {
    fc.assert(
      fc.property(prefix, nasty, fc.array(nasty, { maxLength: 3 }), (p, name, segments) => {
        const keys = new KeySpace(p);
        const tags = [keys.autocompleteTag(name)];
        if (name !== "" && !/[{}]/.test(name)) tags.push(keys.modelTag(name));
        for (const tag of tags) {
          expect(tag.startsWith("{")).toBe(true);
          const slot = keySlot(tag);
          expect(keySlot(keys.tagged(tag, ...segments))).toBe(slot);
          expect(keySlot(keys.tagged(tag, "r", ...segments))).toBe(slot);
          expect(keySlot(keys.temp(tag))).toBe(slot);
        }
      }),
    );
  });

  it("model names that would make an empty hash tag are refused", () => {
    for (const bad of ["", "}", "a}b", "{x}"]) expect(validationPath(() => new KeySpace("").modelTag(bad))).toBe("model");
    // An empty tag ("{}") is no tag at all: Redis would hash each whole key.
    expect(keySlot("{}:a")).not.toBe(keySlot("{}:b"));
  });

  it("tags and layout follow DESIGN.md", () => {
    const keys = new KeySpace("app");
    expect(keys.modelTag("User")).toBe("{app:User}");
    expect(keys.tagged(keys.modelTag("User"), "r", "42")).toBe("{app:User}:r:42");
    expect(keys.autocompleteTag("cities")).toBe("{app:ac:cities}");
    expect(new KeySpace("").modelTag("User")).toBe("{User}");
    expect(keys.cache("cache", "getUser", "abc")).toBe("app:cache:getUser:abc");
    const t1 = keys.temp("{app:User}");
    const t2 = keys.temp("{app:User}");
    expect(t1).toMatch(/^\{app:User\}:tmp:[0-9a-f]{16}$/);
    expect(t1).not.toBe(t2);
  });

  it("cache patterns match their namespace's (or function's) keys and nothing else, whatever the characters", () => {
    fc.assert(
      fc.property(prefix, nasty, nasty, nasty, nasty, (p, ns, name, other, digest) => {
        const keys = new KeySpace(p);
        const key = keys.cache(ns, name, digest);
        expect(globToRegExp(keys.cachePattern(ns)).test(key)).toBe(true);
        expect(globToRegExp(keys.cachePattern(ns, name)).test(key)).toBe(true);
        if (!`${other}:`.startsWith(`${name}:`) && !`${name}:`.startsWith(`${other}:`)) {
          expect(globToRegExp(keys.cachePattern(ns, other)).test(key)).toBe(false);
        }
        expect(globToRegExp(keys.cachePattern(`${ns}x`)).test(key)).toBe(false);
      }),
    );
  });

  it("raw cache keys live at <prefix>:<namespace>::<key>", () => {
    const keys = new KeySpace("app");
    expect(keys.cacheKey("cache", "user:1")).toBe("app:cache::user:1");
    expect(keys.cacheKey("cache", "getUser:abc")).not.toBe(keys.cache("cache", "getUser", "abc"));
    expect(keys.cacheTag("cache", "t")).toBe("app:cache:#tag:t");
    expect(keys.cacheLock("cache", "getUser", "abc")).toBe("app:cache:#lock:getUser:abc");
    expect(keys.cacheKeyPattern("cache")).toBe("app:cache::*");
  });

  it("raw cache keys, memoized entries, tag sets and locks are disjoint, and each pattern matches only its own (issue 9, defect 5)", () => {
    // Namespaces and function names as the cache admits them (checkSegment): non-empty, no ":", "{", "}" or spaces, not starting with "#".
    const segment = nasty.filter((x) => /^[^:{}#\s][^:{}\s]*$/.test(x));
    const anyKey = fc.string({ unit: fc.constantFrom("a", ":", "#", "tag", "lock", "*", "\\", "é"), minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(prefix, segment, segment, segment, anyKey, anyKey, nasty, (p, ns, name, other, key, tag, digest) => {
        const keys = new KeySpace(p);
        const raw = keys.cacheKey(ns, key);
        const internal = [keys.cache(ns, name, digest), keys.cacheTag(ns, tag), keys.cacheLock(ns, name, digest)];
        for (const k of internal) expect(raw).not.toBe(k);
        expect(keys.cache(ns, name, digest)).not.toBe(keys.cacheTag(ns, tag));
        expect(keys.cache(ns, name, digest)).not.toBe(keys.cacheLock(ns, other, digest));
        // invalidateAll of any function never matches a raw key, a tag set or a lock.
        for (const fn of [name, other]) {
          const memo = globToRegExp(keys.cachePattern(ns, fn));
          expect(memo.test(raw)).toBe(false);
          expect(memo.test(keys.cacheTag(ns, tag))).toBe(false);
          expect(memo.test(keys.cacheLock(ns, name, digest))).toBe(false);
        }
        // keys() lists raw keys only; clear() matches everything of the namespace.
        const rawOnly = globToRegExp(keys.cacheKeyPattern(ns));
        expect(rawOnly.test(raw)).toBe(true);
        for (const k of internal) expect(rawOnly.test(k)).toBe(false);
        const all = globToRegExp(keys.cachePattern(ns));
        for (const k of [raw, ...internal]) expect(all.test(k)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("every user-supplied key segment must be well-formed UTF-16 (a lone surrogate would alias U+FFFD: issue 9, defect 11)", () => {
    const lone = fc
      .tuple(fc.string({ unit: "binary", maxLength: 3 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ unit: "binary", maxLength: 3 }))
      .map(([a, u, b]) => a + String.fromCharCode(u) + b)
      .filter((x) => !(x as unknown as { isWellFormed(): boolean }).isWellFormed());
    fc.assert(
      fc.property(lone, (bad) => {
        const keys = new KeySpace("app");
        expect(validationPath(() => new KeySpace(bad.replace(/[{}]/g, "")))).toBe("prefix");
        expect(validationPath(() => keys.container(bad))).toBe("key");
        expect(validationPath(() => keys.container(bad, "destination"))).toBe("destination");
        expect(validationPath(() => keys.autocompleteTag(bad))).toBe("name");
        expect(validationPath(() => keys.cacheKey("ns", bad))).toBe("key");
        expect(validationPath(() => keys.cacheKey("ns", bad, "keys[3]"))).toBe("keys[3]");
        expect(validationPath(() => keys.cacheKey(bad, "k"))).toBe("namespace");
        expect(validationPath(() => keys.cache("ns", bad, "d"))).toBe("name");
        expect(validationPath(() => keys.cacheTag("ns", bad))).toBe("tag");
        expect(validationPath(() => keys.cacheLock("ns", bad, "d"))).toBe("name");
        expect(validationPath(() => keys.cachePattern("ns", bad))).toBe("name");
      }),
    );
    // The U+FFFD spelling itself is an ordinary, well-formed name.
    expect(new KeySpace("app").container("a\uFFFD")).toBe("app:a\uFFFD");
  });
});

describe("synced namespaces", () => {
  it("every key of a namespace shares one hash tag under the BCAST prefix; braces in a name are encoded", () => {
    const keys = new KeySpace("app").synced("conversation:42");
    expect(keys).toEqual({
      tag: "{app:sync:conversation:42}",
      data: "{app:sync:conversation:42}:d",
      versions: "{app:sync:conversation:42}:v",
      meta: "{app:sync:conversation:42}:m",
      ops: "{app:sync:conversation:42}:o",
      opTimes: "{app:sync:conversation:42}:t",
    });
    expect(new KeySpace("app").syncedPrefix()).toBe("{app:sync:");
    const odd = new KeySpace("app").synced("a}b{c");
    expect(odd.tag).toBe("{app:sync:a%7Db%7Bc}");
    expect(new Set([odd.data, odd.versions, odd.meta, odd.ops, odd.opTimes].map((k) => keySlot(k))).size).toBe(1);
    expect(() => new KeySpace("app").synced("")).toThrow(ValidationError);
  });
});
