// NamespaceLockStore (rule S4) on coordination.k8s.io/v1 Leases `kanflow-lock-<namespace>` in the K10
// namespace. holderIdentity is the action ID. Every change is atomic: create (fails if it exists) or
// update/delete guarded by the resourceVersion that was read (optimistic concurrency).
import type { V1Lease } from '@kubernetes/client-node';
import type { NamespaceLockStore } from '../activities/deps.js';
import type { KubeClients } from './client.js';
import { describeApiError, isConflict, isNotFound } from './client.js';
import { dnsLabel } from './naming.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from './pods.js';

export const LOCK_NAMESPACE_LABEL = 'kanflow.io/locked-namespace';

export function lockLeaseName(namespace: string): string {
  return dnsLabel(`kanflow-lock-${namespace}`);
}

/** What to do about a lease, given who holds it now. Pure: the part of the algorithm worth unit-testing. */
export type LeaseDecision =
  | { action: 'create' }
  | { action: 'already-held' }
  | { action: 'take'; previousHolder: string }
  | { action: 'refuse'; holder: string };

export function decideLease(currentHolder: string | undefined | null, holder: string, replaceHolder?: string): LeaseDecision {
  if (currentHolder === undefined) return { action: 'create' };
  if (currentHolder === holder) return { action: 'already-held' };
  // An empty holder is a released lease object left behind: free to take.
  if (!currentHolder) return { action: 'take', previousHolder: '' };
  if (replaceHolder !== undefined && currentHolder === replaceHolder) return { action: 'take', previousHolder: currentHolder };
  return { action: 'refuse', holder: currentHolder };
}

export class LeaseNamespaceLockStore implements NamespaceLockStore {
  constructor(
    private readonly clients: KubeClients,
    /** Where the Lease objects live (the K10 namespace). */
    private readonly leaseNamespace: string,
  ) {}

  async tryAcquire(namespace: string, holder: string, replaceHolder?: string): Promise<{ acquired: true } | { acquired: false; holder: string }> {
    const name = lockLeaseName(namespace);
    // Lost races (409) re-read and decide again; the loop ends because every round observes a newer state.
    for (let round = 0; round < 10; round += 1) {
      const lease = await this.read(name);
      const decision = decideLease(lease ? (lease.spec?.holderIdentity ?? '') : undefined, holder, replaceHolder);
      const now = microTime();
      try {
        switch (decision.action) {
          case 'already-held':
            return { acquired: true };
          case 'refuse':
            return { acquired: false, holder: decision.holder };
          case 'create':
            await this.clients.coordination.createNamespacedLease({
              namespace: this.leaseNamespace,
              body: {
                apiVersion: 'coordination.k8s.io/v1',
                kind: 'Lease',
                metadata: { name, namespace: this.leaseNamespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [LOCK_NAMESPACE_LABEL]: namespace } },
                spec: { holderIdentity: holder, acquireTime: now, renewTime: now, leaseTransitions: 0 },
              },
            });
            return { acquired: true };
          case 'take': {
            const body: V1Lease = {
              ...lease!,
              spec: {
                ...lease!.spec,
                holderIdentity: holder,
                acquireTime: now,
                renewTime: now,
                leaseTransitions: (lease!.spec?.leaseTransitions ?? 0) + 1,
              },
            };
            // replace carries metadata.resourceVersion: the server rejects it if the lease changed since.
            await this.clients.coordination.replaceNamespacedLease({ namespace: this.leaseNamespace, name, body });
            return { acquired: true };
          }
        }
      } catch (error) {
        if (isConflict(error) || isNotFound(error)) continue;
        throw new Error(`namespace lock for ${namespace} (lease ${this.leaseNamespace}/${name}): ${describeApiError(error)}`, { cause: error });
      }
    }
    throw new Error(`namespace lock for ${namespace} (lease ${this.leaseNamespace}/${name}): too much contention`);
  }

  async release(namespace: string, holder: string): Promise<void> {
    const name = lockLeaseName(namespace);
    for (let round = 0; round < 10; round += 1) {
      const lease = await this.read(name);
      if (!lease || lease.spec?.holderIdentity !== holder) return;
      try {
        await this.clients.coordination.deleteNamespacedLease({
          namespace: this.leaseNamespace,
          name,
          body: { preconditions: { resourceVersion: lease.metadata?.resourceVersion } },
        });
        return;
      } catch (error) {
        if (isNotFound(error)) return;
        if (isConflict(error)) continue;
        throw new Error(`releasing namespace lock for ${namespace} (lease ${this.leaseNamespace}/${name}): ${describeApiError(error)}`, { cause: error });
      }
    }
  }

  /** The current holder, for status displays; undefined when the namespace is not locked. */
  async holderOf(namespace: string): Promise<string | undefined> {
    return (await this.read(lockLeaseName(namespace)))?.spec?.holderIdentity || undefined;
  }

  private async read(name: string): Promise<V1Lease | undefined> {
    try {
      return await this.clients.coordination.readNamespacedLease({ namespace: this.leaseNamespace, name });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new Error(`reading lease ${this.leaseNamespace}/${name}: ${describeApiError(error)}`, { cause: error });
    }
  }
}

/**
 * Lease times are MicroTime: the API server insists on six fractional digits, while client-node serializes
 * Dates with toISOString's three. A Date that prints itself with microseconds satisfies both.
 */
function microTime(): Date {
  const time = new Date();
  const iso = time.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  return Object.assign(time, { toISOString: () => iso, toJSON: () => iso });
}
