/**
 * The RESP2 reply parser of narwhal's own invalidation connection (src/drivers/resp2-replies.ts):
 * every reply type, any chunking (the stream split at every byte), deep nesting, bad input.
 */
import { describe, expect, it } from "vitest";
import { Resp2Parser, Resp2ReplyError } from "../../src/drivers/resp2-replies";

const STREAM = "+OK\r\n-ERR bad thing\r\n:42\r\n:-7\r\n$5\r\nhe\r\nl\r\n$-1\r\n*-1\r\n*0\r\n*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*2\r\n$3\r\nk:1\r\n$0\r\n\r\n";

function expectParsed(replies: unknown[]): void {
  expect(replies).toHaveLength(9);
  expect(replies[0]).toBe("OK");
  expect(replies[1]).toBeInstanceOf(Resp2ReplyError);
  expect((replies[1] as Error).message).toBe("ERR bad thing");
  expect((replies[1] as Error).name).toBe("ReplyError");
  expect(replies.slice(2, 4)).toEqual([42, -7]);
  expect(replies[4]).toEqual(Buffer.from("he\r\nl"));
  expect(replies.slice(5, 8)).toEqual([null, null, []]);
  expect(replies[8]).toEqual([Buffer.from("message"), Buffer.from("__redis__:invalidate"), [Buffer.from("k:1"), Buffer.alloc(0)]]);
}

describe("Resp2Parser", () => {
  it("parses every reply type from one chunk", () => {
    expectParsed(new Resp2Parser().feed(Buffer.from(STREAM)));
  });

  it("gives the same replies however the stream is cut (every split point, and byte by byte)", () => {
    const bytes = Buffer.from(STREAM);
    for (let cut = 1; cut < bytes.length; cut++) {
      const p = new Resp2Parser();
      expectParsed([...p.feed(bytes.subarray(0, cut)), ...p.feed(bytes.subarray(cut))]);
    }
    const p = new Resp2Parser();
    const all: unknown[] = [];
    for (const b of bytes) all.push(...p.feed(Buffer.from([b])));
    expectParsed(all);
  });

  it("nests 100,000 arrays deep without recursion", () => {
    const depth = 100_000;
    const replies = new Resp2Parser().feed(Buffer.from(`${"*1\r\n".repeat(depth)}:1\r\n`));
    let v: unknown = replies[0];
    let levels = 0;
    while (Array.isArray(v)) {
      v = v[0];
      levels++;
    }
    expect([levels, v]).toEqual([depth, 1]);
  });

  it("refuses an unknown type byte, a bad length and an endless line", () => {
    expect(() => new Resp2Parser().feed(Buffer.from("?x\r\n"))).toThrow(/unexpected RESP type byte/);
    expect(() => new Resp2Parser().feed(Buffer.from("$abc\r\n"))).toThrow(/bad RESP length/);
    expect(() => new Resp2Parser().feed(Buffer.alloc(70 * 1024, 0x2b))).toThrow(/line too long/);
  });
});
