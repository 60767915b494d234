// The benchmarks' child processes: each alternative runs in a process of its own, talked to over
// IPC, so that one library's heap, JIT and GC never weigh on another's figures.

import { spawn } from 'node:child_process';

/**
 * Spawns `node [nodeFlags] --import tsx script ...args` with an IPC channel. `ask(message)`
 * resolves with the child's answer to it (rejects with its error, or when it exits); `stop()`
 * kills it. Its stdout goes to our stderr: our own stdout carries only the result line.
 */
export function spawnChild(script, args, { name = args.join(' '), env = process.env, cwd, nodeFlags = [] } = {}) {
  const proc = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], { cwd, env, stdio: ['ignore', 2, 'inherit', 'ipc'] });
  const waiting = new Map();
  let next = 0;
  let exited = false;
  proc.on('message', (m) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) w?.reject(new Error(`${name}: ${m.error}`));
    else w?.resolve(m);
  });
  proc.on('exit', (code) => {
    exited = true;
    for (const w of waiting.values()) w.reject(new Error(`${name} exited (${code})`));
    waiting.clear();
  });
  return {
    proc,
    ask(message) {
      if (exited) return Promise.reject(new Error(`${name} has exited`));
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        proc.send({ ...message, id });
      });
    },
    stop() {
      if (!exited) proc.kill();
    },
  };
}

/** In a child: answers each message with `handle(message)`'s result; exits when the parent goes. */
export function serve(handle) {
  process.on('message', async (m) => {
    try {
      process.send({ ...(await handle(m)), id: m.id });
    } catch (error) {
      process.send({ id: m.id, error: String(error?.stack ?? error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}
