// The security stack's IAM Identity Center access: the SecurityAudit permission set (and the
// IncidentResponse and BreakGlass ones where groups are configured), assigned in every workload
// account of every workload stack, so adding an account to a workload stack file reaches both
// access paths (the audit role and Identity Center) in one change.
import { accountProvider } from "../../components/provider";
import {
    auditPermissionSet,
    dutyPermissionSet,
    IdentityCenterAccess,
    PermissionSetDefinition,
} from "../../components/identityCenter";
import { DEFAULT_PREVIEW_ROLE, SecurityConfig } from "../../config";
import { AccountProviders } from "../providers";

/** The permission sets the config asks for, each with its groups. */
export function permissionSets(
    cfg: SecurityConfig,
): { definition: PermissionSetDefinition; groupIds: readonly string[] }[] {
    const ic = cfg.identityCenter;
    if (!ic) return [];
    const accounts = cfg.workloadTargets.flatMap((t) => t.accounts);
    // One permission set for every account: the responders may never quarantine any account's
    // deploy or preview role (components/dutyRoles.ts, incidentResponsePolicy).
    const settings = {
        trustedAccountId: cfg.securityAccountId,
        partition: cfg.partition,
        deployRoleNames: [...new Set(accounts.map((a) => a.deployRoleName))].sort(),
        previewRoleNames: [
            ...new Set([
                DEFAULT_PREVIEW_ROLE,
                ...cfg.workloadTargets.flatMap((t) =>
                    t.previewRoleName ? [t.previewRoleName] : [],
                ),
            ]),
        ].sort(),
    };
    return [
        { definition: auditPermissionSet(cfg.partition), groupIds: ic.auditGroups },
        ...(ic.incidentResponseGroups.length > 0
            ? [
                  {
                      definition: dutyPermissionSet("IncidentResponseRole", settings),
                      groupIds: ic.incidentResponseGroups,
                  },
              ]
            : []),
        ...(ic.breakGlassGroups.length > 0
            ? [
                  {
                      definition: dutyPermissionSet("BreakGlassRole", settings),
                      groupIds: ic.breakGlassGroups,
                  },
              ]
            : []),
    ];
}

/**
 * The workload accounts the assignments reach: every account listed in a workload stack file. A
 * StackSet-mode stack deploys its roles to every account of its OUs, but its file lists only some
 * of them by id, and an assignment needs the id: the OUs' other accounts get no assignment, and
 * the stack's output `identityCenter.unassignedOus` says so rather than pretend.
 */
export function assignedAccountIds(cfg: SecurityConfig): string[] {
    return [...new Set(cfg.workloadTargets.flatMap((t) => t.accounts.map((a) => a.accountId)))];
}

export interface IdentityCenterOutputs {
    readonly component: IdentityCenterAccess;
    readonly summary: {
        readonly instanceArn: string;
        readonly identityStoreId: string;
        readonly portalUrl: string;
        readonly ssoRegion: string;
        readonly deployAccountId: string;
        readonly permissionSets: readonly string[];
        /** The designated groups, by duty: the proofs read who may be assigned what. */
        readonly auditGroups: readonly string[];
        readonly incidentResponseGroups: readonly string[];
        readonly breakGlassGroups: readonly string[];
        readonly accounts: readonly { readonly name: string; readonly accountId: string }[];
        readonly unassignedOus: readonly {
            readonly stack: string;
            readonly ous: readonly string[];
        }[];
        /** What no API lets this program read or set: a person checks it (docs/runbook.md#iam-identity-center). */
        readonly mfa: string;
    };
}

/**
 * What the report says about MFA for Identity Center: checked nowhere by a program, so by a person.
 * MFA is a setting of the instance: neither the SSO Admin API nor the Identity Store API has an
 * operation that reads or sets it (their operation lists:
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_Operations.html,
 * https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_Operations.html),
 * and @pulumi/aws's ssoadmin module has no resource for it. The console is the only place:
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/mfa-getting-started.html
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/how-to-configure-mfa-device-enforcement.html
 */
export const IDENTITY_CENTER_MFA_CHECK =
    "not checked by this program: no public API operation of IAM Identity Center (SSO Admin, Identity Store) reads or sets its MFA settings. A person checks it in the IAM Identity Center console: Settings > Authentication > Multi-factor authentication > Configure: 'Every time they sign in (always-on)', and 'Require them to register an MFA device at sign in'. With an external identity provider, MFA is that provider's setting.";

export function identityCenter(
    cfg: SecurityConfig,
    providers: AccountProviders,
): IdentityCenterOutputs | undefined {
    const ic = cfg.identityCenter;
    if (!ic) return undefined;
    // The SSO Admin API is called in the instance's region, from the account that administers it
    // (the management account or the delegated administrator). In aws:region that account's
    // provider serves; elsewhere a provider of its own: every provider is one more process of
    // 170-430 MB under the real engine (docs/BENCHMARKS.md), so none is added without need.
    // https://docs.aws.amazon.com/singlesignon/latest/userguide/delegated-admin.html
    const provider =
        ic.ssoRegion === cfg.region
            ? providers.for(ic.deploy)
            : accountProvider(
                  ic.deploy,
                  { ...cfg, region: ic.ssoRegion },
                  { name: "identity-center" },
              );
    const sets = permissionSets(cfg);
    const component = new IdentityCenterAccess(
        "identity-center",
        {
            instanceArn: ic.instanceArn,
            permissionSets: sets,
            accountIds: assignedAccountIds(cfg),
            ...(ic.permissionsBoundary ? { permissionsBoundary: ic.permissionsBoundary } : {}),
            tags: cfg.tags,
        },
        { provider },
    );
    return {
        component,
        summary: {
            instanceArn: ic.instanceArn,
            identityStoreId: ic.identityStoreId,
            portalUrl: ic.portalUrl,
            ssoRegion: ic.ssoRegion,
            deployAccountId: ic.deploy.accountId,
            permissionSets: sets.map((s) => s.definition.name),
            auditGroups: ic.auditGroups,
            incidentResponseGroups: ic.incidentResponseGroups,
            breakGlassGroups: ic.breakGlassGroups,
            accounts: cfg.workloadTargets.flatMap((t) =>
                t.accounts.map((a) => ({ name: a.name, accountId: a.accountId })),
            ),
            unassignedOus: cfg.workloadTargets.flatMap((t) =>
                t.stackSet ? [{ stack: t.stack, ous: t.stackSet.organizationalUnitIds }] : [],
            ),
            mfa: IDENTITY_CENTER_MFA_CHECK,
        },
    };
}
