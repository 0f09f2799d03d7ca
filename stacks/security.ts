import * as pulumi from "@pulumi/pulumi";
import { auditRoleArn, loadSecurityConfig, SecurityConfig, TrustedPrincipals } from "../config";
import { OrgTrail } from "../components/orgTrail";
import { SecurityAccess } from "../components/securityAccess";
import { AccountProviders } from "./providers";

/**
 * The security stack: people and service identities in the security account, and the
 * organization trail (management account) with its bucket and key (log-archive account).
 */
export function securityStack(cfg: SecurityConfig = loadSecurityConfig()) {
    const providers = new AccountProviders(cfg);
    const securityProvider = providers.for(cfg.security);

    // Exact role ARNs from every workload stack file: adding an account there adds it here.
    const roleArns = cfg.workloadTargets.flatMap((t) => t.accounts.map((a) => auditRoleArn(cfg.partition, a.accountId, t.auditRole)));
    const mfaMaxAge = Math.min(...cfg.workloadTargets.map((t) => t.auditRole.mfaMaxAgeSeconds));

    const access = new SecurityAccess(
        "security-access",
        {
            accountId: cfg.securityAccountId,
            auditors: cfg.auditors,
            reporters: cfg.reporters.map((r) => r.name),
            auditRoleArns: roleArns,
            path: cfg.iamPath,
            mfaMaxAgeSeconds: mfaMaxAge,
            passwordPolicy: cfg.passwordPolicy,
            partition: cfg.partition,
            tags: cfg.tags,
        },
        { provider: securityProvider },
    );

    const trail = new OrgTrail("org-trail", {
        managementProvider: providers.for(cfg.management),
        logArchiveProvider: providers.for(cfg.logArchive),
        organizationId: cfg.organizationId,
        managementAccountId: cfg.management.accountId,
        logArchiveAccountId: cfg.logArchive.accountId,
        region: cfg.region,
        partition: cfg.partition,
        trailName: cfg.trail.name,
        bucketName: cfg.trail.bucketName,
        logGroupRetentionDays: cfg.trail.logGroupRetentionDays,
        transitionDays: cfg.trail.transitionDays,
        storageClass: cfg.trail.storageClass,
        expirationDays: cfg.trail.expirationDays,
        tags: cfg.tags,
    });

    // What the workload stack trusts. Secret, because it carries the reporters' ExternalIds.
    const trustedPrincipals: pulumi.Output<TrustedPrincipals> = pulumi.secret(
        pulumi.all([access.humanArns, access.reporterArns, pulumi.all(cfg.reporters.map((r) => r.externalId))]).apply(([humanArns, reporterArns, externalIds]) => ({
            humanArns,
            reporters: cfg.reporters.map((r, i) => ({ name: r.name, arn: reporterArns[i], externalId: externalIds[i] })),
        })),
    );

    return {
        securityAccountId: cfg.securityAccountId,
        managementAccountId: cfg.management.accountId,
        logArchiveAccountId: cfg.logArchive.accountId,
        trustedPrincipals,
        humanPrincipalArns: access.humanArns,
        reporterPrincipalArns: access.reporterArns,
        auditorsGroupArn: access.auditorsGroup.arn,
        reportersGroupArn: access.reportersGroup.arn,
        grantedAuditRoleArns: roleArns,
        trailArn: trail.trailArn,
        trailBucketName: trail.bucket.bucket,
        trailKeyArn: trail.key.arn,
        trailLogGroupName: trail.logGroup.name,
    };
}
