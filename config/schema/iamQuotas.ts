// The IAM quotas the within-iam-quotas proof holds the plan to. Two of IAM's quotas can be raised
// per account through Service Quotas; set them here only when every account of the stack has the
// raised value, or a deployment fails where it was not raised.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
import { z } from "zod";

/** IAM's defaults, and the most each can be raised to. */
export const IAM_QUOTA_LIMITS = {
    roleTrustPolicyLength: { default: 2048, max: 4096 },
    managedPoliciesPerRole: { default: 10, max: 20 },
    managedPoliciesPerUser: { default: 10, max: 20 },
} as const;

type QuotaKey = keyof typeof IAM_QUOTA_LIMITS;

const raised = (key: QuotaKey, what: string) => {
    const { default: min, max } = IAM_QUOTA_LIMITS[key];
    return z
        .number({ error: `must be a number of ${what}` })
        .int({ error: `must be a whole number of ${what}` })
        .min(min, { error: `must be at least ${min} (IAM's default quota)` })
        .max(max, { error: `must be at most ${max} (the most IAM raises this quota to)` })
        .default(min);
};

export const iamQuotasSchema = z
    .strictObject(
        {
            /** Characters (whitespace excluded) of a role's trust policy: 2048, raisable to 4096. */
            roleTrustPolicyLength: raised("roleTrustPolicyLength", "characters"),
            /** Managed policies attached to one role: 10, raisable to 20. */
            managedPoliciesPerRole: raised("managedPoliciesPerRole", "policies"),
            /** Managed policies attached to one user: 10, raisable to 20. */
            managedPoliciesPerUser: raised("managedPoliciesPerUser", "policies"),
        },
        { error: "must be an object" },
    )
    .default({
        roleTrustPolicyLength: IAM_QUOTA_LIMITS.roleTrustPolicyLength.default,
        managedPoliciesPerRole: IAM_QUOTA_LIMITS.managedPoliciesPerRole.default,
        managedPoliciesPerUser: IAM_QUOTA_LIMITS.managedPoliciesPerUser.default,
    });

export type IamQuotas = z.infer<typeof iamQuotasSchema>;
