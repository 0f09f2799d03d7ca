/**
 * iam-role-session-cap (mandatory): roles that humans can assume (their trust policy names an
 * account root, an IAM user or everyone) keep sessions short. AWS defaults maxSessionDuration to
 * 3600 s and allows up to 12 h; a stolen session is usable for that long.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html#id_roles_update-session-duration
 *
 * IAM Identity Center permission sets are for people by design, so every one is held to the same
 * cap through its `sessionDuration`: an ISO-8601 duration that AWS allows from one to twelve hours
 * and defaults to one hour (PT1H) when unset. Every form of AWS's SessionDuration pattern is read
 * (`P0DT1H`, `PT3600S`; days and weeks as 24 h and 7 days, permissionSets.ts parseDuration);
 * years and months, which have no fixed length, are refused with that reason. The break-glass permission set gets no more than
 * the roles' cap either (iam-no-admin-grants exempts it from the admin check only while it keeps
 * to PT1H). A value that is not such a duration is a violation, named with what AWS accepts.
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/howtosessionduration.html
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html
 */
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isHumanAssumable } from "../iam";
import { physicalName, readDocument, validateResourceOfTypes } from "./common";
import { parseDuration } from "./permissionSets";
import { resourceType, T } from "./types";

export const NAME = "iam-role-session-cap";

interface Config {
    maxSessionSeconds: number;
    ssoRolesAreHuman: boolean;
}

/** What AWS allows and assumes for a permission set's sessionDuration (howtosessionduration.html). */
export const PERMISSION_SET_SESSION = { default: "PT1H", minSeconds: 3600, maxSeconds: 43200 };

interface PermissionSetProps {
    name?: string;
    sessionDuration?: string;
}

interface RoleProps {
    name?: string;
    assumeRolePolicy?: unknown;
    maxSessionDuration?: number;
}

export const iamRoleSessionCap: ResourceValidationPolicy = {
    name: NAME,
    description:
        "Roles that humans can assume, and every IAM Identity Center permission set, cap their session length (default 3600 s).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxSessionSeconds: {
                type: "integer",
                minimum: 900,
                maximum: 43200,
                default: 3600,
                description: "Longest session allowed on a human-assumable role, in seconds.",
            },
            ssoRolesAreHuman: {
                type: "boolean",
                default: false,
                description:
                    "Count IAM Identity Center (AWSReservedSSO_*) role principals as humans.",
            },
        },
    },
    validateResource: validateResourceOfTypes(
        validateResourceOfType(resourceType<RoleProps>(T.Role), (role, args, report) => {
            const { maxSessionSeconds, ssoRolesAreHuman } = args.getConfig<Config>();
            const cap = maxSessionSeconds ?? 3600;
            const duration = role.maxSessionDuration ?? 3600;
            if (duration <= cap) return;
            // A malformed trust policy is reported by iam-policy-document-valid.
            const doc = readDocument(role.assumeRolePolicy, "trust");
            if (!doc || !isHumanAssumable(doc, { ssoRolesAreHuman: ssoRolesAreHuman === true }))
                return;
            report(
                `Role "${physicalName(role, args.name)}" can be assumed by humans (account roots or IAM users in its trust policy) and has maxSessionDuration ${duration} s, above the cap of ${cap} s. Fix: set maxSessionDuration to ${cap} or less.`,
            );
        }),
        validateResourceOfType(
            resourceType<PermissionSetProps>(T.PermissionSet),
            (ps, args, report) => {
                const cap = args.getConfig<Config>().maxSessionSeconds ?? 3600;
                const set = `Permission set "${physicalName(ps, args.name)}"`;
                const given = ps.sessionDuration;
                const value =
                    given === undefined || given === null || given === ""
                        ? PERMISSION_SET_SESSION.default
                        : given;
                const parsed =
                    typeof value === "string"
                        ? parseDuration(value)
                        : { refused: "it is not a string" };
                const seconds = "seconds" in parsed ? parsed.seconds : undefined;
                const allowed = `AWS accepts an ISO-8601 duration from PT1H to PT12H (e.g. "PT1H", "PT1H30M", "P0DT2H", "PT3600S"; days and weeks count as 24 h and 7 days, years and months are refused)`;
                if (
                    seconds === undefined ||
                    seconds < PERMISSION_SET_SESSION.minSeconds ||
                    seconds > PERMISSION_SET_SESSION.maxSeconds
                ) {
                    const why =
                        "refused" in parsed
                            ? parsed.refused
                            : `it is ${seconds} s, outside ${PERMISSION_SET_SESSION.minSeconds}-${PERMISSION_SET_SESSION.maxSeconds} s`;
                    report(
                        `${set} has sessionDuration ${JSON.stringify(given)}, which is not a session length IAM Identity Center accepts (${why}): ${allowed}. Fix: set sessionDuration to "PT1H".`,
                    );
                    return;
                }
                if (seconds <= cap) return;
                report(
                    `${set} gives the people assigned to it sessions of ${value} (${seconds} s), above the cap of ${cap} s${given === value ? "" : " (AWS's default)"}. Fix: set sessionDuration to "PT1H" or at most the cap.`,
                );
            },
        ),
    ),
};
