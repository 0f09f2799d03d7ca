// The security stack's guardrails: what the SCPs protect and exempt, their size check, and the
// Guardrails component in the management account.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    BREAK_GLASS_ROLE,
    INCIDENT_RESPONSE_ROLE,
    LOG_ARCHIVE_ADMIN_ROLE,
    SecurityConfig,
} from "../../config";
import {
    GuardrailPolicyInputs,
    Guardrails,
    placeholderKeyArn,
    scpDefinitions,
    policySizeProblems,
} from "../../components/guardrails";
import type { ConfigProblem } from "../../config/errors";
import { FINDINGS_PUBLISHER_ROLE } from "../../components/accessAnalyzer";
import { LogArchiveAdminRole } from "../../components/logArchiveAdmin";
import { OrgTrail } from "../../components/orgTrail";

/** What the SCPs protect and exempt, from the config and the workload stack files. */
export function guardrailInputs(cfg: SecurityConfig): GuardrailPolicyInputs {
    const workloadDeployRoles = cfg.workloadTargets.flatMap((t) =>
        t.accounts.map((a) => a.deployRoleName),
    );
    // The management account is never subject to SCPs; its deploy role is neither exempted nor protected.
    const members = [cfg.security, cfg.logArchive].filter(
        (a) => a.accountId !== cfg.management.accountId,
    );
    return {
        partition: cfg.partition,
        trailName: cfg.trail.name,
        trailBucketName: cfg.trail.bucketName,
        logArchiveAccountId: cfg.logArchive.accountId,
        logArchiveAdminRoleName: LOG_ARCHIVE_ADMIN_ROLE,
        deployRoleNames: [
            ...new Set([...members.map((a) => a.deployRoleName), ...workloadDeployRoles]),
        ].sort(),
        workloadDeployRoleNames: [...new Set(workloadDeployRoles)].sort(),
        previewRoleNames: [
            ...new Set(
                [
                    cfg.ci?.previewRoleName,
                    ...cfg.workloadTargets.map((t) => t.previewRoleName),
                ].filter((n): n is string => n !== undefined),
            ),
        ].sort(),
        protectedRoles: [
            ...new Set([
                ...cfg.workloadTargets.map((t) => `${t.auditRole.path}${t.auditRole.name}`),
                `/${INCIDENT_RESPONSE_ROLE}`,
                `/${BREAK_GLASS_ROLE}`,
                // Both CI identities (the preview roles are protected through previewRoleNames).
                // The deploy identity may assume the management account's deploy role by name in
                // every account of the organization (components/orgGrants.ts): in the member
                // accounts that name is reserved too, though the role itself lives in the
                // management account, which no SCP binds.
                ...(cfg.ci
                    ? [
                          `/${cfg.ci.deployIdentityName}`,
                          `/${cfg.ci.previewIdentityName}`,
                          `/${cfg.management.deployRoleName}`,
                      ]
                    : []),
                // The role that carries Access Analyzer's findings to the alarm topic.
                ...(cfg.accessAnalyzer ? [`/${FINDINGS_PUBLISHER_ROLE}`] : []),
            ]),
        ].sort(),
        allowedRegions: cfg.guardrails?.allowedRegions,
    };
}

/**
 * The SCPs over the size quota, each named with its key and fix (the stack refuses them with the
 * RCPs' in one ConfigError, before anything is registered). Their sizes depend on config only
 * (the key ARN's length is fixed), so a placeholder key ARN measures them exactly.
 */
export function scpSizeProblems(
    cfg: SecurityConfig,
    inputs: GuardrailPolicyInputs,
): ConfigProblem[] {
    if (!cfg.guardrails) return [];
    return policySizeProblems(
        scpDefinitions(
            inputs,
            placeholderKeyArn(cfg.partition, cfg.region, cfg.logArchive.accountId),
        ),
    );
}

/** The SCPs in the management account, when configured. */
export function guardrails(
    cfg: SecurityConfig,
    inputs: GuardrailPolicyInputs,
    trail: OrgTrail,
    logArchiveAdmin: LogArchiveAdminRole | undefined,
    provider: aws.Provider,
): Guardrails | undefined {
    if (!cfg.guardrails) return undefined;
    // The SCP lets only the admin role change the bucket, the key and the admin role itself: on a
    // first deploy, it attaches after the deploy role has created them.
    const dependsOn: pulumi.Input<pulumi.Resource>[] = [
        ...trail.protectedConfiguration,
        ...(logArchiveAdmin ? [logArchiveAdmin.role, logArchiveAdmin.policy] : []),
    ];
    return new Guardrails(
        "guardrails",
        {
            policies: inputs,
            logKeyArn: trail.key.arn,
            targets: cfg.guardrails.targets,
            workloadTargets: cfg.guardrails.workloadTargets,
            tags: cfg.tags,
            dependsOn,
        },
        { provider },
    );
}
