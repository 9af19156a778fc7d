import { nextOccurrence, parseNcrontab } from "../../src/config/ncrontab";

const next = (expression: string, after: string) =>
  nextOccurrence(parseNcrontab(expression), new Date(after)).toISOString();

describe("NCRONTAB", () => {
  it.each([
    ["0 0 2 * * *", "2026-11-23T01:59:59.500Z", "2026-11-23T02:00:00.000Z"],
    ["0 0 2 * * *", "2026-11-23T02:00:00.000Z", "2026-11-24T02:00:00.000Z"],
    ["0 30 2 * * *", "2026-12-31T03:00:00.000Z", "2027-01-01T02:30:00.000Z"],
    ["*/15 * * * * *", "2026-11-23T10:00:07.000Z", "2026-11-23T10:00:15.000Z"],
    ["0 */10 * * * *", "2026-11-23T10:01:00.000Z", "2026-11-23T10:10:00.000Z"],
    ["0 0 9 * * Mon-Fri", "2026-11-21T12:00:00.000Z", "2026-11-23T09:00:00.000Z"],
    ["0 0 0 29 Feb *", "2026-03-01T00:00:00.000Z", "2028-02-29T00:00:00.000Z"],
    ["0 0 12 1,15 * *", "2026-11-02T00:00:00.000Z", "2026-11-15T12:00:00.000Z"],
    ["0 0 0 * * 7", "2026-11-23T00:00:00.000Z", "2026-11-29T00:00:00.000Z"],
  ])("%s after %s fires at %s", (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it.each([
    ["0 0 2 * *", "has 5 fields"],
    ["60 0 2 * * *", 'second "60" is not between 0 and 59'],
    ["0 0 25 * * *", 'hour "25" is not between 0 and 23'],
    ["0 0 2 * Foo *", 'month "Foo"'],
    ["0 0 2 * * */0", "day-of-week step"],
    ["0 0 5-2 * * *", 'hour range "5-2" runs backwards'],
  ])("rejects %s", (expression, message) => {
    expect(() => parseNcrontab(expression)).toThrow(message);
  });

  it("says so when a schedule never fires", () => {
    expect(() => next("0 0 0 31 Feb *", "2026-01-01T00:00:00.000Z")).toThrow("never fires");
  });
});
