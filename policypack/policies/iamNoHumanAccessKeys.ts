/**
 * iam-no-human-access-keys (mandatory): human IAM users get no long-lived access keys; they sign in
 * with a password and MFA and assume roles for temporary credentials. A user is human when the
 * stack gives it a console login profile or tags it as human (`humanTagKey` = `humanTagValue`).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { T } from "./types";
import { fromPolicyResources } from "../model/policyResources";
import { indexBy, lookup, namesOf, ofType, refKey } from "../model/references";
import { ModelResource } from "../model/resources";

export const NAME = "iam-no-human-access-keys";

interface Config {
    humanTagKey: string;
    humanTagValue: string;
}

export const iamNoHumanAccessKeys: StackValidationPolicy = {
    name: NAME,
    description:
        "Human IAM users (with a console login profile, or tagged as human) have no access keys.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            humanTagKey: {
                type: "string",
                default: "org-access:principal-type",
                description: "Tag key that marks a user as human or machine.",
            },
            humanTagValue: {
                type: "string",
                default: "human",
                description: "Tag value (of humanTagKey) that marks a human user.",
            },
        },
    },
    validateStack: (args, report) => {
        const { humanTagKey, humanTagValue } = args.getConfig<Config>();
        const resources = fromPolicyResources(args.resources);
        const keys = ofType(resources, T.AccessKey);
        if (keys.length === 0) return;
        const profiles = indexBy(ofType(resources, T.UserLoginProfile), "user", true);
        const users = new Map<string, ModelResource[]>();
        for (const u of ofType(resources, T.User)) {
            for (const n of namesOf(u, "name")) {
                const k = refKey(n, true);
                users.set(k, [...(users.get(k) ?? []), u]);
            }
        }
        for (const key of keys) {
            const userRef = key.props.user;
            const user =
                typeof userRef === "string" ? users.get(refKey(userRef, true))?.[0] : undefined;
            const names = user
                ? namesOf(user, "name")
                : typeof userRef === "string"
                  ? [userRef]
                  : [];
            const profile = lookup(profiles, "user", names, true)[0];
            const tags = (user?.props.tags ?? {}) as Record<string, unknown>;
            const tagged = humanTagKey !== undefined && tags[humanTagKey] === humanTagValue;
            if (!profile && !tagged) continue;
            const why = profile
                ? `it has a console login profile ("${profile.name}")`
                : `it is tagged ${humanTagKey}=${humanTagValue}`;
            report(
                `IAM user "${String(userRef)}" is a human (${why}) and gets a long-lived access key ("${key.name}"). ` +
                    `Fix: remove the aws.iam.AccessKey; humans sign in with password and MFA and assume roles, and programmatic access belongs to a separate user without a login profile.`,
                key.urn,
            );
        }
    },
};
