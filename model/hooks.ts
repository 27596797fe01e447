// Hook references: which Blueprint action runs at preHook, onSuccess and onFailure (hook-semantics.md, O6, N1).
import * as z from 'zod';
import { didYouMean } from './errors.js';
import { NamespaceNameSchema, ObjectNameSchema } from './names.js';

export const HOOK_SLOTS = ['preHook', 'onSuccess', 'onFailure'] as const;
export const HookSlotSchema = z.enum(HOOK_SLOTS);
export type HookSlot = z.infer<typeof HookSlotSchema>;

export const HOOK_SUBJECT_KINDS = ['StatefulSet', 'Deployment', 'DeploymentConfig', 'PersistentVolumeClaim', 'Namespace'] as const;
export const HookSubjectKindSchema = z.enum(HOOK_SUBJECT_KINDS);
export type HookSubjectKind = z.infer<typeof HookSubjectKindSchema>;

/** K10 names the subject's kind in a lowercase `type` field beside `subject` (k10-hooks-spec §2.4). */
const K10_SUBJECT_TYPES: Readonly<Record<string, HookSubjectKind>> = {
  statefulset: 'StatefulSet',
  deployment: 'Deployment',
  deploymentconfig: 'DeploymentConfig',
  persistentvolumeclaim: 'PersistentVolumeClaim',
  pvc: 'PersistentVolumeClaim',
  namespace: 'Namespace',
};

function requiredFor(field: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? `required (hook reference needs ${field})` : undefined);
}

const HookSubjectInputSchema = z.strictObject({
  name: ObjectNameSchema,
  /** Defaults to the action's subject namespace (N1). */
  namespace: NamespaceNameSchema.optional(),
  kind: HookSubjectKindSchema.optional(),
});

/** `{blueprint, actionName, subject?}`; K10's `type` beside `subject` is folded into `subject.kind`. */
export const HookRefSchema = z
  .strictObject({
    blueprint: z.string({ error: requiredFor('blueprint') }).pipe(ObjectNameSchema),
    actionName: z.string({ error: requiredFor('actionName') }).min(1, 'must not be empty'),
    subject: HookSubjectInputSchema.optional(),
    type: z
      .string()
      .refine((type) => type.toLowerCase() in K10_SUBJECT_TYPES, {
        error: (issue) =>
          `unknown subject type ${JSON.stringify(issue.input)}; use one of ${Object.keys(K10_SUBJECT_TYPES).join(', ')}`,
      })
      .optional(),
  })
  .superRefine((ref, ctx) => {
    const typeKind = ref.type === undefined ? undefined : K10_SUBJECT_TYPES[ref.type.toLowerCase()];
    const typeIsUnknown = ref.type !== undefined && typeKind === undefined; // already reported on `type`
    if (ref.subject === undefined) {
      if (ref.type !== undefined) ctx.addIssue({ code: 'custom', path: ['type'], message: 'type needs a subject beside it' });
    } else if (ref.subject.kind === undefined && typeKind === undefined && !typeIsUnknown) {
      ctx.addIssue({
        code: 'custom',
        path: ['subject', 'kind'],
        message: `required: the subject's kind (${HOOK_SUBJECT_KINDS.join(', ')}), or K10's type beside subject`,
      });
    } else if (ref.subject.kind !== undefined && typeKind !== undefined && ref.subject.kind !== typeKind) {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `type ${JSON.stringify(ref.type)} contradicts subject.kind ${JSON.stringify(ref.subject.kind)}`,
      });
    }
  })
  .transform(({ blueprint, actionName, subject, type }) => {
    if (subject === undefined) return { blueprint, actionName };
    const kind = subject.kind ?? K10_SUBJECT_TYPES[type!.toLowerCase()]!;
    return {
      blueprint,
      actionName,
      subject: { name: subject.name, ...(subject.namespace !== undefined && { namespace: subject.namespace }), kind },
    };
  });
export type HookRef = z.infer<typeof HookRefSchema>;
export type HookSubject = NonNullable<HookRef['subject']>;

function isKnownSlot(key: string): key is HookSlot {
  return (HOOK_SLOTS as readonly string[]).includes(key);
}

/** The hooks of one action. Every slot is optional (O6); an unknown slot name is an error, not ignored. */
export const HooksSchema = z
  .looseObject({
    preHook: HookRefSchema.optional(),
    onSuccess: HookRefSchema.optional(),
    onFailure: HookRefSchema.optional(),
  })
  .superRefine(
    (hooks, ctx) => {
      if (typeof hooks !== 'object' || hooks === null) return;
      for (const key of Object.keys(hooks)) {
        if (isKnownSlot(key)) continue;
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown hook slot "${key}"${didYouMean(key, HOOK_SLOTS)}; hook slots are ${HOOK_SLOTS.join(', ')}`,
        });
      }
    },
    // Also when a hook reference has issues: a file's problems are reported together.
    { when: () => true },
  )
  .transform(({ preHook, onSuccess, onFailure }) => ({
    ...(preHook && { preHook }),
    ...(onSuccess && { onSuccess }),
    ...(onFailure && { onFailure }),
  }));
export type Hooks = z.infer<typeof HooksSchema>;
