// npm run audit:witness -- --gateway URL --state DIR --key FILE [--token-file FILE] [--interval-seconds 5] [--once]
// A witness for another body (an inspectorate): polls the gateway's audit checkpoint, checks it and
// its consistency with the last head it accepted, cosigns and keeps accepted heads in DIR. The token
// (audit:read) comes from --token-file, read again before each poll so that it can be rotated while
// the witness runs, or from AUDIT_WITNESS_TOKEN. Exit 1 on an alarm (fork, shrinking
// tree, bad signature), 2 when it could not run; with --once, 0 after one good poll.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runTool, UsageError } from '../gateway/src/audit/cliSupport.ts';
import { createWitness, loadOrCreateWitnessKey, WitnessAlarm } from '../gateway/src/audit/witness.ts';
import { createLogger } from '../lib/logger.ts';

const logger = createLogger({ name: 'audit-witness' });

await runTool('audit:witness', async () => {
  const { values } = parseArgs({
    options: {
      gateway: { type: 'string' },
      state: { type: 'string' },
      key: { type: 'string' },
      'token-file': { type: 'string' },
      'interval-seconds': { type: 'string', default: '5' },
      once: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.gateway || !values.state || !values.key) {
    throw new UsageError('usage: --gateway URL --state DIR --key FILE [--token-file FILE] [--once]');
  }
  const interval = Number(values['interval-seconds']);
  if (!Number.isFinite(interval) || interval < 0.1) throw new UsageError('--interval-seconds must be >= 0.1');
  const tokenFile = values['token-file'];
  const readToken = async (file: string) => {
    const text = (await readFile(file, 'utf8')).trim();
    if (!text) throw new UsageError(`${file} holds no token`);
    return text;
  };
  const token = tokenFile ? () => readToken(tokenFile) : process.env['AUDIT_WITNESS_TOKEN'];
  if (!token)
    throw new UsageError('a token with audit:read is needed: --token-file FILE or AUDIT_WITNESS_TOKEN');
  if (typeof token !== 'string') await token();
  const witness = createWitness({
    gateway: values.gateway,
    stateDir: values.state,
    key: await loadOrCreateWitnessKey(values.key),
    token,
  });
  for (;;) {
    try {
      const result = await witness.poll();
      if (result.status === 'accepted')
        logger.info({ size: result.size }, 'checkpoint accepted and cosigned');
    } catch (error) {
      if (error instanceof WitnessAlarm) {
        logger.error({ reason: error.reason, detail: error.message }, 'WITNESS ALARM');
        process.stderr.write(`audit:witness ALARM (${error.reason}): ${error.message}\n`);
        return 1;
      }
      // The gateway being unreachable is not evidence of anything: say so and try again.
      logger.warn({ err: (error as Error).message }, 'checkpoint not checked');
      if (values.once) throw error;
    }
    if (values.once) return 0;
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
  }
});
