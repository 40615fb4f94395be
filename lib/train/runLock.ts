// One process per run directory: two runs appending to the same log and checkpoint would interleave their steps.
// The lock is the file <dir>/lock holding its owner's pid. It appears atomically with its content: the pid is
// written to a private temporary file first, which is then hard-linked to 'lock' (link fails if 'lock' exists), so
// no process ever sees an empty or half-written lock. A lock whose process is gone (a killed run) is taken over
// through 'lock.stale-<dead pid>', created the same way: of several processes finding the same stale lock, only the
// one creating that file replaces the lock, after re-checking that the lock still names the dead pid, and then
// deletes that file (a process arriving later finds the lock naming its new owner and leaves it alone).
// Release deletes the lock only while it still names this process.
import * as fs from 'node:fs';
import * as path from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): number | null {
  try {
    const owner = Number(fs.readFileSync(file, 'utf8'));
    return Number.isSafeInteger(owner) && owner > 0 ? owner : NaN;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Links a file holding our pid to `file` (it appears with its content); false when `file` exists. */
function linkOwnFile(file: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, String(process.pid));
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`cannot write the lock ${file} (${(e as Error).message})`);
  }
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Claims `dir` for this process; returns the release function. */
export function lockRunDir(dir: string): () => void {
  const file = path.join(dir, 'lock');
  const release = () => {
    if (readOwner(file) === process.pid) fs.rmSync(file, { force: true });
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (linkOwnFile(file)) return release;
    const owner = readOwner(file);
    if (owner === null) continue; // released meanwhile
    if (owner === process.pid) throw new Error(`${dir} is already locked by this process (${file})`);
    if (Number.isNaN(owner)) {
      throw new Error(
        `${file} does not hold a process id: if no training uses ${dir}, delete ${file} and repeat the command`,
      );
    }
    if (alive(owner))
      throw new Error(`${dir} is in use by another training process (pid ${owner}, ${file}); wait for it or stop it`);
    const takeover = path.join(dir, `lock.stale-${owner}`);
    if (!linkOwnFile(takeover)) {
      const taker = readOwner(takeover);
      if (taker === null) continue; // that takeover just ended
      if (!Number.isNaN(taker) && alive(taker)) {
        throw new Error(`${dir} is being taken over by another training process (pid ${taker}, ${takeover})`);
      }
      throw new Error(
        `${takeover} was left by a killed process: if no training uses ${dir}, delete it and repeat the command`,
      );
    }
    try {
      // under the takeover file no other process removes a lock naming `owner`; a lock naming anyone else is kept
      if (readOwner(file) === owner) fs.rmSync(file, { force: true });
      if (linkOwnFile(file)) return release;
    } finally {
      fs.rmSync(takeover, { force: true });
    }
  }
  throw new Error(`could not lock ${dir} (${file}): another process keeps taking it`);
}
