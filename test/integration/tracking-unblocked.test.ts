/**
 * Issue 17 (Redis's tracking.tcl "Unblocked BLMOVE gets notification after response"): a
 * RESP3 tracking client blocked in BLMOVE, served by another client's RPUSH, gets its reply
 * first and then the invalidation of the key its own move changed — Redis 7.0 defers messages
 * to the client being served (tracking_pending_keys). The bytes on that connection are
 * compared with a private redis-server's, and NOLOOP (the served client is the one that
 * changed the key) suppresses the message on both.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServePair } from "../support/serve-vs-redis";
import { hasRedisServer } from "../support/servers";
import { cmd, raw } from "../support/serve-process";

async function transcript(port: number, noloop: boolean): Promise<string> {
  const rd = raw(port);
  const w = raw(port);
  rd.send(cmd("HELLO", "3"));
  await rd.read(50);
  rd.send(cmd("DEL", "list1", "list2") + cmd("RPUSH", "list2", "a") + cmd("CLIENT", "TRACKING", "on", ...(noloop ? ["NOLOOP"] : [])) + cmd("LRANGE", "list2", "0", "-1"));
  let out = await rd.read(1);
  for (let i = 0; i < 20 && !out.endsWith("$1\r\na\r\n"); i++) out += await rd.read(1, 100);
  rd.send(cmd("BLMOVE", "list1", "list2", "LEFT", "LEFT", "0"));
  await new Promise((r) => setTimeout(r, 100));
  w.send(cmd("RPUSH", "list1", "foo"));
  await w.read(4);
  let got = await rd.read(9, 2000);
  await new Promise((r) => setTimeout(r, 150));
  got += await rd.read(0, 50);
  rd.socket.destroy();
  w.socket.destroy();
  return got;
}

describe.skipIf(!hasRedisServer())("tracking: an unblocked client's reply comes before its invalidation (vs redis-server)", () => {
  const pair = new ServePair();
  beforeAll(() => pair.start());
  afterAll(() => pair.stop());

  for (const noloop of [false, true]) {
    it(noloop ? "NOLOOP: no invalidation for the served client's own move" : "BLMOVE reply, then the invalidation of list2", async () => {
      const expected = await transcript(pair.port("redis"), noloop);
      const ours = await transcript(pair.port("serve"), noloop);
      expect(ours).toBe(expected);
      expect(expected).toBe(noloop ? "$3\r\nfoo\r\n" : "$3\r\nfoo\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$5\r\nlist2\r\n");
    });
  }
});
