// Runs a project script as its own Node 24 process and collects its output.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const NODE = join(process.cwd(), 'node_modules', '.bin', 'node');

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runNode(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
