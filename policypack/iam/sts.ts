/** The STS actions and request keys the trust-policy analyses speak of. */

export const ASSUME_ROLE = "sts:AssumeRole";
export const ASSUME_ROLE_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";
export const MFA_PRESENT = "aws:multifactorauthpresent";
export const MFA_AGE = "aws:multifactorauthage";
export const EXTERNAL_ID = "sts:externalid";

/** The actions a role trust policy governs. */
export const TRUST_POLICY_ACTIONS: readonly string[] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];
