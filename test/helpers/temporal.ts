// Connects tests to a real Temporal dev server: the one the test runner started (TEMPORAL_ADDRESS), or one
// started here when a test file runs on its own.
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
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
    // Workers log errors only in tests: the activity failures and retries tests provoke on purpose would
    // otherwise drown the test report.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
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

/**
 * For a test file: connects in `before`, closes in `after`; the returned object forwards to the connection,
 * so tests use it like a TestTemporal.
 */
export function useTestTemporal(): TestTemporal {
  let connected: TestTemporal | undefined;
  const current = (): TestTemporal => {
    if (!connected) throw new Error('Temporal is connected in before(): use it inside tests');
    return connected;
  };
  before(async () => {
    connected = await connectTestTemporal();
  });
  after(async () => {
    await connected?.close();
  });
  return {
    get address() {
      return current().address;
    },
    get client() {
      return current().client;
    },
    get connection() {
      return current().connection;
    },
    get nativeConnection() {
      return current().nativeConnection;
    },
    taskQueue: (prefix) => current().taskQueue(prefix),
    close: async () => {},
  };
}
