/**
 * The AWS Organizations authorization policy types org-access writes and the pack reads, each with
 * the size AWS allows its documents. AWS counts every character, white space included: 5,120 for
 * an SCP and for an RCP. Inside the pack so that it builds on its own; the components import it
 * from here (components/guardrails.ts), so the program's size check and the pack's are one rule.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
 */
export const ORGANIZATION_POLICY_TYPES = {
    SERVICE_CONTROL_POLICY: { abbreviation: "SCP", maxCharacters: 5120 },
    RESOURCE_CONTROL_POLICY: { abbreviation: "RCP", maxCharacters: 5120 },
} as const;
export type OrganizationPolicyType = keyof typeof ORGANIZATION_POLICY_TYPES;
