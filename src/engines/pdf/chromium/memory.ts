/**
 * Memory of a process tree, from Linux's /proc/<pid>/smaps_rollup of a process and all its
 * descendants: the proportional set size (PSS: shared pages divided among the processes sharing
 * them, the tree's fair share of the machine's memory) and the private memory (pages no other
 * process maps: what a leak grows, whatever other processes run). 0 where /proc cannot be read.
 */
import { readdir, readFile } from 'node:fs/promises';

/** Parent pid of each process, from /proc/<pid>/stat (the field after the command's parenthesis). */
async function parents(): Promise<Map<number, number>> {
  const map = new Map<number, number>();
  const names = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  await Promise.all(
    names.map(async (name) => {
      try {
        const stat = await readFile(`/proc/${name}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        map.set(Number(name), Number(fields[1]));
      } catch {
        // The process ended meanwhile.
      }
    }),
  );
  return map;
}

/** The pid and every descendant's pid. */
export async function processTree(pid: number): Promise<number[]> {
  const parentOf = await parents();
  const children = new Map<number, number[]>();
  for (const [child, parent] of parentOf) children.set(parent, [...(children.get(parent) ?? []), child]);
  const tree: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop()!;
    tree.push(current);
    stack.push(...(children.get(current) ?? []));
  }
  return tree;
}

export interface ProcessMemory {
  /** Proportional set size, in bytes. */
  pss: number;
  /** Private (clean and dirty) memory, in bytes. */
  private: number;
}

/** Memory of one process (zeros if it is gone). */
export async function processMemory(pid: number): Promise<ProcessMemory> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
    return { pss: kib('Pss'), private: kib('Private_Clean') + kib('Private_Dirty') };
  } catch {
    return { pss: 0, private: 0 };
  }
}

/** Memory of a process and its descendants. */
export async function processTreeMemory(pid: number): Promise<ProcessMemory> {
  try {
    const sizes = await Promise.all((await processTree(pid)).map(processMemory));
    return sizes.reduce((sum, m) => ({ pss: sum.pss + m.pss, private: sum.private + m.private }), { pss: 0, private: 0 });
  } catch {
    return { pss: 0, private: 0 };
  }
}

/** PSS of a process and its descendants, in bytes. */
export async function processTreePss(pid: number): Promise<number> {
  return (await processTreeMemory(pid)).pss;
}
