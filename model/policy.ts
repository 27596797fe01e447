// Policies: which namespaces to act on, and the ordered backup/export actions (with hooks) for each (N3, N4).
import * as z from 'zod';
import { HooksSchema } from './hooks.js';
import { K10NamespaceSchema, NamespaceNameSchema, ObjectNameSchema } from './names.js';
import { ActionOptionsSchema, ExportLocationSchema } from './requests.js';

export const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export const LabelSelectorRequirementSchema = z
  .strictObject({
    key: z.string().min(1),
    operator: z.enum(LABEL_SELECTOR_OPERATORS),
    values: z.array(z.string()).optional(),
  })
  .superRefine((requirement, ctx) => {
    const hasValues = (requirement.values?.length ?? 0) > 0;
    if ((requirement.operator === 'In' || requirement.operator === 'NotIn') && !hasValues) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `required: operator ${requirement.operator} needs values` });
    }
    if ((requirement.operator === 'Exists' || requirement.operator === 'DoesNotExist') && hasValues) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `must be empty for operator ${requirement.operator}` });
    }
  });
export type LabelSelectorRequirement = z.infer<typeof LabelSelectorRequirementSchema>;

/** A Kubernetes label selector on namespace labels; an empty one selects every namespace. */
export const LabelSelectorSchema = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(LabelSelectorRequirementSchema).optional(),
});
export type LabelSelector = z.infer<typeof LabelSelectorSchema>;

/** A namespace is selected when it is listed (if `namespaces` is given) and its labels match (if `labelSelector` is given). */
export const PolicySelectorSchema = z
  .strictObject({
    namespaces: z.array(NamespaceNameSchema).min(1).optional(),
    labelSelector: LabelSelectorSchema.optional(),
  })
  .refine((selector) => selector.namespaces !== undefined || selector.labelSelector !== undefined, {
    message: 'required: namespaces or labelSelector (a policy must say which namespaces it covers)',
  });
export type PolicySelector = z.infer<typeof PolicySelectorSchema>;

export const PolicyBackupActionSchema = z.strictObject({
  action: z.literal('backup'),
  hooks: HooksSchema.default({}),
  includeSecrets: z.boolean().optional(),
  ...ActionOptionsSchema.shape,
});
export const PolicyExportActionSchema = z.strictObject({
  action: z.literal('export'),
  hooks: HooksSchema.default({}),
  location: ExportLocationSchema.optional(),
  ...ActionOptionsSchema.shape,
});
export const PolicyActionSchema = z.discriminatedUnion('action', [PolicyBackupActionSchema, PolicyExportActionSchema]);
export type PolicyAction = z.infer<typeof PolicyActionSchema>;

/** N4: an export exports what the namespace's backup just produced, so it must come after a backup. */
export function exportsWithoutPrecedingBackup(actions: readonly { action?: unknown }[]): number[] {
  const firstBackup = actions.findIndex((entry) => entry.action === 'backup');
  return actions.flatMap((entry, index) =>
    entry.action === 'export' && (firstBackup === -1 || index < firstBackup) ? [index] : [],
  );
}
export const EXPORT_ORDER_MESSAGE =
  "export must come after a backup action: a namespace's export runs after its backup succeeded (rule N4)";

export const PolicySchema = z.strictObject({
  name: ObjectNameSchema,
  k10Namespace: K10NamespaceSchema,
  selector: PolicySelectorSchema,
  actions: z
    .array(PolicyActionSchema)
    .min(1)
    .superRefine((actions, ctx) => {
      for (const index of exportsWithoutPrecedingBackup(actions)) {
        ctx.addIssue({ code: 'custom', path: [index, 'action'], message: EXPORT_ORDER_MESSAGE });
      }
    }),
  /** How many namespaces run at once. */
  concurrency: z.int().min(1).max(500).default(10),
  /** Kept from K10 for reference; kanflow does not schedule policies. */
  frequency: z.string().optional(),
  retention: z.record(z.string(), z.int().min(0)).optional(),
});
export type Policy = z.infer<typeof PolicySchema>;

/** Kubernetes' label selector syntax, as accepted by `labelSelector` in list calls. */
export function labelSelectorToString(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    if (operator === 'In') parts.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') parts.push(key);
    else parts.push(`!${key}`);
  }
  return parts.join(',');
}

/** Kubernetes semantics: every requirement must hold; NotIn and DoesNotExist hold for an absent label. */
export function matchesLabelSelector(labels: Readonly<Record<string, string>>, selector: LabelSelector): boolean {
  const has = (key: string) => Object.hasOwn(labels, key);
  const labelsMatch = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => has(key) && labels[key] === value);
  return (
    labelsMatch &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      switch (operator) {
        case 'In':
          return has(key) && values.includes(labels[key]!);
        case 'NotIn':
          return !has(key) || !values.includes(labels[key]!);
        case 'Exists':
          return has(key);
        case 'DoesNotExist':
          return !has(key);
      }
    })
  );
}

/** Whether a policy covers a namespace with these labels. */
export function selectsNamespace(
  selector: PolicySelector,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (selector.namespaces !== undefined && !selector.namespaces.includes(namespace)) return false;
  return selector.labelSelector === undefined || matchesLabelSelector(labels, selector.labelSelector);
}
