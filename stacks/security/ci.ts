// The security stack's CI: GitHub's OIDC provider and the deploy and preview identities, and a
// read-only preview role in every account this stack reaches.
import { AccountTarget, SecurityConfig } from "../../config";
import { iamRoleArn } from "../../components/arns";
import { CiIdentity } from "../../components/ciIdentity";
import { PreviewRole } from "../../components/previewRole";
import { AccountProviders } from "../providers";

/** The accounts this stack reaches itself (security, management, log-archive), once each. */
export function ownAccounts(cfg: SecurityConfig): AccountTarget[] {
    return [
        ...new Map(
            [cfg.security, cfg.management, cfg.logArchive].map((a) => [a.accountId, a]),
        ).values(),
    ];
}

/**
 * Exact ARNs of every preview role a pull request's preview may assume: this stack's accounts, and
 * every account of the provider-mode workload stacks with a preview role (config/index.ts refuses
 * a provider-mode workload stack without one when ci is configured).
 */
export function previewRoleArns(cfg: SecurityConfig, accounts: readonly AccountTarget[]): string[] {
    return [
        // With ci configured, every account of this stack has one (config/index.ts).
        ...accounts.flatMap((a) =>
            a.previewRoleName ? [iamRoleArn(cfg.partition, a.accountId, a.previewRoleName)] : [],
        ),
        ...cfg.workloadTargets.flatMap((t) => {
            const roleName = t.previewRoleName;
            return t.deploymentMode === "provider" && roleName
                ? t.accounts.map((a) => iamRoleArn(cfg.partition, a.accountId, roleName))
                : [];
        }),
    ];
}

/** The CI identities, when `ci` is configured, in the account it names. */
export function ciIdentity(
    cfg: SecurityConfig,
    accounts: readonly AccountTarget[],
    providers: AccountProviders,
): CiIdentity | undefined {
    if (!cfg.ci) return undefined;
    const account = cfg.ci.account === "security" ? cfg.security : cfg.management;
    return new CiIdentity(
        "ci",
        {
            accountId: account.accountId,
            deploy: {
                repository: cfg.ci.repository,
                environment: cfg.ci.deployEnvironment,
                branch: cfg.ci.deployBranch,
                workflow: cfg.ci.deployWorkflow,
            },
            deployIdentityName: cfg.ci.deployIdentityName,
            previewIdentityName: cfg.ci.previewIdentityName,
            // The same ARNs the providers assume (components/provider.ts): every account this
            // program reaches, and no other (the grant names these accounts: ciIdentity.ts).
            deployRoleArns: [...accounts, ...cfg.workloadTargets.flatMap((t) => t.accounts)].map(
                (a) => iamRoleArn(cfg.partition, a.accountId, a.deployRoleName),
            ),
            // The deploy roles' grant is split across managed policies: as many as the CI
            // account's role may hold (refused, naming this key, when the accounts need more).
            managedPoliciesPerRole: cfg.iamQuotas.managedPoliciesPerRole,
            previewRoleArns: previewRoleArns(cfg, accounts),
            stateBucket: cfg.ci.stateBucket,
            stateKeyArn: cfg.ci.stateKeyArn,
            organizationId: cfg.organizationId,
            partition: cfg.partition,
            tags: cfg.tags,
        },
        { provider: providers.for(account) },
    );
}

/** A read-only preview role in every account this stack reaches, trusted by the preview identity alone. */
export function previewRoles(
    cfg: SecurityConfig,
    ci: CiIdentity | undefined,
    accounts: readonly AccountTarget[],
    providers: AccountProviders,
): PreviewRole[] {
    if (!ci) return [];
    return accounts.map(
        (a) =>
            new PreviewRole(
                `${a.name}-preview`,
                {
                    previewIdentityArn: ci.previewRoleArn,
                    roleName: a.previewRoleName,
                    partition: cfg.partition,
                    tags: cfg.tags,
                },
                { provider: providers.for(a) },
            ),
    );
}
