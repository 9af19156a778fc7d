import { odata } from "@azure/data-tables";
import { z } from "zod";
import { itemListOperation } from "../../src/api/itemsRoute";
import { itemsPageSchema, named } from "../../src/api/schemas";
import { ncrontabSetting } from "../../src/config/settings";
import { defineKind } from "../../src/kinds/kind";
import { encodeItem } from "../../src/store/rowCodec";
import { childSuffix, itemKeys } from "../../src/store/rowKeys";
import { sumOf } from "../../src/sync/contract";
import { pagedSync } from "../../src/sync/pagedSync";

/** A thing of the test kind: an id, a colour, and its parts (kept in child rows, compared element by element). */
export interface Thing {
  id: string;
  colour: string;
  parts: { name: string; size: number }[];
}

/** What the test kind lists on its next run; tests change it between runs. */
export const warehouse: { things: Thing[] } = { things: [] };

const thingSchema = named("Thing", "A thing of the test kind.", z.looseObject({ id: z.string(), colour: z.string() }));

/**
 * A kind that exists only in test code: everything about it is declared here, and the app picks it up from the
 * kinds list alone. It lists `warehouse.things` two to a page, without any upstream.
 */
export const thingsKind = defineKind({
  name: "things",
  description: "every thing in the warehouse",
  settings: { THINGS_SYNC_SCHEDULE: ncrontabSetting("0 0 5 * * *") },
  configure: (settings) => ({
    schedule: settings.THINGS_SYNC_SCHEDULE,
    sync: () =>
      pagedSync<Thing, number>({
        kind: "things",
        countNames: ["things", "parts"],
        rowsOf: sumOf(["things", "parts"]),
        resumable: true,
        itemRowSet: "things",
        next: z.number(),
        async *pages(from) {
          for (let start = from ?? 0; ; start += 2) {
            await Promise.resolve();
            const next = start + 2 < warehouse.things.length ? start + 2 : undefined;
            yield { items: warehouse.things.slice(start, start + 2), invalid: [], next };
            if (next === undefined) return;
          }
        },
        idOf: (thing) => thing.id,
        toRows: (thing, layout) => {
          const { parts, ...own } = thing;
          const keys = itemKeys(layout.tenantId, layout.snapshotId, "things", layout.partitionBits, thing.id);
          const rows = encodeItem(keys.partitionKey, keys.rowKey, own, { colour: thing.colour });
          parts.forEach((part, index) => {
            const child = itemKeys(
              layout.tenantId,
              layout.snapshotId,
              "thingParts",
              layout.partitionBits,
              thing.id,
              childSuffix("parts", index),
            );
            rows.push(...encodeItem(child.partitionKey, child.rowKey, part));
          });
          return { rows, counts: { things: 1, parts: parts.length } };
        },
      }),
    diff: { rowSet: "things", children: { rowSet: "thingParts", arrays: { parts: ["name"] } } },
    dashboard: {
      charts: [
        {
          title: "Things and their parts",
          series: [
            { count: "things", label: "things" },
            { count: "parts", label: "parts" },
          ],
        },
      ],
    },
    routes: [
      {
        name: "listThings",
        route: "snapshots/{snapshotId}/things",
        operation: itemListOperation({
          kind: "things",
          rowSet: "things",
          itemCounts: ["things"],
          summary: "List the things of a snapshot",
          description: "Things, filtered by colour.",
          tags: ["things"],
          noun: "thing",
          pageSchema: itemsPageSchema("ThingsPage", "One page of things.", thingSchema),
          filters: { colour: z.enum(["red", "blue"]).optional().describe("red or blue") },
          columns: (query) => (query.colour === undefined ? undefined : odata`colour eq ${query.colour}`),
          known: ["id", "colour"],
        }),
      },
    ],
  }),
});
