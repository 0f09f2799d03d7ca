// The tags the security stack gives its IAM users, which the roles' trust policies and the
// policy pack read. Constants only, so the evidence and the pack can import them without the SDK.

/** Marks each user as a person or a program; the policy pack's iam-no-human-access-keys reads it. */
export const PRINCIPAL_TYPE_TAG = "org-access:principal-type";
/** The one duty a person holds; the roles' trust designates people by it (with the path and type). */
export const DUTY_TAG = "org-access:duty";
