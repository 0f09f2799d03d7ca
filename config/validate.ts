// Pure validation of a stack's raw config values: schema first, then the rules that span keys.
// Throws one ConfigError that lists every problem; nothing here touches Pulumi or the disk.
import { ACCOUNT_NAME_PREFIX } from "../stacks/resourceNames";
import { z } from "zod";
import {
    closest,
    ConfigError,
    ConfigProblem,
    freeName,
    knownKeysAt,
    problemsFromZod,
    setCommand,
} from "./errors";
import { foreignKeyProblems } from "./namespaces";
import { resourceControlProblems } from "./schema/resourceControls";
import { principalProblem } from "./patterns";
import { regionProblems } from "./regions";
import { organizationControlProblems } from "./schema/organization";
import {
    BREAK_GLASS_ROLE,
    DEFAULT_AUDIT_ROLE,
    DEFAULT_MAX_ACCOUNTS_PER_STACK,
    DEFAULT_PREVIEW_ROLE,
    maxAccountsPerStackSchema,
    INCIDENT_RESPONSE_ROLE,
    LOG_ARCHIVE_ADMIN_ROLE,
    DEFAULT_CI_DEPLOY_IDENTITY,
    DEFAULT_CI_PREVIEW_IDENTITY,
    DEFAULT_OBJECT_LOCK_RETENTION_DAYS,
    DEFAULT_DEPLOY_ROLE,
    NAMESPACE,
    RawSecurityConfig,
    RawWorkloadConfig,
    securityConfigSchema,
    trustedPrincipalsSchema,
    workloadConfigSchema,
} from "./schema";
import { identityCenterProblems } from "./schema/identityCenter";

/** Raw values of one stack: `org-access:` keys with the namespace removed, plus `aws:region`. */
export interface RawStackValues {
    readonly values: Record<string, unknown>;
    readonly region?: string;
    /**
     * Every key of the stack's config, namespaced (`aws:region`, `org-acess:tags`), when the
     * caller has them: the keys outside `org-access:` are checked too (config/namespaces.ts).
     */
    readonly keys?: readonly string[];
    /**
     * The account names the project's other stack files use, when the caller has read them:
     * account names are unique across the organization, so a suggested name must be free there
     * too (config/index.ts loadSecurityConfig refuses a name two stacks share).
     */
    readonly namesElsewhere?: readonly string[];
    /**
     * A misspelt `aws:region` key (`aws:regoin`) and its value, when aws:region itself is unset:
     * the value the user meant, which the fix for the missing region keeps.
     */
    readonly misspeltRegion?: { readonly key: string; readonly value: string };
}

/** The raw values of a stack from its whole config as the engine passes it (`decodeValues` of it). */
export function rawStackValues(all: Record<string, unknown>): RawStackValues {
    const region = all["aws:region"];
    const misspelt = Object.keys(all).find(
        (k) =>
            k.startsWith("aws:") &&
            k !== "aws:region" &&
            closest(k.slice(4), ["region"]) === "region" &&
            typeof all[k] === "string",
    );
    return {
        ...(misspelt !== undefined && {
            misspeltRegion: { key: misspelt, value: all[misspelt] as string },
        }),
        values: namespaceValues(all),
        region:
            typeof region === "string" ? region : region === undefined ? undefined : String(region),
        keys: Object.keys(all),
    };
}

/**
 * Schema problems, then the rules across keys. The cross-key rules read the raw values, so a
 * duplicate is reported even when another key is malformed: every problem comes out at once.
 */
function parse<T>(
    schema: z.ZodType<T>,
    stack: string,
    raw: RawStackValues,
    extra: (values: Record<string, unknown>) => ConfigProblem[],
): T {
    const result = schema.safeParse(raw.values);
    const problems = [...regionProblems(raw.region, raw.misspeltRegion)];
    if (raw.keys) problems.push(...foreignKeyProblems(raw.keys, knownKeysAt(schema, [])));
    if (!result.success)
        problems.push(...problemsFromZod(schema, result.error, raw.values, raw.namesElsewhere));
    problems.push(...extra(raw.values));
    if (problems.length > 0) throw new ConfigError(stack, problems);
    return (result as { data: T }).data;
}

/** The entries of a raw list that are objects, with their index; anything else is the schema's concern. */
function entries(v: unknown): { i: number; o: Record<string, unknown> }[] {
    if (!Array.isArray(v)) return [];
    return v.flatMap((o, i) =>
        o !== null && typeof o === "object" && !Array.isArray(o)
            ? [{ i, o: o as Record<string, unknown> }]
            : [],
    );
}

/** Indexes of equal string values among raw list entries, for each value seen more than once. */
function repeated(items: { i: number; key: unknown }[]): [string, number[]][] {
    const seen = new Map<string, number[]>();
    for (const { i, key } of items)
        if (typeof key === "string") seen.set(key, [...(seen.get(key) ?? []), i]);
    return [...seen].filter(([, idx]) => idx.length > 1);
}

/** Rules across workload accounts: unique names and ids, and never the security account itself. */
export function workloadAccountProblems(values: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const accounts = entries(values.workloadAccounts);
    for (const [name, idx] of repeated(accounts.map(({ i, o }) => ({ i, key: o.name })))) {
        problems.push({
            path: `workloadAccounts[${idx[1]}].name`,
            message: `duplicate account name "${name}" (also at workloadAccounts[${idx[0]}])`,
            fix: "give every account a unique name",
        });
    }
    for (const [id, idx] of repeated(accounts.map(({ i, o }) => ({ i, key: o.accountId })))) {
        problems.push({
            path: `workloadAccounts[${idx[1]}].accountId`,
            message: `duplicate account id ${id} (also at workloadAccounts[${idx[0]}])`,
            fix: "list each account once",
        });
    }
    for (const { i, o } of accounts) {
        // Names starting `acct-` are the id-derived URN names (stacks/resourceNames.ts): an account
        // named `acct-<another id>` would give its legacy alias another account's resources.
        if (typeof o.name === "string" && o.name.startsWith(ACCOUNT_NAME_PREFIX)) {
            problems.push({
                path: `workloadAccounts[${i}].name`,
                message: `"${o.name}" starts with "${ACCOUNT_NAME_PREFIX}", the prefix of the names derived from account ids, so its resources could be mistaken for another account's`,
                fix: `name the account without the "${ACCOUNT_NAME_PREFIX}" prefix (its id is already in its resource names)`,
            });
        }
        if (typeof o.accountId === "string" && o.accountId === values.securityAccountId) {
            problems.push({
                path: `workloadAccounts[${i}].accountId`,
                message: `${o.accountId} is the security account; it cannot also be a workload account`,
                fix: "remove this entry, or correct securityAccountId",
            });
        }
    }
    return problems;
}

export function validateWorkloadConfig(raw: RawStackValues, stack = "workload"): RawWorkloadConfig {
    return parse(workloadConfigSchema, stack, raw, (values) => {
        const problems = workloadAccountProblems(values);
        problems.push(...deploymentModeProblems(values));
        problems.push(...previewRoleProblems(values));
        problems.push(...budgetProblems(values, stack));
        const parsedTrust = trustedPrincipalsSchema.safeParse(values.trustedPrincipals);
        const trusted =
            values.trustedPrincipals !== undefined && parsedTrust.success
                ? parsedTrust.data
                : undefined;
        if (trusted) {
            if (trusted.humanArns.length + trusted.reporters.length === 0) {
                problems.push({
                    path: "trustedPrincipals",
                    message: "names no principal, so nobody could assume the audit roles",
                    fix: "add humanArns or reporters, or remove trustedPrincipals to use the security stack's outputs",
                });
            }
            const arns = [
                ...trusted.humanArns.map((arn, i) => ({
                    arn,
                    at: `trustedPrincipals.humanArns[${i}]`,
                })),
                ...trusted.reporters.map((r, i) => ({
                    arn: r.arn,
                    at: `trustedPrincipals.reporters[${i}].arn`,
                })),
            ];
            for (const { arn, at } of arns) {
                if (principalProblem(arn, values.securityAccountId)) {
                    problems.push({
                        path: at,
                        message: `${arn} is not in the security account ${String(values.securityAccountId)}`,
                        fix: "trust only principals of the security account",
                    });
                }
            }
            // A duty role trusts only its own principals; with the config fallback they must be given here.
            const flagged = (flag: string) =>
                entries(values.workloadAccounts).filter(({ o }) => o[flag] === true);
            for (const [flag, key, role] of [
                ["incidentResponseRole", "incidentResponderArns", "IncidentResponseRole"],
                ["breakGlassRole", "breakGlassArns", "BreakGlassRole"],
            ] as const) {
                const arns = trusted[key] ?? [];
                const wanted = flagged(flag);
                // StackSet mode enables a duty StackSet-wide (stackSet.<flag>).
                const stackSetWants =
                    values.deploymentMode === "stackset" &&
                    object(values.stackSet)?.[flag] === true;
                if ((wanted.length > 0 || stackSetWants) && arns.length === 0) {
                    problems.push({
                        path: `trustedPrincipals.${key}`,
                        message: `is empty, but ${wanted.length > 0 ? `workloadAccounts[${wanted[0].i}]` : "stackSet"}.${flag} asks for a ${role} that nobody could assume`,
                        fix: `list the security account's ${key === "breakGlassArns" ? "break-glass users" : "incident responders"} here, or remove ${flag}`,
                    });
                }
                arns.forEach((arn, i) => {
                    if (principalProblem(arn, values.securityAccountId)) {
                        problems.push({
                            path: `trustedPrincipals.${key}[${i}]`,
                            message: `${arn} is not in the security account ${String(values.securityAccountId)}`,
                            fix: "trust only principals of the security account",
                        });
                    }
                });
            }
            if (values.securityStack !== undefined) {
                problems.push({
                    path: "securityStack",
                    message:
                        "is set together with trustedPrincipals; only one source of trusted principals may be used",
                    fix: "remove one of them",
                });
            }
        }
        return problems;
    });
}

/** A raw object value, or undefined when the key holds something else (the schema reports that). */
function object(v: unknown): Record<string, unknown> | undefined {
    return v !== null && typeof v === "object" && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : undefined;
}

/** The names among `[name, where]` pairs that are strings: the names a suggestion must avoid. */
function namesOf(pairs: readonly (readonly [unknown, string])[]): Set<string> {
    return new Set(pairs.flatMap(([n]) => (typeof n === "string" ? [n] : [])));
}

/** Every IAM user name the security stack's keys already give a duty: one user has one duty. */
export function usersOf(values: Record<string, unknown>): Set<string> {
    return new Set([
        ...strings(values.auditors).map((x) => x.key),
        ...entries(values.reporters).flatMap(({ o }) =>
            typeof o.name === "string" ? [o.name] : [],
        ),
        ...strings(object(values.incidentResponse)?.responders).map((x) => x.key),
        ...strings(object(values.breakGlass)?.users).map((x) => x.key),
    ]);
}

/** The string entries of a raw list, with their index. */
function strings(v: unknown): { i: number; key: string }[] {
    return Array.isArray(v)
        ? v.flatMap((key, i) => (typeof key === "string" ? [{ i, key }] : []))
        : [];
}

/**
 * Rules across the guardrails, the duties and the CI keys. SCPs never apply to the management
 * account, so naming it as a target is a mistake that would otherwise pass silently.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 */
function securityFeatureProblems(
    values: Record<string, unknown>,
    region: string | undefined,
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const management = object(values.managementAccount)?.accountId;
    const guardrails = object(values.guardrails);
    for (const list of ["targets", "workloadTargets", "allowedRegions"]) {
        const items = strings(guardrails?.[list]);
        for (const [value, idx] of repeated(items)) {
            problems.push({
                path: `guardrails.${list}[${idx[1]}]`,
                message: `"${value}" is listed twice (also at guardrails.${list}[${idx[0]}])`,
                fix: "list it once",
            });
        }
        if (list === "allowedRegions") continue;
        for (const { i, key } of items) {
            if (key === management) {
                problems.push({
                    path: `guardrails.${list}[${i}]`,
                    message: `${key} is the management account; SCPs never apply to it`,
                    fix: "attach to the root, an OU or member accounts instead",
                });
            }
        }
    }
    const regions = strings(guardrails?.allowedRegions);
    if (
        guardrails &&
        Array.isArray(guardrails.allowedRegions) &&
        typeof region === "string" &&
        !regions.some((r) => r.key === region)
    ) {
        problems.push({
            path: "guardrails.allowedRegions",
            message: `does not include aws:region ${region}, so the SCP would deny this program's own region`,
            fix: `pulumi config set --path 'org-access:guardrails.allowedRegions[${regions.length}]' ${region}`,
        });
    }
    // One IAM user, one role in life: a break-glass or responder identity is never also an auditor or a program.
    const owners = new Map<string, string>();
    const claim = (name: string, at: string) => {
        const seen = owners.get(name);
        if (seen)
            problems.push({
                path: at,
                message: `"${name}" is already at ${seen}; one IAM user has one duty`,
                fix: "give this duty its own IAM user",
            });
        else owners.set(name, at);
    };
    for (const { i, key } of strings(values.auditors)) owners.set(key, `auditors[${i}]`);
    for (const { i, o } of entries(values.reporters))
        if (typeof o.name === "string" && !owners.has(o.name))
            owners.set(o.name, `reporters[${i}].name`);
    for (const { i, key } of strings(object(values.incidentResponse)?.responders))
        claim(key, `incidentResponse.responders[${i}]`);
    for (const { i, key } of strings(object(values.breakGlass)?.users))
        claim(key, `breakGlass.users[${i}]`);
    problems.push(...ciProblems(values));
    return problems;
}

/**
 * The CI identities must be distinct roles, and `providerRole: preview` needs the preview roles,
 * which exist only where `ci` is configured.
 */
function ciProblems(values: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const ci = object(values.ci);
    if (ci) {
        const deploy = ci.deployIdentityName ?? DEFAULT_CI_DEPLOY_IDENTITY;
        const preview = ci.previewIdentityName ?? DEFAULT_CI_PREVIEW_IDENTITY;
        if (deploy === preview)
            problems.push({
                path: "ci.previewIdentityName",
                message: `is the same role as ci.deployIdentityName ("${String(deploy)}"); pull requests would get the deploy identity`,
                fix: "give the two identities different names",
            });
        // A preview role named like a role that writes would point pull requests at that role.
        const previewRole = ci.previewRoleName ?? DEFAULT_PREVIEW_ROLE;
        const taken: [unknown, string][] = [
            [values.securityDeployRoleName ?? DEFAULT_DEPLOY_ROLE, "securityDeployRoleName"],
            [
                object(values.managementAccount)?.deployRoleName ?? DEFAULT_DEPLOY_ROLE,
                "managementAccount.deployRoleName",
            ],
            [
                object(values.logArchiveAccount)?.deployRoleName ?? DEFAULT_DEPLOY_ROLE,
                "logArchiveAccount.deployRoleName",
            ],
            [deploy, "ci.deployIdentityName"],
            [preview, "ci.previewIdentityName"],
            [INCIDENT_RESPONSE_ROLE, "the incident-response role"],
            [BREAK_GLASS_ROLE, "the break-glass role"],
            [LOG_ARCHIVE_ADMIN_ROLE, "the log-archive admin role"],
        ];
        const clash = taken.find(([name]) => name === previewRole);
        if (clash)
            problems.push({
                path: "ci.previewRoleName",
                message: `"${String(previewRole)}" is already ${clash[1]}; pull requests would be sent to a role that writes`,
                fix: `use a name of its own: ${setCommand("ci.previewRoleName", freeName(DEFAULT_PREVIEW_ROLE, namesOf(taken)))}`,
            });
    }
    if (values.providerRole === "preview" && !ci)
        problems.push({
            path: "providerRole",
            message:
                "is preview, but org-access:ci is not configured, so no preview role exists in any account",
            fix: "configure ci (docs/deploying.md#ci), or use providerRole deploy",
        });
    return problems;
}

/** Preview roles need provider mode and the CI preview identity; `providerRole: preview` needs them. */
function previewRoleProblems(values: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const stackset = (values.deploymentMode ?? "provider") === "stackset";
    const previewRole = values.previewRole !== undefined;
    if (previewRole && stackset)
        problems.push({
            path: "previewRole",
            message:
                "is not supported in stackset mode (the StackSet deploys the audit and duty roles only; preview roles need provider mode)",
            fix: "remove previewRole, or use deploymentMode provider for this stack",
        });
    const name = object(values.previewRole)?.name ?? DEFAULT_PREVIEW_ROLE;
    const roles: [unknown, string][] = [
        [object(values.auditRole)?.name ?? DEFAULT_AUDIT_ROLE, "auditRole.name"],
        [INCIDENT_RESPONSE_ROLE, "the incident-response role"],
        [BREAK_GLASS_ROLE, "the break-glass role"],
        ...entries(values.workloadAccounts).map(({ i, o }): [unknown, string] => [
            o.deployRoleName ?? DEFAULT_DEPLOY_ROLE,
            `workloadAccounts[${i}].deployRoleName`,
        ]),
    ];
    // A suggested preview role name is one no other role of the stack has.
    const free = setCommand("previewRole.name", freeName(DEFAULT_PREVIEW_ROLE, namesOf(roles)));
    if (values.providerRole === "preview") {
        if (stackset)
            problems.push({
                path: "providerRole",
                message:
                    "is preview, but this stack is in stackset mode, where no preview role exists",
                fix: "preview this stack with providerRole deploy from a trusted machine",
            });
        else if (!previewRole)
            problems.push({
                path: "providerRole",
                message: "is preview, but previewRole is not set, so no preview role exists",
                fix: `${free}, and pulumi up once with providerRole deploy`,
            });
    }
    const clash = previewRole ? roles.find(([n]) => n === name) : undefined;
    if (clash)
        problems.push({
            path: "previewRole.name",
            message: `"${String(name)}" is already ${clash[1]}; pull requests would be sent to a role that writes`,
            fix: `use a name of its own: ${free}`,
        });
    const trusted = object(values.trustedPrincipals);
    if (trusted && previewRole && trusted.previewIdentityArn === undefined && !stackset)
        problems.push({
            path: "trustedPrincipals.previewIdentityArn",
            message:
                "is required with previewRole: it is the only principal the preview roles trust",
            fix: "set it to the security stack's output ciPreviewIdentityArn",
        });
    if (trusted && !previewRole && trusted.previewIdentityArn !== undefined)
        problems.push({
            path: "trustedPrincipals.previewIdentityArn",
            message: "is set, but previewRole is not, so no role would trust it",
            fix: `${free}, or remove it`,
        });
    return problems;
}

/**
 * Rules of the log evidence. With versioning, a lifecycle expiration only puts a delete marker on
 * top of the log: the log version stays, and a version under COMPLIANCE retention cannot be
 * deleted by anyone, lifecycle included, before its retention ends. An expiration before then
 * would hide logs that are still kept and billed, so it is refused.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-lifecycle
 * The guardrail SCP lets only OrgAccessLogArchiveAdmin change the trail bucket and the log key, and
 * only the break-glass users may assume that role: with SCPs and no break-glass user, nobody could.
 */
export function logEvidenceProblems(values: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const trail = object(values.trail);
    const retention =
        trail?.objectLockRetentionDays === undefined
            ? DEFAULT_OBJECT_LOCK_RETENTION_DAYS
            : trail.objectLockRetentionDays;
    const expiration = trail?.expirationDays;
    if (typeof expiration === "number" && typeof retention === "number" && expiration < retention) {
        problems.push({
            path: "trail.expirationDays",
            message: `${expiration} is shorter than trail.objectLockRetentionDays (${retention}): Object Lock keeps every log version for ${retention} days, so expiring earlier would only hide logs behind delete markers`,
            fix: `pulumi config set --path 'org-access:trail.expirationDays' ${retention}, or remove it to keep logs forever`,
        });
    }
    const breakGlass = object(values.breakGlass);
    if (object(values.guardrails) && breakGlass === undefined) {
        problems.push({
            path: "breakGlass.users",
            message:
                "is not set, but guardrails is: the SCPs let only OrgAccessLogArchiveAdmin change the trail bucket and the log key, and only break-glass users may assume it, so nobody could",
            fix: `${setCommand("breakGlass.users[0]", freeName("break-glass", usersOf(values)))}, or remove guardrails`,
        });
    }
    return problems;
}

export function validateSecurityConfig(raw: RawStackValues, stack = "security"): RawSecurityConfig {
    return parse(securityConfigSchema, stack, raw, (values) => {
        const problems: ConfigProblem[] = securityFeatureProblems(values, raw.region);
        problems.push(...logEvidenceProblems(values));
        problems.push(...resourceControlProblems(values));
        problems.push(...organizationControlProblems(values, raw.region));
        problems.push(...identityCenterProblems(values, raw.region));
        const auditors = Array.isArray(values.auditors)
            ? values.auditors.map((key, i) => ({ i, key }))
            : [];
        const reporters = entries(values.reporters);
        for (const [name, idx] of repeated(auditors)) {
            problems.push({
                path: `auditors[${idx[1]}]`,
                message: `duplicate auditor "${name}" (also at auditors[${idx[0]}])`,
                fix: "list each person once",
            });
        }
        for (const [name, idx] of repeated(reporters.map(({ i, o }) => ({ i, key: o.name })))) {
            problems.push({
                path: `reporters[${idx[1]}].name`,
                message: `duplicate reporter "${name}" (also at reporters[${idx[0]}])`,
                fix: "give every reporter a unique name",
            });
        }
        for (const [, idx] of repeated(reporters.map(({ i, o }) => ({ i, key: o.externalId })))) {
            problems.push({
                path: `reporters[${idx[1]}].externalId`,
                message: `same ExternalId as reporters[${idx[0]}]; each reporter needs its own`,
                fix: `pulumi config set --secret --path 'org-access:reporters[${idx[1]}].externalId' "$(openssl rand -hex 32)"`,
            });
        }
        for (const { i, o } of reporters) {
            if (auditors.some((a) => a.key === o.name)) {
                problems.push({
                    path: `reporters[${i}].name`,
                    message: `"${String(o.name)}" is also an auditor; one IAM user cannot be both a human and a program`,
                    fix: "use a separate user name for the program",
                });
            }
        }
        if (
            Array.isArray(values.auditors ?? []) &&
            Array.isArray(values.reporters ?? []) &&
            auditors.length + reporters.length === 0
        ) {
            problems.push({
                path: "auditors",
                message:
                    "no auditor and no reporter is configured, so nobody could use the audit roles",
                fix: setCommand("auditors[0]", freeName("alice", usersOf(values))),
            });
        }
        // One account, one deploy role: two different names for the same account is a typo.
        const roles = new Map<string, { role: string; at: string }>();
        const target = (account: unknown, role: unknown, at: string) => {
            if (typeof account !== "string") return;
            const name = typeof role === "string" ? role : DEFAULT_DEPLOY_ROLE;
            const seen = roles.get(account);
            if (seen && seen.role !== name) {
                problems.push({
                    path: at,
                    message: `account ${account} is already reached through ${seen.at} = ${seen.role}; one account has one deploy role`,
                    fix: "use the same deploy role name in both places",
                });
            } else roles.set(account, { role: name, at });
        };
        target(values.securityAccountId, values.securityDeployRoleName, "securityDeployRoleName");
        for (const key of ["managementAccount", "logArchiveAccount"]) {
            const v = values[key];
            if (v !== null && typeof v === "object")
                target(
                    (v as Record<string, unknown>).accountId,
                    (v as Record<string, unknown>).deployRoleName,
                    `${key}.deployRoleName`,
                );
        }
        return problems;
    });
}

/** StackSet mode needs its settings; duty roles and per-account deploy settings need provider mode. */
/**
 * The accounts a provider-mode workload stack may list: `maxAccountsPerStack`, default
 * DEFAULT_MAX_ACCOUNTS_PER_STACK, or undefined when the key itself is malformed (the schema
 * reports that).
 */
export function accountBudget(values: Record<string, unknown>): number | undefined {
    if (values.maxAccountsPerStack === undefined) return DEFAULT_MAX_ACCOUNTS_PER_STACK;
    const parsed = maxAccountsPerStackSchema.safeParse(values.maxAccountsPerStack);
    return parsed.success ? parsed.data : undefined;
}

/**
 * A provider-mode stack with more accounts than its budget: under the real engine each account's
 * provider is a plugin process of 170-430 MB (config/schema/workload.ts), so the stack would run
 * its CI runner out of memory half-way through a `pulumi up`. StackSet mode runs one provider (the
 * StackSet administrator's) whatever the number of accounts, so it has no such budget.
 */
function budgetProblems(values: Record<string, unknown>, stack: string): ConfigProblem[] {
    if ((values.deploymentMode ?? "provider") !== "provider") return [];
    const max = accountBudget(values);
    const n = Array.isArray(values.workloadAccounts) ? values.workloadAccounts.length : 0;
    if (max === undefined || n <= max) return [];
    const extra = n - max;
    // The last account as the example to move (a real name: a `<name>` pasted into bash reads a
    // file), to the first shard's name, which account move creates when it has no file yet.
    const last = (values.workloadAccounts as { name?: unknown }[])[n - 1]?.name;
    const shard = /^workload-(\d+)$/.exec(stack);
    const to = `workload-${shard ? Number(shard[1]) + 1 : 2}`;
    const move =
        typeof last === "string"
            ? `npx org-access account move --name ${last} --from ${stack} --to ${to} --write (or the next workload-N shard when ${to} is full)`
            : `npx org-access account move with --name of an account, --from ${stack} and --to a shard stack such as ${to}, then --write`;
    return [
        {
            path: "workloadAccounts",
            message: `lists ${n} accounts, more than maxAccountsPerStack allows (${max}${values.maxAccountsPerStack === undefined ? ", the default" : ""}): under the real engine every account's provider is a plugin process of 170-430 MB (docs/BENCHMARKS.md), and the budget is what one CI runner's memory holds`,
            fix: `move ${extra} account${extra === 1 ? "" : "s"} to a shard, one at a time: ${move}; or, on a runner with more memory, raise the budget: pulumi config set --stack ${stack} org-access:maxAccountsPerStack ${n}`,
        },
    ];
}

function deploymentModeProblems(values: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const mode = values.deploymentMode ?? "provider";
    if (mode === "stackset" && values.stackSet === undefined) {
        problems.push({
            path: "stackSet",
            message: "is required when deploymentMode is stackset",
            // Both required fields, so the pasted commands give a StackSet the schema accepts.
            fix: `${setCommand("stackSet.organizationalUnitIds[0]", "ou-ab12-cdefgh34")} && ${setCommand("stackSet.adminAccount.accountId", "123456789012", { type: "string" })}`,
        });
    }
    if (mode === "provider" && values.stackSet !== undefined) {
        problems.push({
            path: "stackSet",
            message: "is set but deploymentMode is provider, so it would be ignored",
            fix: "pulumi config set org-access:deploymentMode stackset, or remove stackSet",
        });
    }
    if (mode === "stackset") {
        for (const { i, o } of entries(values.workloadAccounts)) {
            // One template serves every account of the OUs: a duty role is StackSet-wide.
            for (const key of ["incidentResponseRole", "breakGlassRole"]) {
                if (o[key] !== undefined && o[key] !== false) {
                    problems.push({
                        path: `workloadAccounts[${i}].${key}`,
                        message:
                            "is not supported in stackset mode: the StackSet deploys one template, so a duty role is on for every account of its OUs or for none",
                        fix: `remove it and set stackSet.${key}: true (pulumi config set --path 'org-access:stackSet.${key}' true), or use deploymentMode provider for this stack`,
                    });
                }
            }
            if (o.deployExternalId !== undefined)
                problems.push({
                    path: `workloadAccounts[${i}].deployExternalId`,
                    message:
                        "is not supported in stackset mode (CloudFormation deploys the roles; no provider assumes this account's deploy role)",
                    fix: "remove it, or use deploymentMode provider for this stack",
                });
        }
    }
    return problems;
}

/** Splits a flat `{ "ns:key": value }` map into our namespace's values; other namespaces are ignored. */
export function namespaceValues(all: Record<string, unknown>): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(all)) {
        if (k.startsWith(`${NAMESPACE}:`)) values[k.slice(NAMESPACE.length + 1)] = v;
    }
    return values;
}
