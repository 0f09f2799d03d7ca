import * as pulumi from "@pulumi/pulumi";
import {
    auditRoleArn,
    BREAK_GLASS_ROLE,
    ConfigError,
    INCIDENT_RESPONSE_ROLE,
    loadSecurityConfig,
    SecurityConfig,
    TrustedPrincipals,
} from "../config";
import { CiIdentity } from "../components/ciIdentity";
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
        logArchiveDeployRoleName: cfg.logArchive.deployRoleName,
        deployRoleNames: [
            ...new Set([...members.map((a) => a.deployRoleName), ...workloadDeployRoles]),
        ].sort(),
        workloadDeployRoleNames: [...new Set(workloadDeployRoles)].sort(),
        protectedRoles: [
            ...new Set([
                ...cfg.workloadTargets.map((t) => `${t.auditRole.path}${t.auditRole.name}`),
                `/${INCIDENT_RESPONSE_ROLE}`,
                `/${BREAK_GLASS_ROLE}`,
                ...(cfg.ci ? [`/${cfg.ci.roleName}`] : []),
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
        tags: cfg.tags,
    });

    const duty = (
        name: string,
        groupName: string,
        users: readonly string[],
        roleArns: string[],
        mfaMaxAgeSeconds: number,
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
        breakGlassRoleArns,
        BREAK_GLASS_MFA_MAX_AGE,
    );

    const detection = new Detection(
        "detection",
        {
            logGroupName: trail.logGroup.name,
            accountId: cfg.management.accountId,
            region: cfg.region,
            partition: cfg.partition,
            breakGlassRoleName: BREAK_GLASS_ROLE,
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
              },
              { provider: managementProvider },
          )
        : undefined;

    const ci = cfg.ci
        ? new CiIdentity(
              "ci",
              {
                  subjects: cfg.ci.subjects,
                  roleName: cfg.ci.roleName,
                  // The same ARNs the providers assume (components/provider.ts): every account this program reaches.
                  deployRoleArns: [
                      cfg.security,
                      cfg.management,
                      cfg.logArchive,
                      ...cfg.workloadTargets.flatMap((t) => t.accounts),
                  ].map((a) => `arn:${cfg.partition}:iam::${a.accountId}:role/${a.deployRoleName}`),
                  stateBucket: cfg.ci.stateBucket,
                  stateKeyArn: cfg.ci.stateKeyArn,
                  partition: cfg.partition,
                  tags: cfg.tags,
              },
              { provider: cfg.ci.account === "security" ? securityProvider : managementProvider },
          )
        : undefined;

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
            ])
            .apply(
                ([
                    humanArns,
                    reporterArns,
                    externalIds,
                    incidentResponderArns,
                    breakGlassArns,
                ]) => ({
                    humanArns,
                    reporters: cfg.reporters.map((r, i) => ({
                        name: r.name,
                        arn: reporterArns[i],
                        externalId: externalIds[i],
                    })),
                    ...(incidentResponderArns ? { incidentResponderArns } : {}),
                    ...(breakGlassArns ? { breakGlassArns } : {}),
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
        serviceControlPolicies: guardrails?.summary,
        ciRoleArn: ci?.roleArn,
        githubOidcProviderArn: ci?.oidcProvider.arn,
    };
}
