/**
 * NCRONTAB as Azure Functions timers read it: six fields, `{second} {minute} {hour} {day} {month} {day-of-week}`,
 * each `*`, a value, a range, a list, or a step (`*\/5`, `1-10/2`); months and days may be named. Times are UTC,
 * as on a Function App without WEBSITE_TIME_ZONE.
 */
export interface Schedule {
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, offset: 1 },
  { name: "day-of-week", min: 0, max: 6, names: WEEKDAYS, offset: 0 },
] as const;

/** Parses an expression; throws an Error naming the field that is wrong. */
export function parseNcrontab(expression: string): Schedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6) throw new Error(`"${expression}" has ${parts.length} fields; NCRONTAB needs 6`);
  const [seconds, minutes, hours, days, months, weekdays] = FIELDS.map((field, index) =>
    parseField(parts[index]!, field),
  );
  return { seconds: seconds!, minutes: minutes!, hours: hours!, days: days!, months: months!, weekdays: weekdays! };
}

function parseField(
  text: string,
  field: { name: string; min: number; max: number; names?: readonly string[]; offset?: number },
): Set<number> {
  const values = new Set<number>();
  const value = (token: string) => {
    const named = field.names?.indexOf(token.toLowerCase()) ?? -1;
    const number = named >= 0 ? named + (field.offset ?? 0) : /^\d+$/.test(token) ? Number(token) : NaN;
    // Sunday may be written 7.
    const normalised = field.name === "day-of-week" && number === 7 ? 0 : number;
    if (!(normalised >= field.min && normalised <= field.max)) {
      throw new Error(`${field.name} "${token}" is not between ${field.min} and ${field.max}`);
    }
    return normalised;
  };
  for (const item of text.split(",")) {
    const [range, stepText] = item.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new Error(`${field.name} step "${stepText}" must be a positive number`);
    let [from, to] = [field.min, field.max];
    if (range !== "*") {
      const [start, end] = range!.split("-");
      from = value(start!);
      to = end === undefined ? (stepText === undefined ? from : field.max) : value(end);
    }
    if (from > to) throw new Error(`${field.name} range "${range}" runs backwards`);
    for (let current = from; current <= to; current += step) values.add(current);
  }
  return values;
}

/** The first time strictly after `after` that the schedule fires. */
export function nextOccurrence(schedule: Schedule, after: Date): Date {
  const time = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (time.getTime() <= limit) {
    if (!schedule.months.has(time.getUTCMonth() + 1)) {
      time.setUTCMonth(time.getUTCMonth() + 1, 1);
      time.setUTCHours(0, 0, 0);
    } else if (!schedule.days.has(time.getUTCDate()) || !schedule.weekdays.has(time.getUTCDay())) {
      time.setUTCDate(time.getUTCDate() + 1);
      time.setUTCHours(0, 0, 0);
    } else if (!schedule.hours.has(time.getUTCHours())) {
      time.setUTCHours(time.getUTCHours() + 1, 0, 0);
    } else if (!schedule.minutes.has(time.getUTCMinutes())) {
      time.setUTCMinutes(time.getUTCMinutes() + 1, 0);
    } else if (!schedule.seconds.has(time.getUTCSeconds())) {
      time.setUTCSeconds(time.getUTCSeconds() + 1);
    } else {
      return time;
    }
  }
  throw new Error("the schedule never fires");
}
