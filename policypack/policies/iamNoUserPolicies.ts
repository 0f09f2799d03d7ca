/**
 * iam-no-user-policies (mandatory): IAM users get permissions only through groups, never inline
 * user policies or direct attachments (reference design 002; CIS AWS Foundations 1.15).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html
 */
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { quoteList, stringArray, validateResourceOfTypes } from "./common";
import { resourceType, T } from "./types";

export const NAME = "iam-no-user-policies";

const FIX =
    "Fix: put the permissions on a group (aws.iam.GroupPolicy or GroupPolicyAttachment) and add the user to it.";

function direct(type: string, userProp: string, what: string, nonEmptyProp?: string) {
    return validateResourceOfType(
        resourceType<Record<string, unknown>>(type),
        (props, _args, report) => {
            if (nonEmptyProp && stringArray(props[nonEmptyProp]).length === 0) return;
            const user =
                typeof props[userProp] === "string" ? (props[userProp] as string) : "(unknown)";
            report(
                `${what} gives IAM user "${user}" permissions directly; users get permissions only through groups. ${FIX}`,
            );
        },
    );
}

const policyAttachment = validateResourceOfType(
    resourceType<{ users?: string[] }>(T.PolicyAttachment),
    (props, _args, report) => {
        const users = stringArray(props.users);
        if (users.length === 0) return;
        report(
            `This aws.iam.PolicyAttachment attaches the policy directly to IAM user(s) ${quoteList(users)}; users get permissions only through groups. ${FIX}`,
        );
    },
);

export const iamNoUserPolicies: ResourceValidationPolicy = {
    name: NAME,
    description:
        "IAM users get permissions only through groups: no inline user policies and no policies attached to users.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfTypes(
        direct(T.UserPolicy, "user", "This inline aws.iam.UserPolicy"),
        direct(T.UserPolicyAttachment, "user", "This aws.iam.UserPolicyAttachment"),
        direct(
            T.UserPoliciesExclusive,
            "userName",
            "This aws.iam.UserPoliciesExclusive",
            "policyNames",
        ),
        direct(
            T.UserPolicyAttachmentsExclusive,
            "userName",
            "This aws.iam.UserPolicyAttachmentsExclusive",
            "policyArns",
        ),
        policyAttachment,
    ),
};
