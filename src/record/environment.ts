// What a run was measured on, as span tags: the Node version, the CPUs, the host, and the load
// average when the run started and ended. `summary` prints them; `summary --compare` warns when two
// runs differ in them or ran under load. Read once per call, never on the hot path.
import { arch, cpus, hostname, loadavg, platform, release } from 'node:os';
import type { Span } from './span-api.js';

/** The tags of an environment span; src/read/summarize.ts reads the same names (a test pins both). */
export const ENVIRONMENT_TAGS = {
  node: 'node.version',
  cpuModel: 'cpu.model',
  cpuCount: 'cpu.count',
  host: 'host',
  os: 'os',
  loadStart: 'load.start',
  loadEnd: 'load.end',
} as const;

/** The name of the span `tracer.recordEnvironment()` records. */
export const ENVIRONMENT_SPAN_NAME = 'environment';

let fixed: Readonly<Record<string, string>> | undefined;

/** The tags that do not change while the process runs (read once: `os.cpus()` reads /proc). */
export function machineTags(): Readonly<Record<string, string>> {
  if (fixed === undefined) {
    const list = cpus();
    fixed = {
      [ENVIRONMENT_TAGS.node]: process.version,
      [ENVIRONMENT_TAGS.cpuModel]: list[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown',
      [ENVIRONMENT_TAGS.cpuCount]: String(list.length),
      [ENVIRONMENT_TAGS.host]: hostname(),
      [ENVIRONMENT_TAGS.os]: `${platform()} ${release()} ${arch()}`,
    };
  }
  return fixed;
}

/** The 1, 5 and 15-minute load averages, like `0.52 0.61 0.70` (all 0 on Windows, which has none). */
export function loadAverages(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

/** Tags `span` with the machine and the load now, as the run starts. */
export function tagEnvironmentStart(span: Span): void {
  for (const [key, value] of Object.entries(machineTags())) span.tag(key, value);
  span.tag(ENVIRONMENT_TAGS.loadStart, loadAverages());
}

/** Tags `span` with the load now, as the run ends (before the span ends). */
export function tagEnvironmentEnd(span: Span): void {
  span.tag(ENVIRONMENT_TAGS.loadEnd, loadAverages());
}

/** What `tracer.recordEnvironment()` returns: end it when the run ends. */
export interface EnvironmentRecording {
  /** The `environment` span, tagged with the machine and the load at start. */
  readonly span: Span;
  /** Tags the load average at the end and emits the span. Later calls do nothing. */
  end(): void;
}

/** Starts recording the environment on `span` (already started, named `environment`). */
export function recordEnvironmentOn(span: Span): EnvironmentRecording {
  tagEnvironmentStart(span);
  let ended = false;
  return {
    span,
    end() {
      if (ended) return;
      ended = true;
      tagEnvironmentEnd(span);
      span.end();
    },
  };
}
