// The security stack's duties: the incident-response and break-glass groups of the security
// account, and the exact duty role ARNs each group may assume.
import * as aws from "@pulumi/aws";
import { iamRoleArn } from "../../components/arns";
import { BREAK_GLASS_ROLE, INCIDENT_RESPONSE_ROLE, SecurityConfig } from "../../config";
import { DutyGroup } from "../../components/dutyGroup";
import { BREAK_GLASS_MFA_MAX_AGE, INCIDENT_RESPONSE_MFA_MAX_AGE } from "../../components/dutyRoles";
import { breakGlassUserPath } from "../../components/logArchiveAdmin";

/** Exact ARNs of a duty role in every workload account that enables it. */
export function dutyRoleArns(
    cfg: SecurityConfig,
    flag: "incidentResponseRole" | "breakGlassRole",
    roleName: string,
): string[] {
    return cfg.workloadTargets.flatMap((t) =>
        t.accounts
            .filter((a) => a[flag])
            .map((a) => iamRoleArn(cfg.partition, a.accountId, roleName)),
    );
}

export interface DutyGroups {
    readonly responders?: DutyGroup;
    readonly breakGlass?: DutyGroup;
    readonly incidentRoleArns: string[];
    readonly breakGlassRoleArns: string[];
}

/** One duty group, when it has users. */
function dutyGroup(
    cfg: SecurityConfig,
    provider: aws.Provider,
    duty: {
        name: "incident-response" | "break-glass";
        groupName: string;
        users: readonly string[];
        roleArns: string[];
        mfaMaxAgeSeconds: number;
        userPath?: string;
    },
): DutyGroup | undefined {
    if (duty.users.length === 0) return undefined;
    return new DutyGroup(
        duty.name,
        {
            accountId: cfg.securityAccountId,
            groupName: duty.groupName,
            duty: duty.name,
            users: duty.users,
            roleArns: duty.roleArns,
            organizationId: cfg.organizationId,
            mfaMaxAgeSeconds: duty.mfaMaxAgeSeconds,
            path: cfg.iamPath,
            userPath: duty.userPath ?? cfg.iamPath,
            partition: cfg.partition,
            tags: cfg.tags,
        },
        { provider },
    );
}

/**
 * The incident responders and the break-glass users, each a group that may assume its duty role
 * where a workload account enables it; the break-glass users may also assume the log-archive
 * admin role (`adminRoleArn`).
 */
export function dutyGroups(
    cfg: SecurityConfig,
    provider: aws.Provider,
    adminRoleArn: string | undefined,
): DutyGroups {
    const incidentRoleArns = dutyRoleArns(cfg, "incidentResponseRole", INCIDENT_RESPONSE_ROLE);
    const breakGlassRoleArns = dutyRoleArns(cfg, "breakGlassRole", BREAK_GLASS_ROLE);
    const responders = dutyGroup(cfg, provider, {
        name: "incident-response",
        groupName: "org-access-incident-responders",
        users: cfg.incidentResponders,
        roleArns: incidentRoleArns,
        mfaMaxAgeSeconds: INCIDENT_RESPONSE_MFA_MAX_AGE,
    });
    const breakGlass = dutyGroup(cfg, provider, {
        name: "break-glass",
        groupName: "org-access-break-glass",
        users: cfg.breakGlassUsers,
        roleArns: [...breakGlassRoleArns, ...(adminRoleArn ? [adminRoleArn] : [])],
        mfaMaxAgeSeconds: BREAK_GLASS_MFA_MAX_AGE,
        // A path of their own: OrgAccessLogArchiveAdmin trusts the path, not a list of users.
        userPath: breakGlassUserPath(cfg.iamPath),
    });
    return { responders, breakGlass, incidentRoleArns, breakGlassRoleArns };
}
