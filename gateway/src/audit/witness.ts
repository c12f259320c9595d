// The witness (`npm run audit:witness`): run by another body than the gateway's operator. Each poll it
// reads the gateway's latest checkpoint, checks its signature with the key pinned on first use, and
// that the log only grew since the last head it accepted (an RFC 9162 consistency proof). It cosigns
// each head it accepts (C2SP tlog-cosignature) and keeps it in its own directory, which
// `audit:verify --witness` then compares with the database. A fork, a shrinking tree, a bad
// signature or a changed origin is an alarm: it is logged, written to the metrics file, remembered
// in the directory (every later run refuses until someone removes ALARM), and the process exits 1.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JSONWebKeySet, JWK } from 'jose';
import { generateSigningJwk, publicJwkOf, type SigningKey, signingKeyFromJwk } from '../../../lib/keys.ts';
import { verifyConsistency } from './merkle.ts';
import {
  type Checkpoint,
  cosignatureLine,
  ed25519PublicKey,
  type NoteSigner,
  parseNote,
  verifyNote,
} from './signedNote.ts';

export type AlarmReason = 'fork' | 'shrink' | 'bad-signature' | 'origin' | 'unreadable';

export class WitnessAlarm extends Error {
  override readonly name = 'WitnessAlarm';
  readonly reason: AlarmReason;
  constructor(reason: AlarmReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface WitnessOptions {
  /** The gateway's base URL, e.g. http://127.0.0.1:4000. */
  readonly gateway: string;
  /** The witness's own directory: pinned keys, accepted heads, metrics, alarm. */
  readonly stateDir: string;
  readonly key: SigningKey;
  /**
   * Bearer token with `audit:read`, for the consistency proofs; a function is asked before each
   * request, so that a token can be rotated while the witness runs.
   */
  readonly token: string | (() => Promise<string>);
  /** Each request's limit, in ms; default 10 000. */
  readonly timeoutMs?: number;
  readonly clock?: () => Date;
}

export type PollResult =
  | { readonly status: 'accepted'; readonly size: number }
  | { readonly status: 'unchanged' | 'empty'; readonly size: number };

const paths = (dir: string) => ({
  pinned: join(dir, 'gateway.jwks.json'),
  origin: join(dir, 'origin'),
  latest: join(dir, 'latest.note'),
  heads: join(dir, 'checkpoints'),
  metrics: join(dir, 'metrics.prom'),
  alarm: join(dir, 'ALARM'),
  publicKey: join(dir, 'witness.jwks.json'),
});

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a head. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, text, { mode: 0o644 });
  await rename(temp, file);
}

/** The witness's Ed25519 key: loaded from `file`, or generated there (0600) on first run. */
export async function loadOrCreateWitnessKey(file: string, name?: string): Promise<SigningKey> {
  const existing = await readOptional(file);
  if (existing !== undefined) return signingKeyFromJwk(JSON.parse(existing) as JWK);
  const jwk = await generateSigningJwk('EdDSA', name ?? `witness-${randomUUID().slice(0, 8)}`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(jwk, null, 2), { mode: 0o600, flag: 'wx' });
  return signingKeyFromJwk(jwk);
}

export function witnessSigner(key: SigningKey): NoteSigner {
  const publicKey = ed25519PublicKey(key.publicJwk);
  if (!publicKey) throw new Error(`the witness key ${key.kid} must be an Ed25519 key`);
  return { name: key.kid, publicKey, privateKey: key.privateKey as CryptoKey };
}

/** Every head the witness accepted, oldest first (cosigned notes). */
export async function witnessedNotes(stateDir: string): Promise<string[]> {
  const dir = paths(stateDir).heads;
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.note'));
  files.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  return Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
}

export function createWitness(options: WitnessOptions) {
  const p = paths(options.stateDir);
  const clock = options.clock ?? (() => new Date());
  const timeout = () => AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signer = witnessSigner(options.key);
  let accepted = 0;

  async function get(path: string, auth: boolean): Promise<Response> {
    const token = typeof options.token === 'string' ? options.token : await options.token();
    return fetch(new URL(path, options.gateway), {
      headers: auth ? { authorization: `Bearer ${token}` } : {},
      signal: timeout(),
    });
  }

  /** The gateway's keys as pinned on first use. */
  async function pinnedKeys(): Promise<JWK[]> {
    const pinned = await readOptional(p.pinned);
    if (pinned !== undefined) return (JSON.parse(pinned) as JSONWebKeySet).keys;
    const response = await get('/.well-known/jwks.json', false);
    if (!response.ok) throw new Error(`the gateway's JWKS answered ${response.status}`);
    const jwks = (await response.json()) as JSONWebKeySet;
    const keys = jwks.keys.map((k) => publicJwkOf(k));
    await writeAtomic(p.pinned, JSON.stringify({ keys }, null, 2));
    return keys;
  }

  async function writeMetrics(size: number, alarm: AlarmReason | undefined): Promise<void> {
    const lines = [
      '# HELP lienthong_witness_alarm 1 when the witness saw a fork, a shrinking tree or a bad signature.',
      '# TYPE lienthong_witness_alarm gauge',
      `lienthong_witness_alarm ${alarm ? 1 : 0}`,
      '# HELP lienthong_witness_tree_size Size of the last checkpoint the witness accepted.',
      '# TYPE lienthong_witness_tree_size gauge',
      `lienthong_witness_tree_size ${size}`,
      '# HELP lienthong_witness_checkpoints_accepted_total Checkpoints accepted and cosigned by this process.',
      '# TYPE lienthong_witness_checkpoints_accepted_total counter',
      `lienthong_witness_checkpoints_accepted_total ${accepted}`,
    ];
    await writeAtomic(p.metrics, `${lines.join('\n')}\n`);
  }

  async function latest(): Promise<Checkpoint | undefined> {
    const note = await readOptional(p.latest);
    if (note === undefined) return undefined;
    const parsed = parseNote(note);
    if (typeof parsed === 'string') throw new Error(`the witness's own latest head is unreadable: ${parsed}`);
    return parsed.checkpoint;
  }

  async function accept(note: string, body: string, size: number): Promise<void> {
    const time = Math.floor(clock().getTime() / 1000);
    const cosigned = `${note}${cosignatureLine(body, signer, time)}`;
    await writeAtomic(join(p.heads, `${size}.note`), cosigned);
    await writeAtomic(p.latest, cosigned);
    accepted += 1;
  }

  async function check(): Promise<PollResult> {
    const response = await get('/audit/checkpoint', false);
    const last = await latest();
    if (response.status === 404) return { status: 'empty', size: last?.size ?? 0 };
    if (!response.ok) throw new Error(`the gateway's checkpoint answered ${response.status}`);
    const note = await response.text();
    const verified = verifyNote(note, await pinnedKeys());
    if ('reason' in verified)
      throw new WitnessAlarm('bad-signature', `checkpoint rejected: ${verified.reason}`);
    const head = verified.checkpoint;
    const origin = await readOptional(p.origin);
    if (origin === undefined) await writeAtomic(p.origin, head.origin);
    else if (origin !== head.origin)
      throw new WitnessAlarm('origin', `the log now calls itself ${head.origin}`);
    if (!last) {
      await accept(note, verified.body, head.size);
      return { status: 'accepted', size: head.size };
    }
    if (head.size < last.size) {
      throw new WitnessAlarm('shrink', `the tree shrank from ${last.size} to ${head.size} records`);
    }
    if (head.size === last.size) {
      if (!head.root.equals(last.root)) {
        throw new WitnessAlarm('fork', `two different trees of ${head.size} records were signed`);
      }
      return { status: 'unchanged', size: head.size };
    }
    const proof = await get(`/audit/proof/consistency?from=${last.size}&to=${head.size}`, true);
    if (!proof.ok) throw new Error(`the consistency proof answered ${proof.status}`);
    const { hashes } = (await proof.json()) as { hashes: string[] };
    const consistent = verifyConsistency(
      last.size,
      head.size,
      last.root,
      head.root,
      hashes.map((h) => Buffer.from(h, 'base64')),
    );
    if (!consistent) {
      throw new WitnessAlarm(
        'fork',
        `the tree of ${head.size} records does not extend the accepted tree of ${last.size}: history was rewritten`,
      );
    }
    await accept(note, verified.body, head.size);
    return { status: 'accepted', size: head.size };
  }

  return {
    /** One poll. Rejects with WitnessAlarm on a fork, shrink or bad signature (and records it). */
    async poll(): Promise<PollResult> {
      await mkdir(p.heads, { recursive: true });
      await writeAtomic(p.publicKey, JSON.stringify({ keys: [options.key.publicJwk] }, null, 2));
      const standing = await readOptional(p.alarm);
      if (standing !== undefined) {
        throw new WitnessAlarm(
          'fork',
          `an earlier alarm stands (${standing.trim()}); remove ALARM once resolved`,
        );
      }
      try {
        const result = await check();
        await writeMetrics(result.size, undefined);
        return result;
      } catch (error) {
        if (error instanceof WitnessAlarm) {
          await writeAtomic(p.alarm, `${error.reason}: ${error.message}\n`);
          await writeMetrics((await latest())?.size ?? 0, error.reason);
        }
        throw error;
      }
    },
  };
}
