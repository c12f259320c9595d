// What a verified client token says, checked beyond what jose checks: the shape of each claim that
// the gateway passes on (to subgraphs, to the audit record, to logs), and the citizen-token rule.
import type { JWTPayload } from 'jose';
import { isAgencyCode } from '../../../../lib/agency.ts';
import { isCitizenId } from '../../../../lib/ids.ts';
import { isScope } from '../../../../lib/scopes.ts';

/** The authenticated client system, from its verified token. */
export interface ClientIdentity {
  /** The token's `sub`, e.g. "ubnd-hanoi.motcua" (or a citizen id for `citizen:self` tokens). */
  readonly clientId: string;
  /** The civil servant at the keyboard, when the token names one. */
  readonly officer?: string | undefined;
  /** The token's scopes that lienthong knows; unknown ones are dropped. */
  readonly scopes: ReadonlySet<string>;
  /** The agency the client acts for when it issues results (the token's `agency` claim). */
  readonly agency?: string | undefined;
  /** The token's `jti`. */
  readonly tokenId?: string | undefined;
  /** The token's `exp`, epoch seconds. */
  readonly expiresAt: number;
}

/** A claim the gateway will not accept; `reason` is logged, never shown to the client. */
export class ClaimRejected extends Error {
  override readonly name = 'ClaimRejected';
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TOKEN_ID = /^[\x21-\x7e]{1,128}$/;
// Letters, marks, digits, punctuation, symbols and plain spaces: no control or bidi-override
// characters that could forge a line in a log or an admin page.
const OFFICER = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]{1,128}$/u;
const MAX_SCOPE_CLAIM = 2048;

export function identityFromClaims(
  payload: JWTPayload,
  maxLifetimeSeconds: number,
  now: Date,
): ClientIdentity {
  const { sub, exp, iat } = payload;
  if (typeof sub !== 'string' || !CLIENT_ID.test(sub)) throw new ClaimRejected('sub_malformed');
  if (typeof exp !== 'number' || typeof iat !== 'number') throw new ClaimRejected('exp_or_iat_missing');
  // maxTokenAge bounds the age at verification; a long-lived token is refused outright, so one
  // stolen token cannot outlive the configured lifetime just because it is used early.
  if (exp - iat > maxLifetimeSeconds) throw new ClaimRejected('lifetime_too_long');

  const scopes = scopesOf(payload['scope']);
  const officer = payload['officer'];
  if (officer !== undefined && (typeof officer !== 'string' || !OFFICER.test(officer))) {
    throw new ClaimRejected('officer_malformed');
  }
  const agency = payload['agency'];
  // Issuing and revoking are bound to this claim (results subgraph): only a well-formed code passes on.
  if (agency !== undefined && (typeof agency !== 'string' || !isAgencyCode(agency))) {
    throw new ClaimRejected('agency_malformed');
  }
  const jti = payload.jti;
  if (jti !== undefined && (typeof jti !== 'string' || !TOKEN_ID.test(jti)))
    throw new ClaimRejected('jti_malformed');

  if (scopes.has('citizen:self')) {
    // A citizen token speaks for one person only: its subject is that person, and it carries no
    // scope of a client system.
    if (!isCitizenId(sub, now)) throw new ClaimRejected('citizen_sub_malformed');
    if (scopes.size > 1) throw new ClaimRejected('citizen_scope_mixed');
  }
  return { clientId: sub, officer, scopes, agency, tokenId: jti, expiresAt: exp };
}

function scopesOf(claim: unknown): ReadonlySet<string> {
  if (claim === undefined) return new Set();
  if (typeof claim !== 'string' || claim.length > MAX_SCOPE_CLAIM) throw new ClaimRejected('scope_malformed');
  return new Set(claim.split(' ').filter(isScope));
}
