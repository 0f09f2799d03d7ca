// The security stack's people and programs: the auditors and reporters of the security account,
// and the principals every workload stack's roles trust (the `trustedPrincipals` output).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { auditRoleArn, SecurityConfig, TrustedPrincipals } from "../../config";
import { SecurityAccess } from "../../components/securityAccess";
import { DutyGroups } from "./duty";

/** Exact audit role ARNs from every workload stack file: adding an account there adds it here. */
export function grantedAuditRoleArns(cfg: SecurityConfig): string[] {
    return cfg.workloadTargets.flatMap((t) =>
        t.accounts.map((a) => auditRoleArn(cfg.partition, a.accountId, t.auditRole)),
    );
}

/** The auditors and reporters, with their groups and password policy, in the security account. */
export function securityAccess(
    cfg: SecurityConfig,
    auditRoleArns: string[],
    provider: aws.Provider,
): SecurityAccess {
    const mfaMaxAge = Math.min(...cfg.workloadTargets.map((t) => t.auditRole.mfaMaxAgeSeconds));
    return new SecurityAccess(
        "security-access",
        {
            accountId: cfg.securityAccountId,
            auditors: cfg.auditors,
            reporters: cfg.reporters.map((r) => r.name),
            auditRoleArns,
            organizationId: cfg.organizationId,
            path: cfg.iamPath,
            mfaMaxAgeSeconds: mfaMaxAge,
            passwordPolicy: cfg.passwordPolicy,
            partition: cfg.partition,
            tags: cfg.tags,
        },
        { provider },
    );
}

/** What the workload stack trusts. Secret, because it carries the reporters' ExternalIds. */
export function trustedPrincipals(
    cfg: SecurityConfig,
    access: SecurityAccess,
    duty: DutyGroups,
    previewIdentityArn: pulumi.Output<string> | undefined,
): pulumi.Output<TrustedPrincipals> {
    const none = pulumi.output<string[] | undefined>(undefined);
    return pulumi.secret(
        pulumi
            .all([
                access.humanArns,
                access.reporterArns,
                pulumi.all(cfg.reporters.map((r) => r.externalId)),
                duty.responders?.userArns ?? none,
                duty.breakGlass?.userArns ?? none,
                previewIdentityArn ?? pulumi.output<string | undefined>(undefined),
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
}
