import { html, type Html } from "./html";

/** A count as people read it: 12,345. (Not Intl: a page formats hundreds, and counts are whole numbers.) */
export function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value).replace(/\B(?=(\d{3})+$)/g, ",") : String(value);
}

/** An instant in UTC to the minute, `2026-11-23 02:15 UTC`, in a <time> that carries the exact instant. */
export function formatTime(iso: string): Html {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`${iso}`;
  return html`<time datetime="${date.toISOString()}">${date.toISOString().slice(0, 16).replace("T", " ")} UTC</time>`;
}

/** The short form of an instant for chart axes: `11-23 02:15`, or `11-23 02:15:07` with seconds. */
export function shortTime(iso: string, seconds = false): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date
        .toISOString()
        .slice(5, seconds ? 19 : 16)
        .replace("T", " ");
}

/** A duration as people say it: `850 ms`, `12 s`, `3 min 5 s`, `2 h 4 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
