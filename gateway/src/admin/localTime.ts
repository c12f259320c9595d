// Times as people in Vietnam read them: Vietnam's time (UTC+7 all year, no daylight saving) written
// dd/MM/yyyy HH:mm:ss. Computed from the offset rather than Intl's time zones, so the pages do not
// depend on the ICU data a minimal Node build may lack.

/** Vietnam has one time zone and no daylight saving: UTC+7 all year. */
export const VIETNAM_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;

/** `dd/MM/yyyy HH:mm:ss` in Vietnam's time; an unreadable time is shown as given. */
export function vietnamTime(at: string | Date): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(ms)) return String(at);
  const iso = new Date(ms + VIETNAM_OFFSET_MS).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
}

/** The day (YYYY-MM-DD) in Vietnam's time. */
export function vietnamDay(at: Date | number): string {
  return new Date(+at + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** A YYYY-MM-DD day as `dd/MM`, for chart axes. */
export function shortDay(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}`;
}

/** The `dayCount` Vietnam days ending with the one `lastDay` falls in, oldest first. */
export function daysEnding(lastDay: Date, dayCount: number): string[] {
  return Array.from({ length: dayCount }, (_, i) => vietnamDay(+lastDay - (dayCount - 1 - i) * DAY_MS));
}
