// The security stack's keys: the accounts it reaches, the people and programs of the security
// account, and each control's own keys (logging, guardrails, duty, ci), composed into one strict
// object so a misspelt key anywhere is an error.
import { z } from "zod";
import { IAM_PATH, ORG_ID, STACK_NAME, USER_NAME } from "../patterns";
import { ciSchema } from "./ci";
import { accountRef, common, externalId, reporterNetwork, roleName, strictList } from "./common";
import { DEFAULT_DEPLOY_ROLE, DEFAULT_WORKLOAD_STACKS } from "./constants";
import { breakGlassSchema, incidentResponseSchema } from "./duty";
import { guardrailsSchema } from "./guardrails";
import { resourceControlsSchema } from "./resourceControls";
import { identityCenterSchema } from "./identityCenter";
import { alarmsSchema, trailSchema } from "./logging";
import { accessAnalyzerSchema, rootAccessSchema } from "./organization";

export const securityConfigSchema = z.strictObject({
    ...common,
    securityDeployRoleName: roleName().default(DEFAULT_DEPLOY_ROLE),
    securityDeployExternalId: externalId().optional(),
    organizationId: z
        .string({ error: "must be a string such as o-abcdefghij" })
        .regex(ORG_ID, { error: "must be an organization id such as o-abcdefghij" }),
    managementAccount: accountRef(),
    logArchiveAccount: accountRef().optional(),
    /** IAM user names of the human auditors. */
    auditors: strictList(
        z.string({ error: "must be an IAM user name" }).regex(USER_NAME, {
            error: "must be an IAM user name: 1-64 characters of letters, digits and +=,.@_-",
        }),
        "IAM user names",
    ).default([]),
    /** Programmatic reporter identities, each with the ExternalId it presents (secret). */
    reporters: strictList(
        z.strictObject({
            name: z.string({ error: "must be an IAM user name" }).regex(USER_NAME, {
                error: "must be an IAM user name: 1-64 characters of letters, digits and +=,.@_-",
            }),
            externalId: externalId(),
            ...reporterNetwork,
        }),
        "reporters",
    ).default([]),
    /** IAM path for the users and groups this stack creates. */
    iamPath: z
        .string()
        .regex(IAM_PATH, { error: "must be an IAM path that starts and ends with '/'" })
        .default("/org-access/"),
    /** Workload stacks whose accounts the security groups may reach (their Pulumi.<stack>.yaml files). */
    workloadStacks: strictList(
        z.string().regex(STACK_NAME, { error: "must be a stack name such as workload" }),
        "stack names",
    )
        .min(1, { error: "must name at least one workload stack" })
        .default([...DEFAULT_WORKLOAD_STACKS]),
    passwordPolicy: z
        .strictObject({
            minimumLength: z
                .number()
                .int()
                .min(14, { error: "must be at least 14 (CIS AWS Foundations 1.8)" })
                .max(128)
                .default(14),
            reusePrevention: z
                .number()
                .int()
                .min(24, { error: "must be 24 (CIS AWS Foundations 1.9)" })
                .max(24)
                .default(24),
            maxAgeDays: z.number().int().min(1).max(1095).default(90),
        })
        .default({ minimumLength: 14, reusePrevention: 24, maxAgeDays: 90 }),
    trail: trailSchema,
    /**
     * Service control policies, created in the management account. Off unless set: attaching SCPs
     * changes what every account below the targets may do, so the targets are always explicit.
     */
    guardrails: guardrailsSchema,
    /** Resource control policies (data perimeter): created in the management account, off unless set. */
    resourceControlPolicies: resourceControlsSchema,
    /** Where the CloudTrail alarms send notifications. The alarms themselves always exist. */
    alarms: alarmsSchema,
    /** The incident responders: IAM users (MFA, no keys) who may assume IncidentResponseRole where a workload account enables it. */
    incidentResponse: incidentResponseSchema,
    /** The break-glass group: IAM users (MFA, no keys) who alone may assume BreakGlassRole where a workload account enables it. */
    breakGlass: breakGlassSchema,
    /**
     * GitHub Actions without stored keys: GitHub's OIDC provider and two identities. Pull requests
     * of `repository` assume the preview identity, which may assume only the read-only preview
     * roles; the deploy job (`deployWorkflow` on `deployBranch`, in `deployEnvironment`) assumes
     * the deploy identity, which may assume the deploy roles. Off unless set.
     */
    ci: ciSchema,
    /** Centralized root access for the member accounts (`centralized`); off unless set. */
    rootAccess: rootAccessSchema,
    /** IAM Access Analyzer for the organization, administered from the security account; off unless set. */
    accessAnalyzer: accessAnalyzerSchema,
    /** IAM Identity Center for people: permission sets and their assignments in every workload account (config/schema/identityCenter.ts). Off unless set. */
    identityCenter: identityCenterSchema,
});

export type RawSecurityConfig = z.infer<typeof securityConfigSchema>;
export type GuardrailsSettings = NonNullable<RawSecurityConfig["guardrails"]>;
export type CiSettings = NonNullable<RawSecurityConfig["ci"]>;
export type AccessAnalyzerSettings = NonNullable<RawSecurityConfig["accessAnalyzer"]>;
