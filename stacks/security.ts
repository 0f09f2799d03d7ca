import * as pulumi from "@pulumi/pulumi";
import {
    AccountTarget,
    auditRoleArn,
    BREAK_GLASS_ROLE,
    ConfigError,
    INCIDENT_RESPONSE_ROLE,
    LOG_ARCHIVE_ADMIN_ROLE,
    loadSecurityConfig,
    SecurityConfig,
    TrustedPrincipals,
} from "../config";
import { CiIdentity } from "../components/ciIdentity";
import { PreviewRole } from "../components/previewRole";
import { Detection } from "../components/detection";
import { DutyGroup } from "../components/dutyGroup";
import { BREAK_GLASS_MFA_MAX_AGE, INCIDENT_RESPONSE_MFA_MAX_AGE } from "../components/dutyRoles";
import {
    GuardrailPolicyInputs,
    Guardrails,
    placeholderKeyArn,
    scpDefinitions,
    scpSizeProblems,
} from "../components/guardrails";
import { breakGlassUserPath, LogArchiveAdminRole } from "../components/logArchiveAdmin";
import { OrgTrail } from "../components/orgTrail";
import { SecurityAccess } from "../components/securityAccess";
import { AccountProviders } from "./providers";

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
                ...(cfg.ci
                    ? [`/${cfg.ci.deployIdentityName}`, `/${cfg.ci.previewIdentityName}`]
                    : []),
            ]),
        ].sort(),
        allowedRegions: cfg.guardrails?.allowedRegions,
    };
}

/** Exact ARNs of a duty role in every workload account that enables it. */
function dutyRoleArns(
    cfg: SecurityConfig,
    flag: "incidentResponseRole" | "breakGlassRole",
    roleName: string,
): string[] {
    return cfg.workloadTargets.flatMap((t) =>
        t.accounts
            .filter((a) => a[flag])
            .map((a) => `arn:${cfg.partition}:iam::${a.accountId}:role/${roleName}`),
    );
}

/**
 * Exact ARNs of every preview role a pull request's preview may assume: this stack's accounts, and
 * every account of the provider-mode workload stacks with a preview role (config/index.ts refuses
 * a provider-mode workload stack without one when ci is configured).
 */
function previewRoleArns(cfg: SecurityConfig, ownAccounts: readonly AccountTarget[]): string[] {
    return [
        ...ownAccounts.map(
            (a) => `arn:${cfg.partition}:iam::${a.accountId}:role/${a.previewRoleName}`,
        ),
        ...cfg.workloadTargets.flatMap((t) =>
            t.deploymentMode === "provider" && t.previewRoleName
                ? t.accounts.map(
                      (a) => `arn:${cfg.partition}:iam::${a.accountId}:role/${t.previewRoleName}`,
                  )
                : [],
        ),
    ];
}

/**
 * The security stack: people and service identities in the security account; the organization
 * trail, its alarms and the SCPs in the management account; the trail's bucket and key in the
 * log-archive account; and, when configured, the CI identity.
 */
export function securityStack(cfg: SecurityConfig = loadSecurityConfig()) {
    // SCP sizes depend on config only (the key ARN's length is fixed): check before registering anything.
    const scpInputs = guardrailInputs(cfg);
    if (cfg.guardrails) {
        const problems = scpSizeProblems(
            scpDefinitions(
                scpInputs,
                placeholderKeyArn(cfg.partition, cfg.region, cfg.logArchive.accountId),
            ),
        );
        if (problems.length > 0) throw new ConfigError(cfg.stack, problems);
    }

    const providers = new AccountProviders(cfg);
    const securityProvider = providers.for(cfg.security);
    const managementProvider = providers.for(cfg.management);

    // Exact role ARNs from every workload stack file: adding an account there adds it here.
    const roleArns = cfg.workloadTargets.flatMap((t) =>
        t.accounts.map((a) => auditRoleArn(cfg.partition, a.accountId, t.auditRole)),
    );
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

    // The log-archive admin role exists when someone can assume it: the break-glass users.
    const adminRoleArn =
        cfg.breakGlassUsers.length > 0
            ? `arn:${cfg.partition}:iam::${cfg.logArchive.accountId}:role/${LOG_ARCHIVE_ADMIN_ROLE}`
            : undefined;
    const trail = new OrgTrail("org-trail", {
        managementProvider,
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
        objectLockRetentionDays: cfg.trail.objectLockRetentionDays,
        adminRoleArn,
        tags: cfg.tags,
    });

    const duty = (
        name: string,
        groupName: string,
        users: readonly string[],
        roleArns: string[],
        mfaMaxAgeSeconds: number,
        userPath: string = cfg.iamPath,
    ) =>
        users.length === 0
            ? undefined
            : new DutyGroup(
                  name,
                  {
                      accountId: cfg.securityAccountId,
                      groupName,
                      duty: name,
                      users,
                      roleArns,
                      mfaMaxAgeSeconds,
                      path: cfg.iamPath,
                      userPath,
                      partition: cfg.partition,
                      tags: cfg.tags,
                  },
                  { provider: securityProvider },
              );
    const incidentRoleArns = dutyRoleArns(cfg, "incidentResponseRole", INCIDENT_RESPONSE_ROLE);
    const breakGlassRoleArns = dutyRoleArns(cfg, "breakGlassRole", BREAK_GLASS_ROLE);
    const responders = duty(
        "incident-response",
        "org-access-incident-responders",
        cfg.incidentResponders,
        incidentRoleArns,
        INCIDENT_RESPONSE_MFA_MAX_AGE,
    );
    const breakGlass = duty(
        "break-glass",
        "org-access-break-glass",
        cfg.breakGlassUsers,
        [...breakGlassRoleArns, ...(adminRoleArn ? [adminRoleArn] : [])],
        BREAK_GLASS_MFA_MAX_AGE,
        // A path of their own: OrgAccessLogArchiveAdmin trusts the path, not a list of users.
        breakGlassUserPath(cfg.iamPath),
    );
    const logArchiveAdmin = breakGlass
        ? new LogArchiveAdminRole(
              "log-archive-admin",
              {
                  trustedAccountId: cfg.securityAccountId,
                  breakGlassUserPath: breakGlassUserPath(cfg.iamPath),
                  bucketName: cfg.trail.bucketName,
                  keyArn: trail.key.arn,
                  partition: cfg.partition,
                  tags: cfg.tags,
              },
              { provider: providers.for(cfg.logArchive) },
          )
        : undefined;

    const detection = new Detection(
        "detection",
        {
            logGroupName: trail.logGroup.name,
            accountId: cfg.management.accountId,
            region: cfg.region,
            partition: cfg.partition,
            breakGlassRoleName: BREAK_GLASS_ROLE,
            logArchiveAdminRoleName: LOG_ARCHIVE_ADMIN_ROLE,
            emails: cfg.alarmEmails,
            tags: cfg.tags,
        },
        { provider: managementProvider },
    );

    const guardrails = cfg.guardrails
        ? new Guardrails(
              "guardrails",
              {
                  policies: scpInputs,
                  logKeyArn: trail.key.arn,
                  targets: cfg.guardrails.targets,
                  workloadTargets: cfg.guardrails.workloadTargets,
                  tags: cfg.tags,
                  // The SCP lets only the admin role change the bucket, the key and the admin role
                  // itself: on a first deploy, it attaches after the deploy role has created them.
                  dependsOn: [
                      ...trail.protectedConfiguration,
                      ...(logArchiveAdmin ? [logArchiveAdmin.role, logArchiveAdmin.policy] : []),
                  ],
              },
              { provider: managementProvider },
          )
        : undefined;

    // The accounts this stack reaches itself (security, management, log-archive), once each.
    const ownAccounts = [
        ...new Map(
            [cfg.security, cfg.management, cfg.logArchive].map((a) => [a.accountId, a]),
        ).values(),
    ];
    const ci = cfg.ci
        ? new CiIdentity(
              "ci",
              {
                  deploy: {
                      repository: cfg.ci.repository,
                      environment: cfg.ci.deployEnvironment,
                      branch: cfg.ci.deployBranch,
                      workflow: cfg.ci.deployWorkflow,
                  },
                  deployIdentityName: cfg.ci.deployIdentityName,
                  previewIdentityName: cfg.ci.previewIdentityName,
                  // The same ARNs the providers assume (components/provider.ts): every account this program reaches.
                  deployRoleArns: [
                      ...ownAccounts,
                      ...cfg.workloadTargets.flatMap((t) => t.accounts),
                  ].map((a) => `arn:${cfg.partition}:iam::${a.accountId}:role/${a.deployRoleName}`),
                  previewRoleArns: previewRoleArns(cfg, ownAccounts),
                  stateBucket: cfg.ci.stateBucket,
                  stateKeyArn: cfg.ci.stateKeyArn,
                  partition: cfg.partition,
                  tags: cfg.tags,
              },
              { provider: cfg.ci.account === "security" ? securityProvider : managementProvider },
          )
        : undefined;
    // A read-only preview role in every account this stack reaches, trusted by the preview identity alone.
    const previewRoles = ci
        ? ownAccounts.map(
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
          )
        : [];

    // What the workload stack trusts. Secret, because it carries the reporters' ExternalIds.
    const none = pulumi.output<string[] | undefined>(undefined);
    const trustedPrincipals: pulumi.Output<TrustedPrincipals> = pulumi.secret(
        pulumi
            .all([
                access.humanArns,
                access.reporterArns,
                pulumi.all(cfg.reporters.map((r) => r.externalId)),
                responders?.userArns ?? none,
                breakGlass?.userArns ?? none,
                ci?.previewRoleArn ?? pulumi.output<string | undefined>(undefined),
            ])
            .apply(
                ([
                    humanArns,
                    reporterArns,
                    externalIds,
                    incidentResponderArns,
                    breakGlassArns,
                    previewIdentityArn,
                ]) => ({
                    humanArns,
                    reporters: cfg.reporters.map((r, i) => ({
                        name: r.name,
                        arn: reporterArns[i],
                        externalId: externalIds[i],
                        // Network conditions travel with the reporter into every audit role's trust.
                        ...(r.sourceIps ? { sourceIps: [...r.sourceIps] } : {}),
                        ...(r.sourceVpces ? { sourceVpces: [...r.sourceVpces] } : {}),
                    })),
                    ...(incidentResponderArns ? { incidentResponderArns } : {}),
                    ...(breakGlassArns ? { breakGlassArns } : {}),
                    // The workload stacks' preview roles trust this identity alone.
                    ...(previewIdentityArn ? { previewIdentityArn } : {}),
                }),
            ),
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
        alarmTopicArn: detection.topicArn,
        alarmNames: detection.alarms.map((a) => a.name),
        incidentResponseGroupArn: responders?.group.arn,
        grantedIncidentResponseRoleArns: incidentRoleArns,
        breakGlassGroupArn: breakGlass?.group.arn,
        grantedBreakGlassRoleArns: breakGlassRoleArns,
        logArchiveAdminRoleArn: logArchiveAdmin?.roleArn,
        serviceControlPolicies: guardrails?.summary,
        ciDeployIdentityArn: ci?.deployRoleArn,
        ciPreviewIdentityArn: ci?.previewRoleArn,
        githubOidcProviderArn: ci?.oidcProvider.arn,
        previewRoleArns: Object.fromEntries(
            previewRoles.map((r, i) => [ownAccounts[i].name, r.roleArn]),
        ),
    };
}
