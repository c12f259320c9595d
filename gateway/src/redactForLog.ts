// Error text from subgraphs and libraries may quote identifiers or names. Before it reaches a log,
// long digit runs (citizen ids, enterprise codes) are replaced by a keyed hash and the text is capped.
import { hashIdentifier } from '../../lib/logger.ts';

export function redactForLog(value: unknown): string {
  const text = value instanceof Error ? `${value.name}: ${value.message}` : String(value);
  return text.replace(/\d{6,}/g, (digits) => `#${hashIdentifier(digits)}`).slice(0, 300);
}
