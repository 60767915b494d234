// The floor reference: a naive deferred recorder, as a user might write it in 40 lines.
// Cheap IDs from Math.random, parent captured at call time, one JSON.stringify per span (most of its
// cost, as in the reference), batched per turn. IDs from crypto.randomBytes per span would
// cost it more than its JSON and make the floor look higher than it is.

const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);
const word = () => ((Math.random() * 0x1_0000_0000) >>> 0).toString(16).padStart(8, '0');
const hexId = (bytes) => (bytes === 16 ? word() + word() + word() + word() : word() + word());

/** @param {string} serviceName @param {(batch: string[]) => void} write */
export function naiveRecorder(serviceName, write) {
  let queue = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    write(batch);
  };
  const report = (span, error) => {
    span.duration = Math.max(1, nowMicros() - span.timestamp);
    if (error !== undefined) span.tags = { error: String(error) };
    queue.push(JSON.stringify(span));
    if (queue.length >= 1024) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return {
    flush,
    root: () => ({ traceId: hexId(16), id: hexId(8) }),
    traced(name, kind, parent, fn) {
      return (...args) => {
        const span = {
          traceId: parent.traceId, parentId: parent.id, id: hexId(8), name, kind,
          timestamp: nowMicros(), duration: 0, localEndpoint: { serviceName },
        };
        return fn(...args).then(
          (value) => { report(span); return value; },
          (error) => { report(span, error); throw error; },
        );
      };
    },
  };
}
