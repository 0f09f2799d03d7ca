// The security stack's resource control policies: what they fence and let through, their size
// check, and the ResourceControls component in the management account.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_ARCHIVE_ADMIN_ROLE, SecurityConfig } from "../../config";
import type { ConfigProblem } from "../../config/errors";
import { cloudTrailArn } from "../../components/arns";
import { policySizeProblems } from "../../components/guardrails";
import { LogArchiveAdminRole } from "../../components/logArchiveAdmin";
import { logKeyAliasName, OrgTrail } from "../../components/orgTrail";
import {
    logAdminRoleArns,
    rcpDefinitions,
    ResourceControlInputs,
    ResourceControls,
} from "../../components/resourceControls";

/** What the RCPs fence and let through, from the config; undefined when no RCPs are configured. */
export function resourceControlInputs(cfg: SecurityConfig): ResourceControlInputs | undefined {
    const rcp = cfg.resourceControlPolicies;
    if (!rcp) return undefined;
    return {
        partition: cfg.partition,
        organizationId: cfg.organizationId,
        services: rcp.services,
        trustedAccountIds: rcp.trustedAccountIds,
        trustedOrganizationIds: rcp.trustedOrganizationIds,
        trailArn: cloudTrailArn(
            cfg.partition,
            cfg.region,
            cfg.management.accountId,
            cfg.trail.name,
        ),
        trailBucketName: cfg.trail.bucketName,
        trailKey: {
            region: cfg.region,
            accountId: cfg.logArchive.accountId,
            aliasName: logKeyAliasName(cfg.trail.name),
        },
        // The administrators the guardrail SCP and the bucket and key policies already let
        // configure the logs: the admin role, and the log-archive account's deploy role, which
        // creates and updates the bucket and the key (a first deploy, a refresh, a retention change).
        logAdminRoleArns: logAdminRoleArns(cfg.partition, cfg.logArchive.accountId, [
            LOG_ARCHIVE_ADMIN_ROLE,
            cfg.logArchive.deployRoleName,
        ]),
    };
}

/**
 * The RCPs over the size quota, each named with its key and fix (the stack refuses them with the
 * SCPs' in one ConfigError, before anything is registered). They are known from config, so this
 * measures exactly what deploys.
 */
export function rcpSizeProblems(inputs: ResourceControlInputs | undefined): ConfigProblem[] {
    if (!inputs) return [];
    return policySizeProblems(rcpDefinitions(inputs));
}

/** The RCPs in the management account, when configured. */
export function resourceControls(
    cfg: SecurityConfig,
    inputs: ResourceControlInputs | undefined,
    trail: OrgTrail,
    logArchiveAdmin: LogArchiveAdminRole | undefined,
    provider: aws.Provider,
): ResourceControls | undefined {
    if (!inputs || !cfg.resourceControlPolicies) return undefined;
    // Like the SCPs: the trail RCP fences the bucket and the key, so on a first deploy it attaches
    // after the deploy role has configured them and the admin role exists.
    const dependsOn: pulumi.Input<pulumi.Resource>[] = [
        ...trail.protectedConfiguration,
        ...(logArchiveAdmin ? [logArchiveAdmin.role, logArchiveAdmin.policy] : []),
    ];
    return new ResourceControls(
        "resource-controls",
        {
            policies: inputs,
            targets: cfg.resourceControlPolicies.targets,
            // RCPs never apply to the management account's resources: a log archive kept there
            // gets no trail RCP attachment.
            logArchiveAccountId:
                cfg.logArchive.accountId === cfg.management.accountId
                    ? undefined
                    : cfg.logArchive.accountId,
            tags: cfg.tags,
            dependsOn,
        },
        { provider },
    );
}
