import * as pulumi from "@pulumi/pulumi";
import { accountAccess, AccountAccess } from "../evidence/profiles";
import {
    auditRoleArn,
    BREAK_GLASS_ROLE,
    INCIDENT_RESPONSE_ROLE,
    InputError,
    loadWorkloadConfig,
    TrustedPrincipals,
    trustedPrincipalsSchema,
    WorkloadConfig,
} from "../config";
import { iamRoleArn } from "../components/arns";
import { AuditRole } from "../components/auditRole";
import { AuditRoleStackSet } from "../components/auditRoleStackSet";
import { BreakGlassRole, IncidentResponseRole } from "../components/dutyRoles";
import { PreviewRole } from "../components/previewRole";
import { AccountProviders } from "./providers";
import { accountResourceName, legacyAliases } from "./resourceNames";

/** Validates the principals the security stack exported; a malformed output must never become a trust policy. */
export function parseTrustedPrincipals(value: unknown, source: string): TrustedPrincipals {
    const result = trustedPrincipalsSchema.safeParse(value);
    if (!result.success) {
        const details = result.error.issues
            .map((i) => `* ${[source, ...i.path].join(".")}: ${i.message}`)
            .join("\n");
        throw new InputError(`the trusted principals from ${source} are invalid:\n${details}`);
    }
    return result.data;
}

/** Where the audit roles' trusted principals come from: the security stack, or the config fallback. */
function trustedPrincipals(cfg: WorkloadConfig): pulumi.Output<TrustedPrincipals> {
    if (cfg.trust.kind === "config") return cfg.trust.principals;
    const security = new pulumi.StackReference("security", { name: cfg.trust.stackName });
    const source = `stack ${cfg.trust.stackName} output trustedPrincipals`;
    return security
        .requireOutput("trustedPrincipals")
        .apply((v) => parseTrustedPrincipals(v, source));
}

/**
 * The workload stack: an audit role in every account of `workloadAccounts`, and the duty roles
 * an account enables, each through the account's own provider; in StackSet mode, one StackSet
 * that deploys them to every account of its OUs.
 */
export function workloadStack(cfg: WorkloadConfig = loadWorkloadConfig()) {
    const providers = new AccountProviders(cfg);
    const principals = trustedPrincipals(cfg);
    const humans = principals.apply((p) => p.humanArns);
    const programs = principals.apply((p) =>
        p.reporters.map(({ arn, externalId, sourceIps, sourceVpces }) => ({
            arn,
            externalId,
            ...(sourceIps ? { sourceIps } : {}),
            ...(sourceVpces ? { sourceVpces } : {}),
        })),
    );

    // Duty principals come from the same source as the audit principals; absent means nobody, and
    // a duty role that nobody could assume is refused when its trust policy is built.
    const responders = principals.apply((p) => p.incidentResponderArns ?? []);
    const breakGlassUsers = principals.apply((p) => p.breakGlassArns ?? []);

    const auditRoleArns: Record<string, pulumi.Input<string>> = {};
    const incidentResponseRoleArns: Record<string, pulumi.Output<string>> = {};
    const breakGlassRoleArns: Record<string, pulumi.Output<string>> = {};
    const previewRoleArns: Record<string, pulumi.Output<string>> = {};
    // The preview roles trust the security stack's CI preview identity alone; no identity, no role.
    const previewIdentityArn = principals.apply((p) => {
        if (cfg.accounts.some((a) => a.previewRoleName) && !p.previewIdentityArn)
            throw new InputError(
                "previewRole is set, but the trusted principals carry no previewIdentityArn: configure org-access:ci in the security stack (or trustedPrincipals.previewIdentityArn), or remove previewRole",
            );
        return p.previewIdentityArn ?? "";
    });
    const accessProfiles: Record<string, AccountAccess> = {};
    // One audit-role definition for both modes: the component per account, or the StackSet.
    const auditRole = {
        trustedAccountId: cfg.securityAccountId,
        humanPrincipalArns: humans,
        programmaticPrincipals: programs,
        roleName: cfg.auditRole.name,
        path: cfg.auditRole.path,
        mfaMaxAgeSeconds: cfg.auditRole.mfaMaxAgeSeconds,
        managedPolicies: cfg.auditRole.managedPolicies,
        partition: cfg.partition,
        trustPolicyLengthQuota: cfg.iamQuotas.roleTrustPolicyLength,
    };
    if (cfg.stackSet) {
        // StackSet mode: CloudFormation fans the same audit role, and the duty roles the StackSet
        // enables, out to every account of the OUs.
        new AuditRoleStackSet(
            "audit-role",
            {
                ...auditRole,
                tags: cfg.tags,
                stackSetName: cfg.stackSet.name,
                organizationalUnitIds: cfg.stackSet.organizationalUnitIds,
                regions: cfg.stackSet.regions,
                callAs: cfg.stackSet.callAs,
                // Never quarantinable by the responders: the deploy roles of the listed accounts.
                deployRoleNames: [...new Set(cfg.accounts.map((a) => a.deployRoleName))].sort(),
                ...(cfg.stackSet.incidentResponseRole ? { incidentResponderArns: responders } : {}),
                ...(cfg.stackSet.breakGlassRole ? { breakGlassArns: breakGlassUsers } : {}),
            },
            { provider: providers.for(cfg.stackSet.admin) },
        );
    }
    for (const account of cfg.accounts) {
        const expectedArn = auditRoleArn(cfg.partition, account.accountId, cfg.auditRole);
        accessProfiles[account.name] = accountAccess(
            { account: account.name, accountId: account.accountId, roleArn: expectedArn },
            {
                securityAccountId: cfg.securityAccountId,
                partition: cfg.partition,
                sessionSeconds: cfg.auditRole.sessionSeconds,
            },
        );
        if (cfg.stackSet) {
            // The StackSet creates the roles; their ARNs are fixed by name and path.
            auditRoleArns[account.name] = expectedArn;
            if (cfg.stackSet.incidentResponseRole)
                incidentResponseRoleArns[account.name] = pulumi.output(
                    iamRoleArn(cfg.partition, account.accountId, INCIDENT_RESPONSE_ROLE),
                );
            if (cfg.stackSet.breakGlassRole)
                breakGlassRoleArns[account.name] = pulumi.output(
                    iamRoleArn(cfg.partition, account.accountId, BREAK_GLASS_ROLE),
                );
            continue;
        }
        // URN names from the account id, aliased from the account's name (stacks/resourceNames.ts):
        // renaming the entry or re-ordering the list changes no URN, and upgrading from the
        // name-derived URNs is a no-op. The children follow their component's alias.
        const provider = providers.forAccount(account);
        const opts = (suffix?: string) => ({
            provider,
            aliases: legacyAliases(account.name, suffix),
        });
        const role = new AuditRole(
            accountResourceName(account.accountId),
            { ...auditRole, tags: { ...cfg.tags, Account: account.name } },
            opts(),
        );
        auditRoleArns[account.name] = role.roleArn;
        if (account.previewRoleName) {
            const preview = new PreviewRole(
                accountResourceName(account.accountId, "preview"),
                {
                    previewIdentityArn,
                    roleName: account.previewRoleName,
                    partition: cfg.partition,
                    tags: { ...cfg.tags, Account: account.name },
                },
                opts("preview"),
            );
            previewRoleArns[account.name] = preview.roleArn;
        }
        const dutyArgs = (principalArns: pulumi.Output<string[]>) => ({
            trustedAccountId: cfg.securityAccountId,
            principalArns,
            partition: cfg.partition,
            tags: { ...cfg.tags, Account: account.name },
        });
        if (account.incidentResponseRole) {
            const ir = new IncidentResponseRole(
                accountResourceName(account.accountId, "incident-response"),
                {
                    ...dutyArgs(responders),
                    // Never quarantinable by the responders: this account's deploy and preview roles.
                    deployRoleNames: [account.deployRoleName],
                    previewRoleNames: account.previewRoleName
                        ? [account.previewRoleName]
                        : undefined,
                },
                opts("incident-response"),
            );
            incidentResponseRoleArns[account.name] = ir.roleArn;
        }
        if (account.breakGlassRole) {
            const bg = new BreakGlassRole(
                accountResourceName(account.accountId, "break-glass"),
                dutyArgs(breakGlassUsers),
                opts("break-glass"),
            );
            breakGlassRoleArns[account.name] = bg.roleArn;
        }
    }

    return {
        securityAccountId: cfg.securityAccountId,
        // Secret: the reporters' ExternalIds. The evidence matrix poses its scenarios with these principals.
        trustedPrincipals: pulumi.secret(principals),
        auditRoleArns,
        incidentResponseRoleArns,
        breakGlassRoleArns,
        previewRoleArns,
        accounts: cfg.accounts.map((a) => ({ name: a.name, accountId: a.accountId })),
        deploymentMode: cfg.stackSet ? ("stackset" as const) : ("provider" as const),
        sessionSeconds: cfg.auditRole.sessionSeconds,
        /** `~/.aws/config` profiles and `aws sts assume-role` commands, per account. */
        accessProfiles,
        /** The IAM quotas the within-iam-quotas proof holds this stack's documents to. */
        iamQuotas: cfg.iamQuotas,
    };
}
