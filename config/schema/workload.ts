// The workload stack's keys: its accounts, the audit role, the principals it trusts, the
// StackSet mode and the preview role.
import { z } from "zod";
import {
    ACCOUNT_NAME,
    IAM_PATH,
    OU_OR_ROOT,
    PRINCIPAL_ARN,
    REGION_NAME,
    ROLE_ARN,
    STACK_REF,
    USER_NAME,
} from "../patterns";
import {
    accountId,
    accountRef,
    common,
    deployTarget,
    externalId,
    reporterNetwork,
    roleName,
    strictList,
} from "./common";
import { AUDIT_MANAGED_POLICIES, DEFAULT_AUDIT_ROLE, DEFAULT_PREVIEW_ROLE } from "./constants";
import { knownRegion } from "../regions";

/** A workload account: one entry per account in `org-access:workloadAccounts`. */
export const workloadAccountSchema = z.strictObject(
    {
        /** Short DNS-like name; used for resource and provider names. */
        name: z.string({ error: "must be a string" }).regex(ACCOUNT_NAME, {
            error: "must be lowercase and DNS-like: a-z, 0-9 and '-', 1-63 characters, no leading or trailing '-'",
        }),
        accountId: accountId(),
        ...deployTarget,
        /** Creates the IncidentResponseRole in this account (MFA, one hour, limited writes). Default off. */
        incidentResponseRole: z.boolean({ error: "must be true or false" }).optional(),
        /** Creates the BreakGlassRole in this account (admin, MFA, one hour, always alarmed). Default off. */
        breakGlassRole: z.boolean({ error: "must be true or false" }).optional(),
    },
    { error: 'must be an object such as { name: prod, accountId: "123456789012" }' },
);

export const auditRoleSchema = z
    .strictObject(
        {
            /** Name of the audit role in every workload account. */
            name: roleName().default(DEFAULT_AUDIT_ROLE),
            /** IAM path of the audit role. */
            path: z
                .string()
                .regex(IAM_PATH, {
                    error: "must be an IAM path that starts and ends with '/', e.g. /org-access/",
                })
                .default("/"),
            /** Session length requested by the generated profiles; the role's own cap is IAM's minimum, 3600. */
            sessionSeconds: z
                .number({ error: "must be a number of seconds" })
                .int({ error: "must be a whole number of seconds" })
                .min(900, { error: "must be at least 900 seconds (the STS minimum)" })
                .max(3600, {
                    error: "must be at most 3600 seconds (audit sessions last one hour at most)",
                })
                .default(3600),
            /** Oldest MFA authentication accepted for humans, in seconds. */
            mfaMaxAgeSeconds: z
                .number({ error: "must be a number of seconds" })
                .int({ error: "must be a whole number of seconds" })
                .min(60, { error: "must be at least 60 seconds" })
                .max(43200, { error: "must be at most 43200 seconds (12 hours)" })
                .default(3600),
            /** AWS-managed read policies to attach. */
            managedPolicies: strictList(
                z.enum(AUDIT_MANAGED_POLICIES, {
                    error: `must be one of ${AUDIT_MANAGED_POLICIES.join(", ")}`,
                }),
                "managed policy names",
            )
                .min(1, { error: "must name at least one read policy" })
                // ViewOnlyAccess lists and describes without reading contents; ReadOnlyAccess,
                // which reads data in many services, is an opt-in (docs/security-design.md:
                // "Read-only means read-only").
                .default(["SecurityAudit", "ViewOnlyAccess"]),
        },
        { error: "must be an object" },
    )
    .default({
        name: DEFAULT_AUDIT_ROLE,
        path: "/",
        sessionSeconds: 3600,
        mfaMaxAgeSeconds: 3600,
        managedPolicies: ["SecurityAudit", "ViewOnlyAccess"],
    });

/** Security-account principals the audit roles trust; the shape of the security stack's output. */
export const trustedPrincipalsSchema = z.strictObject(
    {
        /** IAM user (or role) ARNs of humans; they must use MFA. */
        humanArns: strictList(
            z.string().regex(PRINCIPAL_ARN, {
                error: "must be an exact IAM user or role ARN, with no wildcard",
            }),
            "principal ARNs",
        ).default([]),
        /** Programmatic principals, each with the ExternalId it must present. */
        reporters: strictList(
            z.strictObject({
                name: z.string().regex(USER_NAME, { error: "must be an IAM user name" }),
                arn: z.string().regex(PRINCIPAL_ARN, {
                    error: "must be an exact IAM user or role ARN, with no wildcard",
                }),
                externalId: externalId(),
                ...reporterNetwork,
            }),
            "reporters",
        ).default([]),
        /** IAM users of the security account who may assume the IncidentResponseRole (with MFA). */
        incidentResponderArns: strictList(
            z.string().regex(PRINCIPAL_ARN, {
                error: "must be an exact IAM user or role ARN, with no wildcard",
            }),
            "principal ARNs",
        ).optional(),
        /** IAM users of the security account's break-glass group: the only principals the BreakGlassRole trusts. */
        breakGlassArns: strictList(
            z.string().regex(PRINCIPAL_ARN, {
                error: "must be an exact IAM user or role ARN, with no wildcard",
            }),
            "principal ARNs",
        ).optional(),
        /** The CI preview identity (a role of the CI account): the only principal the preview roles trust. */
        previewIdentityArn: z
            .string()
            .regex(ROLE_ARN, {
                error: "must be the exact IAM role ARN of the CI preview identity, with no wildcard",
            })
            .optional(),
    },
    { error: "must be an object with humanArns and reporters" },
);

/** StackSet mode: CloudFormation deploys the audit role to every account of the named OUs. */
export const stackSetSchema = z.strictObject(
    {
        /** The account that administers the StackSet: the management account, or a delegated administrator. */
        adminAccount: accountRef(),
        /** SELF in the management account; DELEGATED_ADMIN in a registered delegated administrator. */
        callAs: z
            .enum(["SELF", "DELEGATED_ADMIN"], { error: "must be SELF or DELEGATED_ADMIN" })
            .default("SELF"),
        /** OUs (ou-...) or the root (r-...) whose accounts, present and future, get the role. */
        organizationalUnitIds: strictList(
            z.string().regex(OU_OR_ROOT, {
                error: "must be an OU id such as ou-ab12-cdefgh34 or a root id such as r-ab12",
            }),
            "OU ids",
        ).min(1, {
            error: "must name at least one OU",
        }),
        /** Regions to deploy stack instances to; IAM is global, so one is enough. Default: aws:region. */
        regions: strictList(
            z
                .string()
                .regex(REGION_NAME, { error: "must be an AWS region name" })
                .superRefine(knownRegion),
            "regions",
        )
            .min(1)
            .optional(),
        /** StackSet name. */
        name: z
            .string()
            .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, {
                error: "must be a StackSet name: a letter, then letters, digits and '-'",
            })
            .default("org-access-audit-role"),
        /**
         * The StackSet's template also holds the IncidentResponseRole, so every account of its
         * OUs, present and future, has one (needs incidentResponse.responders in the security
         * stack). StackSet-wide: one template serves every account. Default off.
         */
        incidentResponseRole: z.boolean({ error: "must be true or false" }).optional(),
        /** The same for the BreakGlassRole (admin, MFA, one hour, always alarmed; needs breakGlass.users). Default off. */
        breakGlassRole: z.boolean({ error: "must be true or false" }).optional(),
    },
    { error: "must be an object with adminAccount and organizationalUnitIds" },
);

/**
 * The default of `maxAccountsPerStack`: how many accounts one provider-mode workload stack takes.
 * Under the real engine every explicit `aws.Provider` is its own plugin process of about 170-430 MB
 * (pulumi/pulumi-aws#5860 and #5226; pulumi/pulumi#19534, one process for several configurations,
 * is still open), and the standard GitHub-hosted Linux runner of a private repository has 7 GB
 * of memory (public repositories get 16 GB;
 * https://docs.github.com/en/actions/reference/runners/github-hosted-runners): ten accounts at
 * the top of that range, 4.3 GB, leave room for the engine, Node.js and the policy pack.
 * docs/BENCHMARKS.md holds the memory model.
 */
export const DEFAULT_MAX_ACCOUNTS_PER_STACK = 10;

/**
 * `org-access:maxAccountsPerStack`: a positive whole number. The engine hands a scalar key to the
 * program as a string (`pulumi config set org-access:maxAccountsPerStack 20` stores "20"), so a
 * string of digits is read as its number.
 */
export const maxAccountsPerStackSchema = z.preprocess(
    (v) => (typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v),
    z
        .number({ error: "must be a whole number of accounts, such as 10" })
        .int({ error: "must be a whole number of accounts, such as 10" })
        .min(1, { error: "must be at least 1" }),
);

export const workloadConfigSchema = z.strictObject({
    ...common,
    /** `provider`: one provider per account (default). `stackset`: a service-managed StackSet. */
    deploymentMode: z
        .enum(["provider", "stackset"], { error: "must be provider or stackset" })
        .default("provider"),
    stackSet: stackSetSchema.optional(),
    workloadAccounts: strictList(workloadAccountSchema, "accounts").min(1, {
        error: "must list at least one workload account",
    }),
    /**
     * The most accounts this stack may list in provider mode (one plugin process per account's
     * provider under the real engine); default DEFAULT_MAX_ACCOUNTS_PER_STACK. account:add and
     * account:import fill stacks up to it and open shards beyond it.
     */
    maxAccountsPerStack: maxAccountsPerStackSchema.optional(),
    auditRole: auditRoleSchema,
    /** Stack reference to the security stack (org/project/stack); default `<org>/org-access/security`. */
    securityStack: z
        .string()
        .regex(STACK_REF, { error: "must be a stack name such as myorg/org-access/security" })
        .optional(),
    /** Fallback when no StackReference is possible: the principals to trust, given directly. */
    trustedPrincipals: trustedPrincipalsSchema.optional(),
    /**
     * A read-only preview role in every account (provider mode), trusted only by the security
     * stack's CI preview identity (trustedPrincipals.previewIdentityArn). Off unless set; the
     * security stack requires it of every provider-mode workload stack when `ci` is configured.
     */
    previewRole: z
        .strictObject(
            { name: roleName().default(DEFAULT_PREVIEW_ROLE) },
            { error: "must be an object such as { name: OrgAccessPreviewRole }" },
        )
        .optional(),
});

export type WorkloadAccount = z.infer<typeof workloadAccountSchema>;
export type AuditRoleSettings = z.infer<typeof auditRoleSchema>;
export type TrustedPrincipals = z.infer<typeof trustedPrincipalsSchema>;
export type RawWorkloadConfig = z.infer<typeof workloadConfigSchema>;
export type StackSetSettings = z.infer<typeof stackSetSchema>;
