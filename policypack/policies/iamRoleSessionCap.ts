/**
 * iam-role-session-cap (mandatory): roles that humans can assume (their trust policy names an
 * account root, an IAM user or everyone) keep sessions short. AWS defaults maxSessionDuration to
 * 3600 s and allows up to 12 h; a stolen session is usable for that long.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html#id_roles_update-session-duration
 */
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isHumanAssumable } from "../iam";
import { physicalName, readDocument } from "./common";
import { resourceType, T } from "./types";

export const NAME = "iam-role-session-cap";

interface Config {
    maxSessionSeconds: number;
    ssoRolesAreHuman: boolean;
}

interface RoleProps {
    name?: string;
    assumeRolePolicy?: unknown;
    maxSessionDuration?: number;
}

export const iamRoleSessionCap: ResourceValidationPolicy = {
    name: NAME,
    description: "Roles that humans can assume cap maxSessionDuration (default 3600 s).",
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
    validateResource: validateResourceOfType(
        resourceType<RoleProps>(T.Role),
        (role, args, report) => {
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
        },
    ),
};
