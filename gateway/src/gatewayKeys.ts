// The keys the gateway signs with, and the client keys it trusts in dev mode. Production keys come
// from configured files; dev mode generates them under data/keys/ (never in production).
import type { JSONWebKeySet, JWK } from 'jose';
import { ensureDevKey, loadSigningKey, type SigningKey, toJwks } from '../../lib/keys.ts';
import type { GatewayConfig } from './config.ts';

/** The gateway's public keys as /.well-known/jwks.json publishes them (attestations, audit checkpoints). */
export function publishedJwks(keys: GatewayKeys, retired: readonly JWK[] = []): JSONWebKeySet {
  return toJwks([keys.attestation.publicJwk, keys.audit.publicJwk, ...retired]);
}

export interface GatewayKeys {
  /** Signs internal tokens for subgraphs. */
  readonly internal: SigningKey;
  /** Signs response attestations (X-Lienthong-Attestation). */
  readonly attestation: SigningKey;
  /** Signs audit checkpoints. */
  readonly audit: SigningKey;
  /** Dev mode only: the key `npm run token` signs client tokens with, trusted in addition to AUTH_JWKS_*. */
  readonly devClient: SigningKey | undefined;
}

export async function loadGatewayKeys(config: GatewayConfig): Promise<GatewayKeys> {
  const internal = config.internalSigningKeyFile
    ? await loadSigningKey(config.internalSigningKeyFile)
    : await ensureDevKey('gateway-internal', 'EdDSA');
  const attestation = config.attestationKeyFile
    ? await loadSigningKey(config.attestationKeyFile)
    : await ensureDevKey('gateway-attestation', 'EdDSA');
  const audit = config.auditKeyFile
    ? await loadSigningKey(config.auditKeyFile)
    : await ensureDevKey('gateway-audit', 'EdDSA');
  const devClient = config.dev ? await ensureDevKey('client-dev', 'ES256') : undefined;
  return { internal, attestation, audit, devClient };
}
