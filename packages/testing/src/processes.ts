import { readFileSync } from 'node:fs';

/**
 * True when the process runs. A killed process whose parent is gone can linger as a zombie until its
 * new parent reaps it (in containers, PID 1 often never does); it runs nothing, so it counts as dead.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (macOS): signal 0 succeeded
  }
}
