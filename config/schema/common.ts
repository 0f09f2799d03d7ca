// Building blocks of the config schema that several stacks' keys share: zod types for AWS
// identifiers (their patterns live in config/patterns.ts), lists, tags, deploy targets, retired
// keys, and the keys both stacks read.
import { z } from "zod";
import { sourceIpProblem, sourceVpceProblem } from "../network";
import {
    ACCOUNT_ID,
    EXTERNAL_ID_CHARS,
    EXTERNAL_ID_MAX_LENGTH,
    EXTERNAL_ID_MIN_LENGTH,
    OU_ID,
    ROLE_NAME,
    ROOT_ID,
    USER_NAME,
} from "../patterns";
import { iamQuotasSchema } from "./iamQuotas";
import { DEFAULT_DEPLOY_ROLE, PROVIDER_ROLE_ENV, PROVIDER_ROLES, RETIRED } from "./constants";

export const accountId = () =>
    z
        .string({
            error: 'must be a quoted string of 12 digits, e.g. "123456789012" (unquoted YAML numbers lose leading zeros)',
        })
        .regex(ACCOUNT_ID, { error: 'must be exactly 12 digits, e.g. "123456789012"' });

export const roleName = () =>
    z.string({ error: "must be an IAM role name (a string)" }).regex(ROLE_NAME, {
        error: "must be an IAM role name: 1-64 characters of letters, digits and +=,.@_-",
    });

export const externalId = () =>
    z
        .string({
            error: "must be a string (set it as a secret: pulumi config set --secret --path ...)",
        })
        .min(EXTERNAL_ID_MIN_LENGTH, {
            error: "is shorter than STS allows (2 characters minimum; use a long random value)",
        })
        .max(EXTERNAL_ID_MAX_LENGTH, {
            error: "is longer than STS allows (1224 characters maximum)",
        })
        .regex(EXTERNAL_ID_CHARS, {
            error: "may contain only letters, digits and +=,.@:/-_ (the STS ExternalId alphabet)",
        });

export const tags = () =>
    z.record(
        z.string().min(1).max(128, { error: "tag keys are at most 128 characters" }),
        z
            .string({ error: "tag values must be strings" })
            .max(256, { error: "tag values are at most 256 characters" }),
        { error: "must be a map of tag names to string values" },
    );

export const userName = () =>
    z.string({ error: "must be an IAM user name" }).regex(USER_NAME, {
        error: "must be an IAM user name: 1-64 characters of letters, digits and +=,.@_-",
    });

export const targetId = () =>
    z
        .string({ error: "must be a root, OU or account id" })
        .refine((v) => ROOT_ID.test(v) || OU_ID.test(v) || ACCOUNT_ID.test(v), {
            error: "must be a root id (r-xxxx), an OU id (ou-xxxx-xxxxxxxx) or a quoted 12-digit account id",
        });

export const strictList = <T extends z.ZodTypeAny>(item: T, what: string) =>
    z.array(item, { error: `must be a list of ${what}, not a single value` });

/** A list of network values, each checked by `problem`, none twice. */
export const networkList = (
    problem: (v: string) => string | undefined,
    one: string,
    example: string,
) =>
    strictList(
        z.string({ error: `must be ${example}` }).superRefine((v, ctx) => {
            const p = problem(v);
            if (p) ctx.addIssue({ code: "custom", message: p });
        }),
        `${one}s`,
    )
        .min(1, { error: `must list at least one ${one}, or be left out` })
        .superRefine((list, ctx) =>
            list.forEach((v, i) => {
                const first = list.indexOf(v);
                if (first < i)
                    ctx.addIssue({
                        code: "custom",
                        path: [i],
                        message: `repeats [${first}]; list each ${one} once`,
                    });
            }),
        );

/**
 * Where a reporter's AssumeRole may come from. Either narrows the reporter's trust statement; with
 * both, a request must come from one of the CIDR blocks or through one of the endpoints.
 */
export const reporterNetwork = {
    /** Public CIDR blocks (aws:SourceIp) of the reporter's egress. */
    sourceIps: networkList(
        sourceIpProblem,
        "CIDR block",
        "a CIDR block such as 203.0.113.0/24",
    ).optional(),
    /** VPC endpoints of STS (aws:SourceVpce) the reporter calls through. */
    sourceVpces: networkList(
        sourceVpceProblem,
        "VPC endpoint id",
        "a VPC endpoint id such as vpce-0123456789abcdef0",
    ).optional(),
};

/** The deploy role a provider assumes to reach an account. */
export const deployTarget = {
    /** Role in the target account that the deploying credentials assume. */
    deployRoleName: roleName().default(DEFAULT_DEPLOY_ROLE),
    /** ExternalId the deploy role's trust policy requires, if any. Read as a secret. */
    deployExternalId: externalId().optional(),
};

export const accountRef = () =>
    z.strictObject(
        { accountId: accountId(), ...deployTarget },
        { error: 'must be an object such as { accountId: "123456789012" }' },
    );

/**
 * A key this program no longer reads. It stays in the schema only to say what replaced it: a
 * retired key silently ignored would leave a stack file that looks configured and is not.
 */
export const retired = (replacement: string) =>
    z
        .unknown()
        .refine(() => false, { error: `is no longer supported: ${replacement}` })
        .optional()
        .describe(RETIRED);

/** Keys both stacks read. */
export const common = {
    /** The account that holds people and service identities. */
    securityAccountId: accountId(),
    /**
     * The role every account provider assumes on this run: `deploy` (the account's deploy role) or
     * `preview` (the read-only preview role, for pull-request previews). The environment variable
     * ORG_ACCESS_PROVIDER_ROLE overrides it (config/index.ts).
     */
    providerRole: z
        .enum(PROVIDER_ROLES, {
            error: `must be deploy or preview (set by org-access:providerRole or the ${PROVIDER_ROLE_ENV} environment variable)`,
        })
        .default("deploy"),
    /** Tags added to every taggable resource. */
    tags: tags().default({}),
    /** The IAM quotas of the stack's accounts, where raised (config/schema/iamQuotas.ts). */
    iamQuotas: iamQuotasSchema,
};
