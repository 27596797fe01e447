// Kubernetes object names, validated as the API server would, with messages that say what is allowed.
import * as z from 'zod';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Namespace names: a DNS-1123 label. */
export const NamespaceNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(DNS1123_LABEL, {
    error: (issue) =>
      `must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit (got ${JSON.stringify(issue.input)})`,
  });

/** Names of most Kubernetes objects (Blueprints, Policies, workloads): a DNS-1123 subdomain. */
export const ObjectNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(DNS1123_SUBDOMAIN, {
    error: (issue) =>
      `must be a DNS-1123 name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit (got ${JSON.stringify(issue.input)})`,
  });

export const DEFAULT_K10_NAMESPACE = 'kasten-io';

/** The namespace that holds hook Blueprints and Policies (S1: blueprints are looked up there and nowhere else). */
export const K10NamespaceSchema = NamespaceNameSchema.default(DEFAULT_K10_NAMESPACE);
