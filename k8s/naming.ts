// Deterministic DNS-1123 names for objects kanflow creates, so a retry finds what an earlier attempt made.
import { createHash } from 'node:crypto';

export const DNS1123_LABEL_MAX = 63;

/**
 * Turns `raw` into a DNS-1123 label (lowercase alphanumerics and `-`, starting and ending alphanumeric,
 * at most `max` characters). Names that had to be changed or shortened get a hash suffix of the raw
 * value, so two different inputs never collapse to the same name.
 */
export function dnsLabel(raw: string, max = DNS1123_LABEL_MAX): string {
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (cleaned === raw && cleaned.length > 0 && cleaned.length <= max) return cleaned;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 10);
  const room = max - hash.length - 1;
  const head = cleaned.slice(0, room).replace(/-+$/g, '');
  return head ? `${head}-${hash}` : `x-${hash}`;
}

/** Name of the pod a function creates for the phase identified by `resourceKey` (optionally per role). */
export function podNameFor(resourceKey: string, role?: string): string {
  return dnsLabel(role ? `${resourceKey}-${role}` : resourceKey);
}

/** Checks a name the way the API server would; returns a reason when it is not a DNS-1123 label. */
export function dnsLabelProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > DNS1123_LABEL_MAX) return `is ${name.length} characters long (max ${DNS1123_LABEL_MAX})`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) return 'is not a DNS-1123 label';
  return undefined;
}
