// Error text from subgraphs and libraries may quote identifiers or names. Before it reaches a log,
// long digit runs (citizen ids, enterprise codes) are replaced by a keyed hash, runs of two or more
// capitalised words (Vietnamese personal names and place names: "Nguyễn Văn An", "Cần Thơ") by a
// marker, and the text is capped.
import { hashIdentifier } from '../../lib/logger.ts';

const DIGIT_RUN = /\d{6,}/g;
const CAPITALISED_RUN = /\p{Lu}[\p{Ll}\p{M}]*(?:[ \t]+\p{Lu}[\p{Ll}\p{M}]*)+/gu;

export function redactForLog(value: unknown): string {
  const text = value instanceof Error ? `${value.name}: ${value.message}` : String(value);
  return text
    .replace(DIGIT_RUN, (digits) => `#${hashIdentifier(digits)}`)
    .replace(CAPITALISED_RUN, '[name]')
    .slice(0, 300);
}
