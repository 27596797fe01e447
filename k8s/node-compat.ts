// @kubernetes/client-node 2.x depends on undici 8, which needs Node >= 22 and crashes while loading on
// Node 20: it binds zlib.createZstdDecompress and worker_threads.markAsUncloneable at load time. Neither
// matters for talking to an API server (no zstd responses; no structured cloning of undici objects), so
// stubs let undici load. Import this module before @kubernetes/client-node.
import workerThreads from 'node:worker_threads';
import zlib from 'node:zlib';

const zlibModule = zlib as unknown as Record<string, unknown>;
if (typeof zlibModule.createZstdDecompress !== 'function') {
  zlibModule.createZstdDecompress = () => {
    throw new Error('zstd-encoded responses need Node >= 22.15');
  };
}
const workerThreadsModule = workerThreads as unknown as Record<string, unknown>;
if (typeof workerThreadsModule.markAsUncloneable !== 'function') {
  workerThreadsModule.markAsUncloneable = () => {};
}

// undici 8 also uses Promise.withResolvers (Node >= 22).
const promiseConstructor = Promise as unknown as { withResolvers?: unknown };
if (typeof promiseConstructor.withResolvers !== 'function') {
  promiseConstructor.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
