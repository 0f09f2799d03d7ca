// The security stack: people and service identities in the security account; the organization
// trail, its alarms, the SCPs and the RCPs in the management account; the trail's bucket and key
// in the log-archive account; and, when configured, the CI identities. Each concern builds its
// part in stacks/security/ (identities, logging, duty, guardrails, resourceControls, ci); this
// builder wires them together in the order the resources are registered and returns the stack's
// outputs.
import { ConfigError, loadSecurityConfig, SecurityConfig } from "../config";
import { AccountProviders } from "./providers";
import { ciIdentity, ownAccounts, previewRoleArns, previewRoles } from "./security/ci";
import { dutyGroups } from "./security/duty";
import { guardrailInputs, guardrails, scpSizeProblems } from "./security/guardrails";
import {
    rcpSizeProblems,
    resourceControlInputs,
    resourceControls,
} from "./security/resourceControls";
import { grantedAuditRoleArns, securityAccess, trustedPrincipals } from "./security/identities";
import { identityCenter } from "./security/identityCenter";
import { detection, logArchiveAdmin, logArchiveAdminRoleArn, orgTrail } from "./security/logging";
import { accessAnalyzer, accessAnalyzerArchiveRules, rootAccess } from "./security/organization";
import { ROOT_ACCESS_FEATURES } from "../components/rootAccess";

export { guardrailInputs } from "./security/guardrails";

export function securityStack(cfg: SecurityConfig = loadSecurityConfig()) {
    // Fails on oversized SCPs and RCPs before registering anything, every one at once.
    const scpInputs = guardrailInputs(cfg);
    const rcpInputs = resourceControlInputs(cfg);
    const sizeProblems = [...scpSizeProblems(cfg, scpInputs), ...rcpSizeProblems(rcpInputs)];
    if (sizeProblems.length > 0) throw new ConfigError(cfg.stack, sizeProblems);

    const providers = new AccountProviders(cfg);
    const securityProvider = providers.for(cfg.security);
    const managementProvider = providers.for(cfg.management);

    const roleArns = grantedAuditRoleArns(cfg);
    const access = securityAccess(cfg, roleArns, securityProvider);

    const adminRoleArn = logArchiveAdminRoleArn(cfg);
    const trail = orgTrail(
        cfg,
        { management: managementProvider, logArchive: providers.for(cfg.logArchive) },
        adminRoleArn,
    );
    const duty = dutyGroups(cfg, securityProvider, adminRoleArn);
    const admin = duty.breakGlass
        ? logArchiveAdmin(cfg, trail, providers.for(cfg.logArchive))
        : undefined;
    const alarms = detection(cfg, trail, managementProvider);
    const scps = guardrails(cfg, scpInputs, trail, admin, managementProvider);
    const rcps = resourceControls(cfg, rcpInputs, trail, admin, managementProvider);

    const accounts = ownAccounts(cfg);
    const ci = ciIdentity(cfg, accounts, providers);
    const previews = previewRoles(cfg, ci, accounts, providers);
    const root = rootAccess(cfg, managementProvider);
    const analyzer = accessAnalyzer(cfg, providers, alarms);
    const sso = identityCenter(cfg, providers);

    return {
        securityAccountId: cfg.securityAccountId,
        managementAccountId: cfg.management.accountId,
        logArchiveAccountId: cfg.logArchive.accountId,
        // The organization and the CI repository: who is inside, for the proofs (evidence/proofs).
        organizationId: cfg.organizationId,
        trustedPrincipals: trustedPrincipals(cfg, access, duty, ci?.previewRoleArn),
        humanPrincipalArns: access.humanArns,
        reporterPrincipalArns: access.reporterArns,
        auditorsGroupArn: access.auditorsGroup.arn,
        reportersGroupArn: access.reportersGroup.arn,
        grantedAuditRoleArns: roleArns,
        trailArn: trail.trailArn,
        trailBucketName: trail.bucket.bucket,
        trailKeyArn: trail.key.arn,
        trailLogGroupName: trail.logGroup.name,
        alarmTopicArn: alarms.topicArn,
        alarmNames: alarms.alarms.map((a) => a.name),
        incidentResponseGroupArn: duty.responders?.group.arn,
        grantedIncidentResponseRoleArns: duty.incidentRoleArns,
        breakGlassGroupArn: duty.breakGlass?.group.arn,
        grantedBreakGlassRoleArns: duty.breakGlassRoleArns,
        logArchiveAdminRoleArn: admin?.roleArn,
        serviceControlPolicies: scps?.summary,
        resourceControlPolicies: rcps?.summary,
        ciDeployIdentityArn: ci?.deployRoleArn,
        ciPreviewIdentityArn: ci?.previewRoleArn,
        // The one GitHub job the deploy identity trusts, as configured: the proof
        // only-break-glass-reaches-admin checks that the plan fences the deploy path exactly so,
        // and no-outside-principal tells the repository's tokens from another's.
        ciDeployPin: cfg.ci && {
            repository: cfg.ci.repository,
            environment: cfg.ci.deployEnvironment,
            branch: cfg.ci.deployBranch,
            workflow: cfg.ci.deployWorkflow,
        },
        githubOidcProviderArn: ci?.oidcProviderArn,
        previewRoleArns: Object.fromEntries(previews.map((r, i) => [accounts[i].name, r.roleArn])),
        // The workload stacks' preview roles the preview identity may assume (the proofs' graph
        // knows them as roles of this program planned by another stack).
        workloadPreviewRoleArns: cfg.ci ? previewRoleArns(cfg, []) : [],
        // Centralized root access (RootCredentialsManagement, RootSessions), when configured.
        // From config, so a first preview (where the resource's outputs are unknown) reports it too.
        rootAccessFeatures: root && [...ROOT_ACCESS_FEATURES],
        // IAM Access Analyzer: the analyzers and what is archived, and why (the report lists them).
        accessAnalyzer: analyzer && {
            externalAccessAnalyzerArn: analyzer.externalAccess.arn,
            unusedAccessAnalyzerArn: analyzer.unusedAccess.arn,
            unusedAccessAge: cfg.accessAnalyzer!.unusedAccessAge,
            // The Regions with an external-access analyzer (the report's CIS 1.20 claim).
            regions: cfg.accessAnalyzer!.regions,
            archiveRules: accessAnalyzerArchiveRules(cfg),
        },
        // IAM Identity Center: the instance, the permission sets and the accounts assigned, for the
        // report's `aws configure sso` profiles and portal links (evidence/profiles.ts).
        identityCenter: sso && {
            ...sso.summary,
            permissionSetArns: sso.component.permissionSetArns,
        },
        /** The IAM quotas the within-iam-quotas proof holds this stack's documents to. */
        iamQuotas: cfg.iamQuotas,
    };
}
