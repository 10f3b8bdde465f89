/**
 * The GLIDE cluster adapter's routing (src/drivers/glide-cluster.ts): every command goes to the
 * primary of its first key's slot by a `primarySlotKey` route (never `primarySlotId`, which
 * GLIDE 2.5 did not honour), a Buffer key by a text key of the same slot; and the masters read
 * from a CLUSTER SLOTS reply (glide-cluster-node.ts).
 */
import { keySlot } from "../../src/slot";
import { describe, expect, it } from "vitest";
import { keyRoute } from "../../src/drivers/glide-cluster";
import { mastersOf } from "../../src/drivers/glide-cluster-node";

describe("GLIDE cluster routing", () => {
  it("routes by the command's first key (GET, HSET, EVALSHA's first key after numkeys); a keyless command has no key route", () => {
    expect(keyRoute(["get", "a"])).toEqual({ type: "primarySlotKey", key: "a" });
    expect(keyRoute(["hset", "{t}h", "f", "v"])).toEqual({ type: "primarySlotKey", key: "{t}h" });
    expect(keyRoute(["evalsha", "0".repeat(40), 2, "k1", "k2", "arg"])).toEqual({ type: "primarySlotKey", key: "k1" });
    expect(keyRoute(["script", "load", "return 1"])).toBeUndefined();
    expect(keyRoute(["evalsha", "0".repeat(40), 0])).toBeUndefined();
  });

  it("routes a Buffer key by a text key that hashes to the same slot", () => {
    for (const key of [Buffer.from([0xff, 0x00, 0x80]), Buffer.from("plain"), Buffer.from("{tag}x")]) {
      const route = keyRoute(["get", key]) as { type: string; key: string };
      expect(route.type).toBe("primarySlotKey");
      expect(keySlot(route.key)).toBe(keySlot(key));
    }
  });

  it("reads each master once from CLUSTER SLOTS (replicas and repeated ranges ignored; an empty host is the seed's)", () => {
    const reply = [
      [0, 5460, ["127.0.0.1", 7000, "id0"], ["127.0.0.1", 7003, "id3"]],
      [5461, 10922, ["127.0.0.1", 7001, "id1"]],
      [10923, 12000, ["", 7002, "id2"]],
      [12001, 16383, ["", 7002, "id2"]],
    ];
    expect(mastersOf(reply, "seed")).toEqual([
      { host: "127.0.0.1", port: 7000 },
      { host: "127.0.0.1", port: 7001 },
      { host: "seed", port: 7002 },
    ]);
    expect(mastersOf("ERR", "seed")).toEqual([]);
  });
});
