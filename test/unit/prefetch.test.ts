import { prefetchOne } from "../../src/common/prefetch";

/** A source that logs when each item is requested and when it is closed. */
function source(items: number, failAt?: number) {
  const log: string[] = [];
  async function* generate(): AsyncGenerator<number> {
    try {
      for (let index = 0; index < items; index++) {
        log.push(`fetch ${index}`);
        await Promise.resolve();
        if (index === failAt) throw new Error(`page ${index} failed`);
        yield index;
      }
    } finally {
      log.push("closed");
    }
  }
  return { log, pages: generate() };
}

describe("prefetchOne", () => {
  it("yields every item in order", async () => {
    const { pages } = source(4);
    const seen: number[] = [];
    for await (const page of prefetchOne(pages)) seen.push(page);
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it("has the next item requested while the consumer works on the current one, and no more", async () => {
    const { log, pages } = source(3);
    const during: string[][] = [];
    for await (const page of prefetchOne(pages)) {
      await new Promise((resolve) => setImmediate(resolve));
      during.push([...log]);
      expect(page).toBeGreaterThanOrEqual(0);
    }
    expect(during[0]).toEqual(["fetch 0", "fetch 1"]);
    expect(during[1]).toEqual(["fetch 0", "fetch 1", "fetch 2"]);
  });

  it("reports a failure ahead only when the consumer reaches it", async () => {
    const { pages } = source(3, 1);
    const seen: number[] = [];
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      await expect(
        (async () => {
          for await (const page of prefetchOne(pages)) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            seen.push(page);
          }
        })(),
      ).rejects.toThrow("page 1 failed");
    } finally {
      process.off("unhandledRejection", onRejection);
    }
    expect(seen).toEqual([0]);
    expect(rejections).toEqual([]);
  });

  it("closes the source when the consumer stops early, after the one item ahead", async () => {
    const { log, pages } = source(10);
    for await (const page of prefetchOne(pages)) {
      if (page === 1) break;
    }
    expect(log).toEqual(["fetch 0", "fetch 1", "fetch 2", "closed"]);
  });
});
