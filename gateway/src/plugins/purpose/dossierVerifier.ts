// Proves a request's purpose against the one-stop system (DESIGN.md "Purpose"): the dossier named by
// X-Dossier-Id exists, is for the procedure of X-Procedure-Code, was received by an agency the client
// acts for, and is open — received, in processing, or completed within the grace days. Anything else,
// the one-stop system being unreachable included, is a refusal: purpose is never assumed.
//
// A dossier changes status rarely and is read by every request of its case, so lookups are cached
// briefly per dossier and single-flighted: a burst on one dossier is one upstream call. The status is
// judged at each verification against the cached dossier, so only the cache's lifetime (≤ 60 s)
// separates a cancellation from its effect.
import { LRUCache } from 'lru-cache';
import type { Counter } from 'prom-client';
import { type Dispatcher, request } from 'undici';
import { z } from 'zod';
import { isDossierId, isProcedureCode } from '../../../../lib/ids.ts';
import { type Logger, silentLogger } from '../../../../lib/logger.ts';
import type { ClientIdentity, ClientRegistry } from './clientRegistry.ts';

export interface DossierVerifierOptions {
  /** The one-stop system's API base URL (ONESTOP_URL). */
  readonly url: string;
  /** Sent as `Authorization: Bearer <apiKey>` (ONESTOP_API_KEY). */
  readonly apiKey: string;
  /** Pool for the lookups; its connection limit bounds concurrent lookups. The creator closes it. */
  readonly dispatcher: Dispatcher;
  readonly clients: ClientRegistry;
  /** Days after its result was returned that a dossier still serves (DOSSIER_GRACE_DAYS). */
  readonly graceDays: number;
  /** Bound of one lookup, in ms; default 2000. */
  readonly timeoutMs?: number;
  /** How long a found dossier is trusted, in ms; default 30 000, at most 60 000. */
  readonly ttlMs?: number;
  /** How long "no such dossier" is remembered, in ms; default 5000 (a dossier just received soon shows). */
  readonly negativeTtlMs?: number;
  /** Dossiers kept in the cache; default 10 000. */
  readonly maxEntries?: number;
  /** lienthong_dossier_lookups_total{result}. */
  readonly lookups?: Counter<'result'>;
  /** Milliseconds since the epoch; default Date.now. Drives both the cache and the grace days. */
  readonly now?: () => number;
  readonly logger?: Logger;
}

export type RefusalReason =
  | 'MALFORMED'
  | 'NOT_FOUND'
  | 'OTHER_PROCEDURE'
  | 'FOREIGN_AGENCY'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'UNAVAILABLE';

export interface VerifiedDossier {
  readonly id: string;
  readonly procedureCode: string;
  /** The receiving agency's code. */
  readonly agency: string;
  readonly status: (typeof TRANG_THAI)[number];
  /** "Citizen:<id>", "Enterprise:<code>", "LandCertificate:<serial>", "IssuedResult:<code>": the applicant and related subjects. */
  readonly subjects: ReadonlySet<string>;
}

export type DossierVerification =
  | { readonly ok: true; readonly dossier: VerifiedDossier }
  | { readonly ok: false; readonly reason: RefusalReason; readonly message: string };

export interface DossierVerifyRequest {
  readonly procedureCode: string;
  readonly dossierId: string;
  readonly identity: ClientIdentity;
  /** The client registry of the request's configuration set; default the verifier's own. */
  readonly clients?: ClientRegistry;
}

export interface DossierVerifier {
  verify(request: DossierVerifyRequest): Promise<DossierVerification>;
}

/** The longest a found dossier may be cached: a cancelled dossier stops serving within it. */
export const MAX_DOSSIER_TTL_MS = 60_000;
const DAY_MS = 86_400_000;
/** Dates of the one-stop system are Vietnam's calendar days (UTC+7, no daylight saving). */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

const TRANG_THAI = ['DA_TIEP_NHAN', 'DANG_XU_LY', 'DA_TRA_KET_QUA', 'DA_HUY'] as const;
const SUBJECT_TYPES: Readonly<Record<string, string>> = {
  CONG_DAN: 'Citizen',
  DOANH_NGHIEP: 'Enterprise',
  GIAY_CHUNG_NHAN: 'LandCertificate',
  KET_QUA: 'IssuedResult',
};

const subjectSchema = z.object({ loai: z.string(), ma: z.string() });
/** What the gateway relies on in a HoSo; anything else the one-stop system sends is ignored. */
const hoSoSchema = z.object({
  maHoSo: z.string(),
  maTTHC: z.string(),
  maCoQuan: z.string(),
  trangThai: z.enum(TRANG_THAI),
  ngayTiepNhan: z.string(),
  ngayTraKetQua: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  chuHoSo: subjectSchema,
  doiTuongLienQuan: z.array(subjectSchema),
});

interface Cached {
  readonly dossier: (VerifiedDossier & { readonly returnedOn: string | null }) | null;
}

const REFUSALS: Readonly<Record<Exclude<RefusalReason, 'EXPIRED'>, string>> = {
  MALFORMED: 'X-Procedure-Code or X-Dossier-Id is malformed.',
  NOT_FOUND: 'X-Dossier-Id names no dossier of the one-stop system.',
  OTHER_PROCEDURE: 'The dossier is for another procedure than X-Procedure-Code.',
  FOREIGN_AGENCY: 'The dossier was received by an agency this client does not act for.',
  CANCELLED: 'The dossier was cancelled.',
  UNAVAILABLE: 'The one-stop system did not answer, so the dossier cannot be verified; retry later.',
};

class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
}

export function createDossierVerifier(options: DossierVerifierOptions): DossierVerifier {
  const ttl = options.ttlMs ?? 30_000;
  if (ttl <= 0 || ttl > MAX_DOSSIER_TTL_MS) {
    throw new Error(`createDossierVerifier: ttlMs must be from 1 to ${MAX_DOSSIER_TTL_MS}, got ${ttl}`);
  }
  const negativeTtl = Math.min(options.negativeTtlMs ?? 5_000, ttl);
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger();
  const lookup = (dossierId: string, signal: AbortSignal) =>
    lookupDossier(options, dossierId, signal, logger);
  const cache = new LRUCache<string, Cached>({
    max: options.maxEntries ?? 10_000,
    ttl,
    // Read the clock on every access: a cached reading would let an entry outlive its ttl.
    ttlResolution: 0,
    perf: { now },
    // lru-cache joins every fetch of a key to the one under way: the single flight.
    fetchMethod: async (dossierId, _stale, { signal, options: fetchOptions }) => {
      const dossier = await lookup(dossierId, signal);
      if (!dossier) fetchOptions.ttl = negativeTtl;
      return { dossier };
    },
  });

  return {
    async verify({ procedureCode, dossierId, identity, clients }) {
      if (!isProcedureCode(procedureCode) || !isDossierId(dossierId)) return refuse('MALFORMED');
      const status: LRUCache.Status<string, Cached> = {};
      let cached: Cached | undefined;
      try {
        cached = await cache.fetch(dossierId, { status });
      } catch (error) {
        if (!(error instanceof UnavailableError)) throw error;
        options.lookups?.inc({ result: 'unavailable' });
        return refuse('UNAVAILABLE');
      }
      const joined = status.fetch === 'hit' || status.fetch === 'inflight';
      options.lookups?.inc({ result: joined ? 'hit' : cached?.dossier ? 'miss' : 'not_found' });
      return judge(
        cached?.dossier ?? null,
        procedureCode,
        identity,
        { clients: clients ?? options.clients, graceDays: options.graceDays },
        now(),
      );
    },
  };
}

function refuse(reason: Exclude<RefusalReason, 'EXPIRED'>): DossierVerification {
  return { ok: false, reason, message: REFUSALS[reason] };
}

/** The rules of DESIGN.md "Purpose", applied to a dossier at time `at`. */
function judge(
  dossier: Cached['dossier'],
  procedureCode: string,
  identity: ClientIdentity,
  options: Pick<DossierVerifierOptions, 'clients' | 'graceDays'>,
  at: number,
): DossierVerification {
  if (!dossier) return refuse('NOT_FOUND');
  if (dossier.procedureCode !== procedureCode) return refuse('OTHER_PROCEDURE');
  if (!options.clients.mayActFor(identity, dossier.agency)) return refuse('FOREIGN_AGENCY');
  if (dossier.status === 'DA_HUY') return refuse('CANCELLED');
  if (dossier.returnedOn !== null && at >= servesUntil(dossier.returnedOn, options.graceDays)) {
    return {
      ok: false,
      reason: 'EXPIRED',
      message: `The dossier was completed more than ${options.graceDays} days ago.`,
    };
  }
  const { returnedOn: _, ...verified } = dossier;
  return { ok: true, dossier: verified };
}

/** A dossier whose result was returned on day D serves until the end of day D + graceDays, Vietnam time. */
export function servesUntil(returnedOn: string, graceDays: number): number {
  return Date.parse(`${returnedOn}T00:00:00Z`) - VIETNAM_OFFSET_MS + (graceDays + 1) * DAY_MS;
}

/** GET /api/v1/ho-so/{maHoSo}: the dossier, null when the one-stop system has none, or UnavailableError. */
async function lookupDossier(
  options: DossierVerifierOptions,
  dossierId: string,
  signal: AbortSignal,
  logger: Logger,
): Promise<Cached['dossier']> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const url = new URL(`api/v1/ho-so/${encodeURIComponent(dossierId)}`, withSlash(options.url));
  let status: number;
  let body: unknown;
  try {
    const response = await request(url, {
      method: 'GET',
      dispatcher: options.dispatcher,
      headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    status = response.statusCode;
    body = status === 200 ? await response.body.json() : await response.body.dump();
  } catch (error) {
    // The error names a host or a code, never the dossier: safe to log.
    logger.warn(
      { err: { code: (error as { code?: string }).code ?? (error as Error).name } },
      'one-stop lookup failed',
    );
    throw new UnavailableError('one-stop system unreachable');
  }
  if (status === 404) return null;
  if (status !== 200) {
    logger.warn({ status }, 'one-stop lookup failed');
    throw new UnavailableError(`one-stop system answered ${status}`);
  }
  const parsed = hoSoSchema.safeParse(body);
  // A dossier that is not the one asked for, or not a dossier, proves nothing: fail closed.
  if (!parsed.success || parsed.data.maHoSo !== dossierId) {
    logger.warn({ status }, 'one-stop lookup answered a malformed dossier');
    throw new UnavailableError('one-stop system answered a malformed dossier');
  }
  return toDossier(parsed.data);
}

function toDossier(hoSo: z.infer<typeof hoSoSchema>): NonNullable<Cached['dossier']> {
  const subjects = new Set<string>();
  for (const s of [hoSo.chuHoSo, ...hoSo.doiTuongLienQuan]) {
    // A kind the gateway does not know names no entity it serves; leaving it out only narrows access.
    const type = SUBJECT_TYPES[s.loai];
    if (type) subjects.add(`${type}:${s.ma}`);
  }
  return {
    id: hoSo.maHoSo,
    procedureCode: hoSo.maTTHC,
    agency: hoSo.maCoQuan,
    status: hoSo.trangThai,
    subjects,
    returnedOn: hoSo.trangThai === 'DA_TRA_KET_QUA' ? (hoSo.ngayTraKetQua ?? hoSo.ngayTiepNhan) : null,
  };
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);
