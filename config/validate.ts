// Pure validation of a stack's raw config values: schema first, then the rules that span keys.
// Throws one ConfigError that lists every problem; nothing here touches Pulumi or the disk.
import { z } from "zod";
import { ConfigError, ConfigProblem, problemsFromZod } from "./errors";
import { NAMESPACE, RawSecurityConfig, RawWorkloadConfig, securityConfigSchema, workloadConfigSchema } from "./schema";

/** Raw values of one stack: `org-access:` keys with the namespace removed, plus `aws:region`. */
export interface RawStackValues {
    readonly values: Record<string, unknown>;
    readonly region?: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function regionProblems(region: string | undefined): ConfigProblem[] {
    // `aws:region` is outside our namespace, so its path is written out in full.
    if (region === undefined) {
        return [{ path: "aws:region", message: "is required: every account provider deploys into it", fix: "pulumi config set aws:region us-east-1" }];
    }
    if (!REGION.test(region)) {
        return [{ path: "aws:region", message: `"${region}" is not an AWS region name`, fix: "pulumi config set aws:region us-east-1" }];
    }
    return [];
}

function duplicates<T>(items: readonly T[], key: (t: T) => string): Map<string, number[]> {
    const seen = new Map<string, number[]>();
    items.forEach((item, i) => seen.set(key(item), [...(seen.get(key(item)) ?? []), i]));
    return new Map([...seen].filter(([, idx]) => idx.length > 1));
}

function parse<T>(schema: z.ZodType<T>, stack: string, raw: RawStackValues, extra: (value: T) => ConfigProblem[]): T {
    const result = schema.safeParse(raw.values);
    const problems = [...regionProblems(raw.region)];
    if (!result.success) problems.push(...problemsFromZod(schema, result.error, raw.values));
    else problems.push(...extra(result.data));
    if (problems.length > 0) throw new ConfigError(stack, problems);
    return (result as { data: T }).data;
}

/** Rules across workload accounts: unique names and ids, and never the security account itself. */
export function workloadAccountProblems(cfg: Pick<RawWorkloadConfig, "workloadAccounts" | "securityAccountId">): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const accounts = cfg.workloadAccounts;
    for (const [name, idx] of duplicates(accounts, (a) => a.name)) {
        problems.push({
            path: `workloadAccounts[${idx[1]}].name`,
            message: `duplicate account name "${name}" (also at workloadAccounts[${idx[0]}])`,
            fix: "give every account a unique name",
        });
    }
    for (const [id, idx] of duplicates(accounts, (a) => a.accountId)) {
        problems.push({
            path: `workloadAccounts[${idx[1]}].accountId`,
            message: `duplicate account id ${id} (also at workloadAccounts[${idx[0]}])`,
            fix: "list each account once",
        });
    }
    accounts.forEach((a, i) => {
        if (a.accountId === cfg.securityAccountId) {
            problems.push({
                path: `workloadAccounts[${i}].accountId`,
                message: `${a.accountId} is the security account; it cannot also be a workload account`,
                fix: "remove this entry, or correct securityAccountId",
            });
        }
    });
    return problems;
}

export function validateWorkloadConfig(raw: RawStackValues, stack = "workload"): RawWorkloadConfig {
    return parse(workloadConfigSchema, stack, raw, (cfg) => {
        const problems = workloadAccountProblems(cfg);
        const trusted = cfg.trustedPrincipals;
        if (trusted) {
            if (trusted.humanArns.length + trusted.reporters.length === 0) {
                problems.push({ path: "trustedPrincipals", message: "names no principal, so nobody could assume the audit roles", fix: "add humanArns or reporters, or remove trustedPrincipals to use the security stack's outputs" });
            }
            const arns = [...trusted.humanArns.map((arn, i) => ({ arn, at: `trustedPrincipals.humanArns[${i}]` })), ...trusted.reporters.map((r, i) => ({ arn: r.arn, at: `trustedPrincipals.reporters[${i}].arn` }))];
            for (const { arn, at } of arns) {
                const account = arn.split(":")[4];
                if (account !== cfg.securityAccountId) {
                    problems.push({ path: at, message: `${arn} is not in the security account ${cfg.securityAccountId}`, fix: "trust only principals of the security account" });
                }
            }
            if (cfg.securityStack !== undefined) {
                problems.push({ path: "securityStack", message: "is set together with trustedPrincipals; only one source of trusted principals may be used", fix: "remove one of them" });
            }
        }
        return problems;
    });
}

export function validateSecurityConfig(raw: RawStackValues, stack = "security"): RawSecurityConfig {
    return parse(securityConfigSchema, stack, raw, (cfg) => {
        const problems: ConfigProblem[] = [];
        for (const [name, idx] of duplicates(cfg.auditors, (a) => a)) {
            problems.push({ path: `auditors[${idx[1]}]`, message: `duplicate auditor "${name}"`, fix: "list each person once" });
        }
        for (const [name, idx] of duplicates(cfg.reporters, (r) => r.name)) {
            problems.push({ path: `reporters[${idx[1]}].name`, message: `duplicate reporter "${name}"`, fix: "give every reporter a unique name" });
        }
        for (const [, idx] of duplicates(cfg.reporters, (r) => r.externalId)) {
            problems.push({ path: `reporters[${idx[1]}].externalId`, message: `same ExternalId as reporters[${idx[0]}]; each reporter needs its own`, fix: "pulumi config set --secret --path 'reporters[N].externalId' <new random value>" });
        }
        cfg.reporters.forEach((r, i) => {
            if (cfg.auditors.includes(r.name)) {
                problems.push({ path: `reporters[${i}].name`, message: `"${r.name}" is also an auditor; one IAM user cannot be both a human and a program`, fix: "use a separate user name for the program" });
            }
        });
        if (cfg.auditors.length + cfg.reporters.length === 0) {
            problems.push({ path: "auditors", message: "no auditor and no reporter is configured, so nobody could use the audit roles", fix: "pulumi config set --path 'auditors[0]' alice" });
        }
        const roles = new Map<string, { role: string; at: string }>();
        const targets: [string, string, string][] = [
            [cfg.securityAccountId, cfg.securityDeployRoleName, "securityDeployRoleName"],
            [cfg.managementAccount.accountId, cfg.managementAccount.deployRoleName, "managementAccount.deployRoleName"],
        ];
        if (cfg.logArchiveAccount) targets.push([cfg.logArchiveAccount.accountId, cfg.logArchiveAccount.deployRoleName, "logArchiveAccount.deployRoleName"]);
        for (const [account, role, at] of targets) {
            const seen = roles.get(account);
            if (seen && seen.role !== role) {
                problems.push({ path: at, message: `account ${account} is reached through ${seen.at}=${seen.role} already; one account has one deploy role`, fix: `use the same deploy role name in both places` });
            } else roles.set(account, { role, at });
        }
        return problems;
    });
}

/** Splits a flat `{ "ns:key": value }` map into our namespace's values; other namespaces are ignored. */
export function namespaceValues(all: Record<string, unknown>): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(all)) {
        if (k.startsWith(`${NAMESPACE}:`)) values[k.slice(NAMESPACE.length + 1)] = v;
    }
    return values;
}
