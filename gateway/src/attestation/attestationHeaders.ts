// The response headers that carry a successful response's attestation: computed over the exact body
// bytes about to be sent, for requests whose operation was resolved (so identity and purpose are known).
import type { SigningKey } from '../../../lib/keys.ts';
import { withSpan } from '../../../lib/tracing.ts';
import type { GatewayContext } from '../context.ts';
import { ATTESTATION_HEADER, attestResponse } from './responseAttestation.ts';

export function attestationHeaders(key: SigningKey) {
  return async (body: string, status: number, context: GatewayContext): Promise<Record<string, string>> => {
    const caller = context.resolution.caller;
    if (status !== 200 || !caller) return {};
    const attestation = await withSpan('attestation.sign', () =>
      attestResponse(key, {
        body,
        requestId: context.requestId,
        clientId: caller.clientId,
        procedureCode: caller.procedureCode,
        dossierId: caller.dossierId,
      }),
    );
    return { [ATTESTATION_HEADER]: attestation, 'x-request-id': context.requestId };
  };
}
