// Summarizes a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and the
// project's own functions with the most total time (self + callees). `node bench/profileSummary.ts <file>`.
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const profile = JSON.parse(await readFile(process.argv[2] ?? '', 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfCount = new Map<number, number>();
for (const id of profile.samples) selfCount.set(id, (selfCount.get(id) ?? 0) + 1);
const total = profile.samples.length;

const label = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, count] of selfCount) {
  const node = byId.get(id);
  if (!node) continue;
  self.set(label(node), (self.get(label(node)) ?? 0) + count);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const l = label(byId.get(at) as ProfileNode);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + count);
  }
}
const show = (title: string, map: Map<string, number>, keep: (l: string) => boolean, n: number) => {
  process.stdout.write(`\n${title} (of ${total} samples)\n`);
  for (const [l, c] of [...map]
    .filter(([l]) => keep(l))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)) {
    process.stdout.write(`${((c / total) * 100).toFixed(1).padStart(5)}%  ${l}\n`);
  }
};
show('self time', self, () => true, 30);
show(
  'total time, project code',
  inclusive,
  (l) => /(gateway|lib)\//.test(l) && !l.includes('node_modules'),
  30,
);
show('total time, packages', inclusive, (l) => l.includes('node_modules'), 40);
