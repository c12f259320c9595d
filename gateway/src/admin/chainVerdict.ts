// The chain/log status as one clear verdict — intact, NOT intact, or not verified yet — with what it
// rests on: the last verification this process ran and the latest checkpoint the store reports. Kept
// apart from the pages so that a richer checkpoint (a signed tree head, its witnesses) changes only
// `LatestCheckpoint` and this file.
import type { VerifyReport } from '../audit/types.ts';
import { html, type SafeHtml } from './html.ts';
import { vietnamTime } from './localTime.ts';
import type { Messages } from './messages.ts';

export interface Verification {
  readonly at: Date;
  /** The client id of the administrator who ran it. */
  readonly by: string;
  readonly report: VerifyReport;
}

/** The newest checkpoint the store reports: how many records it covers and when it was taken. */
export interface LatestCheckpoint {
  readonly treeSize: number;
  readonly at: Date;
}

export type VerdictTone = 'ok' | 'bad' | 'unknown';

export interface ChainVerdict {
  readonly tone: VerdictTone;
  readonly headline: string;
  /** The sentence the verdict rests on. */
  readonly statement: string;
  readonly details: readonly string[];
}

export function chainVerdict(
  last: Verification | undefined,
  checkpoint: LatestCheckpoint | undefined,
  t: Messages,
): ChainVerdict {
  const checkpointLine = checkpoint
    ? [t.lastCheckpoint(checkpoint.treeSize, vietnamTime(checkpoint.at))]
    : [];
  if (!last)
    return {
      tone: 'unknown',
      headline: t.chainUnknown,
      statement: t.chainNotVerified,
      details: checkpointLine,
    };
  const checked = t.chainChecked(last.report.records, vietnamTime(last.at), last.by);
  const problem = last.report.firstProblem;
  if (last.report.ok) {
    return {
      tone: 'ok',
      headline: t.chainIntactVerdict,
      statement: t.chainIntact(last.report.records, last.report.checkpoints),
      details: [checked, ...checkpointLine],
    };
  }
  return {
    tone: 'bad',
    headline: t.chainBrokenVerdict,
    statement: problem ? t.chainBroken(problem.seq, t.tamper[problem.kind]) : t.chainBrokenVerdict,
    details: [...(problem ? [problem.detail] : []), checked, ...checkpointLine],
  };
}

const ICONS: Record<VerdictTone, string> = { ok: '✓', bad: '✗', unknown: '?' };

export function chainVerdictHtml(verdict: ChainVerdict): SafeHtml {
  return html`<div class="verdict verdict-${verdict.tone}" role="status">
    <span class="verdict-icon" aria-hidden="true">${ICONS[verdict.tone]}</span>
    <div><strong class="verdict-headline">${verdict.headline}</strong>
    <p id="chain-status">${verdict.statement}</p>
    ${verdict.details.map((d) => html`<p class="muted">${d}</p>`)}</div></div>`;
}
