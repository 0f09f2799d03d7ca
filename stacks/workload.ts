import * as pulumi from "@pulumi/pulumi";
import { accountAccess, AccountAccess } from "../evidence/profiles";
import { auditRoleArn, InputError, loadWorkloadConfig, TrustedPrincipals, trustedPrincipalsSchema, WorkloadConfig } from "../config";
import { AuditRole } from "../components/auditRole";
import { AccountProviders } from "./providers";

/** Validates the principals the security stack exported; a malformed output must never become a trust policy. */
export function parseTrustedPrincipals(value: unknown, source: string): TrustedPrincipals {
    const result = trustedPrincipalsSchema.safeParse(value);
    if (!result.success) {
        const details = result.error.issues.map((i) => `* ${[source, ...i.path].join(".")}: ${i.message}`).join("\n");
        throw new InputError(`the trusted principals from ${source} are invalid:\n${details}`);
    }
    return result.data;
}

/** Where the audit roles' trusted principals come from: the security stack, or the config fallback. */
function trustedPrincipals(cfg: WorkloadConfig): pulumi.Output<TrustedPrincipals> {
    if (cfg.trust.kind === "config") return cfg.trust.principals;
    const security = new pulumi.StackReference("security", { name: cfg.trust.stackName });
    const source = `stack ${cfg.trust.stackName} output trustedPrincipals`;
    return security.requireOutput("trustedPrincipals").apply((v) => parseTrustedPrincipals(v, source));
}

/** The workload stack: an audit role in every account of `workloadAccounts`, each through its own provider. */
export function workloadStack(cfg: WorkloadConfig = loadWorkloadConfig()) {
    const providers = new AccountProviders(cfg);
    const principals = trustedPrincipals(cfg);
    const humans = principals.apply((p) => p.humanArns);
    const programs = principals.apply((p) => p.reporters.map(({ arn, externalId }) => ({ arn, externalId })));

    const auditRoleArns: Record<string, pulumi.Output<string>> = {};
    const accessProfiles: Record<string, AccountAccess> = {};
    for (const account of cfg.accounts) {
        const role = new AuditRole(
            account.name,
            {
                trustedAccountId: cfg.securityAccountId,
                humanPrincipalArns: humans,
                programmaticPrincipals: programs,
                roleName: cfg.auditRole.name,
                path: cfg.auditRole.path,
                mfaMaxAgeSeconds: cfg.auditRole.mfaMaxAgeSeconds,
                managedPolicies: cfg.auditRole.managedPolicies,
                partition: cfg.partition,
                tags: { ...cfg.tags, Account: account.name },
            },
            { provider: providers.for(account) },
        );
        auditRoleArns[account.name] = role.roleArn;
        accessProfiles[account.name] = accountAccess(
            { account: account.name, accountId: account.accountId, roleArn: auditRoleArn(cfg.partition, account.accountId, cfg.auditRole) },
            { securityAccountId: cfg.securityAccountId, partition: cfg.partition, sessionSeconds: cfg.auditRole.sessionSeconds },
        );
    }

    return {
        securityAccountId: cfg.securityAccountId,
        // Secret: the reporters' ExternalIds. The evidence matrix poses its scenarios with these principals.
        trustedPrincipals: pulumi.secret(principals),
        auditRoleArns,
        accounts: cfg.accounts.map((a) => ({ name: a.name, accountId: a.accountId })),
        sessionSeconds: cfg.auditRole.sessionSeconds,
        /** `~/.aws/config` profiles and `aws sts assume-role` commands, per account. */
        accessProfiles,
    };
}
