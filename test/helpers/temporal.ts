// Connects tests to a real Temporal dev server: the one the test runner started (TEMPORAL_ADDRESS), or one
// started here when a test file runs on its own.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../scripts/temporal-dev-server.js';

export interface TestTemporal {
  address: string;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  /** A task queue no other test uses. */
  taskQueue(prefix: string): string;
  close(): Promise<void>;
}

let runtimeInstalled = false;

export async function connectTestTemporal(): Promise<TestTemporal> {
  if (!runtimeInstalled) {
    // Workers log at WARN in tests: retries and failures we provoke on purpose would drown the output.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  let server: DevServer | undefined;
  if (!process.env.TEMPORAL_ADDRESS) server = await startDevServer({ readyTimeoutMs: 90_000 });
  const address = server?.address ?? process.env.TEMPORAL_ADDRESS!;
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  return {
    address,
    client,
    connection,
    nativeConnection,
    taskQueue: (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`,
    close: async () => {
      await nativeConnection.close();
      await connection.close();
      await server?.stop();
    },
  };
}
