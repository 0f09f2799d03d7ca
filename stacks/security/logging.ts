// The security stack's log evidence: the organization trail (management and log-archive
// accounts), the log-archive admin role, and the CloudTrail alarms.
import * as aws from "@pulumi/aws";
import { BREAK_GLASS_ROLE, LOG_ARCHIVE_ADMIN_ROLE, SecurityConfig } from "../../config";
import { Detection } from "../../components/detection";
import { breakGlassUserPath, LogArchiveAdminRole } from "../../components/logArchiveAdmin";
import { iamRoleArn } from "../../components/arns";
import { BREAK_GLASS_PERMISSION_SET } from "../../config/schema/identityCenter";
import { logKeyAliasName, OrgTrail } from "../../components/orgTrail";
import { findingsPublisherRoleArns } from "./organization";

/** The log-archive admin role exists when someone can assume it: the break-glass users. */
export function logArchiveAdminRoleArn(cfg: SecurityConfig): string | undefined {
    return cfg.breakGlassUsers.length > 0
        ? iamRoleArn(cfg.partition, cfg.logArchive.accountId, LOG_ARCHIVE_ADMIN_ROLE)
        : undefined;
}

/** The organization trail: the trail in the management account, its bucket and key in the log archive. */
export function orgTrail(
    cfg: SecurityConfig,
    providers: { management: aws.Provider; logArchive: aws.Provider },
    adminRoleArn: string | undefined,
): OrgTrail {
    return new OrgTrail("org-trail", {
        managementProvider: providers.management,
        logArchiveProvider: providers.logArchive,
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
        objectLockRetentionDays: cfg.trail.objectLockRetentionDays,
        adminRoleArn,
        tags: cfg.tags,
    });
}

/** The only role that may change the trail bucket and key, trusted by the break-glass users' path. */
export function logArchiveAdmin(
    cfg: SecurityConfig,
    trail: OrgTrail,
    provider: aws.Provider,
): LogArchiveAdminRole {
    return new LogArchiveAdminRole(
        "log-archive-admin",
        {
            trustedAccountId: cfg.securityAccountId,
            breakGlassUserPath: breakGlassUserPath(cfg.iamPath),
            bucketName: cfg.trail.bucketName,
            key: {
                region: cfg.region,
                accountId: cfg.logArchive.accountId,
                aliasName: logKeyAliasName(cfg.trail.name),
            },
            partition: cfg.partition,
            tags: cfg.tags,
        },
        { provider },
    );
}

/** The CloudTrail alarms in the management account, on the trail's log group. */
export function detection(cfg: SecurityConfig, trail: OrgTrail, provider: aws.Provider): Detection {
    return new Detection(
        "detection",
        {
            logGroupName: trail.logGroup.name,
            accountId: cfg.management.accountId,
            region: cfg.region,
            partition: cfg.partition,
            breakGlassRoleName: BREAK_GLASS_ROLE,
            logArchiveAdminRoleName: LOG_ARCHIVE_ADMIN_ROLE,
            ...(cfg.identityCenter && cfg.identityCenter.breakGlassGroups.length > 0
                ? { breakGlassPermissionSetName: BREAK_GLASS_PERMISSION_SET }
                : {}),
            emails: cfg.alarmEmails,
            publisherRoleArns: findingsPublisherRoleArns(cfg),
            tags: cfg.tags,
        },
        { provider },
    );
}
